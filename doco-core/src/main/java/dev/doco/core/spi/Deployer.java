package dev.doco.core.spi;

import java.util.List;
import java.util.Optional;

/**
 * Turns a {@link DeploymentPlan} into running services (Compose project or Swarm stack).
 * Thread-safe; the engine never runs two operations on the same deployment name at once.
 *
 * <p>Failures throw {@link dev.doco.core.DeployException} with the command, exit code and stderr
 * tail.
 */
public interface Deployer {

  /**
   * Deploys (or skips, when the same digest and config hash already run and force_recreate is off).
   */
  DeployResult deploy(DeploymentPlan plan);

  /**
   * Removes the deployment named by the plan, with {@code plan.config().destroy()}'s options.
   * Refuses projects whose labels do not say doco manages them.
   */
  void destroy(DeploymentPlan plan);

  /**
   * What the engine reports for {@code name} in Docker {@code context} ("" = default), empty if
   * absent.
   */
  Optional<DeploymentStatus> inspect(String name, String context);

  /** The commands {@link #deploy} would run, for dry runs; nothing is executed. */
  List<List<String>> plannedCommands(DeploymentPlan plan);
}
