package dev.doco.compose;

import dev.doco.core.spi.Deployer;
import dev.doco.core.spi.DeployerProvider;
import dev.doco.core.spi.ProviderContext;
import java.util.Locale;

/**
 * The {@code swarm} deployer ({@link SwarmDeployer}): priority 10, applicable when the engine is a
 * Swarm manager (as doco-cd does) unless the setting {@code DOCKER_SWARM_FEATURES} is {@code
 * false}; always available by id.
 */
public final class SwarmDeployerProvider implements DeployerProvider {
  public static final String ID = "swarm";

  private final ProcessLauncher launcher;

  /** For ServiceLoader. */
  public SwarmDeployerProvider() {
    this(ProcessLauncher.SYSTEM);
  }

  /** With a process launcher (tests). */
  public SwarmDeployerProvider(ProcessLauncher launcher) {
    this.launcher = launcher;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public boolean isApplicable(ProviderContext context) {
    String features =
        context.setting("DOCKER_SWARM_FEATURES").orElse("true").toLowerCase(Locale.ROOT);
    if (features.equals("false") || features.equals("0") || features.equals("no")) {
      return false;
    }
    return SwarmDeployer.isSwarmManager(context, launcher);
  }

  @Override
  public Deployer create(ProviderContext context) {
    return SwarmDeployer.builder(context).launcher(launcher).build();
  }
}
