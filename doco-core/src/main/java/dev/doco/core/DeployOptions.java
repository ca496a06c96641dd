package dev.doco.core;

import dev.doco.core.config.DeployConfig;
import dev.doco.core.spi.Trigger;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Options of one {@link Doco#deploy(String, DeployOptions)} or {@link Doco#plan(String,
 * DeployOptions)}.
 *
 * @param target custom config target: the artifact must contain {@code .doco-cd.<target>.y(a)ml}
 *     ("" for the default {@code .doco-cd.y(a)ml})
 * @param deployments trusted inline deploy configs that replace the artifact's own (as a poll
 *     entry's {@code deployments:}); only these may carry an {@code oci:} trust override
 * @param trigger what started it (a label on the containers)
 * @param expectedDigest when set, the reference must resolve to this digest
 * @param force deploy even when the digest and configuration are unchanged
 */
public record DeployOptions(
    String target,
    List<DeployConfig> deployments,
    Trigger trigger,
    @Nullable String expectedDigest,
    boolean force) {

  /** Default target, the artifact's own configs, manual trigger, no digest check, no force. */
  public static final DeployOptions DEFAULTS =
      new DeployOptions("", List.of(), Trigger.MANUAL, null, false);

  public DeployOptions {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(trigger, "trigger");
    deployments = List.copyOf(deployments);
  }

  public Optional<String> expectedDigestValue() {
    return Optional.ofNullable(expectedDigest);
  }

  public DeployOptions withTarget(String newTarget) {
    return new DeployOptions(newTarget, deployments, trigger, expectedDigest, force);
  }

  public DeployOptions withDeployments(List<DeployConfig> newDeployments) {
    return new DeployOptions(target, newDeployments, trigger, expectedDigest, force);
  }

  public DeployOptions withTrigger(Trigger newTrigger) {
    return new DeployOptions(target, deployments, newTrigger, expectedDigest, force);
  }

  public DeployOptions withExpectedDigest(@Nullable String newExpectedDigest) {
    return new DeployOptions(target, deployments, trigger, newExpectedDigest, force);
  }

  public DeployOptions withForce(boolean newForce) {
    return new DeployOptions(target, deployments, trigger, expectedDigest, newForce);
  }
}
