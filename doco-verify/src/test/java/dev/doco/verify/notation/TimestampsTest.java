package dev.doco.verify.notation;

import static dev.doco.verify.notation.TestSigning.T0;
import static dev.doco.verify.notation.TestSigning.T_END;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.verify.notation.TestSigning.Accuracy;
import dev.doco.verify.notation.TestSigning.Kind;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RFC 3161 countersignatures ({@link Timestamps#verify}): the interval a token vouches for, and the
 * TSA certificate rules (a CMS signature by the certificate's key, a chain to a tsa root at the
 * token's time, Notation's timestamping-leaf rules).
 */
class TimestampsTest {
  private static final String ROOT_DN = "C=US, O=TSA, CN=TSA Root";
  private static final String INTER_DN = "C=US, O=TSA, CN=TSA Intermediate";
  private static final byte[] SIGNATURE = "the signature bytes".getBytes(StandardCharsets.UTF_8);
  private static final Instant GEN = Instant.parse("2024-06-01T10:00:00Z");

  private static KeyPair rootKey;
  private static X509Certificate root;
  private static KeyPair tsaKey;
  private static X509Certificate tsa;

  @BeforeAll
  static void certs() throws Exception {
    rootKey = TestSigning.ec("secp256r1");
    root =
        TestSigning.cert(
            ROOT_DN, rootKey.getPublic(), ROOT_DN, rootKey.getPrivate(), Kind.CA, T0, T_END, null);
    tsaKey = TestSigning.ec("secp256r1");
    tsa = tsaCert("C=US, O=TSA, CN=TSA", ROOT_DN, rootKey, T_END);
  }

  private static X509Certificate tsaCert(
      String dn, String issuer, KeyPair issuerKey, Instant notAfter) throws Exception {
    return TestSigning.cert(
        dn, tsaKey.getPublic(), issuer, issuerKey.getPrivate(), Kind.TSA, T0, notAfter, null);
  }

  private static Timestamps.Verified verify(
      X509Certificate signer, List<X509Certificate> embedded, String policy, @Nullable Accuracy a)
      throws Exception {
    byte[] token =
        TestSigning.token(tsaKey.getPrivate(), signer, embedded, SIGNATURE, GEN, policy, a);
    return Timestamps.verify(token, SIGNATURE, List.of(root));
  }

  @Test
  void withoutAccuracy_theBaselinePolicyMeansOneSecond_anyOtherPolicyMeansExact() throws Exception {
    Timestamps.Verified baseline = verify(tsa, List.of(tsa), Timestamps.BASELINE_POLICY, null);
    assertEquals(GEN.minusSeconds(1), baseline.earliest());
    assertEquals(GEN.plusSeconds(1), baseline.latest());
    Timestamps.Verified other = verify(tsa, List.of(tsa), "1.2.3.4.1", null);
    assertEquals(GEN, other.earliest());
    assertEquals(GEN, other.latest());
    assertEquals(tsa, other.tsa());
  }

  @Test
  void accuracy_secondsMillisAndMicros_widenTheInterval() throws Exception {
    Timestamps.Verified v = verify(tsa, List.of(tsa), "1.2.3.4.1", new Accuracy(1, 500, 250));
    assertEquals(Instant.parse("2024-06-01T09:59:58.499750Z"), v.earliest());
    assertEquals(Instant.parse("2024-06-01T10:00:01.500250Z"), v.latest());
  }

  @Test
  void tsaUnderAnIntermediate_chainsThroughTheEmbeddedIntermediate() throws Exception {
    KeyPair interKey = TestSigning.ec("secp256r1");
    X509Certificate inter =
        TestSigning.cert(
            INTER_DN,
            interKey.getPublic(),
            ROOT_DN,
            rootKey.getPrivate(),
            Kind.CA,
            T0,
            T_END,
            null);
    X509Certificate leaf =
        tsaCert("C=US, O=TSA, CN=TSA under intermediate", INTER_DN, interKey, T_END);
    assertEquals(leaf, verify(leaf, List.of(leaf, inter), "1.2.3.4.1", null).tsa());
  }

  @Test
  void tsaCertificateExpiredNow_stillVouchesForATimeWithinItsValidity() throws Exception {
    // the TSA certificate ended in 2025; the token's time (2024) is what its chain is checked at
    X509Certificate expired =
        tsaCert(
            "C=US, O=TSA, CN=Retired TSA", ROOT_DN, rootKey, Instant.parse("2025-01-01T00:00:00Z"));
    assertEquals(GEN, verify(expired, List.of(expired), "1.2.3.4.1", null).earliest());
  }

  @Test
  void tokenSignedWithAnotherKeyThanItsCertificate_isRefused() throws Exception {
    KeyPair other = TestSigning.ec("secp256r1");
    byte[] token =
        TestSigning.token(other.getPrivate(), tsa, List.of(tsa), SIGNATURE, GEN, "1.2.3.4.1", null);
    Malformed e =
        assertThrows(Malformed.class, () -> Timestamps.verify(token, SIGNATURE, List.of(root)));
    assertTrue(e.getMessage().startsWith("the timestamp token does not verify: "), e.getMessage());
  }

  @Test
  void tsaLeafWithoutKeyUsage_isRefusedByTheTimestampingChainRules() throws Exception {
    X509Certificate noKeyUsage =
        TestSigning.cert(
            new X500Name("C=US, O=TSA, CN=No KU"),
            tsaKey.getPublic(),
            ROOT_DN,
            rootKey.getPrivate(),
            T0,
            T_END,
            b ->
                b.addExtension(
                    Extension.extendedKeyUsage,
                    true,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping)));
    Malformed e =
        assertThrows(
            Malformed.class, () -> verify(noKeyUsage, List.of(noKeyUsage), "1.2.3.4.1", null));
    assertEquals(
        "leaf certificate \"CN=No KU,O=TSA,C=US\": key usage must be present with digitalSignature",
        e.getMessage());
  }

  @Test
  void tsaWhoseOwnCertificateIsTheTrustAnchor_isRefused_asATsaLeafMustNotBeACa() throws Exception {
    String dn = "C=US, O=TSA, CN=Self-anchored TSA";
    X509Certificate selfAnchored =
        TestSigning.cert(
            new X500Name(dn),
            tsaKey.getPublic(),
            dn,
            tsaKey.getPrivate(),
            T0,
            T_END,
            b -> {
              b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
              b.addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign));
              b.addExtension(
                  Extension.extendedKeyUsage,
                  true,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
            });
    byte[] token =
        TestSigning.token(
            tsaKey.getPrivate(),
            selfAnchored,
            List.of(selfAnchored),
            SIGNATURE,
            GEN,
            "1.2.3.4.1",
            null);
    Malformed e =
        assertThrows(
            Malformed.class, () -> Timestamps.verify(token, SIGNATURE, List.of(selfAnchored)));
    assertEquals(
        "leaf certificate \"CN=Self-anchored TSA,O=TSA,C=US\": basic constraints must not set CA"
            + " to true",
        e.getMessage());
  }
}
