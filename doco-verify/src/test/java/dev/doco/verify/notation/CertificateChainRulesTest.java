package dev.doco.verify.notation;

import static dev.doco.verify.notation.TestSigning.T0;
import static dev.doco.verify.notation.TestSigning.T_END;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.verify.notation.TestSigning.Extensions;
import dev.doco.verify.notation.TestSigning.Kind;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Notation's certificate-chain rules ({@link CertChains}), each broken on its own (found by
 * mutation testing: removing the signature check between chain links, or the structure and leaf
 * checks, went unnoticed): a link signed by the wrong key, a chain without a self-signed root, a
 * self-signed leaf in a longer chain, an issuer name mismatch, a non-CA intermediate, a CA leaf, a
 * path length too short for the intermediates under it, and a TSA chain without a TSA leaf.
 */
class CertificateChainRulesTest {
  private static final String ROOT_DN = "C=US, O=Rules, CN=Rules Root";
  private static final String INTER_DN = "C=US, O=Rules, CN=Rules Intermediate";
  private static final String INTER2_DN = "C=US, O=Rules, CN=Rules Intermediate 2";
  private static final String LEAF_DN = "C=US, O=Rules, CN=Rules Leaf";

  private static KeyPair root;
  private static KeyPair inter;
  private static KeyPair leaf;
  private static X509Certificate rootCert;
  private static X509Certificate interCert;
  private static X509Certificate leafCert;

  @BeforeAll
  static void keys() throws Exception {
    root = TestSigning.ec("secp256r1");
    inter = TestSigning.ec("secp256r1");
    leaf = TestSigning.ec("secp256r1");
    rootCert = cert(ROOT_DN, root, ROOT_DN, root, Kind.CA);
    interCert = cert(INTER_DN, inter, ROOT_DN, root, Kind.CA);
    leafCert = cert(LEAF_DN, leaf, INTER_DN, inter, Kind.CODE_SIGNING);
  }

  private static X509Certificate cert(
      String subject, KeyPair subjectKey, String issuer, KeyPair issuerKey, Kind kind)
      throws Exception {
    return TestSigning.cert(
        subject, subjectKey.getPublic(), issuer, issuerKey.getPrivate(), kind, T0, T_END, null);
  }

  private static String refusal(List<X509Certificate> chain) {
    return assertThrows(Malformed.class, () -> CertChains.validateCodeSigningChain(chain))
        .getMessage();
  }

  @Test
  void wellFormedChain_isAccepted() {
    assertDoesNotThrow(
        () -> CertChains.validateCodeSigningChain(List.of(leafCert, interCert, rootCert)));
  }

  @Test
  void linkSignedByAnotherKey_isRefused() throws Exception {
    KeyPair impostor = TestSigning.ec("secp256r1");
    X509Certificate forged = cert(LEAF_DN, leaf, INTER_DN, impostor, Kind.CODE_SIGNING);
    String message = refusal(List.of(forged, interCert, rootCert));
    assertTrue(message.contains("is not signed by the next certificate"), message);
  }

  @Test
  void chainWithoutSelfSignedRoot_isRefused() {
    String message = refusal(List.of(leafCert, interCert));
    assertTrue(message.contains("does not end with a self-signed root"), message);
  }

  @Test
  void emptyChain_isRefused() {
    assertTrue(refusal(List.of()).contains("the certificate chain is empty"));
  }

  @Test
  void selfSignedLeafInALongerChain_isRefused() throws Exception {
    X509Certificate selfSignedLeaf = cert(LEAF_DN, leaf, LEAF_DN, leaf, Kind.CODE_SIGNING);
    String message = refusal(List.of(selfSignedLeaf, rootCert));
    assertTrue(message.contains("is self-signed but the chain is longer"), message);
  }

  @Test
  void issuerNameMismatch_isRefused() throws Exception {
    X509Certificate other =
        cert(LEAF_DN, leaf, "C=US, O=Rules, CN=Someone Else", inter, Kind.CODE_SIGNING);
    String message = refusal(List.of(other, interCert, rootCert));
    assertTrue(message.contains("is not issued by the next certificate"), message);
  }

  @Test
  void intermediateThatIsNotACa_isRefused() throws Exception {
    X509Certificate notCa = cert(INTER_DN, inter, ROOT_DN, root, Kind.CODE_SIGNING);
    String message = refusal(List.of(leafCert, notCa, rootCert));
    assertTrue(message.contains("basic constraints must be present with CA set to true"), message);
  }

  @Test
  void leafThatIsACa_isRefused() throws Exception {
    X509Certificate caLeaf = cert(LEAF_DN, leaf, INTER_DN, inter, Kind.CA);
    String message = refusal(List.of(caLeaf, interCert, rootCert));
    assertTrue(message.contains("basic constraints must not set CA to true"), message);
  }

  @Test
  void pathLengthBelowTheIntermediatesUnderIt_isRefused_andEqualIsAccepted() throws Exception {
    // TestSigning's CAs have pathLen 1: one intermediate under the root is fine, two are not.
    KeyPair inter2 = TestSigning.ec("secp256r1");
    X509Certificate inter2Cert = cert(INTER2_DN, inter2, INTER_DN, inter, Kind.CA);
    X509Certificate leaf2 = cert(LEAF_DN, leaf, INTER2_DN, inter2, Kind.CODE_SIGNING);
    String message = refusal(List.of(leaf2, inter2Cert, interCert, rootCert));
    assertTrue(message.contains("path length constraint 1 is below the 2"), message);
  }

  @Test
  void timestampingChain_needsATsaLeafAndAWellFormedChain() throws Exception {
    X509Certificate tsaLeaf = cert(LEAF_DN, leaf, INTER_DN, inter, Kind.TSA);
    assertDoesNotThrow(
        () -> CertChains.validateTimestampingChain(List.of(tsaLeaf, interCert, rootCert)));
    Malformed notTsa =
        assertThrows(
            Malformed.class,
            () -> CertChains.validateTimestampingChain(List.of(leafCert, interCert, rootCert)));
    assertTrue(
        notTsa.getMessage().contains("must have exactly the timeStamping"), notTsa.getMessage());
    Malformed noRoot =
        assertThrows(
            Malformed.class,
            () -> CertChains.validateTimestampingChain(List.of(tsaLeaf, interCert)));
    assertTrue(noRoot.getMessage().contains("self-signed root"), noRoot.getMessage());
  }

  private static X509Certificate custom(
      String subject, KeyPair subjectKey, String issuer, KeyPair issuerKey, Extensions ext)
      throws Exception {
    return TestSigning.cert(
        new X500Name(subject),
        subjectKey.getPublic(),
        issuer,
        issuerKey.getPrivate(),
        T0,
        T_END,
        ext);
  }

  /** A code-signing leaf under the intermediate with the given key usage and EKUs. */
  private static X509Certificate leafWith(int keyUsage, KeyPurposeId... ekus) throws Exception {
    return custom(
        LEAF_DN,
        leaf,
        INTER_DN,
        inter,
        b -> {
          b.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
          if (ekus.length > 0) {
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(ekus));
          }
        });
  }

  @Test
  void leafThatIsACaWithPathLengthZero_isRefused() throws Exception {
    X509Certificate caLeaf =
        custom(
            LEAF_DN,
            leaf,
            INTER_DN,
            inter,
            b -> {
              b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
              b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            });
    String message = refusal(List.of(caLeaf, interCert, rootCert));
    assertTrue(message.contains("basic constraints must not set CA to true"), message);
  }

  @Test
  void caWithPathLengthZero_directlyAboveTheLeaf_isAccepted() throws Exception {
    X509Certificate inter0 =
        custom(
            INTER_DN,
            inter,
            ROOT_DN,
            root,
            b -> {
              b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
              b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
            });
    assertDoesNotThrow(
        () -> CertChains.validateCodeSigningChain(List.of(leafCert, inter0, rootCert)));
  }

  @Test
  void caWithoutKeyCertSign_isRefused() throws Exception {
    X509Certificate noCertSign =
        custom(
            INTER_DN,
            inter,
            ROOT_DN,
            root,
            b -> {
              b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
              b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.cRLSign));
            });
    String message = refusal(List.of(leafCert, noCertSign, rootCert));
    assertTrue(message.endsWith(": key usage must include keyCertSign"), message);
  }

  @Test
  void leafKeyUsage_onlyDigitalSignatureAndContentCommitmentAreAllowed() throws Exception {
    assertDoesNotThrow(
        () ->
            CertChains.validateCodeSigningChain(
                List.of(
                    leafWith(
                        KeyUsage.digitalSignature | KeyUsage.nonRepudiation,
                        KeyPurposeId.id_kp_codeSigning),
                    interCert,
                    rootCert)));
    String message =
        refusal(
            List.of(
                leafWith(
                    KeyUsage.digitalSignature | KeyUsage.keyEncipherment,
                    KeyPurposeId.id_kp_codeSigning),
                interCert,
                rootCert));
    assertTrue(
        message.endsWith(
            ": key usage bit 2 is not allowed (only digitalSignature and contentCommitment)"),
        message);
    String noDigitalSignature =
        refusal(List.of(leafWith(KeyUsage.nonRepudiation), interCert, rootCert));
    assertTrue(
        noDigitalSignature.endsWith(": key usage must be present with digitalSignature"),
        noDigitalSignature);
  }

  @Test
  void leafExtendedKeyUsage_serverAuthIsRefused_andNoEkuAtAllIsAccepted() throws Exception {
    String message =
        refusal(
            List.of(
                leafWith(
                    KeyUsage.digitalSignature,
                    KeyPurposeId.id_kp_codeSigning,
                    KeyPurposeId.id_kp_serverAuth),
                interCert,
                rootCert));
    assertTrue(
        message.endsWith(
            ": extended key usage 1.3.6.1.5.5.7.3.1 is not allowed for a code-signing leaf"),
        message);
    assertDoesNotThrow(
        () ->
            CertChains.validateCodeSigningChain(
                List.of(leafWith(KeyUsage.digitalSignature), interCert, rootCert)));
  }

  @Test
  void rsaKeyShorterThan2048Bits_anywhereInTheChain_isRefused() throws Exception {
    KeyPair weak = TestSigning.rsa(1024);
    X509Certificate weakRoot = cert(ROOT_DN, weak, ROOT_DN, weak, Kind.CA);
    X509Certificate leafUnderWeak = cert(LEAF_DN, leaf, ROOT_DN, weak, Kind.CODE_SIGNING);
    String message = refusal(List.of(leafUnderWeak, weakRoot));
    assertTrue(message.endsWith(": RSA key shorter than 2048 bits"), message);
  }

  @Test
  void timestampingLeafThatIsACa_isRefused() throws Exception {
    X509Certificate caTsa =
        custom(
            LEAF_DN,
            leaf,
            INTER_DN,
            inter,
            b -> {
              b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
              b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
              b.addExtension(
                  Extension.extendedKeyUsage,
                  true,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
            });
    Malformed e =
        assertThrows(
            Malformed.class,
            () -> CertChains.validateTimestampingChain(List.of(caTsa, interCert, rootCert)));
    assertTrue(
        e.getMessage().endsWith(": basic constraints must not set CA to true"), e.getMessage());
  }

  @Test
  void isRevocable_crlDistributionPointOrOcspResponder_yes_caIssuersOnly_no_unreadable_yes()
      throws Exception {
    GeneralName url = new GeneralName(GeneralName.uniformResourceIdentifier, "http://x.example/");
    X509Certificate crl =
        leafExtension(
            Extension.cRLDistributionPoints,
            new CRLDistPoint(
                new DistributionPoint[] {
                  new DistributionPoint(
                      new DistributionPointName(new GeneralNames(url)), null, null)
                }));
    X509Certificate ocsp =
        leafExtension(
            Extension.authorityInfoAccess,
            new AuthorityInformationAccess(AccessDescription.id_ad_ocsp, url));
    X509Certificate caIssuers =
        leafExtension(
            Extension.authorityInfoAccess,
            new AuthorityInformationAccess(AccessDescription.id_ad_caIssuers, url));
    X509Certificate unreadable = leafExtension(Extension.authorityInfoAccess, new ASN1Integer(5));
    assertTrue(CertChains.isRevocable(crl), "CRL distribution point");
    assertTrue(CertChains.isRevocable(ocsp), "OCSP responder");
    assertFalse(CertChains.isRevocable(caIssuers), "caIssuers only");
    assertTrue(CertChains.isRevocable(unreadable), "unreadable AIA");
    assertFalse(CertChains.isRevocable(leafCert), "neither");
  }

  private static X509Certificate leafExtension(
      org.bouncycastle.asn1.ASN1ObjectIdentifier oid, org.bouncycastle.asn1.ASN1Encodable value)
      throws Exception {
    return custom(LEAF_DN, leaf, INTER_DN, inter, b -> b.addExtension(oid, false, value));
  }
}
