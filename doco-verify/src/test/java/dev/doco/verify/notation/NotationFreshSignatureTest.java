package dev.doco.verify.notation;

import static dev.doco.verify.notation.Scenario.all;
import static dev.doco.verify.notation.TestSigning.T0;
import static dev.doco.verify.notation.TestSigning.T_END;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.ConfigException;
import dev.doco.core.spi.VerificationResult;
import dev.doco.verify.notation.TestSigning.Signer;
import dev.doco.verify.notation.TestSigning.Tsa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signatures made in the test (JWS as in signing.md section 6, COSE), and tampered copies. */
class NotationFreshSignatureTest {
  static final String DN = "C=US, ST=WA, L=Seattle, O=Example, CN=example-signer";
  static Signer rsa;
  static Signer ec;

  @TempDir Path tmp;

  @BeforeAll
  static void keys() throws Exception {
    rsa = TestSigning.selfSigned(DN, TestSigning.rsa(2048), T0, T_END);
    ec = TestSigning.selfSigned(DN, TestSigning.ec("secp256r1"), T0, T_END);
  }

  private Scenario scenario() throws Exception {
    return new Scenario(tmp).trust("ca", "test", rsa.leaf(), ec.leaf());
  }

  @Test
  void jwsPs256_selfSigned_isAccepted_andNamesSignatureStoreAndIdentity() throws Exception {
    Scenario s = scenario();
    String sig = s.attachJws(TestSigning.jws(rsa, s.payload(), T0.plusSeconds(60)));
    VerificationResult r = s.verify();
    assertTrue(r.accepted(), all(r));
    assertEquals(sig, r.signature());
    assertTrue(r.matchedBy().contains("trust store ca:test"), r.matchedBy());
    assertTrue(r.matchedBy().contains("x509.subject: C=US, ST=WA, O=Example"), r.matchedBy());
  }

  @Test
  void jwsEs256_isAccepted() throws Exception {
    Scenario s = scenario();
    s.attachJws(TestSigning.jws(ec, s.payload(), T0));
    VerificationResult r = s.verify();
    assertTrue(r.accepted(), all(r));
  }

  @Test
  void cosePs256AndEs256_areAccepted() throws Exception {
    for (var c :
        new Object[][] {{rsa, TestSigning.COSE_ALG_PS256}, {ec, TestSigning.COSE_ALG_ES256}}) {
      Scenario s =
          new Scenario(tmp.resolve("c" + c[1])).trust("ca", "test", ((Signer) c[0]).leaf());
      s.attachCose(TestSigning.cose((Signer) c[0], (int) c[1], s.payload(), T0, null, null));
      VerificationResult r = s.verify();
      assertTrue(r.accepted(), all(r));
      assertTrue(r.matchedBy().contains("(COSE)"), r.matchedBy());
    }
  }

  @Test
  void legacyConfigMediaTypeForm_isFoundAndAccepted() throws Exception {
    Scenario s = scenario();
    s.access.attachSignature(
        s.digest, "application/jose+json", TestSigning.jws(rsa, s.payload(), T0), true);
    VerificationResult r = s.verify();
    assertTrue(r.accepted(), all(r));
    assertEquals(2, s.access.referrerCalls); // filtered query empty, then all referrers
  }

  @Test
  void chainWithIntermediate_trustedAtRoot_isAccepted() throws Exception {
    Signer chained = TestSigning.chain("C=US, ST=WA, O=Example, CN=ci", null);
    Scenario s = new Scenario(tmp).trust("ca", "test", chained.root());
    s.attachJws(TestSigning.jws(chained, s.payload(), T0));
    VerificationResult r = s.verify();
    assertTrue(r.accepted(), all(r));
    assertTrue(r.matchedBy().contains("CN=Test Root"), r.matchedBy());
  }

  @Test
  void jws_withPayloadEdited_isRefusedForIntegrity() throws Exception {
    Scenario s = scenario();
    String good = new String(TestSigning.jws(rsa, s.payload(), T0), StandardCharsets.UTF_8);
    String edited =
        TestSigning.b64url(s.payload().replace("\"size\":" + s.size, "\"size\":" + (s.size + 1)));
    String original = TestSigning.b64url(s.payload());
    s.attachJws(good.replace(original, edited).getBytes(StandardCharsets.UTF_8));
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).contains("integrity: the signature does not verify"), all(r));
  }

  @Test
  void cose_withSignatureByteFlipped_isRefusedForIntegrity() throws Exception {
    Scenario s = scenario();
    byte[] env = TestSigning.cose(rsa, TestSigning.COSE_ALG_PS256, s.payload(), T0, null, null);
    env[env.length - 1] ^= 1;
    s.attachCose(env);
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).contains("(COSE): integrity: the signature does not"), all(r));
  }

  @Test
  void signatureForAnotherDigest_replayedOntoThisArtifact_isRefused() throws Exception {
    Scenario s = scenario();
    String other = TestSigning.payload(Scenario.MEDIA_TYPE, "sha256:" + "ab".repeat(32), s.size);
    s.attachJws(TestSigning.jws(rsa, other, T0));
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(
        r.attempts().get(0).contains("integrity: the signature is for {mediaType")
            && r.attempts().get(0).contains("sha256:abab")
            && r.attempts().get(0).contains("not for this artifact"),
        all(r));
  }

  @Test
  void signatureWithWrongMediaTypeOrSize_isRefused() throws Exception {
    Scenario s = scenario();
    s.attachJws(
        TestSigning.jws(rsa, TestSigning.payload("application/other", s.digest, s.size), T0));
    s.attachJws(
        TestSigning.jws(rsa, TestSigning.payload(Scenario.MEDIA_TYPE, s.digest, s.size + 1), T0));
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertEquals(2, r.attempts().size(), all(r));
    assertTrue(r.attempts().stream().allMatch(a -> a.contains("not for this artifact")), all(r));
  }

  @Test
  void certificateOutsideTheStore_isRefusedForAuthenticity() throws Exception {
    Signer stranger =
        TestSigning.selfSigned(DN, TestSigning.ec("secp256r1"), T0, T_END); // same DN, other key
    Scenario s = scenario();
    s.attachJws(TestSigning.jws(stranger, s.payload(), T0));
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(
        r.attempts().get(0).contains("authenticity (enforced by trust policy statement")
            && r.attempts()
                .get(0)
                .contains("does not contain any certificate of trust stores [ca:test]"),
        all(r));
  }

  @Test
  void missingNamedTrustStore_isRefusedNamingTheDirectory() throws Exception {
    Scenario s = scenario();
    s.policy = s.policy.stores("ca:typo");
    s.attachJws(TestSigning.jws(rsa, s.payload(), T0));
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).contains("trust store ca:typo does not exist"), all(r));
  }

  @Test
  void signingAuthorityStore_doesNotAuthenticateNotaryX509Signatures() throws Exception {
    Scenario s = new Scenario(tmp).trust("signingAuthority", "test", rsa.leaf());
    s.policy = s.policy.stores("signingAuthority:test");
    s.attachJws(TestSigning.jws(rsa, s.payload(), T0));
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).contains("needs a ca:NAME trust store"), all(r));
  }

  @Test
  void identityNotInTrustedIdentities_isRefused_andAlmostMatchingIdentityToo() throws Exception {
    Scenario s = scenario();
    s.attachJws(TestSigning.jws(rsa, s.payload(), T0));
    for (String id :
        new String[] {
          "x509.subject: C=US, ST=WA, O=Other",
          "x509.subject: C=US, ST=WA, O=Exampl",
          "x509.subject: C=US, ST=WA, O=Example, OU=Security"
        }) {
      s.policy = s.policy.identities(id);
      VerificationResult r = s.verify();
      assertFalse(r.accepted(), id);
      assertTrue(r.attempts().get(0).contains("matches none of the trustedIdentities"), all(r));
    }
  }

  @Test
  void policyForAnotherRepositoryOnly_refusesWithNoApplicableStatement() throws Exception {
    Scenario s = scenario();
    s.policy = s.policy.scope("registry.example/team/other");
    s.attachJws(TestSigning.jws(rsa, s.payload(), T0));
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(
        r.attempts().get(0).contains("no trust policy statement")
            && r.attempts().get(0).contains(Scenario.REPO),
        all(r));
  }

  @Test
  void noSignature_isRefused() throws Exception {
    Scenario s = scenario();
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).contains("no Notation signature found"), all(r));
  }

  @Test
  void oneBadAndOneGoodSignature_isAccepted_andTheBadOneIsListed() throws Exception {
    Scenario s = scenario();
    Signer stranger = TestSigning.selfSigned(DN, TestSigning.ec("secp256r1"), T0, T_END);
    String bad = s.attachJws(TestSigning.jws(stranger, s.payload(), T0));
    String good = s.attachJws(TestSigning.jws(rsa, s.payload(), T0));
    VerificationResult r = s.verify();
    assertTrue(r.accepted(), all(r));
    assertEquals(good, r.signature());
    assertTrue(r.attempts().get(0).contains(bad), all(r));
  }

  @Test
  void unknownCriticalHeader_isRefusedForIntegrity() throws Exception {
    Scenario s = scenario();
    String prot =
        "{\"alg\":\"PS256\",\"crit\":[\"io.cncf.notary.signingScheme\",\"acme.mustUnderstand\"],"
            + "\"cty\":\"application/vnd.cncf.notary.payload.v1+json\",\"acme.mustUnderstand\":1,"
            + "\"io.cncf.notary.signingScheme\":\"notary.x509\","
            + "\"io.cncf.notary.signingTime\":\"2024-01-01T00:00:00Z\"}";
    s.attachJws(TestSigning.jws(rsa, "PS256", prot, s.payload(), null));
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).contains("unknown critical header acme.mustUnderstand"), all(r));
  }

  @Test
  void algorithmNotMatchingTheKeySize_isRefused() throws Exception {
    Scenario s = scenario();
    // a valid PS384 signature by an RSA-2048 key: Notation requires PS256 for RSA-2048
    s.attachJws(
        TestSigning.jws(
            rsa, "PS384", TestSigning.protectedHeader("PS384", T0, null), s.payload(), null));
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(
        r.attempts().get(0).contains("does not match the signing key (which requires PS256)"),
        all(r));
  }

  @Test
  void signingTimeMissing_isRefused() throws Exception {
    Scenario s = scenario();
    String prot =
        "{\"alg\":\"PS256\",\"crit\":[\"io.cncf.notary.signingScheme\"],"
            + "\"cty\":\"application/vnd.cncf.notary.payload.v1+json\","
            + "\"io.cncf.notary.signingScheme\":\"notary.x509\"}";
    s.attachJws(TestSigning.jws(rsa, "PS256", prot, s.payload(), null));
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).contains("requires io.cncf.notary.signingTime"), all(r));
  }

  @Test
  void truncatedSignatureBase64_isRefused() throws Exception {
    Scenario s = scenario();
    String env = new String(TestSigning.jws(rsa, s.payload(), T0), StandardCharsets.UTF_8);
    int at = env.indexOf("\"signature\":\"") + 13;
    String truncated = env.substring(0, at) + env.substring(at + 10);
    s.attachJws(truncated.getBytes(StandardCharsets.UTF_8));
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).contains("integrity"), all(r));
  }

  // ---------------------------------------------------------------- time: expiry, validity, TSA

  @Test
  void signatureExpiry_isEnforcedAtStrict_loggedAtPermissive() throws Exception {
    Scenario s = scenario();
    Instant expiry = Scenario.NOW.minusSeconds(3600);
    s.attachJws(
        TestSigning.jws(
            rsa, "PS256", TestSigning.protectedHeader("PS256", T0, expiry), s.payload(), null));
    VerificationResult strict = s.verify();
    assertFalse(strict.accepted());
    assertTrue(strict.attempts().get(0).contains("expiry (enforced"), all(strict));
    s.policy = s.policy.level("permissive");
    VerificationResult permissive = s.verify();
    assertTrue(permissive.accepted(), all(permissive));
    assertTrue(permissive.notes().stream().anyMatch(n -> n.contains("expiry failed, logged only")));
  }

  @Test
  void coseExpiry_beforeNow_isRefusedAtStrict_andAcceptedBeforeIt() throws Exception {
    Scenario s = scenario();
    Instant expiry = Scenario.NOW.plusSeconds(10);
    s.attachCose(TestSigning.cose(rsa, TestSigning.COSE_ALG_PS256, s.payload(), T0, expiry, null));
    assertTrue(s.verify().accepted());
    s.now = expiry;
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).contains("expired at " + expiry), all(r));
  }

  @Test
  void expiredCertificate_withoutTsa_isRefusedAtStrict_andLoggedAtPermissive() throws Exception {
    Signer old =
        TestSigning.selfSigned(
            DN,
            TestSigning.ec("secp256r1"),
            T0,
            Scenario.NOW.minusSeconds(86400)); // expired yesterday
    Scenario s = new Scenario(tmp).trust("ca", "test", old.leaf());
    s.attachJws(TestSigning.jws(old, s.payload(), T0));
    VerificationResult strict = s.verify();
    assertFalse(strict.accepted());
    assertTrue(
        strict.attempts().get(0).contains("authenticTimestamp (enforced")
            && strict.attempts().get(0).contains("expired at"),
        all(strict));
    s.policy = s.policy.level("permissive");
    VerificationResult permissive = s.verify();
    assertTrue(permissive.accepted(), all(permissive));
    assertTrue(
        permissive.notes().stream().anyMatch(n -> n.contains("authenticTimestamp failed")),
        all(permissive));
  }

  @Test
  void expiredCertificate_withTimestampInsideItsValidity_isAcceptedAtStrict() throws Exception {
    Tsa tsa = Tsa.create();
    Instant certEnd = Scenario.NOW.minusSeconds(86400);
    Signer old = TestSigning.selfSigned(DN, TestSigning.ec("secp256r1"), T0, certEnd);
    Scenario s = new Scenario(tmp).trust("ca", "test", old.leaf()).trust("tsa", "ts", tsa.root());
    s.policy = s.policy.stores("ca:test", "tsa:ts");
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
    assertTrue(r.matchedBy().contains("timestamped at"), r.matchedBy());
    assertTrue(r.matchedBy().contains("CN=Test TSA"), r.matchedBy());
  }

  @Test
  void coseWithTimestamp_isAccepted() throws Exception {
    Tsa tsa = Tsa.create();
    Scenario s = scenario().trust("tsa", "ts", tsa.root());
    s.policy = s.policy.stores("ca:test", "tsa:ts");
    s.attachCose(
        TestSigning.cose(
            rsa, TestSigning.COSE_ALG_PS256, s.payload(), T0, null, tsa.at(T0.plusSeconds(5))));
    VerificationResult r = s.verify();
    assertTrue(r.accepted(), all(r));
    assertTrue(r.matchedBy().contains("timestamped at"), r.matchedBy());
  }

  @Test
  void timestampOutsideCertificateValidity_isRefused() throws Exception {
    Tsa tsa = Tsa.create();
    Instant certEnd = Scenario.NOW.minusSeconds(86400);
    Signer old = TestSigning.selfSigned(DN, TestSigning.ec("secp256r1"), T0, certEnd);
    Scenario s = new Scenario(tmp).trust("ca", "test", old.leaf()).trust("tsa", "ts", tsa.root());
    s.policy = s.policy.stores("ca:test", "tsa:ts");
    s.attachJws(
        TestSigning.jws(
            old,
            "ES256",
            TestSigning.protectedHeader("ES256", T0, null),
            s.payload(),
            tsa.at(certEnd.plusSeconds(60))));
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).contains("is not within the validity of"), all(r));
  }

  @Test
  void timestampOverOtherBytes_isRefused() throws Exception {
    Tsa tsa = Tsa.create();
    Scenario s = scenario().trust("tsa", "ts", tsa.root());
    s.policy = s.policy.stores("ca:test", "tsa:ts");
    TestSigning.Timestamper wrong =
        sig -> tsa.at(T0).stamp("other".getBytes(StandardCharsets.UTF_8));
    s.attachJws(
        TestSigning.jws(
            rsa, "PS256", TestSigning.protectedHeader("PS256", T0, null), s.payload(), wrong));
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).contains("message imprint mismatch"), all(r));
  }

  @Test
  void timestampFromAnUntrustedTsa_isRefused() throws Exception {
    Tsa trusted = Tsa.create();
    Tsa other = Tsa.create();
    Scenario s = scenario().trust("tsa", "ts", trusted.root());
    s.policy = s.policy.stores("ca:test", "tsa:ts");
    s.attachJws(
        TestSigning.jws(
            rsa,
            "PS256",
            TestSigning.protectedHeader("PS256", T0, null),
            s.payload(),
            other.at(T0)));
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).contains("does not chain to the tsa trust store"), all(r));
  }

  @Test
  void tsaStoreConfigured_butNoTimestamp_isRefusedAtStrict_unlessAfterCertExpiry()
      throws Exception {
    Tsa tsa = Tsa.create();
    Scenario s = scenario().trust("tsa", "ts", tsa.root());
    s.policy = s.policy.stores("ca:test", "tsa:ts");
    s.attachJws(TestSigning.jws(rsa, s.payload(), T0));
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).contains("has no RFC 3161 countersignature"), all(r));
    // afterCertExpiry: the chain is still valid now, so no timestamp is needed
    s.policy = s.policy.verifyTimestamp("afterCertExpiry");
    assertTrue(s.verify().accepted(), all(s.verify()));
  }

  // ---------------------------------------------------------------- revocation

  @Test
  void revocableChain_isRefusedAtStrict_withAnHonestReason() throws Exception {
    Signer chained = TestSigning.chain("C=US, ST=WA, O=Example, CN=ci", "http://ocsp.example/");
    Scenario s = new Scenario(tmp).trust("ca", "test", chained.root());
    s.attachJws(TestSigning.jws(chained, s.payload(), T0));
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    String line = r.attempts().get(0);
    assertTrue(line.contains("revocation (enforced"), line);
    assertTrue(line.contains("revocation status unknown"), line);
    assertTrue(line.contains("does not query"), line);
    assertTrue(line.contains("\"revocation\": \"log\""), line);
  }

  @Test
  void revocableChain_withRevocationOverriddenToLog_isAcceptedWithANote() throws Exception {
    Signer chained = TestSigning.chain("C=US, ST=WA, O=Example, CN=ci", "http://ocsp.example/");
    Scenario s = new Scenario(tmp).trust("ca", "test", chained.root());
    s.policy = s.policy.override("\"revocation\":\"log\"");
    s.attachJws(TestSigning.jws(chained, s.payload(), T0));
    VerificationResult r = s.verify();
    assertTrue(r.accepted(), all(r));
    assertTrue(
        r.notes().stream()
            .anyMatch(n -> n.contains("revocation failed, logged only") && n.contains("unknown")),
        all(r));
    s.policy = s.policy.override("\"revocation\":\"skip\"");
    VerificationResult skipped = s.verify();
    assertTrue(skipped.accepted(), all(skipped));
    assertTrue(
        skipped.notes().stream().anyMatch(n -> n.contains("revocation not checked (skipped")),
        all(skipped));
  }

  @Test
  void revocableChain_atPermissive_isAcceptedWithANote() throws Exception {
    Signer chained = TestSigning.chain("C=US, ST=WA, O=Example, CN=ci", "http://ocsp.example/");
    Scenario s = new Scenario(tmp).trust("ca", "test", chained.root());
    s.policy = s.policy.level("permissive");
    s.attachJws(TestSigning.jws(chained, s.payload(), T0));
    VerificationResult r = s.verify();
    assertTrue(r.accepted(), all(r));
    assertTrue(r.notes().stream().anyMatch(n -> n.contains("revocation status unknown")), all(r));
  }

  // ---------------------------------------------------------------- levels

  @Test
  void audit_acceptsAnUntrustedSigner_andSaysSo() throws Exception {
    Signer stranger = TestSigning.selfSigned(DN, TestSigning.ec("secp256r1"), T0, T_END);
    Scenario s = scenario();
    s.policy = s.policy.level("audit");
    s.attachJws(TestSigning.jws(stranger, s.payload(), T0));
    VerificationResult r = s.verify();
    assertTrue(r.accepted(), all(r));
    assertTrue(r.matchedBy().contains("authenticity not established"), r.matchedBy());
  }

  @Test
  void audit_stillRefusesABrokenSignature() throws Exception {
    Scenario s = scenario();
    s.policy = s.policy.level("audit");
    byte[] env = TestSigning.cose(rsa, TestSigning.COSE_ALG_PS256, s.payload(), T0, null, null);
    env[env.length - 3] ^= 0x40;
    s.attachCose(env);
    assertFalse(s.verify().accepted());
  }

  @Test
  void skip_acceptsWithoutLookingAtSignatures_andSaysNothingWasChecked() throws Exception {
    Scenario s = scenario();
    s.policy =
        new PolicyFile(Scenario.REPO, "skip", "", java.util.List.of(), java.util.List.of(), "");
    VerificationResult r = s.verify();
    assertTrue(r.accepted(), all(r));
    assertEquals(0, s.access.referrerCalls);
    assertTrue(r.notes().get(0).contains("no Notation signature was checked"), all(r));
  }

  @Test
  void invalidPolicyFile_throwsConfigException_namingTheFile() throws Exception {
    Scenario s = scenario();
    Path bad = Files.writeString(tmp.resolve("trustpolicy.json"), "{\"version\":\"2.0\"}");
    NotationVerifier v =
        new NotationVerifier(
            new dev.doco.core.config.NotationTrust(bad.toString(), tmp.toString()),
            java.time.Clock.systemUTC());
    ConfigException e = assertThrows(ConfigException.class, () -> v.verify(s.revision(), s.access));
    assertTrue(
        e.getMessage().contains(bad.toString()) && e.getMessage().contains("2.0"), e.getMessage());
  }

  @Test
  void x5cWithTrailingBytes_isRefused() throws Exception {
    Scenario s = scenario();
    String env = new String(TestSigning.jws(rsa, s.payload(), T0), StandardCharsets.UTF_8);
    String cert = Base64.getEncoder().encodeToString(rsa.leaf().getEncoded());
    byte[] padded =
        java.util.Arrays.copyOf(rsa.leaf().getEncoded(), rsa.leaf().getEncoded().length + 2);
    env = env.replace(cert, Base64.getEncoder().encodeToString(padded));
    s.attachJws(env.getBytes(StandardCharsets.UTF_8));
    VerificationResult r = s.verify();
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).contains("integrity"), all(r));
  }
}
