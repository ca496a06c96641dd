package dev.doco.verify.notation;

import static dev.doco.verify.notation.Scenario.all;
import static dev.doco.verify.notation.TestSigning.T0;
import static dev.doco.verify.notation.TestSigning.T_END;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.spi.VerificationResult;
import dev.doco.verify.notation.TestSigning.Kind;
import dev.doco.verify.notation.TestSigning.Signer;
import dev.doco.verify.notation.TestSigning.Tsa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks of {@link NotationVerifier} one by one, each with the exact line it reports (found by
 * mutation testing: the chain rules, the signing-authority time, the tsa stores, the signature and
 * manifest size limits and the identity and statement wording could be broken unnoticed).
 */
class NotationVerifierChecksTest {
  static final String DN = "C=US, ST=WA, L=Seattle, O=Example, CN=example-signer";
  static final String STATEMENT = "trust policy statement \"test-statement\" (strict)";
  static Signer ec;

  @TempDir Path tmp;

  @BeforeAll
  static void keys() throws Exception {
    ec = TestSigning.selfSigned(DN, TestSigning.ec("secp256r1"), T0, T_END);
  }

  private Scenario scenario() throws Exception {
    return new Scenario(tmp).trust("ca", "test", ec.leaf());
  }

  private static String fingerprint(X509Certificate c) throws Exception {
    return "sha256:"
        + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
  }

  /** A JWS in the signing-authority scheme (authenticSigningTime, critical). */
  private static byte[] signingAuthorityJws(Signer s, String payload, Instant authenticTime)
      throws Exception {
    String prot =
        "{\"alg\":\"ES256\",\"crit\":[\"io.cncf.notary.signingScheme\","
            + "\"io.cncf.notary.authenticSigningTime\"],"
            + "\"cty\":\"application/vnd.cncf.notary.payload.v1+json\","
            + "\"io.cncf.notary.authenticSigningTime\":\""
            + authenticTime
            + "\",\"io.cncf.notary.signingScheme\":\"notary.x509.signingAuthority\"}";
    return TestSigning.jws(s, "ES256", prot, payload, null);
  }

  /** A signature manifest for {@code s}'s artifact with one JWS layer, padded to a size. */
  private static String signatureManifest(
      Scenario s, String layerDigest, long layerSize, String padding) {
    return "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"artifactType\":\"application/vnd.cncf.notary.signature\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
        + InMemoryArtifactAccess.sha256("{}".getBytes(StandardCharsets.UTF_8))
        + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/jose+json\",\"digest\":\""
        + layerDigest
        + "\",\"size\":"
        + layerSize
        + "}],\"subject\":{\"mediaType\":\""
        + Scenario.MEDIA_TYPE
        + "\",\"digest\":\""
        + s.digest
        + "\",\"size\":"
        + s.size
        + "},\"annotations\":{\"pad\":\""
        + padding
        + "\"}}";
  }

  // ---------------------------------------------------------------- chain rules, identity

  @Test
  void leafCertificateMarkedAsCa_isRefusedForIntegrity_byTheChainRules() throws Exception {
    KeyPair root = TestSigning.ec("secp256r1");
    KeyPair leaf = TestSigning.ec("secp256r1");
    String rootDn = "C=US, ST=WA, O=Test CA, CN=Test Root";
    X509Certificate rootCert =
        TestSigning.cert(
            rootDn, root.getPublic(), rootDn, root.getPrivate(), Kind.CA, T0, T_END, null);
    X509Certificate caLeaf =
        TestSigning.cert(
            new X500Name(DN),
            leaf.getPublic(),
            rootDn,
            root.getPrivate(),
            T0,
            T_END,
            b -> {
              b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
              b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            });
    Signer signer = new Signer(leaf.getPrivate(), List.of(caLeaf, rootCert));
    Scenario s = new Scenario(tmp).trust("ca", "test", rootCert);
    s.attachJws(TestSigning.jws(signer, s.payload(), T0));
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(
        r.attempts()
            .get(0)
            .endsWith(
                "(JWS): integrity: invalid certificate chain: leaf certificate \""
                    + caLeaf.getSubjectX500Principal().getName()
                    + "\": basic constraints must not set CA to true"),
        all(r));
  }

  @Test
  void acceptedResult_namesTheStatementFirst_andTheAnchorByFingerprint() throws Exception {
    Scenario s = scenario();
    s.attachJws(TestSigning.jws(ec, s.payload(), T0));
    VerificationResult r = s.verify();
    assertTrue(r.accepted(), all(r));
    assertEquals("notation: " + STATEMENT, r.notes().get(0));
    assertTrue(
        r.matchedBy()
            .contains(
                ": certificate \""
                    + ec.leaf().getSubjectX500Principal().getName()
                    + "\" ("
                    + fingerprint(ec.leaf())
                    + ") in trust store ca:test, identity \"x509.subject: C=US, ST=WA,"
                    + " O=Example\""),
        r.matchedBy());
  }

  @Test
  void untrustedChain_isRefusedNamingEachCertificateWithItsFingerprint() throws Exception {
    Signer stranger = TestSigning.selfSigned(DN, TestSigning.ec("secp256r1"), T0, T_END);
    Scenario s = scenario();
    s.attachJws(TestSigning.jws(stranger, s.payload(), T0));
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(
        r.attempts()
            .get(0)
            .endsWith(
                "(JWS): authenticity (enforced by "
                    + STATEMENT
                    + "): the certificate chain [\""
                    + stranger.leaf().getSubjectX500Principal().getName()
                    + "\" "
                    + fingerprint(stranger.leaf())
                    + "] does not contain any certificate of trust stores [ca:test]"),
        all(r));
  }

  @Test
  void onlyASigningAuthorityStore_atAudit_acceptsANotaryX509Signature_withoutAuthenticity()
      throws Exception {
    Scenario s = new Scenario(tmp).trust("signingAuthority", "test", ec.leaf());
    s.policy = s.policy.stores("signingAuthority:test").level("audit");
    s.attachJws(TestSigning.jws(ec, s.payload(), T0));
    VerificationResult r = s.verify();
    assertTrue(r.accepted(), all(r));
    assertTrue(r.matchedBy().endsWith("(JWS): authenticity not established (logged only)"), all(r));
    assertTrue(
        r.notes().stream()
            .anyMatch(
                n ->
                    n.contains("authenticity failed, logged only")
                        && n.contains("needs a ca:NAME trust store")),
        all(r));
  }

  @Test
  void identityMismatch_atAudit_isAccepted_sayingTheIdentityWasNotMatched() throws Exception {
    Scenario s = scenario();
    s.policy = s.policy.level("audit").identities("x509.subject: C=US, ST=WA, O=Other");
    s.attachJws(TestSigning.jws(ec, s.payload(), T0));
    VerificationResult r = s.verify();
    assertTrue(r.accepted(), all(r));
    assertTrue(
        r.matchedBy().endsWith("in trust store ca:test, identity not matched (logged only)"),
        r.matchedBy());
  }

  @Test
  void signerSubjectWithAMultiValuedRdn_failsAuthenticity_enforcedAtStrict_loggedAtAudit()
      throws Exception {
    Signer multi =
        TestSigning.selfSigned(
            "C=US, ST=WA, O=Example+OU=Eng, CN=multi", TestSigning.ec("secp256r1"), T0, T_END);
    Scenario s = new Scenario(tmp).trust("ca", "test", multi.leaf());
    s.attachJws(TestSigning.jws(multi, s.payload(), T0));
    VerificationResult strict = s.verify();
    assertFalse(strict.accepted());
    assertTrue(
        strict
            .attempts()
            .get(0)
            .endsWith(
                "authenticity (enforced by "
                    + STATEMENT
                    + "): certificate subject has a multi-valued RDN, which Notation rejects"),
        all(strict));
    s.policy = s.policy.level("audit");
    VerificationResult audit = s.verify();
    assertTrue(audit.accepted(), all(audit));
    assertTrue(
        audit.matchedBy().endsWith("in trust store ca:test, identity not matched (logged only)"),
        audit.matchedBy());
  }

  // ---------------------------------------------------------------- time

  @Test
  void signingAuthority_authenticSigningTimeBeforeTheCertificate_isRefused() throws Exception {
    Instant certStart = Instant.parse("2025-01-01T00:00:00Z");
    Signer sa = TestSigning.selfSigned(DN, TestSigning.ec("secp256r1"), certStart, T_END);
    Scenario s = new Scenario(tmp).trust("signingAuthority", "sa", sa.leaf());
    s.policy = s.policy.stores("signingAuthority:sa");
    Instant authentic = Instant.parse("2024-06-01T00:00:00Z");
    s.attachJws(signingAuthorityJws(sa, s.payload(), authentic));
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(
        r.attempts()
            .get(0)
            .endsWith(
                "authenticTimestamp (enforced by "
                    + STATEMENT
                    + "): the authentic signing time 2024-06-01T00:00:00Z is outside the validity"
                    + " of certificate \""
                    + sa.leaf().getSubjectX500Principal().getName()
                    + "\" (valid from 2025-01-01T00:00:00Z)"),
        all(r));
    // inside the validity it is accepted, and the result says at which time
    Scenario ok = new Scenario(tmp.resolve("ok")).trust("signingAuthority", "sa", sa.leaf());
    ok.policy = s.policy;
    ok.attachJws(signingAuthorityJws(sa, ok.payload(), certStart.plusSeconds(60)));
    VerificationResult accepted = ok.verify();
    assertTrue(accepted.accepted(), all(accepted));
    assertTrue(
        accepted.matchedBy().endsWith("; authentic signing time 2025-01-01T00:01:00Z"),
        accepted.matchedBy());
  }

  @Test
  void certificateNotYetValid_withoutTimestamp_isRefusedSayingFromWhen() throws Exception {
    Instant start = Scenario.NOW.plusSeconds(86400);
    Signer future = TestSigning.selfSigned(DN, TestSigning.ec("secp256r1"), start, T_END);
    Scenario s = new Scenario(tmp).trust("ca", "test", future.leaf());
    s.attachJws(TestSigning.jws(future, s.payload(), T0));
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(
        r.attempts()
            .get(0)
            .endsWith(
                "the chain is not valid: certificate \""
                    + future.leaf().getSubjectX500Principal().getName()
                    + "\" (valid from "
                    + start
                    + ")"),
        all(r));
  }

  @Test
  void afterCertExpiry_expiredCertificate_isCheckedAtItsTimestamp_andAccepted() throws Exception {
    Tsa tsa = Tsa.create();
    Instant certEnd = Scenario.NOW.minusSeconds(86400);
    Signer old = TestSigning.selfSigned(DN, TestSigning.ec("secp256r1"), T0, certEnd);
    Scenario s = new Scenario(tmp).trust("ca", "test", old.leaf()).trust("tsa", "ts", tsa.root());
    s.policy = s.policy.stores("ca:test", "tsa:ts").verifyTimestamp("afterCertExpiry");
    Instant signedAt = certEnd.minusSeconds(3600);
    s.attachJws(
        TestSigning.jws(
            old,
            "ES256",
            TestSigning.protectedHeader("ES256", signedAt, null),
            s.payload(),
            tsa.at(signedAt)));
    VerificationResult r = s.verify();
    assertTrue(r.accepted(), all(r));
    assertTrue(
        r.matchedBy()
            .endsWith(
                "; timestamped at "
                    + signedAt
                    + ".."
                    + signedAt
                    + " by \""
                    + tsa.cert().getSubjectX500Principal().getName()
                    + "\""),
        r.matchedBy());
  }

  @Test
  void tsaStoreThatDoesNotExist_refusesATimestampedSignature() throws Exception {
    Tsa tsa = Tsa.create();
    Scenario s = scenario();
    s.policy = s.policy.stores("ca:test", "tsa:missing");
    s.attachJws(
        TestSigning.jws(
            ec, "ES256", TestSigning.protectedHeader("ES256", T0, null), s.payload(), tsa.at(T0)));
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(
        r.attempts()
            .get(0)
            .contains(
                "authenticTimestamp (enforced by "
                    + STATEMENT
                    + "): no usable tsa trust store: trust store tsa:missing does not exist"),
        all(r));
  }

  @Test
  void tsaCertificateNamingAnOcspResponder_isNotedAsNotChecked_andOneWithoutIsNot()
      throws Exception {
    KeyPair root = TestSigning.ec("secp256r1");
    String rootDn = "C=US, ST=WA, O=Test TSA, CN=Test TSA Root";
    X509Certificate rootCert =
        TestSigning.cert(
            rootDn, root.getPublic(), rootDn, root.getPrivate(), Kind.CA, T0, T_END, null);
    Tsa plain = tsaUnder(rootCert, root, "Plain TSA", null);
    Tsa revocable = tsaUnder(rootCert, root, "Revocable TSA", "http://ocsp.tsa.example/");
    for (Tsa tsa : List.of(plain, revocable)) {
      Scenario s =
          new Scenario(tmp.resolve(tsa == plain ? "plain" : "revocable"))
              .trust("ca", "test", ec.leaf())
              .trust("tsa", "ts", tsa.root());
      s.policy = s.policy.stores("ca:test", "tsa:ts");
      s.attachJws(
          TestSigning.jws(
              ec,
              "ES256",
              TestSigning.protectedHeader("ES256", T0, null),
              s.payload(),
              tsa.at(T0.plusSeconds(1))));
      VerificationResult r = s.verify();
      assertTrue(r.accepted(), all(r));
      boolean noted =
          r.notes().stream()
              .anyMatch(
                  n ->
                      n.endsWith(
                          ": the revocation status of the TSA certificate \""
                              + tsa.cert().getSubjectX500Principal().getName()
                              + "\" was not checked (doco verifies offline; no OCSP or CRL"
                              + " queries)"));
      assertEquals(tsa == revocable, noted, all(r));
    }
  }

  private static Tsa tsaUnder(
      X509Certificate rootCert, KeyPair root, String cn, @Nullable String ocspUrl)
      throws Exception {
    KeyPair leaf = TestSigning.ec("secp256r1");
    X509Certificate cert =
        TestSigning.cert(
            "C=US, ST=WA, O=Test TSA, CN=" + cn,
            leaf.getPublic(),
            "C=US, ST=WA, O=Test TSA, CN=Test TSA Root",
            root.getPrivate(),
            Kind.TSA,
            T0,
            T_END,
            ocspUrl);
    return new Tsa(leaf.getPrivate(), cert, rootCert);
  }

  // ---------------------------------------------------------------- revocation

  @Test
  void singleSelfSignedCertificateNamingAnOcspResponder_hasUnknownRevocationStatus()
      throws Exception {
    KeyPair kp = TestSigning.ec("secp256r1");
    X509Certificate cert =
        TestSigning.cert(
            DN,
            kp.getPublic(),
            DN,
            kp.getPrivate(),
            Kind.CODE_SIGNING,
            T0,
            T_END,
            "http://ocsp.example/");
    Signer signer = new Signer(kp.getPrivate(), List.of(cert));
    Scenario s = new Scenario(tmp).trust("ca", "test", cert);
    s.attachJws(TestSigning.jws(signer, s.payload(), T0));
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(
        r.attempts()
            .get(0)
            .contains(
                "revocation (enforced by "
                    + STATEMENT
                    + "): revocation status unknown: \""
                    + cert.getSubjectX500Principal().getName()
                    + "\" name(s) OCSP/CRL endpoints"),
        all(r));
  }

  @Test
  void rootNamingAnOcspResponder_isNotCheckedForRevocation_asInNotation() throws Exception {
    // a self-signed root has no issuer to ask about it: only the certificates below it count
    KeyPair root = TestSigning.ec("secp256r1");
    KeyPair leaf = TestSigning.ec("secp256r1");
    String rootDn = "C=US, ST=WA, O=Test CA, CN=Revocable Root";
    X509Certificate rootCert =
        TestSigning.cert(
            rootDn,
            root.getPublic(),
            rootDn,
            root.getPrivate(),
            Kind.CA,
            T0,
            T_END,
            "http://ocsp.example/");
    X509Certificate leafCert =
        TestSigning.cert(
            DN, leaf.getPublic(), rootDn, root.getPrivate(), Kind.CODE_SIGNING, T0, T_END, null);
    Signer signer = new Signer(leaf.getPrivate(), List.of(leafCert, rootCert));
    Scenario s = new Scenario(tmp).trust("ca", "test", rootCert);
    s.attachJws(TestSigning.jws(signer, s.payload(), T0));
    VerificationResult r = s.verify();
    assertTrue(r.accepted(), all(r));
    assertTrue(
        r.notes().stream().anyMatch(n -> n.contains(": revocation not applicable: ")), all(r));
  }

  // ---------------------------------------------------------------- discovery and limits

  @Test
  void referrerOfAnotherArtifactType_isNotTakenForASignature() throws Exception {
    Scenario s = scenario();
    s.access.attachManifest(
        s.digest,
        "{\"schemaVersion\":2,\"artifactType\":\"application/spdx+json\",\"layers\":[]}",
        "application/spdx+json");
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertEquals(
        List.of(
            "notation: no Notation signature found (no referrer with artifactType"
                + " application/vnd.cncf.notary.signature)"),
        r.attempts());
  }

  @Test
  void moreThan100Signatures_onlyTheFirst100AreTried_andTheRestAreCounted() throws Exception {
    Scenario s = scenario();
    for (int i = 0; i < 102; i++) {
      s.attachJws(("not an envelope " + i).getBytes(StandardCharsets.UTF_8));
    }
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertEquals(101, r.attempts().size(), all(r));
    assertTrue(r.attempts().get(99).contains("integrity: invalid envelope"), all(r));
    assertEquals(
        "notation: stopped after 100 signatures; 2 more were not tried", r.attempts().get(100));
  }

  @Test
  void signatureManifestOfExactly4MiB_isRead_andOneByteMore_isRefused() throws Exception {
    Scenario s = scenario();
    byte[] envelope = TestSigning.jws(ec, s.payload(), T0);
    String layer = s.access.putBlob(envelope);
    int limit = 4 * 1024 * 1024;
    int base = signatureManifest(s, layer, envelope.length, "").length();
    s.access.attachManifest(
        s.digest,
        signatureManifest(s, layer, envelope.length, "x".repeat(limit - base)),
        NotationVerifier.SIGNATURE_ARTIFACT_TYPE);
    VerificationResult atLimit = s.verify();
    assertTrue(atLimit.accepted(), all(atLimit));

    Scenario over = new Scenario(tmp.resolve("over")).trust("ca", "test", ec.leaf());
    String layer2 = over.access.putBlob(envelope);
    over.access.attachManifest(
        over.digest,
        signatureManifest(over, layer2, envelope.length, "x".repeat(limit - base + 1)),
        NotationVerifier.SIGNATURE_ARTIFACT_TYPE);
    VerificationResult r = over.verify();
    assertFalse(r.accepted());
    assertTrue(
        r.attempts().get(0).endsWith(": the signature manifest is larger than 4 MiB"), all(r));
  }

  @Test
  void envelopeLayerDeclaring32MiB_isRead_andOneByteMore_isRefusedUnread() throws Exception {
    Scenario s = scenario();
    byte[] envelope = TestSigning.jws(ec, s.payload(), T0);
    String layer = s.access.putBlob(envelope);
    long limit = 32L * 1024 * 1024;
    s.access.attachManifest(
        s.digest, signatureManifest(s, layer, limit, ""), NotationVerifier.SIGNATURE_ARTIFACT_TYPE);
    s.access.attachManifest(
        s.digest,
        signatureManifest(s, layer, limit + 1, ""),
        NotationVerifier.SIGNATURE_ARTIFACT_TYPE);
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(
        r.attempts()
            .get(0)
            .endsWith(
                ": the signature envelope " + layer + " is not the 33554432 bytes its layer says"),
        all(r));
    assertTrue(
        r.attempts().get(1).endsWith(": the signature envelope is larger than 32 MiB"), all(r));
  }
}
