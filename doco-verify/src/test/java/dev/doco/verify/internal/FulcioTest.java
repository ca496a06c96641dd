package dev.doco.verify.internal;

import static dev.doco.verify.internal.TestPki.SIGNED_AT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.config.KeylessIdentity;
import dev.doco.verify.internal.Fulcio.Chain;
import dev.doco.verify.internal.TestPki.Ca;
import dev.doco.verify.internal.TestPki.Leaf;
import dev.doco.verify.internal.TestPki.Sct;
import dev.doco.verify.internal.TrustedRoot.TransparencyLog;
import dev.doco.verify.internal.TrustedRoot.Validity;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;

/**
 * Fulcio-style certificate checks on certificates made by {@link TestPki}: the code-signing EKU,
 * the SAN kinds that count as an identity, the OIDC issuer, and embedded SCTs.
 */
class FulcioTest {
  static final String USERNAME_OID = "1.3.6.1.4.1.57264.1.7";
  static final String CT_URL = "https://ctfe.test";

  final Ca ca = TestPki.ca("test fulcio");
  final KeyPair ctKey = TestPki.ec();
  final TransparencyLog ctlog = TestPki.log(CT_URL, ctKey, TestPki.open());
  final TrustedRoot root = TestPki.root(List.of(TestPki.authority(ca)), List.of(ctlog), List.of());

  // ------------------------------------------------------------------------- chain and EKU

  @Test
  void validateChain_codeSigningLeaf_chainsToTheTrustedCa() throws Exception {
    X509Certificate leaf = new Leaf().email("a@example.com").issue(ca);
    Chain chain = Fulcio.validateChain(leaf, root, SIGNED_AT);
    assertSame(leaf, chain.leaf());
    assertEquals(ca.cert(), chain.issuer());
  }

  @Test
  void validateChain_leafWhoseEkuLacksCodeSigning_isRefused() {
    Leaf l = new Leaf().email("a@example.com");
    l.eku = new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth};
    X509Certificate leaf = l.issue(ca);
    SignatureCheckException e =
        assertThrows(
            SignatureCheckException.class, () -> Fulcio.validateChain(leaf, root, SIGNED_AT));
    assertEquals("certificate is not for code signing (EKU [1.3.6.1.5.5.7.3.1])", e.getMessage());
  }

  @Test
  void validateChain_leafWithAnyExtendedKeyUsage_isAccepted() throws Exception {
    Leaf l = new Leaf().email("a@example.com");
    l.eku = new KeyPurposeId[] {KeyPurposeId.anyExtendedKeyUsage};
    X509Certificate leaf = l.issue(ca);
    assertSame(leaf, Fulcio.validateChain(leaf, root, SIGNED_AT).leaf());
  }

  @Test
  void validateChain_leafWithoutEkuExtension_isAccepted() throws Exception {
    Leaf l = new Leaf().email("a@example.com");
    l.eku = null;
    X509Certificate leaf = l.issue(ca);
    assertSame(leaf, Fulcio.validateChain(leaf, root, SIGNED_AT).leaf());
  }

  @Test
  void validateChain_afterTheLeafExpired_isRefusedAsNotValidAtThatTime() {
    X509Certificate leaf = new Leaf().email("a@example.com").issue(ca);
    Instant late = TestPki.NOT_AFTER.plusSeconds(1);
    SignatureCheckException e =
        assertThrows(SignatureCheckException.class, () -> Fulcio.validateChain(leaf, root, late));
    assertEquals("certificate was not valid at " + late, e.getMessage());
  }

  @Test
  void validateChain_leafOfAnotherCa_doesNotChain() {
    X509Certificate leaf = new Leaf().email("a@example.com").issue(TestPki.ca("other"));
    SignatureCheckException e =
        assertThrows(
            SignatureCheckException.class, () -> Fulcio.validateChain(leaf, root, SIGNED_AT));
    assertTrue(
        e.getMessage()
            .startsWith("certificate does not chain to a CA of the trusted root (test root)"),
        e.getMessage());
  }

  // ------------------------------------------------------------------------------ subjects

  static GeneralName otherName(String oid, ASN1Encodable value) {
    return new GeneralName(
        GeneralName.otherName,
        new DERSequence(
            new ASN1Encodable[] {
              new ASN1ObjectIdentifier(oid), new DERTaggedObject(true, 0, value)
            }));
  }

  @Test
  void subjects_areEmailUriDnsIpAndFulcioUsername_inCertificateOrder() throws Exception {
    X509Certificate leaf =
        new Leaf()
            .email("dev@example.com")
            .san(
                new GeneralName(
                    GeneralName.uniformResourceIdentifier,
                    "https://github.com/o/r/.github/workflows/w.yml@refs/heads/main"))
            .san(new GeneralName(GeneralName.dNSName, "build.example.com"))
            .san(new GeneralName(GeneralName.iPAddress, "192.0.2.7"))
            .san(otherName(USERNAME_OID, new DERUTF8String("alice")))
            .issue(ca);
    assertEquals(
        List.of(
            "dev@example.com",
            "https://github.com/o/r/.github/workflows/w.yml@refs/heads/main",
            "build.example.com",
            "192.0.2.7",
            "alice"),
        Fulcio.subjects(leaf));
  }

  @Test
  void subjects_ignoreDirectoryNamesRegisteredIdsForeignAndMalformedOtherNames() throws Exception {
    X509Certificate leaf =
        new Leaf()
            .san(new GeneralName(new X500Name("CN=not an identity")))
            .san(new GeneralName(GeneralName.registeredID, "1.2.3.4"))
            .san(otherName("1.3.6.1.4.1.311.20.2.3", new DERUTF8String("upn@example.com")))
            .san(otherName(USERNAME_OID, new ASN1Integer(42)))
            .san(
                new GeneralName(
                    GeneralName.otherName,
                    new DERSequence(
                        new ASN1Encodable[] {
                          new ASN1ObjectIdentifier(USERNAME_OID),
                          new DERTaggedObject(false, 0, new DERUTF8String("implicit"))
                        })))
            .email("only@example.com")
            .issue(ca);
    assertEquals(List.of("only@example.com"), Fulcio.subjects(leaf));
  }

  @Test
  void subjects_ofCertificateWithoutSan_isEmpty() throws Exception {
    assertEquals(List.of(), Fulcio.subjects(new Leaf().issue(ca)));
  }

  @Test
  void matchIdentity_fulcioUsernameOtherName_matchesExactSubject() throws Exception {
    X509Certificate leaf =
        new Leaf()
            .san(otherName(USERNAME_OID, new DERUTF8String("alice")))
            .issuerV2("https://issuer.test")
            .issue(ca);
    assertEquals(
        "alice",
        Fulcio.matchIdentity(leaf, new KeylessIdentity("https://issuer.test", "alice", "")));
  }

  @Test
  void matchIdentity_regexp_returnsTheFirstSanMatchedWhole() throws Exception {
    X509Certificate leaf =
        new Leaf()
            .email("dev@example.com")
            .san(
                new GeneralName(
                    GeneralName.uniformResourceIdentifier,
                    "https://github.com/o/r/w.yml@refs/heads/main"))
            .issuerV2("https://issuer.test")
            .issue(ca);
    assertEquals(
        "https://github.com/o/r/w.yml@refs/heads/main",
        Fulcio.matchIdentity(
            leaf, new KeylessIdentity("https://issuer.test", "", "https://github\\.com/o/r/.*")));
  }

  @Test
  void matchIdentity_expectedIssuerButCertificateHasNone_namesNone() {
    X509Certificate leaf = new Leaf().email("dev@example.com").issue(ca);
    Fulcio.IdentityMismatch e =
        assertThrows(
            Fulcio.IdentityMismatch.class,
            () ->
                Fulcio.matchIdentity(
                    leaf, new KeylessIdentity("https://issuer.test", "dev@example.com", "")));
    assertEquals("certificate issuer (none) does not match", e.getMessage());
  }

  @Test
  void matchIdentity_otherIssuer_namesTheCertificatesIssuer() {
    X509Certificate leaf =
        new Leaf().email("dev@example.com").issuerV2("https://evil.test").issue(ca);
    Fulcio.IdentityMismatch e =
        assertThrows(
            Fulcio.IdentityMismatch.class,
            () ->
                Fulcio.matchIdentity(
                    leaf, new KeylessIdentity("https://issuer.test", "dev@example.com", "")));
    assertEquals("certificate issuer https://evil.test does not match", e.getMessage());
  }

  @Test
  void issuer_deprecatedOidHoldsRawAscii() throws Exception {
    X509Certificate leaf =
        new Leaf()
            .email("dev@example.com")
            .rawExt(Fulcio.OID_ISSUER_V1, "https://old.test".getBytes(StandardCharsets.US_ASCII))
            .issue(ca);
    assertEquals("https://old.test", Fulcio.issuer(leaf));
  }

  // ----------------------------------------------------------------------------------- SCT

  String verifySct(X509Certificate leaf) throws SignatureCheckException {
    return Fulcio.verifyEmbeddedSct(Fulcio.validateChain(leaf, root, SIGNED_AT), root);
  }

  SignatureCheckException sctRefusal(X509Certificate leaf) {
    return assertThrows(SignatureCheckException.class, () -> verifySct(leaf));
  }

  @Test
  void sct_signedByTrustedCtLogOverThePrecertificate_namesTheLog() throws Exception {
    X509Certificate leaf = new Leaf().email("a@example.com").issueWithScts(ca, new Sct(ctKey));
    assertEquals(CT_URL, verifySct(leaf));
  }

  @Test
  void sct_withLongExtensions_isVerifiedOverTheirTwoByteLengthAndBytes() throws Exception {
    Sct s = new Sct(ctKey);
    s.extensions = new byte[300];
    s.extensions[299] = 7;
    X509Certificate leaf = new Leaf().email("a@example.com").issueWithScts(ca, s);
    assertEquals(CT_URL, verifySct(leaf));
  }

  @Test
  void sct_overPrecertificateLargerThan64KiB_isVerifiedWithThreeByteLength() throws Exception {
    X509Certificate leaf =
        new Leaf()
            .email("a@example.com")
            .ext("1.3.6.1.4.1.55555.1", new DEROctetString(new byte[70_000]))
            .issueWithScts(ca, new Sct(ctKey));
    assertEquals(CT_URL, verifySct(leaf));
  }

  @Test
  void sct_fromUnknownLogFirst_thenTrustedLog_isAccepted() throws Exception {
    X509Certificate leaf =
        new Leaf().email("a@example.com").issueWithScts(ca, new Sct(TestPki.ec()), new Sct(ctKey));
    assertEquals(CT_URL, verifySct(leaf));
  }

  @Test
  void sct_onlyFromUnknownLog_isRefused() {
    KeyPair other = TestPki.ec();
    X509Certificate leaf = new Leaf().email("a@example.com").issueWithScts(ca, new Sct(other));
    String id = Crypto.hex(Crypto.sha256(other.getPublic().getEncoded())).substring(0, 12);
    assertEquals(
        "no valid SCT from a CT log of the trusted root (SCT from unknown CT log " + id + "...)",
        sctRefusal(leaf).getMessage());
  }

  @Test
  void sct_withBadSignature_isRefused() {
    Sct s = new Sct(ctKey);
    s.corruptSignature = true;
    X509Certificate leaf = new Leaf().email("a@example.com").issueWithScts(ca, s);
    assertEquals(
        "no valid SCT from a CT log of the trusted root (SCT signature from "
            + CT_URL
            + " does not verify)",
        sctRefusal(leaf).getMessage());
  }

  @Test
  void sct_signedBeforeTheCtLogKeyWasValid_isRefused() {
    TransparencyLog later =
        TestPki.log(CT_URL, ctKey, new Validity(Instant.parse("2025-01-01T00:00:00Z"), null));
    TrustedRoot r = TestPki.root(List.of(TestPki.authority(ca)), List.of(later), List.of());
    X509Certificate leaf = new Leaf().email("a@example.com").issueWithScts(ca, new Sct(ctKey));
    SignatureCheckException e =
        assertThrows(
            SignatureCheckException.class,
            () -> Fulcio.verifyEmbeddedSct(Fulcio.validateChain(leaf, r, SIGNED_AT), r));
    assertEquals(
        "no valid SCT from a CT log of the trusted root (CT log "
            + CT_URL
            + " key not valid at "
            + SIGNED_AT
            + ")",
        e.getMessage());
  }

  @Test
  void sct_withUnsupportedVersionOrAlgorithms_isRefused() {
    for (int[] v : new int[][] {{1, 4, 3}, {0, 5, 3}, {0, 4, 2}}) {
      Sct s = new Sct(ctKey);
      s.version = v[0];
      s.hashAlg = v[1];
      s.sigAlg = v[2];
      X509Certificate leaf = new Leaf().email("a@example.com").issueWithScts(ca, s);
      assertEquals(
          "no valid SCT from a CT log of the trusted root (unsupported SCT version/algorithm)",
          sctRefusal(leaf).getMessage(),
          () -> java.util.Arrays.toString(v));
    }
  }

  @Test
  void sct_missing_isRefused() {
    X509Certificate leaf = new Leaf().email("a@example.com").issue(ca);
    assertEquals("certificate has no embedded SCT", sctRefusal(leaf).getMessage());
  }
}
