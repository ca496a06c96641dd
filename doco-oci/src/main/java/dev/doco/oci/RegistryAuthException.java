package dev.doco.oci;

import org.jspecify.annotations.Nullable;

/** The registry refused our credentials (401) or permissions (403), or a token could not be had. */
public class RegistryAuthException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public RegistryAuthException(
      String message,
      String registry,
      String repository,
      @Nullable String digest,
      int status,
      @Nullable String errorCode,
      @Nullable Throwable cause) {
    super(message, registry, repository, digest, status, errorCode, cause);
  }
}
