package dev.doco.oci;

import org.jspecify.annotations.Nullable;

/** The manifest, tag or blob does not exist in the repository (404). */
public class ArtifactNotFoundException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public ArtifactNotFoundException(
      String message,
      String registry,
      String repository,
      @Nullable String digest,
      @Nullable String errorCode) {
    super(message, registry, repository, digest, 404, errorCode, null);
  }
}
