package dev.doco.verify.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.doco.core.spi.Descriptor;
import dev.doco.verify.internal.CosignClassic.Layer;
import dev.doco.verify.testing.InMemoryArtifactAccess;
import dev.doco.verify.testing.Vectors;
import dev.doco.verify.testing.Vectors.SignatureFile;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * cosign classic signatures against a test Rekor log whose entries we write and sign ourselves: a
 * correctly signed SET is not enough, the logged entry must record this payload, this signature and
 * this key (GHSA-whqx-f9j3-ch6m). Also the discovery caps.
 */
class CosignClassicTest {
  static final String DIGEST = "sha256:" + "ab".repeat(32);
  static final long INTEGRATED = 1_700_000_000L;
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  final KeyPair signer = TestPki.ec();
  final KeyPair rekorKeys = TestPki.ec();
  final TrustedRoot root =
      TestPki.root(
          List.of(),
          List.of(),
          List.of(TestPki.log("https://rekor.test", rekorKeys, TestPki.open())));
  final byte[] payload =
      ("{\"critical\":{\"identity\":{\"docker-reference\":\"registry.test/app\"},"
              + "\"image\":{\"docker-manifest-digest\":\""
              + DIGEST
              + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}")
          .getBytes(StandardCharsets.UTF_8);
  final byte[] sig = TestPki.sign("SHA256withECDSA", signer.getPrivate(), payload);

  static String pem(KeyPair k) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(k.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  /** A hashedrekord body recording {@code hash}, {@code signature} and {@code key}. */
  static String body(byte[] hash, byte[] signature, KeyPair key) {
    String json =
        "{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{\"data\":{\"hash\":"
            + "{\"algorithm\":\"sha256\",\"value\":\""
            + HexFormat.of().formatHex(hash)
            + "\"}},\"signature\":{\"content\":\""
            + b64(signature)
            + "\",\"publicKey\":{\"content\":\""
            + b64(pem(key).getBytes(StandardCharsets.UTF_8))
            + "\"}}}}";
    return b64(json.getBytes(StandardCharsets.UTF_8));
  }

  /** cosign's bundle annotation for {@code body}, with a SET signed by the test log. */
  String bundle(String body) {
    String logId = HexFormat.of().formatHex(Crypto.sha256(rekorKeys.getPublic().getEncoded()));
    String canonical =
        "{\"body\":\""
            + body
            + "\",\"integratedTime\":"
            + INTEGRATED
            + ",\"logID\":\""
            + logId
            + "\",\"logIndex\":7}";
    byte[] set =
        TestPki.sign(
            "SHA256withECDSA", rekorKeys.getPrivate(), canonical.getBytes(StandardCharsets.UTF_8));
    return "{\"SignedEntryTimestamp\":\""
        + b64(set)
        + "\",\"Payload\":{\"body\":\""
        + body
        + "\",\"integratedTime\":"
        + INTEGRATED
        + ",\"logIndex\":7,\"logID\":\""
        + logId
        + "\"}}";
  }

  Layer layer(String bundle) {
    return new Layer(
        "tag sha256-ab.sig",
        "sha256:" + "cd".repeat(32),
        0,
        CosignClassic.SIMPLE_SIGNING,
        Map.of(CosignClassic.ANN_SIGNATURE, b64(sig), CosignClassic.ANN_BUNDLE, bundle),
        payload,
        null);
  }

  Match verify(Layer l) throws SignatureCheckException {
    return CosignClassic.verify(l, new Rule.Key(1, signer.getPublic()), DIGEST, root, false, NOW);
  }

  String refusal(Layer l) {
    return assertThrows(SignatureCheckException.class, () -> verify(l)).getMessage();
  }

  @Test
  void loggedEntryRecordingThisSignature_isAcceptedAtItsIntegratedTime() throws Exception {
    Match m = verify(layer(bundle(body(Crypto.sha256(payload), sig, signer))));
    assertEquals(
        "cosign signature sha256:" + "cd".repeat(32) + " layer 0 (tag sha256-ab.sig)",
        m.signature());
    assertEquals(
        List.of("logged in https://rekor.test at index 7, " + Instant.ofEpochSecond(INTEGRATED)),
        m.notes());
  }

  @Test
  void validSetOverEntryForAnotherPayload_isRefused() {
    byte[] otherHash = Crypto.sha256("another payload".getBytes(StandardCharsets.UTF_8));
    assertEquals(
        "tlog entry records a different artifact hash than the signed one",
        refusal(layer(bundle(body(otherHash, sig, signer)))));
  }

  @Test
  void validSetOverEntryRecordingAnotherSignature_isRefused() {
    byte[] otherSig = TestPki.sign("SHA256withECDSA", signer.getPrivate(), new byte[] {1});
    assertEquals(
        "tlog entry records a different signature",
        refusal(layer(bundle(body(Crypto.sha256(payload), otherSig, signer)))));
  }

  @Test
  void validSetOverEntryRecordingAnotherKey_isRefused() {
    assertEquals(
        "tlog entry records a different key or certificate",
        refusal(layer(bundle(body(Crypto.sha256(payload), sig, TestPki.ec())))));
  }

  @Test
  void setFromAnotherKeyThanTheLogs_isRefused() {
    String body = body(Crypto.sha256(payload), sig, signer);
    String good = bundle(body);
    // re-sign the SET with a key that is not the log's
    Map<String, Object> parsed;
    try {
      parsed = Json.parseObject(good.getBytes(StandardCharsets.UTF_8), "bundle");
    } catch (SignatureCheckException e) {
      throw new AssertionError(e);
    }
    String forged =
        good.replace(
            (String) parsed.get("SignedEntryTimestamp"),
            b64(TestPki.sign("SHA256withECDSA", TestPki.ec().getPrivate(), new byte[] {2})));
    assertEquals(
        "transparency log entry timestamp (SET) does not verify with https://rekor.test's key",
        refusal(layer(forged)));
  }

  // ------------------------------------------------------------------------------ discovery

  static SignatureFile sigFile(int i) {
    return new SignatureFile(
        CosignClassic.SIMPLE_SIGNING,
        ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8),
        Map.of(CosignClassic.ANN_SIGNATURE, "c2ln"));
  }

  static Descriptor referrer(String digest) {
    return new Descriptor(
        "application/vnd.oci.image.manifest.v1+json",
        digest,
        1,
        CosignClassic.SIG_ARTIFACT_TYPE,
        Map.of());
  }

  static List<Descriptor> referrers(InMemoryArtifactAccess access, int count) {
    List<Descriptor> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(referrer(Vectors.putSigReferrer(access, DIGEST, sigFile(i))));
    }
    return out;
  }

  @Test
  void discover_readsUpTo32CosignReferrers() {
    InMemoryArtifactAccess access = new InMemoryArtifactAccess("registry.test/app");
    List<String> problems = new ArrayList<>();
    List<Layer> layers = CosignClassic.discover(access, DIGEST, referrers(access, 32), problems);
    assertEquals(32, layers.size());
    assertEquals(List.of(), problems);
  }

  @Test
  void discover_stopsAfter32CosignReferrers_andSaysSo() {
    InMemoryArtifactAccess access = new InMemoryArtifactAccess("registry.test/app");
    List<String> problems = new ArrayList<>();
    List<Layer> layers = CosignClassic.discover(access, DIGEST, referrers(access, 33), problems);
    assertEquals(32, layers.size());
    assertEquals(List.of("more than 32 cosign referrers"), problems);
  }

  @Test
  void discover_readsAtMost32LayersOfOneSignatureManifest() {
    InMemoryArtifactAccess access = new InMemoryArtifactAccess("registry.test/app");
    SignatureFile[] sigs = new SignatureFile[33];
    for (int i = 0; i < sigs.length; i++) {
      sigs[i] = sigFile(i);
    }
    Vectors.putSigTag(access, DIGEST, sigs);
    List<Layer> layers = CosignClassic.discover(access, DIGEST, List.of(), new ArrayList<>());
    assertEquals(32, layers.size());
    assertEquals(31, layers.get(31).index());
  }

  @Test
  void discover_referrerThatIsTheTagsManifest_isNotFetchedOrListedTwice() {
    InMemoryArtifactAccess access = new InMemoryArtifactAccess("registry.test/app");
    String m = Vectors.putSigReferrer(access, DIGEST, sigFile(1));
    access.tag(CosignClassic.signatureTag(DIGEST), m);
    String other = Vectors.putSigReferrer(access, DIGEST, sigFile(2));
    List<Layer> layers =
        CosignClassic.discover(
            access, DIGEST, List.of(referrer(m), referrer(other)), new ArrayList<>());
    assertEquals(
        List.of("tag " + CosignClassic.signatureTag(DIGEST), "referrer " + other),
        layers.stream().map(Layer::where).toList());
    // once, by the tag lookup
    assertEquals(
        1,
        access.calls().stream().filter(c -> c.equals("manifest " + m)).count(),
        access.calls().toString());
  }
}
