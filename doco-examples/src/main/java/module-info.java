/** The doco app and runnable examples. */
module dev.doco.examples {
  requires dev.doco.core;
  requires static org.jspecify;
  requires org.slf4j;

// exports dev.doco.examples; (added with the first public type)
}
