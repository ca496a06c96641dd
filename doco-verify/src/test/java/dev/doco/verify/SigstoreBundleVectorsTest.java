package dev.doco.verify;

import static dev.doco.verify.testing.Vectors.putBundleReferrer;
import static dev.doco.verify.testing.Vectors.revision;
import static dev.doco.verify.testing.Vectors.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.config.KeylessIdentity;
import dev.doco.core.config.TrustPolicy;
import dev.doco.core.spi.VerificationResult;
import dev.doco.verify.testing.InMemoryArtifactAccess;
import dev.doco.verify.testing.Vectors;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every Sigstore-bundle vector, with its documented outcome (vectors README section 3). */
class SigstoreBundleVectorsTest {
  static final String ALPINE =
      "sha256:9e56ed4cb843f61658fcdb17d4205a87d5e217515f23831314b2173a776174d6";
  static final String ALPINE_PUB =
      text("sigstore-bundle/cosign-new-bundle-oci-layout/alpine-signed.pub");
  static final KeylessIdentity BEACON =
      new KeylessIdentity(
          "https://token.actions.githubusercontent.com",
          "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main",
          "");
  static final String COSIGN_TESTDATA_ROOT =
      Vectors.path("trusted-roots/public-good.cosign-testdata.trusted_root.json").toString();

  final DocoVerifier verifier =
      new DocoVerifier(Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC));

  static TrustPolicy keys(String... pems) {
    return new TrustPolicy(true, List.of(pems), List.of(), false, null, null);
  }

  static TrustPolicy keyless(KeylessIdentity id, String root) {
    return new TrustPolicy(true, List.of(), List.of(id), false, root, null);
  }

  // ------------------------------------------------------------- cosign --new-bundle-format layout

  @Test
  void newBundleOciLayout_dsseWithKey_acceptedViaReferrer() throws Exception {
    InMemoryArtifactAccess access =
        InMemoryArtifactAccess.ofLayout(
            "docker.io/library/alpine",
            Vectors.path("sigstore-bundle/cosign-new-bundle-oci-layout"));
    VerificationResult r =
        verifier.verify(revision("docker.io/library/alpine", ALPINE), access, keys(ALPINE_PUB));
    assertTrue(r.accepted(), () -> r.attempts().toString());
    assertEquals(
        "Sigstore bundle, DSSE in-toto statement (https://sigstore.dev/cosign/sign/v1) (referrer"
            + " sha256:147933efa77b82fc47485e456cd2b98ede8e53f47204ebbf4ed2f273ce7c7a70)",
        r.signature());
    assertTrue(
        r.notes()
            .contains(
                "inclusion proven in https://rekor.sigstore.dev at index 2009372562, integrated"
                    + " 2026-06-29T13:20:18Z"),
        r.notes().toString());
  }

  @Test
  void newBundleOciLayout_otherKey_refused() throws Exception {
    InMemoryArtifactAccess access =
        InMemoryArtifactAccess.ofLayout(
            "docker.io/library/alpine",
            Vectors.path("sigstore-bundle/cosign-new-bundle-oci-layout"));
    VerificationResult r =
        verifier.verify(
            revision("docker.io/library/alpine", ALPINE),
            access,
            keys(text("cosign-classic/keys/cosign.pub")));
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).endsWith(": signature does not match"), r.attempts().toString());
  }

  @Test
  void newBundle_replayedOntoAnotherDigest_refused() throws Exception {
    InMemoryArtifactAccess access = new InMemoryArtifactAccess("registry.example/other");
    String other = access.putManifest("{\"schemaVersion\":2,\"note\":\"another artifact\"}");
    putBundleReferrer(
        access,
        other,
        Vectors.bytes(
            "sigstore-bundle/cosign-new-bundle-oci-layout/blobs/sha256/71d5d7acce2b1df5202af0a25eeb4008983f507a51cfe92c830fd51528652645"));
    VerificationResult r =
        verifier.verify(revision("registry.example/other", other), access, keys(ALPINE_PUB));
    assertFalse(r.accepted());
    assertTrue(
        r.attempts()
            .get(0)
            .contains("signature is for another artifact (" + ALPINE + "), not " + other),
        r.attempts().toString());
  }

  @Test
  void newBundle_ignoreTlog_stillChecksSignatureAndSubject() throws Exception {
    InMemoryArtifactAccess access =
        InMemoryArtifactAccess.ofLayout(
            "docker.io/library/alpine",
            Vectors.path("sigstore-bundle/cosign-new-bundle-oci-layout"));
    VerificationResult r =
        verifier.verify(
            revision("docker.io/library/alpine", ALPINE),
            access,
            new TrustPolicy(true, List.of(ALPINE_PUB), List.of(), true, null, null));
    assertTrue(r.accepted(), () -> r.attempts().toString());
    assertTrue(r.notes().contains("transparency log not checked (ignore_tlog)"));
  }

  @Test
  void newBundle_checkpointEdited_refused() {
    String bundle =
        new String(
            Vectors.bytes(
                "sigstore-bundle/cosign-new-bundle-oci-layout/blobs/sha256/71d5d7acce2b1df5202af0a25eeb4008983f507a51cfe92c830fd51528652645"),
            java.nio.charset.StandardCharsets.UTF_8);
    String edited = bundle.replace("\\n1887468357\\n", "\\n1887468358\\n");
    assertTrue(!edited.equals(bundle), "checkpoint size not found in the vector");
    InMemoryArtifactAccess access = new InMemoryArtifactAccess("docker.io/library/alpine");
    putBundleReferrer(access, ALPINE, edited.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    VerificationResult r =
        verifier.verify(revision("docker.io/library/alpine", ALPINE), access, keys(ALPINE_PUB));
    assertFalse(r.accepted());
    assertTrue(
        r.attempts().get(0).contains("checkpoint signature does not verify"),
        r.attempts().toString());
  }

  // ---------------------------------------------------------------- cosign keyless attestation

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void keylessDsseAttestation_atIntegratedTime_accepted(boolean bundledRoot) {
    String digest = "sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4";
    InMemoryArtifactAccess access = new InMemoryArtifactAccess("127.0.0.1:60943/repo");
    putBundleReferrer(
        access,
        digest,
        Vectors.bytes("sigstore-bundle/cosign-oci-attestation/oci-attestation.sigstore.json"));
    KeylessIdentity cody =
        new KeylessIdentity("https://github.com/login/oauth", "cody@soyland.com", "");
    VerificationResult r =
        verifier.verify(
            revision("127.0.0.1:60943/repo", digest),
            access,
            keyless(cody, bundledRoot ? null : COSIGN_TESTDATA_ROOT));
    assertTrue(r.accepted(), () -> r.attempts().toString());
    assertTrue(
        r.notes().contains("certificate chain valid at 2025-02-28T19:18:11Z (integrated time)"),
        r.notes().toString());
    assertTrue(r.notes().contains("SCT from https://ctfe.sigstore.dev/2022"), r.notes().toString());

    KeylessIdentity notCody =
        new KeylessIdentity("https://github.com/login/oauth", "", "cody@.*\\.org");
    VerificationResult no =
        verifier.verify(revision("127.0.0.1:60943/repo", digest), access, keyless(notCody, null));
    assertFalse(no.accepted());
    assertEquals(
        List.of(
            "keyless /cody@.*\\.org/@https://github.com/login/oauth: no signature with a matching identity (1 checked)"),
        no.attempts());
  }

  // ---------------------------------------------------------------------------- conformance

  /** The conformance artifact a.txt stands in for a manifest; its bundle is a referrer. */
  VerificationResult conformance(String dir, TrustPolicy policy) {
    InMemoryArtifactAccess access = new InMemoryArtifactAccess("conformance.example/a");
    String digest = access.putManifest(Vectors.bytes("sigstore-bundle/conformance/a.txt"));
    putBundleReferrer(
        access,
        digest,
        Vectors.bytes("sigstore-bundle/conformance/" + dir + "/bundle.sigstore.json"));
    return verifier.verify(revision("conformance.example/a", digest), access, policy);
  }

  @ParameterizedTest
  @ValueSource(strings = {"happy-path-v0.3", "happy-path-v0.3-new-mediaType"})
  void conformanceHappyPath_messageSignatureKeyless_accepted(String dir) {
    VerificationResult r = conformance(dir, keyless(BEACON, null));
    assertTrue(r.accepted(), () -> r.attempts().toString());
    assertTrue(r.signature().startsWith("Sigstore bundle, message signature"), r.signature());
    assertTrue(
        r.notes().contains("certificate chain valid at 2024-03-19T17:26:26Z (integrated time)"),
        r.notes().toString());
  }

  @Test
  void conformanceHappyPath_subjectRegexpWithoutAnchors_mustMatchWhole() {
    // an unanchored prefix of the workflow URI: Go would find it, we require a whole match
    KeylessIdentity prefix =
        new KeylessIdentity(
            BEACON.issuer(),
            "",
            "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon");
    assertFalse(conformance("happy-path-v0.3", keyless(prefix, null)).accepted());
    KeylessIdentity whole =
        new KeylessIdentity(
            BEACON.issuer(),
            "",
            "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.*");
    assertTrue(conformance("happy-path-v0.3", keyless(whole, null)).accepted());
  }

  @Test
  void conformanceManagedKey_accepted_andWrongKeyRefused() {
    VerificationResult ok =
        conformance(
            "managed-key-happy-path",
            keys(text("sigstore-bundle/conformance/managed-key-happy-path/key.pub")));
    assertTrue(ok.accepted(), () -> ok.attempts().toString());
    VerificationResult bad =
        conformance(
            "managed-key-wrong-key_fail",
            keys(text("sigstore-bundle/conformance/managed-key-wrong-key_fail/key.pub")));
    assertFalse(bad.accepted());
    assertEquals(1, bad.attempts().size(), bad.attempts().toString());
    assertTrue(bad.attempts().get(0).startsWith("public key #1"), bad.attempts().toString());
  }

  @Test
  void conformanceSetInvalidSignature_refused() {
    VerificationResult r = conformance("set-invalid-signature_fail", keyless(BEACON, null));
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).contains("(SET) does not verify"), r.attempts().toString());
  }

  @Test
  void conformanceInvalidInclusionProof_refused() {
    VerificationResult r = conformance("invalid-inclusion-proof_fail", keyless(BEACON, null));
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).contains("inclusion proof"), r.attempts().toString());
  }

  @Test
  void conformanceHappyPath_otherArtifact_refusedByMessageDigest() {
    InMemoryArtifactAccess access = new InMemoryArtifactAccess("conformance.example/a");
    String digest =
        access.putManifest("not a.txt".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    putBundleReferrer(
        access,
        digest,
        Vectors.bytes("sigstore-bundle/conformance/happy-path-v0.3/bundle.sigstore.json"));
    VerificationResult r =
        verifier.verify(revision("conformance.example/a", digest), access, keyless(BEACON, null));
    assertFalse(r.accepted());
    assertTrue(
        r.attempts().get(0).contains("message digest is not this artifact's"),
        r.attempts().toString());
  }
}
