/** Registry client, OCI layouts, safe materialization and packaging of doco.v1 artifacts. */
module dev.doco.oci {
  requires dev.doco.core;
  requires static org.jspecify;
  requires org.slf4j;
  requires okhttp3;
  requires com.squareup.moshi;
  requires okio;
  requires aircompressor; // pure-Java zstd (automatic module)

  exports dev.doco.oci;
  exports dev.doco.oci.extract;
  exports dev.doco.oci.layout;
  exports dev.doco.oci.pack;

  provides dev.doco.core.spi.SourceProvider with
      dev.doco.oci.OciSourceProvider;
}
