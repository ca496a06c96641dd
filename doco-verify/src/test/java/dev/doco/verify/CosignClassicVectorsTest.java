package dev.doco.verify;

import static dev.doco.verify.testing.Vectors.digestOf;
import static dev.doco.verify.testing.Vectors.putSigReferrer;
import static dev.doco.verify.testing.Vectors.putSigTag;
import static dev.doco.verify.testing.Vectors.revision;
import static dev.doco.verify.testing.Vectors.signatureFile;
import static dev.doco.verify.testing.Vectors.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.config.KeylessIdentity;
import dev.doco.core.config.TrustPolicy;
import dev.doco.core.spi.VerificationResult;
import dev.doco.verify.testing.InMemoryArtifactAccess;
import dev.doco.verify.testing.Vectors;
import dev.doco.verify.testing.Vectors.SignatureFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every cosign-classic vector, with its documented outcome (vectors README section 2). */
class CosignClassicVectorsTest {
  static final String REPO = "registry.example/ns/app";
  static final String COSIGN_PUB = text("cosign-classic/keys/cosign.pub");
  static final String COSIGN2_PUB = text("cosign-classic/keys/cosign2.pub");
  static final KeylessIdentity MITR =
      new KeylessIdentity("https://github.com/login/oauth", "mitr@redhat.com", "");

  // "now" for these tests: long after every Fulcio certificate expired
  final DocoVerifier verifier =
      new DocoVerifier(Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC));

  static TrustPolicy keys(boolean ignoreTlog, String... pems) {
    return new TrustPolicy(true, List.of(pems), List.of(), ignoreTlog, null, null);
  }

  static TrustPolicy keyless(boolean ignoreTlog, String trustedRoot, KeylessIdentity... ids) {
    return new TrustPolicy(true, List.of(), List.of(ids), ignoreTlog, trustedRoot, null);
  }

  /** The signed manifest and its signature file stored at the .sig tag. */
  static Fixture fixture(String manifest, SignatureFile... sigs) {
    InMemoryArtifactAccess access = new InMemoryArtifactAccess(REPO);
    byte[] m = Vectors.bytes(manifest);
    String digest = access.putManifest(m);
    putSigTag(access, digest, sigs);
    return new Fixture(access, digest);
  }

  record Fixture(InMemoryArtifactAccess access, String digest) {}

  VerificationResult verify(Fixture f, TrustPolicy p) {
    return verifier.verify(revision(REPO, f.digest()), f.access(), p);
  }

  @Test
  void keyValid_signature1_acceptedWithItsKey_withoutTlog() {
    Fixture f =
        fixture(
            "cosign-classic/key/valid/manifest.json",
            signatureFile("cosign-classic/key/valid/signature-1"));
    assertEquals(
        "sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00", f.digest());
    VerificationResult r = verify(f, keys(true, COSIGN_PUB));
    assertTrue(r.accepted(), () -> r.attempts().toString());
    assertTrue(r.matchedBy().startsWith("public key #1 (sha256:"), r.matchedBy());
    assertTrue(r.signature().contains("layer 0 (tag sha256-634a8f35"), r.signature());
    assertTrue(
        r.notes().contains("transparency log not checked (ignore_tlog)"), r.notes().toString());
  }

  @Test
  void keyValid_signature2_sameBytesOtherNonce_accepted() {
    Fixture f =
        fixture(
            "cosign-classic/key/valid/manifest.json",
            signatureFile("cosign-classic/key/valid/signature-2"));
    assertTrue(verify(f, keys(true, COSIGN_PUB)).accepted());
  }

  @Test
  void keyValid_withOtherKey_refusedSignatureDoesNotMatch() {
    Fixture f =
        fixture(
            "cosign-classic/key/valid/manifest.json",
            signatureFile("cosign-classic/key/valid/signature-1"));
    VerificationResult r = verify(f, keys(true, COSIGN2_PUB));
    assertFalse(r.accepted());
    assertEquals(1, r.attempts().size());
    assertTrue(
        r.attempts()
            .get(0)
            .matches("public key #1 \\(sha256:[0-9a-f]{12}\\.\\.\\.\\): signature does not match"),
        r.attempts().get(0));
  }

  @Test
  void keyValid_withoutTlogBundle_andTlogRequired_refused() {
    Fixture f =
        fixture(
            "cosign-classic/key/valid/manifest.json",
            signatureFile("cosign-classic/key/valid/signature-1"));
    VerificationResult r = verify(f, keys(false, COSIGN_PUB));
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).contains("no transparency-log bundle"), r.attempts().toString());
  }

  @Test
  void keyValidWithTag_containersImagePayload_accepted() {
    Fixture f =
        fixture(
            "cosign-classic/key/valid-with-tag/manifest.json",
            signatureFile("cosign-classic/key/valid-with-tag/signature-1"));
    assertTrue(verify(f, keys(true, COSIGN_PUB)).accepted());
  }

  @Test
  void modifiedManifest_validSignatureOverOtherDigest_refused() {
    Fixture f =
        fixture(
            "cosign-classic/key/neg-modified-manifest/manifest.json",
            signatureFile("cosign-classic/key/valid/signature-1"));
    assertTrue(f.digest().startsWith("sha256:d9dcafdb"), f.digest());
    VerificationResult r = verify(f, keys(true, COSIGN_PUB));
    assertFalse(r.accepted());
    assertTrue(
        r.attempts()
            .get(0)
            .endsWith(
                "signature is for another artifact (sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00), not "
                    + f.digest()),
        r.attempts().toString());
  }

  @Test
  void unknownKeySignature_refusedWithBothKnownKeys() {
    Fixture f =
        fixture(
            "cosign-classic/key/valid/manifest.json",
            signatureFile("cosign-classic/key/neg-unknown-key/signature-1"));
    VerificationResult r = verify(f, keys(true, COSIGN_PUB, COSIGN2_PUB));
    assertFalse(r.accepted());
    assertEquals(2, r.attempts().size());
    assertTrue(r.attempts().get(0).startsWith("public key #1 "), r.attempts().toString());
    assertTrue(r.attempts().get(1).startsWith("public key #2 "), r.attempts().toString());
    r.attempts().forEach(a -> assertTrue(a.endsWith(": signature does not match"), a));
  }

  @Test
  void otherAttachment_wrongLayerMediaType_refused() {
    Fixture f =
        fixture(
            "cosign-classic/key/valid/manifest.json",
            signatureFile("cosign-classic/key/neg-other-attachment/signature-1"));
    VerificationResult r = verify(f, keys(true, COSIGN_PUB));
    assertFalse(r.accepted());
    assertTrue(
        r.attempts().get(0).contains("layer media type text/plain"), r.attempts().toString());
  }

  @Test
  void keyRekor_setAndBodyVerify_acceptedWithTlog() {
    Fixture f =
        fixture(
            "cosign-classic/key-rekor/manifest.json",
            signatureFile("cosign-classic/key-rekor/signature-1"));
    VerificationResult r = verify(f, keys(false, COSIGN2_PUB));
    assertTrue(r.accepted(), () -> r.attempts().toString());
    assertTrue(
        r.notes()
            .contains(
                "logged in https://rekor.sigstore.dev at index 11608800, 2023-01-20T21:57:39Z"),
        r.notes().toString());
  }

  @Test
  void keyRekor_withOtherKey_refused() {
    Fixture f =
        fixture(
            "cosign-classic/key-rekor/manifest.json",
            signatureFile("cosign-classic/key-rekor/signature-1"));
    assertFalse(verify(f, keys(false, COSIGN_PUB)).accepted());
  }

  @Test
  void keyRekor_withCosignKeyPosingAsRekorKey_setFails(@TempDir Path dir) throws Exception {
    // a trusted root whose Rekor entry carries cosign.pub under the real log ID
    String root = text("trusted-roots/public-good.cosign-testdata.trusted_root.json");
    String rekorDer = der(text("cosign-classic/keys/rekor.pub"));
    String fake = der(COSIGN_PUB);
    assertTrue(root.contains(rekorDer));
    Path file = dir.resolve("root.json");
    Files.writeString(file, root.replace(rekorDer, fake));
    Fixture f =
        fixture(
            "cosign-classic/key-rekor/manifest.json",
            signatureFile("cosign-classic/key-rekor/signature-1"));
    VerificationResult r =
        verify(
            f,
            new TrustPolicy(true, List.of(COSIGN2_PUB), List.of(), false, file.toString(), null));
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).contains("(SET) does not verify"), r.attempts().toString());
  }

  @Test
  void keyRekor_bundleOfAnotherSignature_setValidButBodyMismatch_refused() {
    // GHSA-whqx-f9j3-ch6m: a genuine SET for some other entry must not vouch for this signature
    SignatureFile own = signatureFile("cosign-classic/key-rekor/signature-1");
    SignatureFile keyless = signatureFile("cosign-classic/keyless/signature-1");
    SignatureFile spliced =
        own.withAnnotation(
            "dev.sigstore.cosign/bundle", keyless.annotations().get("dev.sigstore.cosign/bundle"));
    Fixture f = fixture("cosign-classic/key-rekor/manifest.json", spliced);
    VerificationResult r = verify(f, keys(false, COSIGN2_PUB));
    assertFalse(r.accepted());
    assertTrue(
        r.attempts().get(0).contains("tlog entry records a different artifact hash"),
        r.attempts().toString());
  }

  @Test
  void keyless_fulcioChainSctAndSetAtIntegratedTime_acceptedWithBundledRoot() {
    Fixture f =
        fixture(
            "cosign-classic/keyless/manifest.json",
            signatureFile("cosign-classic/keyless/signature-1"));
    VerificationResult r = verify(f, keyless(false, null, MITR));
    assertTrue(r.accepted(), () -> r.attempts().toString());
    assertEquals("keyless mitr@redhat.com@https://github.com/login/oauth", r.matchedBy());
    assertTrue(
        r.notes().contains("signer mitr@redhat.com (issuer https://github.com/login/oauth)"),
        r.notes().toString());
    assertTrue(
        r.notes().stream()
            .anyMatch(n -> n.contains("valid at 2023-01-20T20:51:33Z (integrated time)")),
        r.notes().toString());
    assertTrue(r.notes().contains("SCT from https://ctfe.sigstore.dev/2022"), r.notes().toString());
  }

  @Test
  void keyless_acceptedWithCosignTestdataRootFile() {
    Fixture f =
        fixture(
            "cosign-classic/keyless/manifest.json",
            signatureFile("cosign-classic/keyless/signature-1"));
    String root =
        Vectors.path("trusted-roots/public-good.cosign-testdata.trusted_root.json").toString();
    assertTrue(verify(f, keyless(false, root, MITR)).accepted());
  }

  @Test
  void keyless_otherEmail_refusedNoMatchingIdentity() {
    Fixture f =
        fixture(
            "cosign-classic/keyless/manifest.json",
            signatureFile("cosign-classic/keyless/signature-1"));
    KeylessIdentity other =
        new KeylessIdentity("https://github.com/login/oauth", "someone@redhat.com", "");
    VerificationResult r = verify(f, keyless(false, null, other));
    assertFalse(r.accepted());
    assertEquals(
        List.of(
            "keyless someone@redhat.com@https://github.com/login/oauth: no signature with a matching identity (1 checked)"),
        r.attempts());
  }

  @Test
  void keyless_otherIssuer_refused() {
    Fixture f =
        fixture(
            "cosign-classic/keyless/manifest.json",
            signatureFile("cosign-classic/keyless/signature-1"));
    KeylessIdentity other =
        new KeylessIdentity("https://accounts.google.com", "mitr@redhat.com", "");
    assertFalse(verify(f, keyless(false, null, other)).accepted());
  }

  @Test
  void keyless_missingBundle_refused() {
    Fixture f =
        fixture(
            "cosign-classic/keyless/manifest.json",
            signatureFile("cosign-classic/keyless/signature-1")
                .withoutAnnotation("dev.sigstore.cosign/bundle"));
    VerificationResult r = verify(f, keyless(false, null, MITR));
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).contains("no transparency-log bundle"), r.attempts().toString());
  }

  @Test
  void keyless_missingCertificate_refused() {
    Fixture f =
        fixture(
            "cosign-classic/keyless/manifest.json",
            signatureFile("cosign-classic/keyless/signature-1")
                .withoutAnnotation("dev.sigstore.cosign/certificate"));
    VerificationResult r = verify(f, keyless(false, null, MITR));
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).contains("no certificate"), r.attempts().toString());
  }

  @Test
  void keyless_ignoreTlog_checksCertificateAtNow_refusedAsExpired() {
    Fixture f =
        fixture(
            "cosign-classic/keyless/manifest.json",
            signatureFile("cosign-classic/keyless/signature-1"));
    VerificationResult r = verify(f, keyless(true, null, MITR));
    assertFalse(r.accepted());
    assertTrue(
        r.attempts().get(0).contains("certificate was not valid at 2026-11-27T12:00:00Z"),
        r.attempts().toString());
  }

  @Test
  void keyless_asOci11Referrer_acceptedWithoutTag() {
    InMemoryArtifactAccess access = new InMemoryArtifactAccess(REPO);
    String digest = access.putManifest(Vectors.bytes("cosign-classic/keyless/manifest.json"));
    String ref =
        putSigReferrer(access, digest, signatureFile("cosign-classic/keyless/signature-1"));
    VerificationResult r =
        verifier.verify(revision(REPO, digest), access, keyless(false, null, MITR));
    assertTrue(r.accepted(), () -> r.attempts().toString());
    assertTrue(r.signature().contains("(referrer " + ref + ")"), r.signature());
    assertTrue(
        access.calls().stream().anyMatch(c -> c.startsWith("referrers " + digest + " ")),
        access.calls().toString());
  }

  @Test
  void x509Pki_rsa4096Pkcs1_wrappedBase64_acceptedWithPrivateRootAndNoIssuer(@TempDir Path dir)
      throws Exception {
    Path root = privateTrustedRoot(dir);
    Fixture f =
        fixture(
            "cosign-classic/x509-pki/manifest.json",
            signatureFile("cosign-classic/x509-pki/signature-1"));
    assertTrue(
        signatureFile("cosign-classic/x509-pki/signature-1")
            .annotations()
            .get("dev.cosignproject.cosign/signature")
            .contains("\n"),
        "vector signature should be line-wrapped");
    VerificationResult r =
        verify(f, keyless(true, root.toString(), new KeylessIdentity("", "qiwan@redhat.com", "")));
    assertTrue(r.accepted(), () -> r.attempts().toString());
    assertTrue(
        verify(
                f,
                keyless(
                    true, root.toString(), new KeylessIdentity("", "", "myhost\\.example\\.com")))
            .accepted());
    // a Fulcio-style issuer is required to be absent when the rule names none, and vice versa
    assertFalse(
        verify(
                f,
                keyless(
                    true,
                    root.toString(),
                    new KeylessIdentity("https://github.com/login/oauth", "qiwan@redhat.com", "")))
            .accepted());
    // and with the public-good root it does not chain
    VerificationResult pg =
        verify(f, keyless(true, null, new KeylessIdentity("", "qiwan@redhat.com", "")));
    assertFalse(pg.accepted());
    assertTrue(pg.attempts().get(0).contains("does not chain"), pg.attempts().toString());
  }

  /** A trusted root holding the x509-pki intermediates and root as a CA, no logs. */
  static Path privateTrustedRoot(Path dir) throws Exception {
    List<String> chain = new java.util.ArrayList<>();
    for (String pem :
        List.of(
            text("cosign-classic/x509-pki/pki_intermediate_crts.pem"),
            text("cosign-classic/x509-pki/pki_root_crts.pem"))) {
      for (var c : dev.doco.verify.internal.Crypto.parseCertificatesPem(pem)) {
        chain.add(
            "{\"rawBytes\":\""
                + java.util.Base64.getEncoder().encodeToString(c.getEncoded())
                + "\"}");
      }
    }
    String json =
        "{\"mediaType\":\"application/vnd.dev.sigstore.trustedroot+json;version=0.1\",\"tlogs\":[],\"ctlogs\":[],"
            + "\"certificateAuthorities\":[{\"uri\":\"https://pki.example\",\"certChain\":{\"certificates\":["
            + String.join(",", chain)
            + "]},\"validFor\":{\"start\":\"2020-01-01T00:00:00Z\"}}]}";
    Path file = dir.resolve("private_root.json");
    Files.writeString(file, json);
    return file;
  }

  static String der(String pem) {
    return pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
  }

  @Test
  void digestOfVectorManifestsMatchesReadme() {
    assertEquals(
        "sha256:634a8f35b5f16dcf4aaa0822adc0b1964bb786fca12f6831de8ddc45e5986a00",
        digestOf(Vectors.bytes("cosign-classic/key/valid/manifest.json")));
    assertTrue(
        new String(
                Vectors.bytes("cosign-classic/key/valid/derived/signature-1/payload.json"),
                StandardCharsets.UTF_8)
            .contains("634a8f35"));
  }
}
