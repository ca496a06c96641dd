package dev.doco.compose;

import dev.doco.core.spi.Deployer;
import dev.doco.core.spi.DeployerProvider;
import dev.doco.core.spi.ProviderContext;

/**
 * The {@code compose} deployer ({@link ComposeDeployer}): always applicable, priority 0, so the
 * {@code swarm} deployer wins on a Swarm manager.
 */
public final class ComposeDeployerProvider implements DeployerProvider {
  public static final String ID = "compose";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public int priority() {
    return 0;
  }

  @Override
  public Deployer create(ProviderContext context) {
    return ComposeDeployer.builder(context).build();
  }
}
