package dev.doco.core;

import java.util.Map;
import java.util.Objects;

/**
 * One resolved version of an artifact: the content digest plus the reference as the user wrote it.
 *
 * <p>Resolving is cheap (for a registry, one {@code HEAD}); the digest is what labels, logs and
 * state show, and what verification targets ({@link #subject()}), never the tag.
 *
 * @param reference the reference as the user wrote it (e.g. {@code ghcr.io/org/cfg:main})
 * @param repository the canonical repository name, e.g. {@code ghcr.io/org/cfg} or {@code
 *     index.docker.io/library/x}; for a layout, {@code oci-layout:/abs/path}
 * @param tag the tag (or {@code sha256:...} identifier for digest references) that was resolved
 * @param digest the content digest of the top-level manifest, {@code sha256:<64 hex>}
 * @param mediaType the top-level manifest media type
 * @param annotations manifest annotations (possibly empty)
 */
public record Revision(
    String reference,
    String repository,
    String tag,
    String digest,
    String mediaType,
    Map<String, String> annotations) {

  public Revision {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(mediaType, "mediaType");
    annotations = Map.copyOf(annotations);
  }

  /** {@code repository@digest}: what verification and logs name. */
  public String subject() {
    return repository + "@" + digest;
  }
}
