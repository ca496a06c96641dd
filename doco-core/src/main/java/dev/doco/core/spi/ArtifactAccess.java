package dev.doco.core.spi;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Read access to one artifact's repository, for verifiers: manifests and blobs by digest,
 * referrers, tags.
 *
 * <p>Every byte returned has been (or, for streams, is being) checked against its digest: a blob
 * stream whose content does not match throws {@link IOException} before reporting end of stream.
 * The registry source and the OCI-layout source provide this; tests provide an in-memory one.
 */
public interface ArtifactAccess {

  /** The canonical repository name, e.g. {@code ghcr.io/org/cfg}. */
  String repository();

  /** The manifest (image, index, or artifact manifest) with this digest. */
  Manifest manifest(String digest) throws IOException;

  /** A blob, streamed and verified against {@code digest} while read. The caller closes it. */
  InputStream blob(String digest) throws IOException;

  /**
   * The descriptors of manifests whose {@code subject} is {@code digest}, filtered by {@code
   * artifactType} when non-null. Uses the OCI 1.1 referrers API, or the {@code sha256-<hex>}
   * fallback tag where the registry lacks it.
   */
  List<Descriptor> referrers(String digest, @Nullable String artifactType) throws IOException;

  /** The manifest a tag points at, or empty when the tag does not exist. */
  Optional<Manifest> tag(String tag) throws IOException;
}
