package dev.doco.verify.notation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.Revision;
import dev.doco.core.config.NotationTrust;
import dev.doco.core.spi.VerificationResult;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real Notation signatures in {@code src/test/resources/notation} (from notation-go; see the
 * README there) with the outcomes documented for them.
 */
class NotationVectorsTest {
  private static final String MOCK_REPO = "registry.acme-rockets.io/software/net-monitor";
  private static final String MOCK_DIGEST =
      "sha256:60043cf45eaebc4c0867fea485a039b598f52fd09fd5b07b0b2d2f88fad9d74e";
  private static final String MOCK_TYPE = "application/vnd.docker.distribution.manifest.v2+json";
  private static final String MOCK_IDENTITY =
      "x509.subject:CN=Notation Test Root,O=Notary,L=Seattle,ST=WA,C=US";

  /**
   * The jws-mock certificates are valid 2020..2122; the expired envelopes expire 2022-07-29. Any
   * time in between gives the documented outcomes; this one is fixed so the test never drifts.
   */
  private static final Clock MOCK_TIME =
      Clock.fixed(Instant.parse("2025-06-01T00:00:00Z"), ZoneOffset.UTC);

  private static final String LAYOUT_DIGEST =
      "sha256:19dbd2e48e921426ee8ace4dc892edfb2ecdc1d1a72d5416c83670c30acecef0";

  @TempDir Path tmp;

  static Path resource(String name) {
    try {
      return Path.of(Objects.requireNonNull(NotationVectorsTest.class.getResource(name)).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static PolicyFile mockPolicy() {
    return PolicyFile.strict(
        MOCK_REPO,
        List.of("ca:valid-trust-store", "signingAuthority:valid-trust-store"),
        List.of(MOCK_IDENTITY));
  }

  private VerificationResult verifyMock(String envelopeFile, PolicyFile policy) throws Exception {
    InMemoryArtifactAccess access = new InMemoryArtifactAccess(MOCK_REPO);
    // the vector names the signed manifest's digest and size (528) but does not include it
    access.putManifestAs(MOCK_DIGEST, MOCK_TYPE, new byte[528]);
    byte[] envelope = Files.readAllBytes(resource("/notation/jws-mock/" + envelopeFile));
    access.attachSignature(MOCK_DIGEST, "application/jose+json", envelope, false);
    Path policyFile = policy.write(tmp.resolve("policy"));
    NotationVerifier v =
        new NotationVerifier(
            new NotationTrust(
                policyFile.toString(), resource("/notation/jws-mock/truststore").toString()),
            MOCK_TIME);
    return v.verify(
        new Revision(
            MOCK_REPO + "@" + MOCK_DIGEST,
            MOCK_REPO,
            MOCK_DIGEST,
            MOCK_DIGEST,
            MOCK_TYPE,
            Map.of()),
        access);
  }

  private static String all(VerificationResult r) {
    return String.join("\n", r.attempts()) + "\n" + String.join("\n", r.notes());
  }

  @ParameterizedTest
  @ValueSource(strings = {"strict", "permissive", "audit"})
  void caValid_isAccepted_atEveryLevel(String level) throws Exception {
    VerificationResult r = verifyMock("ca_valid_sig_env.json", mockPolicy().level(level));
    assertTrue(r.accepted(), all(r));
    assertTrue(r.matchedBy().contains("ca:valid-trust-store"), r.matchedBy());
    assertTrue(r.matchedBy().contains(MOCK_IDENTITY), r.matchedBy());
    assertTrue(r.notes().stream().anyMatch(n -> n.contains("revocation not applicable")), all(r));
  }

  @ParameterizedTest
  @ValueSource(strings = {"strict", "permissive", "audit"})
  void saValid_isAccepted_viaSigningAuthorityStore(String level) throws Exception {
    VerificationResult r = verifyMock("sa_valid_sig_env.json", mockPolicy().level(level));
    assertTrue(r.accepted(), all(r));
    assertTrue(r.matchedBy().contains("signingAuthority:valid-trust-store"), r.matchedBy());
    assertTrue(
        r.matchedBy().contains("authentic signing time 2020-11-09T07:00:00Z"), r.matchedBy());
  }

  @ParameterizedTest
  @ValueSource(strings = {"strict", "permissive", "audit"})
  void invalidSignatures_areRefusedForIntegrity_atEveryLevel(String level) throws Exception {
    for (String f : List.of("ca_invalid_sig_env.json", "sa_invalid_sig_env.json")) {
      VerificationResult r = verifyMock(f, mockPolicy().level(level));
      assertFalse(r.accepted(), f + " at " + level);
      assertEquals(1, r.attempts().size(), all(r));
      // the upstream vector's payload carries a '=' (padding is not allowed in JWS): the
      // envelope fails integrity before the signature check, as in notation-go
      assertTrue(r.attempts().get(0).contains("(JWS): integrity: "), all(r));
      assertTrue(r.attempts().get(0).startsWith("notation signature sha256:"), all(r));
    }
  }

  @Test
  void expired_isRefusedAtStrict() throws Exception {
    for (String f : List.of("ca_expired_sig_env.json", "sa_expired_sig_env.json")) {
      VerificationResult r = verifyMock(f, mockPolicy());
      assertFalse(r.accepted(), f);
      assertTrue(
          r.attempts().get(0).contains("expiry (enforced by trust policy statement")
              && r.attempts().get(0).contains("expired at 2022-07-29T23:59:00Z"),
          all(r));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"permissive", "audit"})
  void expired_isAcceptedWithANote_atPermissiveAndAudit(String level) throws Exception {
    for (String f : List.of("ca_expired_sig_env.json", "sa_expired_sig_env.json")) {
      VerificationResult r = verifyMock(f, mockPolicy().level(level));
      assertTrue(r.accepted(), f + ": " + all(r));
      assertTrue(
          r.notes().stream()
              .anyMatch(n -> n.contains("expiry failed, logged only") && n.contains("2022-07-29")),
          all(r));
    }
  }

  @Test
  void expired_isAcceptedAtStrict_whenExpiryOverriddenToLog() throws Exception {
    VerificationResult r =
        verifyMock("ca_expired_sig_env.json", mockPolicy().override("\"expiry\":\"log\""));
    assertTrue(r.accepted(), all(r));
  }

  @ParameterizedTest
  @ValueSource(strings = {"strict", "permissive"})
  void otherTrustStore_isRefusedForAuthenticity_atStrictAndPermissive(String level)
      throws Exception {
    PolicyFile p =
        mockPolicy()
            .level(level)
            .stores("ca:valid-trust-store-2", "signingAuthority:valid-trust-store-2");
    VerificationResult r = verifyMock("ca_valid_sig_env.json", p);
    assertFalse(r.accepted());
    assertTrue(
        r.attempts().get(0).contains("authenticity (enforced")
            && r.attempts().get(0).contains("does not contain any certificate of trust stores"),
        all(r));
  }

  @Test
  void otherTrustStore_isLoggedAndAccepted_atAudit() throws Exception {
    PolicyFile p =
        mockPolicy()
            .level("audit")
            .stores("ca:valid-trust-store-2", "signingAuthority:valid-trust-store-2");
    VerificationResult r = verifyMock("ca_valid_sig_env.json", p);
    assertTrue(r.accepted(), all(r));
    assertTrue(r.matchedBy().contains("authenticity not established"), r.matchedBy());
    assertTrue(r.notes().stream().anyMatch(n -> n.contains("authenticity failed, logged only")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"strict", "permissive", "audit"})
  void otherIdentity_failsAuthenticity_enforcedUnlessAudit(String level) throws Exception {
    PolicyFile p =
        mockPolicy()
            .level(level)
            .identities("x509.subject:CN=LOL,O=DummyOrg,L=Hyderabad,ST=TG,C=IN");
    VerificationResult r = verifyMock("ca_valid_sig_env.json", p);
    assertEquals(level.equals("audit"), r.accepted(), all(r));
    String text = all(r);
    assertTrue(text.contains("matches none of the trustedIdentities"), text);
  }

  // ---------------------------------------------------------------- oci-layout-signed

  private VerificationResult verifyLayout(String envelopeFile, String mediaType, String identity)
      throws Exception {
    String repo = "index.docker.io/library/alpine";
    InMemoryArtifactAccess access = new InMemoryArtifactAccess(repo);
    byte[] manifest =
        Files.readAllBytes(
            resource(
                "/notation/oci-layout-signed/oci-layout/blobs/sha256/"
                    + LAYOUT_DIGEST.substring(7)));
    String digest = access.putManifest("application/vnd.oci.image.manifest.v1+json", manifest);
    assertEquals(LAYOUT_DIGEST, digest);
    access.attachSignature(
        digest,
        mediaType,
        Files.readAllBytes(resource("/notation/oci-layout-signed/" + envelopeFile)),
        false);
    Path policy =
        PolicyFile.strict(
                "docker.io/library/alpine", List.of("ca:alpine-selfsigned"), List.of(identity))
            .write(tmp.resolve("layout-policy"));
    NotationVerifier v =
        new NotationVerifier(
            new NotationTrust(
                policy.toString(),
                resource("/notation/oci-layout-signed/derived/truststore").toString()),
            Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    return v.verify(
        new Revision(
            "alpine:v2",
            repo,
            "v2",
            digest,
            "application/vnd.oci.image.manifest.v1+json",
            Map.of()),
        access);
  }

  @ParameterizedTest
  @ValueSource(strings = {"*", "x509.subject: C=US, ST=WA, O=Notary, CN=alpine"})
  void layoutJws_isAccepted(String identity) throws Exception {
    VerificationResult r = verifyLayout("jws_signature.sig", "application/jose+json", identity);
    assertTrue(r.accepted(), all(r));
    assertTrue(r.matchedBy().contains("(JWS)") && r.matchedBy().contains("ca:alpine-selfsigned"));
    // the result names the trusted identity that matched ("*" says so)
    assertTrue(
        r.matchedBy()
            .endsWith(
                identity.equals("*") ? ", identity * (any)" : ", identity \"" + identity + "\""),
        r.matchedBy());
  }

  @ParameterizedTest
  @ValueSource(strings = {"*", "x509.subject: C=US, ST=WA, O=Notary, CN=alpine"})
  void layoutCose_isAccepted(String identity) throws Exception {
    VerificationResult r = verifyLayout("cose_signature.sig", "application/cose", identity);
    assertTrue(r.accepted(), all(r));
    assertTrue(r.matchedBy().contains("(COSE)"), r.matchedBy());
  }

  @Test
  void layoutCose_withOneByteFlippedInThePayload_isRefusedForIntegrity() throws Exception {
    Path copy = tmp.resolve("cose-tampered.sig");
    byte[] b = Files.readAllBytes(resource("/notation/oci-layout-signed/cose_signature.sig"));
    String s = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    int at = s.indexOf("\"size\":481");
    b[at + 8] = '9'; // "size":491
    Files.write(copy, b);
    String repo = "index.docker.io/library/alpine";
    InMemoryArtifactAccess access = new InMemoryArtifactAccess(repo);
    String digest =
        access.putManifest(
            "application/vnd.oci.image.manifest.v1+json",
            Files.readAllBytes(
                resource(
                    "/notation/oci-layout-signed/oci-layout/blobs/sha256/"
                        + LAYOUT_DIGEST.substring(7))));
    access.attachSignature(digest, "application/cose", b, false);
    Path policy =
        PolicyFile.strict("*", List.of("ca:alpine-selfsigned"), List.of("*"))
            .write(tmp.resolve("p"));
    VerificationResult r =
        new NotationVerifier(
                new NotationTrust(
                    policy.toString(),
                    resource("/notation/oci-layout-signed/derived/truststore").toString()),
                Clock.systemUTC())
            .verify(
                new Revision(
                    "alpine:v2",
                    repo,
                    "v2",
                    digest,
                    "application/vnd.oci.image.manifest.v1+json",
                    Map.of()),
                access);
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).contains("integrity: the signature does not verify"), all(r));
  }
}
