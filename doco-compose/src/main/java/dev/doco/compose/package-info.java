/**
 * Compose and Swarm deployers over the real docker CLI: {@link dev.doco.compose.ComposeDeployer}
 * ({@code docker compose}) and {@link dev.doco.compose.SwarmDeployer} ({@code docker stack}), found
 * through their {@link dev.doco.core.spi.DeployerProvider}s ids {@code compose} and {@code swarm}.
 */
@NullMarked
package dev.doco.compose;

import org.jspecify.annotations.NullMarked;
