/** cosign (key, keyless, bundles) and Notation signature verification. */
module dev.doco.verify {
  requires transitive dev.doco.core; // its SPI types are in this module's API
  requires static org.jspecify;
  requires org.slf4j;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.pkix;
  requires com.squareup.moshi;

  exports dev.doco.verify;
  exports dev.doco.verify.notation;

  provides dev.doco.core.spi.VerifierProvider with
      dev.doco.verify.DocoVerifierProvider;
}
