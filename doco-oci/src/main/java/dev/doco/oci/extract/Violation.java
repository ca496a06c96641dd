package dev.doco.oci.extract;

import org.jspecify.annotations.Nullable;

/** A refusal found while applying entries; turned into {@link ExtractionException} with context. */
final class Violation extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final ExtractionException.Reason reason;
  final @Nullable String entry;

  Violation(ExtractionException.Reason reason, String message, @Nullable String entry) {
    super(message);
    this.reason = reason;
    this.entry = entry;
  }

  Violation(
      ExtractionException.Reason reason, String message, @Nullable String entry, Throwable c) {
    super(message, c);
    this.reason = reason;
    this.entry = entry;
  }
}
