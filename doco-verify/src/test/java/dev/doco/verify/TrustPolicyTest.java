package dev.doco.verify;

import static dev.doco.verify.testing.Vectors.putSigTag;
import static dev.doco.verify.testing.Vectors.revision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.ConfigException;
import dev.doco.core.Providers;
import dev.doco.core.VerificationException;
import dev.doco.core.config.KeylessIdentity;
import dev.doco.core.config.NotationTrust;
import dev.doco.core.config.TrustPolicies;
import dev.doco.core.config.TrustPolicy;
import dev.doco.core.config.TrustPolicyOverride;
import dev.doco.core.spi.VerificationResult;
import dev.doco.core.spi.VerifierProvider;
import dev.doco.verify.testing.InMemoryArtifactAccess;
import dev.doco.verify.testing.Openssl;
import dev.doco.verify.testing.Openssl.KeyType;
import dev.doco.verify.testing.Vectors.SignatureFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** doco-cd's trust-policy semantics around the verifiers: OR, no downgrade, aggregated refusals. */
class TrustPolicyTest {
  static final String REPO = "registry.example/doco/cfg";

  @TempDir Path dir;
  Openssl openssl;
  Openssl.KeyPair good;
  Openssl.KeyPair bad;
  InMemoryArtifactAccess access;
  String digest;
  final DocoVerifier verifier = new DocoVerifier();

  @BeforeEach
  void signedArtifact() {
    openssl = new Openssl(dir);
    good = openssl.generate(KeyType.EC_P256);
    bad = openssl.generate(KeyType.EC_P256);
    access = new InMemoryArtifactAccess(REPO);
    digest = access.putManifest("{\"schemaVersion\":2,\"layers\":[]}");
    byte[] payload = Openssl.payload(REPO, digest);
    putSigTag(
        access,
        digest,
        new SignatureFile(
            "application/vnd.dev.cosign.simplesigning.v1+json",
            payload,
            Map.of("dev.cosignproject.cosign/signature", openssl.sign(good, payload))));
  }

  static TrustPolicy policy(List<String> keys, List<KeylessIdentity> ids) {
    return new TrustPolicy(true, keys, ids, true, null, null);
  }

  VerificationResult verify(TrustPolicy p) {
    return verifier.verify(revision(REPO, digest), access, p);
  }

  @Test
  void disabledPolicy_acceptsWithoutReadingTheRegistry() {
    VerificationResult r = verify(TrustPolicy.DISABLED);
    assertTrue(r.accepted());
    assertTrue(r.notes().get(0).contains("disabled"), r.notes().toString());
    assertEquals(List.of(), access.calls());
    assertFalse(verifier.supports(TrustPolicy.DISABLED));
  }

  @Test
  void enabledPolicyWithoutRules_isAConfigurationError() {
    TrustPolicy empty = new TrustPolicy(true, List.of(), List.of(), false, null, null);
    ConfigException e = assertThrows(ConfigException.class, () -> verify(empty));
    assertTrue(e.getMessage().contains("no trust rules"), e.getMessage());
  }

  @Test
  void anyOneKeyPassing_isEnough_andEarlierFailuresAreKept() {
    VerificationResult r = verify(policy(List.of(bad.publicPem(), good.publicPem()), List.of()));
    assertTrue(r.accepted(), () -> r.attempts().toString());
    assertTrue(r.matchedBy().startsWith("public key #2 (sha256:"), r.matchedBy());
    assertEquals(1, r.attempts().size());
    assertTrue(r.attempts().get(0).startsWith("public key #1 (sha256:"), r.attempts().toString());
  }

  @Test
  void keyAfterAFailingIdentity_passes() {
    KeylessIdentity id =
        new KeylessIdentity("https://token.actions.githubusercontent.com", "x", "");
    assertTrue(verify(policy(List.of(good.publicPem()), List.of(id))).accepted());
  }

  @Test
  void refusal_listsEveryRuleTriedAndWhy_inOrder() throws Exception {
    // a valid Notation setup that trusts a CA which signed nothing here
    Path store = dir.resolve("truststore/x509/ca/test");
    java.nio.file.Files.createDirectories(store);
    java.nio.file.Files.writeString(store.resolve("ca.crt"), openssl.ca("notation test CA").pem());
    Path notationPolicy = dir.resolve("trustpolicy.oci.json");
    java.nio.file.Files.writeString(
        notationPolicy,
        "{\"version\":\"1.0\",\"trustPolicies\":[{\"name\":\"all\",\"registryScopes\":[\"*\"],"
            + "\"signatureVerification\":{\"level\":\"strict\"},\"trustStores\":[\"ca:test\"],"
            + "\"trustedIdentities\":[\"*\"]}]}");
    KeylessIdentity id =
        new KeylessIdentity(
            "https://token.actions.githubusercontent.com",
            "https://github.com/acme/cfg/.github/workflows/sign.yml@refs/heads/main",
            "");
    TrustPolicy p =
        new TrustPolicy(
            true,
            List.of(bad.publicPem(), openssl.generate(KeyType.RSA_2048).publicPem()),
            List.of(id),
            true,
            null,
            new NotationTrust(
                dir.resolve("trustpolicy.oci.json").toString(),
                dir.resolve("truststore").toString()));
    VerificationResult r = verify(p);
    assertFalse(r.accepted());
    List<String> a = r.attempts();
    assertTrue(a.size() >= 4, a.toString());
    assertTrue(
        a.get(0)
            .matches("public key #1 \\(sha256:[0-9a-f]{12}\\.\\.\\.\\): signature does not match"),
        a.get(0));
    assertTrue(
        a.get(1)
            .matches("public key #2 \\(sha256:[0-9a-f]{12}\\.\\.\\.\\): signature does not match"),
        a.get(1));
    assertEquals(
        "keyless https://github.com/acme/cfg/.github/workflows/sign.yml@refs/heads/main@https://token.actions.githubusercontent.com:"
            + " no certificate (not a keyless signature)",
        a.get(2));
    assertTrue(a.get(3).startsWith("notation"), a.get(3));
    assertTrue(a.stream().skip(3).allMatch(l -> l.startsWith("notation")), a.toString());

    String message = new VerificationException(r.subject(), r.attempts()).getMessage();
    assertTrue(
        message.startsWith("signature verification failed for " + REPO + "@" + digest), message);
    for (String line : a) {
      assertTrue(message.contains("\n  - " + line), message);
    }
  }

  @Test
  void unsignedArtifact_everyRuleSaysNothingWasFound() {
    InMemoryArtifactAccess empty = new InMemoryArtifactAccess(REPO);
    String d = empty.putManifest("{\"schemaVersion\":2}");
    VerificationResult r =
        verifier.verify(revision(REPO, d), empty, policy(List.of(good.publicPem()), List.of()));
    assertFalse(r.accepted());
    assertTrue(
        r.attempts()
            .get(0)
            .endsWith(
                "no cosign signature or Sigstore bundle found for "
                    + d
                    + " (looked at tag "
                    + d.replace(':', '-')
                    + ".sig and referrers)"),
        r.attempts().toString());
  }

  @Test
  void malformedKey_isOneFailedRule_othersStillCount() {
    VerificationResult r =
        verify(
            policy(
                List.of(
                    "-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----",
                    good.publicPem()),
                List.of()));
    assertTrue(r.accepted(), () -> r.attempts().toString());
    assertTrue(
        r.attempts().get(0).startsWith("public key #1: not a usable PEM public key"),
        r.attempts().toString());
  }

  @Test
  void verification_targetsTheDigest_neverTheTag() {
    verify(policy(List.of(good.publicPem()), List.of()));
    List<String> calls = access.calls();
    assertTrue(calls.contains("tag " + digest.replace(':', '-') + ".sig"), calls.toString());
    assertTrue(calls.stream().noneMatch(c -> c.contains("latest")), calls.toString());
    assertTrue(
        calls.stream()
            .filter(c -> c.startsWith("referrers "))
            .allMatch(c -> c.startsWith("referrers " + digest + " ")),
        calls.toString());
  }

  @Test
  void nonDigestRevision_refused() {
    VerificationResult r =
        verifier.verify(
            revision(REPO, "latest"), access, policy(List.of(good.publicPem()), List.of()));
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).contains("is not a sha256 digest"), r.attempts().toString());
  }

  // ------------------------------------------------------- with the config engineer's merge

  @Test
  void noDowngrade_overrideVerifyFalse_cannotDisableAnEnabledGlobalPolicy() {
    TrustPolicy global = policy(List.of(bad.publicPem()), List.of());
    TrustPolicyOverride off = new TrustPolicyOverride(false, List.of(), List.of(), null);
    TrustPolicy effective = TrustPolicies.effective(global, off);
    VerificationResult r = verify(effective);
    assertFalse(r.accepted(), "verify: false must not turn verification off");
    assertTrue(r.attempts().get(0).endsWith("signature does not match"), r.attempts().toString());
  }

  @Test
  void inlineOverride_keysReplaceGlobalOnes_andCanEnable() {
    TrustPolicy globalOff =
        new TrustPolicy(false, List.of(bad.publicPem()), List.of(), true, null, null);
    TrustPolicyOverride inline =
        new TrustPolicyOverride(true, List.of(good.publicPem()), List.of(), null);
    VerificationResult r = verify(TrustPolicies.effective(globalOff, inline));
    assertTrue(r.accepted(), () -> r.attempts().toString());
    assertEquals(1, r.matchedBy().indexOf("public key #1") + 1);

    // the global policy (always checked first, and all an artifact's own config gets) refuses
    TrustPolicy globalOn =
        new TrustPolicy(true, List.of(bad.publicPem()), List.of(), true, null, null);
    assertFalse(verify(TrustPolicies.effective(globalOn, TrustPolicyOverride.NONE)).accepted());
  }

  @Test
  void ignoreTlogOverride_wins_andTlogRequiredRefusesBundlelessSignatures() {
    TrustPolicy global =
        new TrustPolicy(true, List.of(good.publicPem()), List.of(), true, null, null);
    TrustPolicyOverride strict = new TrustPolicyOverride(null, List.of(), List.of(), false);
    VerificationResult r = verify(TrustPolicies.effective(global, strict));
    assertFalse(r.accepted());
    assertTrue(r.attempts().get(0).contains("no transparency-log bundle"), r.attempts().toString());
  }

  @Test
  void unreadableTrustedRoot_isAConfigurationError() {
    TrustPolicy p =
        new TrustPolicy(
            true,
            List.of(good.publicPem()),
            List.of(),
            false,
            dir.resolve("missing.json").toString(),
            null);
    ConfigException e = assertThrows(ConfigException.class, () -> verify(p));
    assertTrue(e.getMessage().contains("trusted_root"), e.getMessage());
  }

  // ---------------------------------------------------------------------------- wiring

  @Test
  void provider_isFoundByServiceLoader_andByProviders() {
    List<String> ids =
        ServiceLoader.load(VerifierProvider.class).stream()
            .map(p -> p.get().id())
            .collect(Collectors.toList());
    assertTrue(ids.contains("doco-verify"), ids.toString());
    assertTrue(
        Providers.discover().verifierProviders().stream()
            .anyMatch(p -> p.id().equals("doco-verify")));
    assertTrue(
        new DocoVerifierProvider().create(dev.doco.core.spi.ProviderContext.fromEnvironment(dir))
            instanceof DocoVerifier);
  }
}
