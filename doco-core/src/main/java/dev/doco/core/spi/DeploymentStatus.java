package dev.doco.core.spi;

import java.util.List;
import java.util.Map;

/**
 * What the engine says about a deployment, read from its labels.
 *
 * @param name project / stack name
 * @param running at least one service runs
 * @param managed labels say doco (or doco-cd) manages it
 * @param digest deployed digest ({@code cd.doco.deployment.target.sha}), "" if unknown
 * @param tag deployed tag ({@code cd.doco.deployment.target.ref}), "" if unknown
 * @param configHash deployed config hash, "" if unknown
 * @param labels the doco labels of the most recently deployed service
 */
public record DeploymentStatus(
    String name,
    boolean running,
    boolean managed,
    String digest,
    String tag,
    String configHash,
    Map<String, String> labels,
    List<ServiceStatus> services) {
  public DeploymentStatus {
    labels = Map.copyOf(labels);
    services = List.copyOf(services);
  }
}
