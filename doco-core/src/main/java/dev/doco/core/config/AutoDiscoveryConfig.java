package dev.doco.core.config;

/** {@code auto_discovery:} (bool or object). */
public record AutoDiscoveryConfig(
    boolean enabled, int depth, boolean delete, boolean removeVolumes, boolean removeImages) {
  public static final AutoDiscoveryConfig DEFAULT =
      new AutoDiscoveryConfig(false, 0, false, false, true);
}
