package dev.doco.verify;

import static dev.doco.verify.testing.Vectors.revision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.config.KeylessIdentity;
import dev.doco.core.config.TrustPolicy;
import dev.doco.core.spi.VerificationResult;
import dev.doco.core.testing.Exec;
import dev.doco.core.testing.Peer;
import dev.doco.core.testing.Peers;
import dev.doco.verify.testing.InMemoryArtifactAccess;
import dev.doco.verify.testing.LoopbackRegistry;
import dev.doco.verify.testing.Openssl;
import dev.doco.verify.testing.Vectors;
import dev.doco.verify.testing.Vectors.SignatureFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real cosign signatures on artifacts in the real loopback registry (tag mode and OCI 1.1 referrer
 * mode), read back through a plain-HTTP {@code ArtifactAccess}; plus openssl-made signatures that
 * the real {@code cosign verify} must agree with.
 */
class CosignRegistryIT {
  @TempDir static Path keys;
  static String cosignPub;
  static final Map<String, String> COSIGN_ENV = Map.of("COSIGN_PASSWORD", "", "HOME", "/tmp");

  @BeforeAll
  static void peers() throws Exception {
    Peers.require(Peer.REGISTRY, Peer.COSIGN);
    cosign(keys, Map.of(), "generate-key-pair");
    cosignPub = Files.readString(keys.resolve("cosign.pub"));
  }

  static Exec.Result cosign(Path dir, Map<String, String> env, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(Peers.tool("cosign").toString());
    argv.addAll(List.of(args));
    Map<String, String> all = new java.util.HashMap<>(COSIGN_ENV);
    all.putAll(env);
    return Exec.run(Duration.ofMinutes(2), dir, all, argv);
  }

  static LoopbackRegistry repo() {
    return new LoopbackRegistry(
        Peers.registry(), "doco-verify/it-" + UUID.randomUUID().toString().substring(0, 8));
  }

  static TrustPolicy keys(boolean ignoreTlog, String... pems) {
    return new TrustPolicy(true, List.of(pems), List.of(), ignoreTlog, null, null);
  }

  final DocoVerifier verifier = new DocoVerifier();

  @Test
  void cosignSign_tagMode_acceptedWithItsKey_refusedWithOthersOrWithTlogRequired()
      throws Exception {
    LoopbackRegistry r = repo();
    String digest = r.pushArtifact("main", "version: doco.v1\n");
    Exec.Result sign =
        cosign(
            keys,
            Map.of(),
            "sign",
            "--yes",
            "--key",
            "cosign.key",
            "--tlog-upload=false",
            "--allow-insecure-registry",
            r.repository() + "@" + digest);
    assertEquals(0, sign.exitCode(), sign::describe);
    assertTrue(r.tag(digest.replace(':', '-') + ".sig").isPresent(), "cosign wrote no .sig tag");

    VerificationResult ok =
        verifier.verify(revision(r.repository(), digest), r, keys(true, cosignPub));
    assertTrue(ok.accepted(), () -> ok.attempts().toString());
    assertTrue(
        ok.signature().contains("(tag " + digest.replace(':', '-') + ".sig)"), ok.signature());

    Openssl.KeyPair other = new Openssl(keys).generate(Openssl.KeyType.EC_P256);
    VerificationResult wrong =
        verifier.verify(revision(r.repository(), digest), r, keys(true, other.publicPem()));
    assertFalse(wrong.accepted());
    assertTrue(
        wrong.attempts().get(0).endsWith("signature does not match"), wrong.attempts().toString());

    VerificationResult tlog =
        verifier.verify(revision(r.repository(), digest), r, keys(false, cosignPub));
    assertFalse(tlog.accepted());
    assertTrue(
        tlog.attempts().get(0).contains("no transparency-log bundle"), tlog.attempts().toString());

    // the signature does not carry over to another artifact in the same repository
    String other2 = r.pushArtifact("other", "version: doco.v1\nx: 1\n");
    assertFalse(
        verifier.verify(revision(r.repository(), other2), r, keys(true, cosignPub)).accepted());
  }

  @Test
  void cosignSign_oci11ReferrerMode_acceptedThroughTheReferrersFallback() throws Exception {
    LoopbackRegistry r = repo();
    String digest = r.pushArtifact("main", "version: doco.v1\nreferrers: true\n");
    Exec.Result sign =
        cosign(
            keys,
            Map.of("COSIGN_EXPERIMENTAL", "1"),
            "sign",
            "--yes",
            "--key",
            "cosign.key",
            "--tlog-upload=false",
            "--allow-insecure-registry",
            "--registry-referrers-mode=oci-1-1",
            r.repository() + "@" + digest);
    assertEquals(0, sign.exitCode(), sign::describe);
    assertTrue(
        r.tag(digest.replace(':', '-') + ".sig").isEmpty(), "referrer mode wrote a .sig tag");

    VerificationResult ok =
        verifier.verify(revision(r.repository(), digest), r, keys(true, cosignPub));
    assertTrue(ok.accepted(), () -> ok.attempts().toString());
    assertTrue(ok.signature().contains("(referrer sha256:"), ok.signature());
  }

  @Test
  void opensslSignature_pushedAsCosignWould_realCosignAndWeAgree() throws Exception {
    LoopbackRegistry r = repo();
    String digest = r.pushArtifact("main", "version: doco.v1\nopenssl: true\n");
    String other = r.pushArtifact("other", "version: doco.v1\nopenssl: other\n");
    Openssl openssl = new Openssl(keys);
    Openssl.KeyPair key = openssl.generate(Openssl.KeyType.EC_P256);
    Files.writeString(keys.resolve("openssl.pub"), key.publicPem());
    byte[] payload = Openssl.payload(r.repository(), digest);
    SignatureFile sig =
        new SignatureFile(
            "application/vnd.dev.cosign.simplesigning.v1+json",
            payload,
            Map.of("dev.cosignproject.cosign/signature", openssl.sign(key, payload)));
    // genuine on `digest`, replayed onto `other`
    for (String target : List.of(digest, other)) {
      InMemoryArtifactAccess staging = new InMemoryArtifactAccess(r.repository());
      String m =
          staging.putManifest(Vectors.signatureManifest(staging, List.of(sig), target, false));
      r.copyManifest(staging, m, target.replace(':', '-') + ".sig");
    }

    Exec.Result good =
        cosign(
            keys,
            Map.of(),
            "verify",
            "--key",
            "openssl.pub",
            "--insecure-ignore-tlog",
            "--allow-insecure-registry",
            r.repository() + "@" + digest);
    assertEquals(0, good.exitCode(), good::describe);
    assertTrue(
        verifier
            .verify(revision(r.repository(), digest), r, keys(true, key.publicPem()))
            .accepted());

    Exec.Result replay =
        cosign(
            keys,
            Map.of(),
            "verify",
            "--key",
            "openssl.pub",
            "--insecure-ignore-tlog",
            "--allow-insecure-registry",
            r.repository() + "@" + other);
    assertTrue(replay.exitCode() != 0, replay::describe);
    VerificationResult ours =
        verifier.verify(revision(r.repository(), other), r, keys(true, key.publicPem()));
    assertFalse(ours.accepted());
    assertTrue(
        ours.attempts().get(0).contains("signature is for another artifact"),
        ours.attempts().toString());
  }

  @Test
  void keylessVector_servedByTheRegistry_acceptedAtItsIntegratedTime() throws Exception {
    LoopbackRegistry r = repo();
    String digest = Vectors.digestOf(Vectors.bytes("cosign-classic/keyless/manifest.json"));
    InMemoryArtifactAccess staging = new InMemoryArtifactAccess(r.repository());
    String m =
        staging.putManifest(
            Vectors.signatureManifest(
                staging,
                List.of(Vectors.signatureFile("cosign-classic/keyless/signature-1")),
                digest,
                false));
    r.copyManifest(staging, m, digest.replace(':', '-') + ".sig");
    KeylessIdentity mitr =
        new KeylessIdentity("https://github.com/login/oauth", "mitr@redhat.com", "");
    VerificationResult ok =
        verifier.verify(
            revision(r.repository(), digest),
            r,
            new TrustPolicy(true, List.of(), List.of(mitr), false, null, null));
    assertTrue(ok.accepted(), () -> ok.attempts().toString());
    assertEquals("keyless mitr@redhat.com@https://github.com/login/oauth", ok.matchedBy());
    assertTrue(
        new String(Files.readAllBytes(keys.resolve("cosign.pub")), StandardCharsets.UTF_8)
            .contains("PUBLIC KEY"));
  }
}
