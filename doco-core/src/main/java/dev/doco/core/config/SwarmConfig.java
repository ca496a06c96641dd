package dev.doco.core.config;

import org.jspecify.annotations.Nullable;

/** {@code swarm:} config/secret revision retention; null means "use the app-level default". */
public record SwarmConfig(@Nullable Integer configRetention, @Nullable Integer secretRetention) {
  public static final SwarmConfig DEFAULT = new SwarmConfig(null, null);
}
