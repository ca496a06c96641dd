package dev.doco.oci;

import dev.doco.core.spi.ArtifactAccess;
import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@link ArtifactAccess} over a registry repository: manifests by digest (verified), blobs streamed
 * and verified, referrers (API or fallback tag), tags. Failures are {@link RegistryException}s; a
 * blob stream whose content does not match throws {@link IOException} before end of stream.
 */
public final class RegistryArtifactAccess implements ArtifactAccess {
  private final RegistryClient client;
  private final Reference repo;

  /** Access to {@code repo}'s repository (its tag and digest are ignored). */
  public RegistryArtifactAccess(RegistryClient client, Reference repo) {
    this.client = Objects.requireNonNull(client);
    this.repo = Objects.requireNonNull(repo);
  }

  @Override
  public String repository() {
    return repo.name();
  }

  @Override
  public Manifest manifest(String digest) throws IOException {
    return client.manifest(new Reference(repo.registry(), repo.repository(), null, digest));
  }

  @Override
  public InputStream blob(String digest) throws IOException {
    return client.openBlob(repo, digest, -1);
  }

  /** A blob verified against its descriptor's digest and size. */
  public InputStream blob(Descriptor descriptor) {
    return client.openBlob(repo, descriptor.digest(), descriptor.size());
  }

  @Override
  public List<Descriptor> referrers(String digest, @Nullable String artifactType)
      throws IOException {
    return client.referrers(repo, digest, artifactType);
  }

  @Override
  public Optional<Manifest> tag(String tag) throws IOException {
    return client.findManifest(new Reference(repo.registry(), repo.repository(), tag, null));
  }

  @Override
  public String toString() {
    return "RegistryArtifactAccess[" + repo.name() + "]";
  }
}
