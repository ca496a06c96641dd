package dev.doco.verify;

import static dev.doco.verify.testing.Vectors.putSigTag;
import static dev.doco.verify.testing.Vectors.revision;
import static dev.doco.verify.testing.Vectors.signatureFile;
import static dev.doco.verify.testing.Vectors.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.ConfigException;
import dev.doco.core.config.KeylessIdentity;
import dev.doco.core.config.TrustPolicy;
import dev.doco.core.spi.VerificationResult;
import dev.doco.verify.testing.InMemoryArtifactAccess;
import dev.doco.verify.testing.Vectors;
import dev.doco.verify.testing.Vectors.SignatureFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DocoVerifier}'s own rules around the verifiers: which policies it handles, how a refused
 * rule's failures over several signatures are summarised, and when a {@code trusted_root} file is
 * re-read.
 */
class DocoVerifierTest {
  static final String REPO = "registry.example/ns/app";
  static final String COSIGN_PUB = text("cosign-classic/keys/cosign.pub");
  static final String COSIGN2_PUB = text("cosign-classic/keys/cosign2.pub");
  static final KeylessIdentity MITR =
      new KeylessIdentity("https://github.com/login/oauth", "mitr@redhat.com", "");
  static final KeylessIdentity SOMEONE =
      new KeylessIdentity("https://github.com/login/oauth", "someone@redhat.com", "");

  final DocoVerifier verifier =
      new DocoVerifier(Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC));

  @TempDir Path dir;

  private VerificationResult verify(String manifest, TrustPolicy policy, SignatureFile... sigs) {
    InMemoryArtifactAccess access = new InMemoryArtifactAccess(REPO);
    String digest = access.putManifest(Vectors.bytes(manifest));
    putSigTag(access, digest, sigs);
    return verifier.verify(revision(REPO, digest), access, policy);
  }

  private static TrustPolicy keys(String... pems) {
    return new TrustPolicy(true, List.of(pems), List.of(), true, null, null);
  }

  private static TrustPolicy keyless(String trustedRoot, KeylessIdentity id) {
    return new TrustPolicy(true, List.of(), List.of(id), false, trustedRoot, null);
  }

  /** The rule's line without its "public key #1 (sha256:...): " prefix. */
  private static String reason(VerificationResult r) {
    assertEquals(1, r.attempts().size(), r.attempts().toString());
    String line = r.attempts().get(0);
    return line.substring(line.indexOf("): ") + 3);
  }

  @Test
  void supports_anEnabledPolicy_andNotADisabledOne() {
    assertTrue(verifier.supports(keys(COSIGN_PUB)));
    assertEquals(false, verifier.supports(TrustPolicy.DISABLED));
  }

  @Test
  void twoSignaturesFailingForTheSameReason_areSummarisedAsThatReasonOnce() {
    VerificationResult r =
        verify(
            "cosign-classic/key/valid/manifest.json",
            keys(COSIGN2_PUB),
            signatureFile("cosign-classic/key/valid/signature-1"),
            signatureFile("cosign-classic/key/valid/signature-2"));
    assertEquals("signature does not match", reason(r));
  }

  @Test
  void twoSignaturesFailingForDifferentReasons_areListedEachWithItsSignature() {
    SignatureFile other = signatureFile("cosign-classic/key/neg-other-attachment/signature-1");
    VerificationResult r =
        verify(
            "cosign-classic/key/valid/manifest.json",
            keys(COSIGN2_PUB),
            signatureFile("cosign-classic/key/valid/signature-1"),
            other);
    String reason = reason(r);
    assertTrue(
        reason.matches(
            "cosign signature sha256:[0-9a-f]{64} layer 0 \\(tag sha256-[0-9a-f]{64}\\.sig\\):"
                + " signature does not match; cosign signature sha256:[0-9a-f]{64} layer 1 \\(tag"
                + " sha256-[0-9a-f]{64}\\.sig\\): layer media type text/plain is not"
                + " application/vnd\\.dev\\.cosign\\.simplesigning\\.v1\\+json"),
        reason);
  }

  @Test
  void keylessRule_identityMismatchesAreLeftOut_whenAnotherSignatureFailedForAnotherReason() {
    VerificationResult r =
        verify(
            "cosign-classic/keyless/manifest.json",
            keyless(null, SOMEONE),
            signatureFile("cosign-classic/keyless/signature-1"),
            signatureFile("cosign-classic/keyless/signature-1")
                .withoutAnnotation("dev.sigstore.cosign/certificate"));
    VerificationResult noCert =
        verify(
            "cosign-classic/keyless/manifest.json",
            keyless(null, SOMEONE),
            signatureFile("cosign-classic/keyless/signature-1")
                .withoutAnnotation("dev.sigstore.cosign/certificate"));
    assertEquals(
        noCert.attempts(), r.attempts(), "only the non-identity failure is worth reporting");
  }

  @Test
  void trustedRootFile_isReadOnce_andReReadWhenItsTimeOrSizeChanges() throws Exception {
    Path root = dir.resolve("trusted_root.json");
    byte[] good =
        Files.readAllBytes(
            Vectors.path("trusted-roots/public-good.cosign-testdata.trusted_root.json"));
    Files.write(root, good);
    FileTime written = Files.getLastModifiedTime(root);
    TrustPolicy policy = keyless(root.toString(), MITR);
    SignatureFile sig = signatureFile("cosign-classic/keyless/signature-1");
    String manifest = "cosign-classic/keyless/manifest.json";
    assertTrue(verify(manifest, policy, sig).accepted());

    // same size and time: the cached root is used, the file is not parsed again
    byte[] garbage = new byte[good.length];
    Arrays.fill(garbage, (byte) ' ');
    Files.write(root, garbage);
    Files.setLastModifiedTime(root, written);
    assertTrue(verify(manifest, policy, sig).accepted());

    // same size, new time: re-read
    Files.setLastModifiedTime(root, FileTime.fromMillis(written.toMillis() + 60_000));
    ConfigException timeChanged =
        assertThrows(ConfigException.class, () -> verify(manifest, policy, sig));
    assertTrue(timeChanged.getMessage().contains("trusted_root"), timeChanged.getMessage());

    // a valid root again (cached), then a different size with the same time: re-read
    Files.write(root, good);
    Files.setLastModifiedTime(root, written);
    assertTrue(verify(manifest, policy, sig).accepted());
    Files.write(root, Arrays.copyOf(garbage, garbage.length + 1));
    Files.setLastModifiedTime(root, written);
    assertThrows(ConfigException.class, () -> verify(manifest, policy, sig));
  }
}
