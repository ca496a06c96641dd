package dev.doco.verify.internal;

import static dev.doco.verify.testing.Vectors.bytes;
import static dev.doco.verify.testing.Vectors.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.doco.verify.internal.Rekor.Expected;
import dev.doco.verify.internal.Rekor.Kind;
import dev.doco.verify.internal.TrustedRoot.TransparencyLog;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rekor entry bodies compared with the signature they vouch for (the check whose absence was
 * GHSA-whqx-f9j3-ch6m), inclusion-proof index bounds, and checkpoint signature lines. Bodies are
 * the real ones of the {@code key-rekor} (hashedrekord) and {@code cosign-new-bundle-oci-layout}
 * (dsse) vectors.
 */
class RekorTest {
  // ------------------------------------------------------------------ hashedrekord (key-rekor)

  static final byte[] HASHEDREKORD_BODY = hashedrekordBody();
  static final byte[] KEY_REKOR_PAYLOAD = bytes("cosign-classic/key-rekor/derived/payload.json");
  static final byte[] KEY_REKOR_SIG =
      Base64.getDecoder().decode(text("cosign-classic/key-rekor/derived/signature.b64"));

  static byte[] hashedrekordBody() {
    try {
      Map<String, Object> b =
          Json.parseObject(bytes("cosign-classic/key-rekor/derived/bundle.json"), "bundle");
      return Base64.getDecoder()
          .decode(Json.requireString(Json.requireObject(b, "Payload"), "body"));
    } catch (SignatureCheckException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] keyDer(String pemFile) throws SignatureCheckException {
    return Crypto.parsePublicKeyPem(text(pemFile)).getEncoded();
  }

  static Expected keyRekor() throws SignatureCheckException {
    return new Expected(
        Crypto.sha256(KEY_REKOR_PAYLOAD), KEY_REKOR_SIG, keyDer("cosign-classic/keys/cosign2.pub"));
  }

  static String refusal(byte[] body, Expected e) {
    return assertThrows(SignatureCheckException.class, () -> Rekor.checkBody(body, e)).getMessage();
  }

  @Test
  void hashedrekord_recordingThisPayloadSignatureAndKey_isAccepted() throws Exception {
    assertEquals(Kind.HASHEDREKORD, Rekor.checkBody(HASHEDREKORD_BODY, keyRekor()));
  }

  @Test
  void rekord_sameFields_isAcceptedAsRekord() throws Exception {
    byte[] rekord =
        new String(HASHEDREKORD_BODY, StandardCharsets.UTF_8)
            .replace("\"kind\":\"hashedrekord\"", "\"kind\":\"rekord\"")
            .getBytes(StandardCharsets.UTF_8);
    assertEquals(Kind.REKORD, Rekor.checkBody(rekord, keyRekor()));
  }

  @Test
  void hashedrekord_forAnotherPayload_isRefused() throws Exception {
    Expected e =
        new Expected(
            Crypto.sha256("another payload".getBytes(StandardCharsets.UTF_8)),
            KEY_REKOR_SIG,
            keyDer("cosign-classic/keys/cosign2.pub"));
    assertEquals(
        "tlog entry records a different artifact hash than the signed one",
        refusal(HASHEDREKORD_BODY, e));
  }

  @Test
  void hashedrekord_recordingAnotherSignature_isRefused() throws Exception {
    // signature-1 of key/valid: a real signature, but not the one this entry logged
    byte[] otherSig =
        Base64.getDecoder()
            .decode(text("cosign-classic/key/valid/derived/signature-1/signature.b64"));
    Expected e =
        new Expected(
            Crypto.sha256(KEY_REKOR_PAYLOAD), otherSig, keyDer("cosign-classic/keys/cosign2.pub"));
    assertEquals("tlog entry records a different signature", refusal(HASHEDREKORD_BODY, e));
  }

  @Test
  void hashedrekord_recordingAnotherKey_isRefused() throws Exception {
    Expected e =
        new Expected(
            Crypto.sha256(KEY_REKOR_PAYLOAD),
            KEY_REKOR_SIG,
            keyDer("cosign-classic/keys/cosign.pub"));
    assertEquals(
        "tlog entry records a different key or certificate", refusal(HASHEDREKORD_BODY, e));
  }

  @Test
  void hashedrekord_withSha512Hash_isRefused() throws Exception {
    byte[] body =
        new String(HASHEDREKORD_BODY, StandardCharsets.UTF_8)
            .replace("\"algorithm\":\"sha256\"", "\"algorithm\":\"sha512\"")
            .getBytes(StandardCharsets.UTF_8);
    assertEquals("tlog entry hash algorithm sha512 is not sha256", refusal(body, keyRekor()));
  }

  // ------------------------------------------------------------ dsse (cosign new bundle format)

  static final String BUNDLE =
      "sigstore-bundle/cosign-new-bundle-oci-layout/blobs/sha256/"
          + "71d5d7acce2b1df5202af0a25eeb4008983f507a51cfe92c830fd51528652645";

  record Dsse(byte[] body, byte[] payload, byte[] sig) {}

  static Dsse dsse() throws SignatureCheckException {
    Map<String, Object> b = Json.parseObject(bytes(BUNDLE), "bundle");
    Map<String, Object> entry =
        Json.objects(Json.requireObject(b, "verificationMaterial"), "tlogEntries").get(0);
    Map<String, Object> env = Json.requireObject(b, "dsseEnvelope");
    return new Dsse(
        Base64.getDecoder().decode(Json.requireString(entry, "canonicalizedBody")),
        Base64.getDecoder().decode(Json.requireString(env, "payload")),
        Base64.getDecoder()
            .decode(Json.requireString(Json.objects(env, "signatures").get(0), "sig")));
  }

  static final String ALPINE_PUB = "sigstore-bundle/cosign-new-bundle-oci-layout/alpine-signed.pub";

  @Test
  void dsse_recordingThisStatementSignatureAndKey_isAccepted() throws Exception {
    Dsse d = dsse();
    assertEquals(
        Kind.DSSE,
        Rekor.checkBody(
            d.body(), new Expected(Crypto.sha256(d.payload()), d.sig(), keyDer(ALPINE_PUB))));
  }

  @Test
  void dsse_forAnotherStatement_isRefused() throws Exception {
    Dsse d = dsse();
    Expected e = new Expected(Crypto.sha256(new byte[] {'{', '}'}), d.sig(), keyDer(ALPINE_PUB));
    assertEquals(
        "tlog entry records a different DSSE payload hash than the signed one",
        refusal(d.body(), e));
  }

  @Test
  void dsse_recordingAnotherSignature_isRefused() throws Exception {
    Dsse d = dsse();
    Expected e = new Expected(Crypto.sha256(d.payload()), KEY_REKOR_SIG, keyDer(ALPINE_PUB));
    assertEquals("tlog entry records a different signature", refusal(d.body(), e));
  }

  @Test
  void dsse_recordingAnotherKey_isRefused() throws Exception {
    Dsse d = dsse();
    Expected e =
        new Expected(Crypto.sha256(d.payload()), d.sig(), keyDer("cosign-classic/keys/cosign.pub"));
    assertEquals("tlog entry records a different key or certificate", refusal(d.body(), e));
  }

  // ------------------------------------------------------------------------ inclusion proof

  static byte[] leaf(int i) {
    return Rekor.leafHash(("entry " + i).getBytes(StandardCharsets.UTF_8));
  }

  static byte[] node(byte[] l, byte[] r) {
    byte[] b = new byte[65];
    b[0] = 1;
    System.arraycopy(l, 0, b, 1, 32);
    System.arraycopy(r, 0, b, 33, 32);
    return Crypto.sha256(b);
  }

  /** A three-leaf tree: root = H(H(l0, l1), l2). */
  static final byte[] ROOT3 = node(node(leaf(0), leaf(1)), leaf(2));

  @Test
  void inclusion_ofFirstLeaf_isProven() throws Exception {
    Rekor.verifyInclusion(leaf(0), 0, 3, List.of(leaf(1), leaf(2)), ROOT3);
  }

  @Test
  void inclusion_ofLastLeaf_isProven() throws Exception {
    Rekor.verifyInclusion(leaf(2), 2, 3, List.of(node(leaf(0), leaf(1))), ROOT3);
  }

  @Test
  void inclusion_atIndexEqualToTreeSize_isRefused() {
    SignatureCheckException e =
        assertThrows(
            SignatureCheckException.class,
            () -> Rekor.verifyInclusion(leaf(2), 3, 3, List.of(node(leaf(0), leaf(1))), ROOT3));
    assertEquals("inclusion proof index 3 is outside a tree of size 3", e.getMessage());
  }

  @Test
  void inclusion_atNegativeIndex_isRefused() {
    SignatureCheckException e =
        assertThrows(
            SignatureCheckException.class,
            () -> Rekor.verifyInclusion(leaf(0), -1, 3, List.of(leaf(1), leaf(2)), ROOT3));
    assertEquals("inclusion proof index -1 is outside a tree of size 3", e.getMessage());
  }

  @Test
  void inclusion_ofEmptyTree_isRefused() {
    SignatureCheckException e =
        assertThrows(
            SignatureCheckException.class,
            () -> Rekor.verifyInclusion(leaf(0), 0, 0, List.of(), leaf(0)));
    assertEquals("inclusion proof index 0 is outside a tree of size 0", e.getMessage());
  }

  // ----------------------------------------------------------------------------- checkpoint

  final KeyPair logKeys = TestPki.ec();
  final TransparencyLog log = TestPki.log("https://rekor.test", logKeys, TestPki.open());

  String signedLine(byte[] signedText) {
    byte[] sig = TestPki.sign("SHA256withECDSA", logKeys.getPrivate(), signedText);
    byte[] raw = new byte[4 + sig.length];
    System.arraycopy(log.keyId(), 0, raw, 0, 4);
    System.arraycopy(sig, 0, raw, 4, sig.length);
    return "\u2014 rekor.test " + Base64.getEncoder().encodeToString(raw) + "\n";
  }

  static final String BODY =
      "rekor.test - 42\n3\n" + Base64.getEncoder().encodeToString(ROOT3) + "\n";

  @Test
  void checkpoint_signedByTheLog_yieldsOriginSizeAndRoot() throws Exception {
    String env =
        BODY
            + "\n"
            + "\u2014 witness.test AAAAAAAA\n"
            + signedLine(BODY.getBytes(StandardCharsets.UTF_8));
    Rekor.Checkpoint c = Rekor.verifyCheckpoint(env, log);
    assertEquals("rekor.test - 42", c.origin());
    assertEquals(3, c.size());
    assertArrayEquals(ROOT3, c.rootHash());
  }

  @Test
  void checkpoint_signatureOverOtherText_isRefused() {
    String env = BODY + "\n" + signedLine("other\n".getBytes(StandardCharsets.UTF_8));
    SignatureCheckException e =
        assertThrows(SignatureCheckException.class, () -> Rekor.verifyCheckpoint(env, log));
    assertEquals(
        "checkpoint signature does not verify with https://rekor.test's key", e.getMessage());
  }

  @Test
  void checkpoint_signatureOfOneByteAfterTheKeyHint_isCheckedAndRefused() {
    byte[] raw = {0, 0, 0, 0, 9};
    System.arraycopy(log.keyId(), 0, raw, 0, 4);
    String env = BODY + "\n\u2014 rekor.test " + Base64.getEncoder().encodeToString(raw) + "\n";
    SignatureCheckException e =
        assertThrows(SignatureCheckException.class, () -> Rekor.verifyCheckpoint(env, log));
    assertEquals(
        "checkpoint signature does not verify with https://rekor.test's key", e.getMessage());
  }

  @Test
  void checkpoint_withOtherKeyHint_isRefused() {
    String line = signedLine(BODY.getBytes(StandardCharsets.UTF_8));
    byte[] raw = Base64.getDecoder().decode(line.substring("\u2014 rekor.test ".length()).trim());
    raw[0] ^= 1;
    String env = BODY + "\n\u2014 rekor.test " + Base64.getEncoder().encodeToString(raw) + "\n";
    SignatureCheckException e =
        assertThrows(SignatureCheckException.class, () -> Rekor.verifyCheckpoint(env, log));
    assertEquals("checkpoint signature key hint does not match https://rekor.test", e.getMessage());
  }

  @Test
  void checkpoint_withEmptyBody_isRefusedAsTooShort() {
    String env = "\n\n" + signedLine("\n".getBytes(StandardCharsets.UTF_8));
    SignatureCheckException e =
        assertThrows(SignatureCheckException.class, () -> Rekor.verifyCheckpoint(env, log));
    assertEquals("checkpoint body is too short", e.getMessage());
  }

  @Test
  void checkpoint_withoutLineFromTheLog_isRefused() {
    String env = BODY + "\n\u2014 witness.test AAAAAAAA\n";
    SignatureCheckException e =
        assertThrows(SignatureCheckException.class, () -> Rekor.verifyCheckpoint(env, log));
    assertEquals("checkpoint has no signature from rekor.test", e.getMessage());
  }
}
