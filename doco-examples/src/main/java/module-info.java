/** The doco app ({@code doco.jar}) and runnable examples, including a Source plugin. */
module dev.doco.examples {
  requires transitive dev.doco.core; // its SPI types are in this module's API
  requires dev.doco.oci;
  requires static org.jspecify;
  requires org.slf4j;
  requires info.picocli;
  // compile-time only: the module-path smoke test (patched into this module) drives javac
  requires static java.compiler;

  exports dev.doco.examples.cli;
  exports dev.doco.examples.embed;
  exports dev.doco.examples.dirsource;

  // picocli reads and writes the annotated command fields reflectively
  opens dev.doco.examples.cli to
      info.picocli;

  provides dev.doco.core.spi.SourceProvider with
      dev.doco.examples.dirsource.DirectorySourceProvider;
}
