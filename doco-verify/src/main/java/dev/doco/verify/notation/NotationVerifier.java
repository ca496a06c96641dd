package dev.doco.verify.notation;

import dev.doco.core.Revision;
import dev.doco.core.config.NotationTrust;
import dev.doco.core.spi.ArtifactAccess;
import dev.doco.core.spi.VerificationResult;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/** Verifies Notation signatures of one artifact against a Notation trust policy and trust store. */
public final class NotationVerifier {
  private final NotationTrust trust;
  private final Clock clock;

  public NotationVerifier(NotationTrust trust, Clock clock) {
    this.trust = Objects.requireNonNull(trust, "trust");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Verifies {@code revision.subject()}; never throws for a bad signature. */
  public VerificationResult verify(Revision revision, ArtifactAccess access) {
    Objects.requireNonNull(access, "access");
    return VerificationResult.refused(
        revision.subject(),
        List.of(
            "notation: not implemented yet (trust policy "
                + trust.trustPolicyFile()
                + ", now "
                + clock.instant()
                + ")"));
  }
}
