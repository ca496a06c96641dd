package dev.doco.core.spi;

/**
 * Creates a {@link Deployer}. Registered in {@code
 * META-INF/services/dev.doco.core.spi.DeployerProvider}.
 *
 * <p>When no deployer is requested by id, the engine takes the applicable provider with the highest
 * priority (for example Swarm, applicable only when the engine is a Swarm manager, above Compose).
 */
public interface DeployerProvider {
  /** {@code compose}, {@code swarm}, or a plugin's id. */
  String id();

  default int priority() {
    return 0;
  }

  /**
   * Whether this deployer should be chosen automatically in {@code context} (may ask the engine).
   */
  default boolean isApplicable(ProviderContext context) {
    return true;
  }

  Deployer create(ProviderContext context);
}
