package dev.doco.verify.notation;

import static dev.doco.verify.notation.Scenario.all;
import static dev.doco.verify.notation.TestSigning.T0;
import static dev.doco.verify.notation.TestSigning.T_END;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.Revision;
import dev.doco.core.config.NotationTrust;
import dev.doco.core.spi.VerificationResult;
import dev.doco.core.testing.Exec;
import dev.doco.core.testing.Peer;
import dev.doco.core.testing.Peers;
import dev.doco.verify.testing.LoopbackRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notation signatures attached to artifacts in the real loopback registry by the real {@code oras
 * attach} (the same oras-go code path {@code notation sign} uses: an OCI 1.1 referrer with
 * artifactType {@code application/vnd.cncf.notary.signature}, stored through the {@code
 * sha256-<hex>} referrers tag schema because registry 2.8 has no referrers API), found and checked
 * by {@link NotationVerifier}.
 */
class NotationRegistryIT {
  static final String MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
  static final String DN = "C=US, ST=WA, L=Seattle, O=Example, CN=registry-signer";
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  @TempDir static Path dir;
  static TestSigning.Signer trusted;
  static TestSigning.Signer untrusted;

  @BeforeAll
  static void setUp() throws Exception {
    Peers.require(Peer.REGISTRY, Peer.ORAS);
    trusted = TestSigning.chain(DN, null);
    untrusted = TestSigning.selfSigned(DN, TestSigning.ec("secp256r1"), T0, T_END);
    // the trust store holds the root of the trusted chain only
    List<java.security.cert.X509Certificate> chain = trusted.chain();
    TestSigning.writePem(
        dir.resolve("truststore/x509/ca/registry/root.pem"), chain.get(chain.size() - 1));
    PolicyFile.strict("*", List.of("ca:registry"), List.of("x509.subject: " + DN))
        .write(dir.resolve("policy"));
  }

  static LoopbackRegistry repo() {
    return new LoopbackRegistry(
        Peers.registry(), "doco-verify/notation-" + UUID.randomUUID().toString().substring(0, 8));
  }

  static String payload(LoopbackRegistry r, String digest) throws Exception {
    return TestSigning.payload(MEDIA_TYPE, digest, r.manifest(digest).bytes().length);
  }

  /** {@code oras attach} of one envelope file as a Notation signature of {@code digest}. */
  static void orasAttach(LoopbackRegistry r, String digest, byte[] envelope, String mediaType)
      throws Exception {
    Path work = Files.createTempDirectory(dir, "attach-");
    Files.write(work.resolve("signature.sig"), envelope);
    Exec.Result attach =
        Exec.run(
            Duration.ofMinutes(2),
            work,
            Map.of("HOME", work.toString()),
            List.of(
                Peers.tool("oras").toString(),
                "attach",
                "--plain-http",
                "--disable-path-validation",
                "--artifact-type",
                NotationVerifier.SIGNATURE_ARTIFACT_TYPE,
                r.repository() + "@" + digest,
                "signature.sig:" + mediaType));
    assertEquals(0, attach.exitCode(), attach::describe);
  }

  static VerificationResult verify(LoopbackRegistry r, String digest) {
    Revision revision =
        new Revision(
            r.repository() + ":main", r.repository(), "main", digest, MEDIA_TYPE, Map.of());
    return new NotationVerifier(
            new NotationTrust(
                dir.resolve("policy/trustpolicy.oci.json").toString(),
                dir.resolve("truststore").toString()),
            Clock.fixed(NOW, ZoneOffset.UTC))
        .verify(revision, r);
  }

  @Test
  void orasAttachedJws_fromAnIntermediateIssuedLeaf_isFoundThroughTheTagSchema_andAccepted()
      throws Exception {
    LoopbackRegistry r = repo();
    String digest = r.pushArtifact("main", "version: doco.v1\nnotation: jws\n");
    orasAttach(
        r,
        digest,
        TestSigning.jws(trusted, payload(r, digest), T0.plusSeconds(60)),
        "application/jose+json");
    assertTrue(
        r.tag(digest.replace(':', '-')).isPresent(),
        "oras did not use the referrers tag schema (registry 2.8 has no referrers API)");

    VerificationResult ok = verify(r, digest);
    assertTrue(ok.accepted(), all(ok));
    assertTrue(ok.matchedBy().contains("trust store ca:registry"), ok.matchedBy());
  }

  @Test
  void orasAttachedCose_isAccepted() throws Exception {
    LoopbackRegistry r = repo();
    String digest = r.pushArtifact("main", "version: doco.v1\nnotation: cose\n");
    byte[] envelope =
        TestSigning.cose(
            trusted,
            TestSigning.COSE_ALG_ES256,
            TestSigning.coseProtectedHeader(TestSigning.COSE_ALG_ES256, T0.plusSeconds(60), null),
            payload(r, digest),
            null);
    orasAttach(r, digest, envelope, "application/cose");

    VerificationResult ok = verify(r, digest);
    assertTrue(ok.accepted(), all(ok));
  }

  @Test
  void untrustedSignatureIsRefused_aTrustedOneBesideItIsAccepted_anUnsignedSiblingHasNone()
      throws Exception {
    LoopbackRegistry r = repo();
    String digest = r.pushArtifact("main", "version: doco.v1\nnotation: untrusted\n");
    orasAttach(
        r,
        digest,
        TestSigning.jws(untrusted, payload(r, digest), T0.plusSeconds(60)),
        "application/jose+json");

    VerificationResult refused = verify(r, digest);
    assertFalse(refused.accepted(), all(refused));
    assertTrue(
        refused
            .attempts()
            .get(0)
            .contains("does not contain any certificate of trust stores [ca:registry]"),
        refused.attempts().toString());

    // a signed artifact's signature does not carry over to another artifact in the repository
    String sibling = r.pushArtifact("other", "version: doco.v1\nnotation: sibling\n");
    orasAttach(
        r,
        digest,
        TestSigning.jws(trusted, payload(r, digest), T0.plusSeconds(60)),
        "application/jose+json");
    assertTrue(verify(r, digest).accepted(), all(verify(r, digest)));
    VerificationResult none = verify(r, sibling);
    assertFalse(none.accepted());
    assertTrue(
        none.attempts().get(0).contains("no Notation signature found"), none.attempts().toString());
  }
}
