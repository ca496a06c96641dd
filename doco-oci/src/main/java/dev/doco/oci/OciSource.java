package dev.doco.oci;

import dev.doco.core.DocoListener;
import dev.doco.core.Revision;
import dev.doco.core.SourceException;
import dev.doco.core.spi.ArtifactAccess;
import dev.doco.core.spi.Checkout;
import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.FetchOptions;
import dev.doco.core.spi.Manifest;
import dev.doco.core.spi.Source;
import dev.doco.oci.extract.CheckoutStore;
import dev.doco.oci.extract.CheckoutWriter;
import dev.doco.oci.extract.ExtractionLimits;
import dev.doco.oci.layout.LayoutArtifactAccess;
import dev.doco.oci.layout.LayoutReference;
import dev.doco.oci.layout.OciLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Source} for OCI registries ({@code ghcr.io/org/cfg:tag}, {@code oci://...}) and OCI
 * image layouts ({@code oci-layout:PATH[:TAG|@DIGEST]}).
 *
 * <p>{@link #resolve} costs one {@code HEAD} for a registry (nothing for a layout). {@link #fetch}
 * reads manifests and layers through the content cache under the data directory (an unchanged
 * digest downloads nothing), extracts with every safety rule and budget into a staging directory,
 * checks the {@code doco.v1} layout there and swaps the tree into the checkout directory keeping
 * its inode; the last N revisions stay cached. Thread-safe.
 *
 * <pre>{@code
 * try (OciSource source = OciSource.builder(Path.of("/data")).build()) {
 *   Revision r = source.resolve("ghcr.io/acme/deploy:prod");
 *   Checkout c = source.fetch(r, source.checkoutDirectory(r), FetchOptions.DEFAULT);
 * }
 * }</pre>
 */
public final class OciSource implements Source {
  private final RegistryClient client;
  private final boolean ownsClient;
  private final CheckoutWriter writer;
  private final DocoListener listener;

  private OciSource(Builder b) {
    this.listener = b.listener;
    if (b.client != null) {
      this.client = b.client;
      this.ownsClient = false;
    } else {
      this.client = RegistryClient.builder().environment(b.settings).listener(b.listener).build();
      this.ownsClient = true;
    }
    this.writer =
        new CheckoutWriter(
            new CheckoutStore(b.dataDirectory, b.keepRevisions), b.limits, b.platform, b.listener);
  }

  /** A builder for a source keeping its checkouts and cache under {@code dataDirectory}. */
  public static Builder builder(Path dataDirectory) {
    return new Builder(dataDirectory);
  }

  /** The checkout store (data directory layout, revision history, blob cache). */
  public CheckoutStore store() {
    return writer.store();
  }

  /** Where the checkout of {@code revision} lives: one directory per repository and tag. */
  public Path checkoutDirectory(Revision revision) {
    return writer.store().checkoutDirectory(revision.repository(), revision.tag());
  }

  @Override
  public Revision resolve(String reference) {
    Objects.requireNonNull(reference, "reference");
    if (reference.startsWith(LayoutReference.SCHEME)) {
      return resolveLayout(reference);
    }
    Reference ref = Reference.parse(reference);
    Descriptor d = client.resolve(ref);
    return new Revision(
        reference,
        ref.name(),
        ref.tagValue().orElse(d.digest()),
        d.digest(),
        d.mediaType(),
        Map.of());
  }

  private Revision resolveLayout(String reference) {
    LayoutReference ref = parseLayout(reference);
    OciLayout layout = OciLayout.open(ref.path());
    try {
      Descriptor d = layout.resolve(ref);
      Manifest m = layout.manifest(d.digest());
      Map<String, String> annotations = new LinkedHashMap<>();
      try {
        annotations.putAll(
            m.mediaType().contains("index")
                ? ImageIndex.parse(m).annotations()
                : ImageManifest.parse(m).annotations());
      } catch (IllegalArgumentException e) {
        // annotations are informative; a broken manifest fails at fetch with a clear error
      }
      listener.onEvent(new dev.doco.core.DocoEvent.Resolved(reference, d.digest()));
      return new Revision(
          reference,
          ref.repository(),
          ref.tag() != null ? ref.tag() : d.digest(),
          d.digest(),
          m.mediaType(),
          annotations);
    } catch (IOException e) {
      throw new SourceException(
          reference + ": reading the OCI layout failed: " + e.getMessage(), reference, null, e);
    }
  }

  private static LayoutReference parseLayout(String reference) {
    try {
      return LayoutReference.parse(reference);
    } catch (IllegalArgumentException e) {
      throw new SourceException(String.valueOf(e.getMessage()), reference, null, e);
    }
  }

  @Override
  public Checkout fetch(Revision revision, Path directory, FetchOptions options) {
    return writer.write(revision, content(revision), directory, options);
  }

  private CheckoutWriter.Content content(Revision revision) {
    if (revision.repository().startsWith(LayoutReference.SCHEME)) {
      OciLayout layout =
          OciLayout.open(Path.of(revision.repository().substring(LayoutReference.SCHEME.length())));
      return CheckoutWriter.content(
          new LayoutArtifactAccess(layout), writer.store().blobs(), listener);
    }
    Reference repo = Reference.parse(revision.repository() + "@" + revision.digest());
    return new CheckoutWriter.Content() {
      @Override
      public Manifest manifest(String digest) {
        return client.manifest(repo.withDigest(digest));
      }

      @Override
      public void download(Descriptor blob, Path target) {
        client.fetchBlob(repo, blob, target);
      }
    };
  }

  @Override
  public ArtifactAccess access(Revision revision) {
    if (revision.repository().startsWith(LayoutReference.SCHEME)) {
      return new LayoutArtifactAccess(
          OciLayout.open(
              Path.of(revision.repository().substring(LayoutReference.SCHEME.length()))));
    }
    return client.access(Reference.parse(revision.repository() + "@" + revision.digest()));
  }

  /** The revisions kept for {@code revision}'s checkout, newest first. */
  public List<CheckoutStore.RevisionRecord> history(Revision revision) throws IOException {
    return writer.store().history(revision.repository(), revision.tag());
  }

  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }

  /** Options of an {@link OciSource}. */
  public static final class Builder {
    private final Path dataDirectory;
    private Map<String, String> settings = System.getenv();
    private DocoListener listener = DocoListener.NONE;
    private ExtractionLimits limits = ExtractionLimits.DEFAULT;
    private int keepRevisions = CheckoutStore.DEFAULT_KEEP;
    private Platform platform = Platform.runtime();
    private @Nullable RegistryClient client;

    private Builder(Path dataDirectory) {
      this.dataDirectory = Objects.requireNonNull(dataDirectory);
    }

    /** Settings (doco-cd's environment names) for the registry client it builds. */
    public Builder settings(Map<String, String> s) {
      this.settings = Map.copyOf(s);
      return this;
    }

    public Builder listener(DocoListener l) {
      this.listener = Objects.requireNonNull(l);
      return this;
    }

    public Builder limits(ExtractionLimits l) {
      this.limits = Objects.requireNonNull(l);
      return this;
    }

    /** How many revisions of each checkout stay cached (default 3). */
    public Builder keepRevisions(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("keepRevisions must be at least 1");
      }
      this.keepRevisions = n;
      return this;
    }

    /** The platform chosen from image indexes (default: this machine's). */
    public Builder platform(Platform p) {
      this.platform = Objects.requireNonNull(p);
      return this;
    }

    /** A shared registry client (not closed by the source); by default the source builds one. */
    public Builder client(RegistryClient c) {
      this.client = Objects.requireNonNull(c);
      return this;
    }

    public OciSource build() {
      return new OciSource(this);
    }
  }
}
