/** Compose and Swarm deployers over the docker CLI. */
module dev.doco.compose {
  requires dev.doco.core;
  requires static org.jspecify;
  requires org.slf4j;
  requires com.squareup.moshi;

// exports dev.doco.compose; (added with the first public type)
}
