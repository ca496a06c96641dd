package dev.doco.verify.internal;

import dev.doco.verify.internal.TrustedRoot.TransparencyLog;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Rekor (v1) evidence, offline: the signed entry timestamp (SET), the entry body compared with the
 * signature it vouches for, RFC 6962 inclusion proofs and signed checkpoints.
 */
public final class Rekor {
  private Rekor() {}

  /** Entry kinds whose bodies we know how to compare. */
  public enum Kind {
    HASHEDREKORD,
    REKORD,
    DSSE
  }

  /**
   * What the entry body must say: the SHA-256 of the signed artifact (hashedrekord/rekord) or of
   * the DSSE payload, the signature, and the DER of the key or certificate.
   */
  public record Expected(byte[] hash, byte[] signature, byte[] verifierDer) {
    public Expected {
      hash = hash.clone();
      signature = signature.clone();
      verifierDer = verifierDer.clone();
    }
  }

  /**
   * Verifies a SET: ECDSA over SHA-256 of the canonical JSON {@code
   * {"body":..,"integratedTime":..,"logID":..,"logIndex":..}} with the key of the log named by
   * {@code logIdHex}, valid at {@code integratedTime}.
   *
   * @return the log that signed it
   */
  public static TransparencyLog verifySet(
      TrustedRoot root,
      String bodyBase64,
      long integratedTime,
      String logIdHex,
      long logIndex,
      byte[] set)
      throws SignatureCheckException {
    if (!logIdHex.matches("[0-9a-f]{64}")) {
      throw new SignatureCheckException("transparency log ID is not 64 lowercase hex digits");
    }
    byte[] logId = java.util.HexFormat.of().parseHex(logIdHex);
    TransparencyLog log =
        root.tlog(logId)
            .orElseThrow(
                () ->
                    new SignatureCheckException(
                        "transparency log "
                            + logIdHex.substring(0, 12)
                            + "... is not in the trusted root ("
                            + root.origin()
                            + ")"));
    Instant t = Instant.ofEpochSecond(integratedTime);
    if (!log.validFor().contains(t)) {
      throw new SignatureCheckException(
          "Rekor key " + log.baseUrl() + " was not valid at integrated time " + t);
    }
    if (!(log.key() instanceof ECPublicKey)) {
      throw new SignatureCheckException("Rekor key " + log.baseUrl() + " is not ECDSA");
    }
    if (!bodyBase64.matches("[A-Za-z0-9+/=]*")) {
      throw new SignatureCheckException("tlog entry body is not base64");
    }
    String canonical =
        "{\"body\":\""
            + bodyBase64
            + "\",\"integratedTime\":"
            + integratedTime
            + ",\"logID\":\""
            + logIdHex
            + "\",\"logIndex\":"
            + logIndex
            + "}";
    if (!Crypto.verify(log.key(), canonical.getBytes(StandardCharsets.UTF_8), set, "SHA-256")) {
      throw new SignatureCheckException(
          "transparency log entry timestamp (SET) does not verify with "
              + log.baseUrl()
              + "'s key");
    }
    return log;
  }

  /**
   * Compares the Rekor entry body with the signature it is supposed to record (the check whose
   * absence was GHSA-whqx-f9j3-ch6m).
   *
   * @return the entry kind
   */
  public static Kind checkBody(byte[] body, Expected expected) throws SignatureCheckException {
    Map<String, Object> entry = Json.parseObject(body, "tlog entry body");
    String kind = Json.requireString(entry, "kind");
    String version = Json.requireString(entry, "apiVersion");
    Map<String, Object> spec = Json.requireObject(entry, "spec");
    switch (kind + " " + version) {
      case "hashedrekord 0.0.1":
      case "rekord 0.0.1":
        {
          Map<String, Object> hash = Json.requireObject(Json.requireObject(spec, "data"), "hash");
          checkHash(hash, expected.hash(), "artifact");
          Map<String, Object> sig = Json.requireObject(spec, "signature");
          checkSignature(Json.requireString(sig, "content"), expected.signature());
          checkVerifier(
              Json.requireString(Json.requireObject(sig, "publicKey"), "content"),
              expected.verifierDer());
          return kind.equals("rekord") ? Kind.REKORD : Kind.HASHEDREKORD;
        }
      case "dsse 0.0.1":
        {
          checkHash(Json.requireObject(spec, "payloadHash"), expected.hash(), "DSSE payload");
          List<Map<String, Object>> sigs = Json.objects(spec, "signatures");
          if (sigs.size() != 1) {
            throw new SignatureCheckException(
                "tlog dsse entry has " + sigs.size() + " signatures, expected 1");
          }
          checkSignature(Json.requireString(sigs.get(0), "signature"), expected.signature());
          checkVerifier(Json.requireString(sigs.get(0), "verifier"), expected.verifierDer());
          return Kind.DSSE;
        }
      default:
        throw new SignatureCheckException(
            "tlog entry kind " + kind + " " + version + " is not supported");
    }
  }

  private static void checkHash(Map<String, Object> hash, byte[] expected, String what)
      throws SignatureCheckException {
    String alg = Json.requireString(hash, "algorithm");
    String value = Json.requireString(hash, "value");
    if (!alg.equals("sha256")) {
      throw new SignatureCheckException("tlog entry hash algorithm " + alg + " is not sha256");
    }
    if (!value.equals(Crypto.hex(expected))) {
      throw new SignatureCheckException(
          "tlog entry records a different " + what + " hash than the signed one");
    }
  }

  private static void checkSignature(String contentBase64, byte[] expected)
      throws SignatureCheckException {
    byte[] recorded = Crypto.base64Lenient(contentBase64, "tlog entry signature");
    if (!MessageDigest.isEqual(recorded, expected)) {
      throw new SignatureCheckException("tlog entry records a different signature");
    }
  }

  private static void checkVerifier(String pemBase64, byte[] expectedDer)
      throws SignatureCheckException {
    String pem = Crypto.pemFromBase64(pemBase64, "tlog entry public key");
    byte[] der = Crypto.firstPemDer(pem);
    if (!MessageDigest.isEqual(der, expectedDer)) {
      throw new SignatureCheckException("tlog entry records a different key or certificate");
    }
  }

  // ---------------------------------------------------------------- Merkle and checkpoint

  /** RFC 6962 leaf hash: SHA-256(0x00 || body). */
  public static byte[] leafHash(byte[] body) {
    byte[] b = new byte[body.length + 1];
    System.arraycopy(body, 0, b, 1, body.length);
    return Crypto.sha256(b);
  }

  private static byte[] node(byte[] left, byte[] right) {
    byte[] b = new byte[1 + left.length + right.length];
    b[0] = 1;
    System.arraycopy(left, 0, b, 1, left.length);
    System.arraycopy(right, 0, b, 1 + left.length, right.length);
    return Crypto.sha256(b);
  }

  /**
   * Checks an RFC 6962/9162 inclusion proof of {@code leaf} at tree-local {@code index} in a tree
   * of {@code size} leaves with root {@code rootHash}.
   */
  public static void verifyInclusion(
      byte[] leaf, long index, long size, List<byte[]> hashes, byte[] rootHash)
      throws SignatureCheckException {
    if (index < 0 || index >= size) {
      throw new SignatureCheckException(
          "inclusion proof index " + index + " is outside a tree of size " + size);
    }
    long fn = index;
    long sn = size - 1;
    byte[] r = leaf;
    for (byte[] p : hashes) {
      if (p.length != 32) {
        throw new SignatureCheckException("inclusion proof hash is not 32 bytes");
      }
      if (sn == 0) {
        throw new SignatureCheckException("inclusion proof has too many hashes");
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = node(p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        r = node(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    if (sn != 0) {
      throw new SignatureCheckException("inclusion proof has too few hashes");
    }
    if (!MessageDigest.isEqual(r, rootHash)) {
      throw new SignatureCheckException(
          "inclusion proof does not lead to the root hash (entry not proven in the log)");
    }
  }

  /** A parsed checkpoint body. */
  public record Checkpoint(String origin, long size, byte[] rootHash) {
    public Checkpoint {
      rootHash = rootHash.clone();
    }

    @Override
    public byte[] rootHash() {
      return rootHash.clone();
    }
  }

  /**
   * Verifies a signed-note checkpoint with {@code log}'s key (a line named after the log's host
   * whose 4-byte key hint is the log ID prefix; other lines, e.g. witnesses, are ignored).
   */
  public static Checkpoint verifyCheckpoint(String envelope, TransparencyLog log)
      throws SignatureCheckException {
    int split = envelope.indexOf("\n\n");
    if (split < 0) {
      throw new SignatureCheckException("checkpoint has no signature block");
    }
    String text = envelope.substring(0, split + 1);
    String[] lines = text.split("\n", -1);
    if (lines.length < 4) {
      throw new SignatureCheckException("checkpoint body is too short");
    }
    long size;
    try {
      size = Long.parseLong(lines[1]);
    } catch (NumberFormatException e) {
      throw new SignatureCheckException("checkpoint tree size is not a number");
    }
    byte[] root = Crypto.base64(lines[2], "checkpoint root hash");
    byte[] signed = text.getBytes(StandardCharsets.UTF_8);
    byte[] hint = Arrays.copyOf(log.keyId(), 4);
    boolean ok = false;
    @Nullable String reason = null;
    for (String line : envelope.substring(split + 2).split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      if (!line.startsWith("\u2014 ")) {
        throw new SignatureCheckException("checkpoint signature line is malformed");
      }
      String[] parts = line.substring(2).split(" ");
      if (parts.length != 2 || !parts[0].equals(log.host())) {
        continue;
      }
      byte[] raw = Crypto.base64(parts[1], "checkpoint signature");
      if (raw.length < 5 || !Arrays.equals(Arrays.copyOf(raw, 4), hint)) {
        reason = "checkpoint signature key hint does not match " + log.baseUrl();
        continue;
      }
      byte[] sig = Arrays.copyOfRange(raw, 4, raw.length);
      if (Crypto.verify(log.key(), signed, sig, "SHA-256")) {
        ok = true;
        break;
      }
      reason = "checkpoint signature does not verify with " + log.baseUrl() + "'s key";
    }
    if (!ok) {
      throw new SignatureCheckException(
          reason != null ? reason : "checkpoint has no signature from " + log.host());
    }
    return new Checkpoint(lines[0], size, root);
  }
}
