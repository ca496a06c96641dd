/** Registry client, OCI layouts, safe materialization and packaging of doco.v1 artifacts. */
module dev.doco.oci {
  requires transitive dev.doco.core; // its SPI types are in this module's API
  requires static transitive org.jspecify;
  requires org.slf4j;
  requires transitive okhttp3; // RegistryClient.Builder.httpClient(OkHttpClient)
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
