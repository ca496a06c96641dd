package dev.doco.core.spi;

import dev.doco.core.Revision;
import dev.doco.core.config.TrustPolicy;

/**
 * Checks an artifact's signatures against an effective trust policy, reading the artifact only
 * through {@link ArtifactAccess}. Thread-safe. Never throws for a bad signature: it returns a
 * refused result that lists every rule tried; it throws only for its own misuse or
 * misconfiguration.
 */
public interface Verifier {

  /**
   * True when this verifier has rules it can check in {@code policy} (e.g. cosign keys, Notation
   * stores).
   */
  boolean supports(TrustPolicy policy);

  /** Verifies {@code revision.subject()} (repository at digest, never a tag). */
  VerificationResult verify(Revision revision, ArtifactAccess access, TrustPolicy policy);
}
