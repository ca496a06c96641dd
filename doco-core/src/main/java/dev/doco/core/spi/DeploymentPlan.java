package dev.doco.core.spi;

import dev.doco.core.Revision;
import dev.doco.core.config.DeployConfig;
import java.nio.file.Path;

/**
 * Everything a {@link Deployer} needs for one deployment.
 *
 * @param config the deploy config (one YAML document)
 * @param checkout the artifact root directory; {@code config.workingDir()} is relative to it
 * @param revision the artifact revision being deployed (reference, tag, digest)
 * @param trigger what started it
 * @param target the custom config target ("" for default)
 * @param configHash a hash of everything in the trusted configuration that should cause a redeploy
 *     when changed (inline config, environment): a deployment with the same digest and hash is
 *     skipped
 */
public record DeploymentPlan(
    DeployConfig config,
    Path checkout,
    Revision revision,
    Trigger trigger,
    String target,
    String configHash) {

  public String name() {
    return config.name();
  }
}
