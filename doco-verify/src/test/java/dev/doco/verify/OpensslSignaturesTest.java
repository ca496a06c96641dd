package dev.doco.verify;

import static dev.doco.verify.testing.Vectors.putSigTag;
import static dev.doco.verify.testing.Vectors.revision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.config.KeylessIdentity;
import dev.doco.core.config.TrustPolicy;
import dev.doco.core.spi.VerificationResult;
import dev.doco.verify.testing.InMemoryArtifactAccess;
import dev.doco.verify.testing.Openssl;
import dev.doco.verify.testing.Openssl.KeyType;
import dev.doco.verify.testing.Vectors.SignatureFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Fresh cosign signatures made with the openssl CLI (signing.md section 6), and tampered copies of
 * them: each must be refused for the right reason.
 */
class OpensslSignaturesTest {
  static final String REPO = "registry.example/doco/app";
  static final String SIMPLE = "application/vnd.dev.cosign.simplesigning.v1+json";
  static final String ISSUER = "https://token.actions.githubusercontent.com";
  static final String WORKFLOW =
      "https://github.com/acme/repo/.github/workflows/release.yml@refs/heads/main";

  @TempDir Path dir;
  Openssl openssl;
  final DocoVerifier verifier = new DocoVerifier();

  @BeforeEach
  void setUp() {
    openssl = new Openssl(dir);
  }

  /** A fresh artifact manifest (unique digest) in {@code access}. */
  static String artifact(InMemoryArtifactAccess access) {
    return access.putManifest(
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"annotations\":{\"n\":\""
            + UUID.randomUUID()
            + "\"}}");
  }

  static SignatureFile layer(byte[] payload, String sigB64) {
    return new SignatureFile(SIMPLE, payload, Map.of("dev.cosignproject.cosign/signature", sigB64));
  }

  static TrustPolicy keys(String... pems) {
    return new TrustPolicy(true, List.of(pems), List.of(), true, null, null);
  }

  VerificationResult verify(InMemoryArtifactAccess access, String digest, TrustPolicy p) {
    return verifier.verify(revision(REPO, digest), access, p);
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void freshSignature_eachKeyType_accepted_andWrongKeyRefused(KeyType type) {
    Openssl.KeyPair key = openssl.generate(type);
    InMemoryArtifactAccess access = new InMemoryArtifactAccess(REPO);
    String digest = artifact(access);
    byte[] payload = Openssl.payload(REPO, digest);
    putSigTag(access, digest, layer(payload, openssl.sign(key, payload)));

    VerificationResult r = verify(access, digest, keys(key.publicPem()));
    assertTrue(r.accepted(), () -> type + ": " + r.attempts());
    assertTrue(r.matchedBy().startsWith("public key #1 (sha256:"), r.matchedBy());

    Openssl.KeyPair other = openssl.generate(type);
    VerificationResult wrong = verify(access, digest, keys(other.publicPem()));
    assertFalse(wrong.accepted());
    assertTrue(
        wrong.attempts().get(0).endsWith(": signature does not match"),
        wrong.attempts().toString());
  }

  @Test
  void payloadEdited_afterSigning_refused() {
    Openssl.KeyPair key = openssl.generate(KeyType.EC_P256);
    InMemoryArtifactAccess access = new InMemoryArtifactAccess(REPO);
    String digest = artifact(access);
    byte[] payload = Openssl.payload(REPO, digest);
    String sig = openssl.sign(key, payload);
    byte[] edited =
        new String(payload, StandardCharsets.UTF_8)
            .replace("doco/app", "doco/apq")
            .getBytes(StandardCharsets.UTF_8);
    putSigTag(access, digest, layer(edited, sig));
    VerificationResult r = verify(access, digest, keys(key.publicPem()));
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).endsWith(": signature does not match"), r.attempts().toString());
  }

  @Test
  void signatureOfAnotherArtifact_replayedOntoThisOne_refused() {
    Openssl.KeyPair key = openssl.generate(KeyType.EC_P256);
    InMemoryArtifactAccess access = new InMemoryArtifactAccess(REPO);
    String signed = artifact(access);
    String target = artifact(access);
    byte[] payload = Openssl.payload(REPO, signed);
    SignatureFile genuine = layer(payload, openssl.sign(key, payload));
    putSigTag(access, signed, genuine);
    putSigTag(access, target, genuine); // the attacker copies the .sig manifest's layer

    assertTrue(verify(access, signed, keys(key.publicPem())).accepted());
    VerificationResult r = verify(access, target, keys(key.publicPem()));
    assertFalse(r.accepted());
    assertTrue(
        r.attempts()
            .get(0)
            .endsWith("signature is for another artifact (" + signed + "), not " + target),
        r.attempts().toString());
  }

  @Test
  void truncatedBase64Signature_refused() {
    Openssl.KeyPair key = openssl.generate(KeyType.EC_P256);
    InMemoryArtifactAccess access = new InMemoryArtifactAccess(REPO);
    String digest = artifact(access);
    byte[] payload = Openssl.payload(REPO, digest);
    String sig = openssl.sign(key, payload);
    // cut mid-quantum (invalid base64) and at a quantum boundary (valid base64, short signature)
    putSigTag(
        access,
        digest,
        layer(payload, sig.substring(0, sig.length() - 3)),
        layer(payload, sig.substring(0, (sig.length() / 4 - 1) * 4)));
    VerificationResult r = verify(access, digest, keys(key.publicPem()));
    assertFalse(r.accepted());
    String line = r.attempts().get(0);
    assertTrue(line.contains("signature annotation is not valid base64"), line);
    assertTrue(line.contains("signature does not match"), line);
  }

  @Test
  void twoLayers_oneForgedOneGenuine_accepted() {
    Openssl.KeyPair key = openssl.generate(KeyType.EC_P256);
    Openssl.KeyPair mallory = openssl.generate(KeyType.EC_P256);
    InMemoryArtifactAccess access = new InMemoryArtifactAccess(REPO);
    String digest = artifact(access);
    byte[] payload = Openssl.payload(REPO, digest);
    putSigTag(
        access,
        digest,
        layer(payload, openssl.sign(mallory, payload)),
        layer(payload, openssl.sign(key, payload)));
    VerificationResult r = verify(access, digest, keys(key.publicPem()));
    assertTrue(r.accepted(), () -> r.attempts().toString());
    assertTrue(r.signature().contains(" layer 1 "), r.signature());
  }

  // ------------------------------------------------------------------- certificate-based

  record CertFixture(InMemoryArtifactAccess access, String digest, Path root) {}

  CertFixture certSigned(String san, String issuer, int days) {
    Openssl.Ca ca = openssl.ca("doco test CA");
    Openssl.Leaf leaf = openssl.leaf(ca, san, issuer, days);
    InMemoryArtifactAccess access = new InMemoryArtifactAccess(REPO);
    String digest = artifact(access);
    byte[] payload = Openssl.payload(REPO, digest);
    putSigTag(
        access,
        digest,
        layer(payload, openssl.sign(leaf, payload))
            .withAnnotation("dev.sigstore.cosign/certificate", leaf.pem()));
    return new CertFixture(access, digest, openssl.trustedRoot(ca));
  }

  VerificationResult verifyAt(CertFixture f, Instant now, KeylessIdentity id) {
    TrustPolicy p = new TrustPolicy(true, List.of(), List.of(id), true, f.root().toString(), null);
    return new DocoVerifier(Clock.fixed(now, ZoneOffset.UTC))
        .verify(revision(REPO, f.digest()), f.access(), p);
  }

  @Test
  void certificateSigned_identityExact_acceptedWhileValid() {
    CertFixture f = certSigned("URI:" + WORKFLOW, ISSUER, 1);
    VerificationResult r = verifyAt(f, Instant.now(), new KeylessIdentity(ISSUER, WORKFLOW, ""));
    assertTrue(r.accepted(), () -> r.attempts().toString());
    assertEquals("keyless " + WORKFLOW + "@" + ISSUER, r.matchedBy());
  }

  @Test
  void certificateOutsideItsValidity_refused() {
    CertFixture f = certSigned("URI:" + WORKFLOW, ISSUER, 1);
    KeylessIdentity id = new KeylessIdentity(ISSUER, WORKFLOW, "");
    Instant later = Instant.now().plus(Duration.ofDays(3));
    VerificationResult r = verifyAt(f, later, id);
    assertFalse(r.accepted());
    assertTrue(
        r.attempts().get(0).contains("certificate was not valid at " + later),
        r.attempts().toString());
    VerificationResult before = verifyAt(f, Instant.now().minus(Duration.ofDays(2)), id);
    assertFalse(before.accepted());
  }

  @Test
  void subjectRegexpWithoutAnchors_doesNotMatchALongerSubject() {
    CertFixture f = certSigned("URI:" + WORKFLOW, ISSUER, 1);
    VerificationResult prefix =
        verifyAt(f, Instant.now(), new KeylessIdentity(ISSUER, "", "https://github.com/acme/repo"));
    assertFalse(prefix.accepted());
    assertEquals(
        List.of(
            "keyless /https://github.com/acme/repo/@"
                + ISSUER
                + ": no signature with a matching identity (1 checked)"),
        prefix.attempts());
    VerificationResult inner =
        verifyAt(f, Instant.now(), new KeylessIdentity(ISSUER, "", "acme/repo/.*"));
    assertFalse(inner.accepted());
    VerificationResult whole =
        verifyAt(
            f, Instant.now(), new KeylessIdentity(ISSUER, "", "https://github\\.com/acme/repo/.*"));
    assertTrue(whole.accepted(), () -> whole.attempts().toString());
    assertTrue(
        whole.notes().contains("signer " + WORKFLOW + " (issuer " + ISSUER + ")"),
        whole.notes().toString());
  }

  @Test
  void identityThatAlmostMatches_refused() {
    CertFixture f = certSigned("URI:" + WORKFLOW, ISSUER, 1);
    assertFalse(
        verifyAt(f, Instant.now(), new KeylessIdentity(ISSUER, WORKFLOW + "x", "")).accepted());
    assertFalse(
        verifyAt(f, Instant.now(), new KeylessIdentity(ISSUER + "/", WORKFLOW, "")).accepted());
    assertFalse(
        verifyAt(
                f,
                Instant.now(),
                new KeylessIdentity(ISSUER, WORKFLOW.replace("main", "mainx"), ""))
            .accepted());
  }

  @Test
  void emailSan_acceptedByExactSubject() {
    CertFixture f = certSigned("email:dev@example.com", "https://accounts.google.com", 1);
    assertTrue(
        verifyAt(
                f,
                Instant.now(),
                new KeylessIdentity("https://accounts.google.com", "dev@example.com", ""))
            .accepted());
  }

  @Test
  void certificateFromAnUntrustedCa_refused() {
    CertFixture f = certSigned("URI:" + WORKFLOW, ISSUER, 1);
    Path otherRoot = openssl.trustedRoot(openssl.ca("someone else"));
    CertFixture untrusted = new CertFixture(f.access(), f.digest(), otherRoot);
    VerificationResult r =
        verifyAt(untrusted, Instant.now(), new KeylessIdentity(ISSUER, WORKFLOW, ""));
    assertFalse(r.accepted());
    assertTrue(
        r.attempts().get(0).contains("does not chain to a CA of the trusted root"),
        r.attempts().toString());
  }

  @Test
  void keyRuleNeverFallsBackToTheCertificate() {
    // GHSA-fx35-mq7g-6g98 shape: a signature whose certificate carries a key we do not trust
    CertFixture f = certSigned("URI:" + WORKFLOW, ISSUER, 1);
    Openssl.KeyPair trusted = openssl.generate(KeyType.EC_P256);
    VerificationResult r = verify(f.access(), f.digest(), keys(trusted.publicPem()));
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).endsWith(": signature does not match"), r.attempts().toString());
  }
}
