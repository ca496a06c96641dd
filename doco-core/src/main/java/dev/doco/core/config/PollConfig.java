package dev.doco.core.config;

import java.time.Duration;
import java.util.List;

/**
 * One {@code POLL_CONFIG} entry.
 *
 * @param source {@code oci} (doco handles only OCI entries)
 * @param url artifact reference as written
 * @param interval delay between the end of one run and the start of the next; zero disables (unless
 *     runOnce)
 * @param target custom target: the artifact must contain {@code .doco-cd.<target>.y(a)ml}
 * @param deployments inline deploy configs (trusted); when non-empty they replace the artifact's
 */
public record PollConfig(
    String source,
    String url,
    String reference,
    Duration interval,
    String target,
    boolean runOnce,
    boolean watch,
    List<DeployConfig> deployments) {

  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(3);
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(10);

  public PollConfig {
    deployments = List.copyOf(deployments);
  }

  /** False when {@code interval} is zero and the entry is not {@code run_once}. */
  public boolean enabled() {
    return runOnce || !interval.isZero();
  }
}
