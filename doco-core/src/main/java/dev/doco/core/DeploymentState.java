package dev.doco.core;

import dev.doco.core.spi.DeploymentStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What doco knows about one deployment: what it last applied and the outcome of its last attempt
 * (from the state store under the data directory), merged with what the container engine reports
 * (its labels win when they disagree).
 *
 * @param name Compose project / Swarm stack name
 * @param reference the artifact reference the deployment came from, as written
 * @param target the custom config target ("" for the default)
 * @param digest the digest running now: the engine's label when it reports one, else the last
 *     applied digest ("" when nothing was ever applied)
 * @param configHash the config hash of the last successful deployment
 * @param appliedAt when {@code digest} was applied by doco (null when never)
 * @param result the outcome of the last attempt
 * @param lastAttemptAt when the last attempt ended
 * @param lastError the last attempt's error ("" when it succeeded)
 * @param failures consecutive failed attempts (the retry backoff grows with it)
 * @param checkout the artifact checkout the deployment runs from
 * @param engine the container engine's view, when it was asked and knows the deployment
 */
public record DeploymentState(
    String name,
    String reference,
    String target,
    String digest,
    String configHash,
    @Nullable Instant appliedAt,
    Result result,
    Instant lastAttemptAt,
    String lastError,
    int failures,
    Path checkout,
    @Nullable DeploymentStatus engine) {

  /** Outcome of the last attempt. */
  public enum Result {
    /** Deployed (or confirmed unchanged). */
    SUCCEEDED,
    /** Failed; the previously applied version (if any) keeps running. */
    FAILED
  }

  public Optional<Instant> applied() {
    return Optional.ofNullable(appliedAt);
  }

  public Optional<DeploymentStatus> engineStatus() {
    return Optional.ofNullable(engine);
  }

  /** True when the engine reports services for this deployment and at least one runs. */
  public boolean running() {
    return engine != null && engine.running();
  }
}
