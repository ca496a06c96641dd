package dev.doco.verify.notation;

import static dev.doco.verify.notation.TestSigning.T0;
import static dev.doco.verify.notation.TestSigning.T_END;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.verify.notation.TestSigning.Kind;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
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
}
