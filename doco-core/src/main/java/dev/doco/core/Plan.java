package dev.doco.core;

import java.nio.file.Path;
import java.util.List;

/**
 * A dry run of {@link Doco#deploy}: what an artifact would deploy and which commands would run.
 * Nothing was deployed and the live checkout was not touched (the artifact was fetched into a
 * temporary directory; commands show the live checkout path).
 *
 * @param revision what the reference resolved to
 * @param target the custom config target ("" for the default)
 * @param checkout the live checkout directory a deployment would use
 * @param verification one line per check: which policy, and which signature and key or identity
 *     matched (empty when verification is disabled)
 * @param steps one step per deployment config, in file order
 * @param warnings non-fatal findings while loading the deploy configs
 */
public record Plan(
    Revision revision,
    String target,
    Path checkout,
    List<String> verification,
    List<Step> steps,
    List<String> warnings) {

  public Plan {
    verification = List.copyOf(verification);
    steps = List.copyOf(steps);
    warnings = List.copyOf(warnings);
  }

  /** What would happen to one deployment. */
  public enum Action {
    /** Would be deployed (new or changed). */
    DEPLOY,
    /** Already runs this digest with this configuration. */
    UNCHANGED,
    /** The config says {@code destroy: true}. */
    DESTROY
  }

  /**
   * One deployment of the plan.
   *
   * @param reason why this action (e.g. "digest changed from sha256:ab.. to sha256:cd..")
   * @param configHash the config hash the deployment would record
   * @param commands the commands the deployer would run (argv), in order
   */
  public record Step(
      String deployment,
      Action action,
      String reason,
      String configHash,
      List<List<String>> commands) {
    public Step {
      commands = commands.stream().map(List::copyOf).toList();
    }
  }
}
