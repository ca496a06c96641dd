package dev.doco.core.spi;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one verifier on one artifact.
 *
 * @param subject the {@code repository@digest} verified
 * @param signature which signature was accepted (e.g. the signature manifest digest), when accepted
 * @param matchedBy which key, identity or certificate accepted it, when accepted
 * @param attempts one line per rule tried and why it failed (also filled when accepted, for the
 *     log)
 * @param notes caveats the user should see even on success (e.g. "revocation not checked offline")
 */
public record VerificationResult(
    String subject,
    boolean accepted,
    @Nullable String signature,
    @Nullable String matchedBy,
    List<String> attempts,
    List<String> notes) {

  public VerificationResult {
    attempts = List.copyOf(attempts);
    notes = List.copyOf(notes);
  }

  public static VerificationResult accepted(
      String subject, String signature, String matchedBy, List<String> notes) {
    return new VerificationResult(subject, true, signature, matchedBy, List.of(), notes);
  }

  public static VerificationResult refused(String subject, List<String> attempts) {
    return new VerificationResult(subject, false, null, null, attempts, List.of());
  }

  public Optional<String> acceptedSignature() {
    return Optional.ofNullable(signature);
  }

  public Optional<String> acceptedBy() {
    return Optional.ofNullable(matchedBy);
  }
}
