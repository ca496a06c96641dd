package dev.doco.core;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Resolving or fetching an artifact failed. Carries the reference and, when known, the digest. */
public class SourceException extends DocoException {
  private static final long serialVersionUID = 1L;

  private final String reference;
  private final @Nullable String digest;

  public SourceException(String message, String reference, @Nullable String digest) {
    this(message, reference, digest, null);
  }

  public SourceException(
      String message, String reference, @Nullable String digest, @Nullable Throwable cause) {
    super(message, cause);
    this.reference = reference;
    this.digest = digest;
  }

  /** The reference as the user wrote it. */
  public String reference() {
    return reference;
  }

  /** The digest concerned, when one was known. */
  public Optional<String> digest() {
    return Optional.ofNullable(digest);
  }
}
