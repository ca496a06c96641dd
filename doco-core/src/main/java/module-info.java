/** doco's API, SPI, configuration model and engine. */
module dev.doco.core {
  requires static transitive org.jspecify; // @Nullable appears in the API
  requires org.slf4j;
  requires org.snakeyaml.engine.v2;
  requires jdk.httpserver;

  exports dev.doco.core;
  exports dev.doco.core.spi;
  exports dev.doco.core.config;
  exports dev.doco.core.engine;

  uses dev.doco.core.spi.SourceProvider;
  uses dev.doco.core.spi.VerifierProvider;
  uses dev.doco.core.spi.DeployerProvider;
}
