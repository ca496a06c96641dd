/** Compose and Swarm deployers over the docker CLI. */
module dev.doco.compose {
  requires transitive dev.doco.core; // its SPI types are in this module's API
  requires static org.jspecify;
  requires org.slf4j;
  requires com.squareup.moshi;
  requires okio;

  exports dev.doco.compose;

  provides dev.doco.core.spi.DeployerProvider with
      dev.doco.compose.ComposeDeployerProvider,
      dev.doco.compose.SwarmDeployerProvider;
}
