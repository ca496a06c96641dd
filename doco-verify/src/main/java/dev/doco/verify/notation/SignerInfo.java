package dev.doco.verify.notation;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What one parsed Notation envelope (JWS or COSE) claims, before any check beyond its shape.
 *
 * @param format {@code JWS} or {@code COSE}
 * @param algorithm the JWS name of the signature algorithm ({@code PS256}, {@code ES384}, ...)
 * @param signingInput the exact bytes the signature covers
 * @param signature the raw signature (RSASSA-PSS bytes, or IEEE P1363 {@code r||s} for ECDSA)
 * @param payload the payload bytes ({@code {"targetArtifact": ...}})
 * @param signingScheme {@code notary.x509} or {@code notary.x509.signingAuthority}
 * @param signingTime the signer's claimed signing time ({@code notary.x509})
 * @param authenticSigningTime the signing authority's time ({@code notary.x509.signingAuthority})
 * @param expiry when the signature stops being valid, if set
 * @param chain the certificate chain, leaf first
 * @param timestampToken the RFC 3161 TimeStampToken (DER CMS) countersigning {@code signature}
 */
record SignerInfo(
    String format,
    String algorithm,
    byte[] signingInput,
    byte[] signature,
    byte[] payload,
    String signingScheme,
    @Nullable Instant signingTime,
    @Nullable Instant authenticSigningTime,
    @Nullable Instant expiry,
    List<X509Certificate> chain,
    byte @Nullable [] timestampToken) {

  static final String SCHEME_X509 = "notary.x509";
  static final String SCHEME_SIGNING_AUTHORITY = "notary.x509.signingAuthority";
  static final String PAYLOAD_TYPE = "application/vnd.cncf.notary.payload.v1+json";

  SignerInfo {
    chain = List.copyOf(chain);
  }

  X509Certificate leaf() {
    return chain.get(0);
  }
}
