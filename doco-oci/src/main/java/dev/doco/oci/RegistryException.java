package dev.doco.oci;

import dev.doco.core.SourceException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A registry request failed. Carries the registry, repository, digest (when known), the HTTP status
 * (0 when no response was received) and the registry's error code (e.g. {@code MANIFEST_UNKNOWN})
 * when it sent one.
 */
public class RegistryException extends SourceException {
  private static final long serialVersionUID = 1L;

  private final String registry;
  private final String repository;
  private final int status;
  private final @Nullable String errorCode;

  public RegistryException(
      String message,
      String registry,
      String repository,
      @Nullable String digest,
      int status,
      @Nullable String errorCode,
      @Nullable Throwable cause) {
    super(message, registry + "/" + repository, digest, cause);
    this.registry = registry;
    this.repository = repository;
    this.status = status;
    this.errorCode = errorCode;
  }

  /** The registry host[:port]. */
  public String registry() {
    return registry;
  }

  /** The repository path. */
  public String repository() {
    return repository;
  }

  /** The HTTP status of the failing response, or 0 when none was received. */
  public int status() {
    return status;
  }

  /** The registry's error code from the response body, when present. */
  public Optional<String> errorCode() {
    return Optional.ofNullable(errorCode);
  }
}
