/** Registry client, OCI layouts, safe materialization and packaging of doco.v1 artifacts. */
module dev.doco.oci {
  requires dev.doco.core;
  requires static org.jspecify;
  requires org.slf4j;
  requires okhttp3;
  requires com.squareup.moshi;

// exports dev.doco.oci; (added with the first public type)
}
