package dev.doco.core.engine.internal;

import dev.doco.core.DocoEvent;
import dev.doco.core.DocoException;
import dev.doco.core.Revision;
import dev.doco.core.spi.DeployResult;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one trigger.
 *
 * @param revision what the reference resolved to (null when resolving failed)
 * @param unchanged true when the run stopped after the digest check (nothing downloaded)
 * @param message why it stopped or failed, for humans
 * @param checkout the live checkout directory (null before resolve)
 * @param failedStage the stage of {@code error}
 * @param error the first failure (null when everything succeeded)
 */
public record RunOutcome(
    String jobId,
    @Nullable Revision revision,
    boolean unchanged,
    String message,
    @Nullable Path checkout,
    List<DeploymentOutcome> deployments,
    DocoEvent.@Nullable Stage failedStage,
    @Nullable DocoException error) {

  public RunOutcome {
    deployments = List.copyOf(deployments);
  }

  public boolean succeeded() {
    return error == null;
  }

  /** What happened to one deployment of the trigger. */
  public enum Action {
    DEPLOYED,
    SKIPPED,
    DESTROYED,
    FAILED
  }

  /**
   * One deployment's outcome.
   *
   * @param result the deployer's result (null when it did not run)
   */
  public record DeploymentOutcome(
      String name,
      Action action,
      @Nullable DeployResult result,
      String message,
      @Nullable DocoException error) {}
}
