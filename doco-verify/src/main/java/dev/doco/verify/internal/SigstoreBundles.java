package dev.doco.verify.internal;

import dev.doco.core.spi.ArtifactAccess;
import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.Manifest;
import dev.doco.verify.internal.Fulcio.Chain;
import dev.doco.verify.internal.TrustedRoot.TransparencyLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Sigstore bundles (v0.1 to v0.3), as {@code cosign sign --new-bundle-format} attaches them: an OCI
 * referrer with artifact type {@value #BUNDLE_ARTIFACT_TYPE} whose one layer is the bundle JSON.
 * Content is a DSSE envelope over an in-toto statement naming the artifact digest, or a message
 * signature over the artifact bytes.
 */
public final class SigstoreBundles {
  private SigstoreBundles() {}

  public static final String BUNDLE_ARTIFACT_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";
  private static final String LEGACY_MEDIA_TYPE =
      "application/vnd.dev.sigstore.bundle+json;version=";
  private static final String IN_TOTO = "application/vnd.in-toto+json";

  /** One bundle found for an artifact; {@code bundle} is null when unreadable ({@code error}). */
  public record Found(String where, byte @Nullable [] bundle, @Nullable String error) {
    public String describe() {
      return "Sigstore bundle (" + where + ")";
    }
  }

  /** The signed artifact: its digest and, lazily, its bytes (for message signatures). */
  public interface Artifact {
    /** {@code sha256:<hex>}. */
    String digest();

    /** The artifact bytes (for an OCI artifact: the manifest). */
    byte[] bytes() throws IOException;
  }

  /**
   * The bundles among {@code referrers} (all referrers of the artifact, fetched once by the
   * caller); problems reading them go to {@code problems}.
   */
  public static List<Found> discover(
      ArtifactAccess access, List<Descriptor> referrers, List<String> problems) {
    List<Found> out = new ArrayList<>();
    for (Descriptor d : referrers) {
      if (!BUNDLE_ARTIFACT_TYPE.equals(d.artifactType())) {
        continue;
      }
      if (out.size() >= Limits.MAX_SIGNATURE_MANIFESTS) {
        problems.add("more than " + Limits.MAX_SIGNATURE_MANIFESTS + " bundle referrers");
        break;
      }
      String where = "referrer " + d.digest();
      try {
        Manifest m = access.manifest(d.digest());
        Map<String, Object> json = Json.parseObject(m.bytes(), "bundle manifest");
        Map<String, Object> bundleLayer = null;
        for (Map<String, Object> l : Json.objects(json, "layers")) {
          String mt = Json.string(l, "mediaType");
          if (mt != null && (mt.equals(BUNDLE_ARTIFACT_TYPE) || mt.startsWith(LEGACY_MEDIA_TYPE))) {
            bundleLayer = l;
            break;
          }
        }
        if (bundleLayer == null) {
          out.add(new Found(where, null, "referrer has no bundle layer"));
          continue;
        }
        byte[] b =
            Limits.readBlob(
                access,
                Json.requireString(bundleLayer, "digest"),
                Json.requireLong(bundleLayer, "size"));
        out.add(new Found(where, b, null));
      } catch (IOException | SignatureCheckException e) {
        out.add(new Found(where, null, e.getMessage()));
      }
    }
    return out;
  }

  // -------------------------------------------------------------------------------- verify

  /**
   * Verifies one bundle against one rule.
   *
   * @param now used for certificates only when the transparency log is ignored
   */
  public static Match verify(
      byte[] bundleJson,
      String where,
      Artifact artifact,
      Rule rule,
      TrustedRoot root,
      boolean ignoreTlog,
      Instant now)
      throws SignatureCheckException {
    Map<String, Object> bundle = Json.parseObject(bundleJson, "Sigstore bundle");
    String mediaType = Json.requireString(bundle, "mediaType");
    // the pattern includes BUNDLE_ARTIFACT_TYPE (v0.3+json)
    if (!mediaType.matches(
        "application/vnd\\.dev\\.sigstore\\.bundle(\\.v0\\.[123]\\+json|\\+json;version=0\\.[123])")) {
      throw new SignatureCheckException("bundle media type " + mediaType + " is not supported");
    }
    Map<String, Object> vm = Json.requireObject(bundle, "verificationMaterial");
    X509Certificate cert = null;
    Map<String, Object> certificate = Json.object(vm, "certificate");
    Map<String, Object> chainMaterial = Json.object(vm, "x509CertificateChain");
    Map<String, Object> publicKey = Json.object(vm, "publicKey");
    if (certificate != null) {
      cert =
          Crypto.parseCertificateDer(
              Crypto.base64(Json.requireString(certificate, "rawBytes"), "certificate"));
    } else if (chainMaterial != null) {
      List<Map<String, Object>> certs = Json.objects(chainMaterial, "certificates");
      if (certs.isEmpty()) {
        throw new SignatureCheckException("bundle certificate chain is empty");
      }
      cert =
          Crypto.parseCertificateDer(
              Crypto.base64(Json.requireString(certs.get(0), "rawBytes"), "certificate"));
    } else if (publicKey == null) {
      throw new SignatureCheckException("bundle has no certificate and no public key");
    }

    List<String> notes = new ArrayList<>();
    PublicKey key;
    byte[] verifierDer;
    if (rule instanceof Rule.Key) {
      if (cert != null) {
        throw new SignatureCheckException("bundle is signed with a certificate, not a key");
      }
      key = ((Rule.Key) rule).key();
      verifierDer = key.getEncoded();
    } else {
      if (cert == null) {
        throw new SignatureCheckException("no certificate (bundle is signed with a key)");
      }
      String signer = Fulcio.matchIdentity(cert, ((Rule.Identity) rule).identity());
      notes.add("signer " + signer + " (issuer " + Fulcio.issuer(cert) + ")");
      key = cert.getPublicKey();
      verifierDer = Fulcio.der(cert);
    }

    // content
    byte[] signature;
    byte[] loggedHash; // what the tlog entry must record
    String content;
    Map<String, Object> dsse = Json.object(bundle, "dsseEnvelope");
    Map<String, Object> message = Json.object(bundle, "messageSignature");
    if ((dsse == null) == (message == null)) {
      throw new SignatureCheckException(
          "bundle must hold exactly one of dsseEnvelope, messageSignature");
    }
    if (dsse != null) {
      String payloadType = Json.requireString(dsse, "payloadType");
      byte[] payload = Crypto.base64(Json.requireString(dsse, "payload"), "DSSE payload");
      List<Map<String, Object>> sigs = Json.objects(dsse, "signatures");
      if (sigs.size() != 1) {
        throw new SignatureCheckException(
            "DSSE envelope has " + sigs.size() + " signatures, expected 1");
      }
      signature = Crypto.base64(Json.requireString(sigs.get(0), "sig"), "DSSE signature");
      if (!Crypto.verifyBundle(key, pae(payloadType, payload), signature)) {
        throw new SignatureCheckException("signature does not match");
      }
      if (!payloadType.equals(IN_TOTO)) {
        throw new SignatureCheckException("DSSE payload type " + payloadType + " is not in-toto");
      }
      String predicate = checkStatement(payload, artifact.digest());
      loggedHash = Crypto.sha256(payload);
      content = "DSSE in-toto statement (" + predicate + ")";
    } else {
      signature = Crypto.base64(Json.requireString(message, "signature"), "message signature");
      byte[] bytes;
      try {
        bytes = artifact.bytes();
      } catch (IOException e) {
        throw new SignatureCheckException("artifact bytes unreadable: " + e.getMessage());
      }
      if (!Crypto.digestOf(bytes).equals(artifact.digest())) {
        throw new SignatureCheckException("artifact bytes do not match " + artifact.digest());
      }
      Map<String, Object> md = Json.object(message, "messageDigest");
      if (md != null) {
        String alg = Json.requireString(md, "algorithm");
        String hashName =
            switch (alg) {
              case "SHA2_256" -> "SHA-256";
              case "SHA2_384" -> "SHA-384";
              case "SHA2_512" -> "SHA-512";
              default ->
                  throw new SignatureCheckException(
                      "message digest algorithm " + alg + " is not supported");
            };
        byte[] hinted = Crypto.base64(Json.requireString(md, "digest"), "message digest");
        if (!MessageDigest.isEqual(hinted, Crypto.digest(hashName, bytes))) {
          throw new SignatureCheckException("bundle message digest is not this artifact's");
        }
      }
      if (!Crypto.verifyBundle(key, bytes, signature)) {
        throw new SignatureCheckException("signature does not match");
      }
      loggedHash = Crypto.sha256(bytes);
      content = "message signature";
    }

    // transparency log
    Instant time = null;
    if (ignoreTlog) {
      notes.add("transparency log not checked (ignore_tlog)");
    } else {
      time = verifyTlog(vm, root, new Rekor.Expected(loggedHash, signature, verifierDer), notes);
    }

    if (cert != null) {
      if (time == null && !ignoreTlog) {
        throw new SignatureCheckException(
            "no trusted time for the certificate (no verified entry timestamp; signed"
                + " timestamps are not supported)");
      }
      Instant at = time != null ? time : now;
      Chain chain = Fulcio.validateChain(cert, root, at);
      notes.add(
          "certificate chain valid at " + at + (time != null ? " (integrated time)" : " (now)"));
      if (!root.ctlogs().isEmpty()) {
        notes.add("SCT from " + Fulcio.verifyEmbeddedSct(chain, root));
      } else {
        notes.add("no CT logs in the trusted root: SCT not checked");
      }
    }
    return new Match("Sigstore bundle, " + content + " (" + where + ")", notes);
  }

  /** DSSE pre-authentication encoding. */
  public static byte[] pae(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    byte[] head =
        ("DSSEv1 " + type.length + " " + payloadType + " " + payload.length + " ")
            .getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + payload.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(payload, 0, out, head.length, payload.length);
    return out;
  }

  /**
   * The in-toto statement must name {@code digest} among its subjects; returns the predicate type.
   */
  static String checkStatement(byte[] payload, String digest) throws SignatureCheckException {
    Map<String, Object> st = Json.parseObject(payload, "in-toto statement");
    String type = Json.requireString(st, "_type");
    if (!type.equals("https://in-toto.io/Statement/v1")
        && !type.equals("https://in-toto.io/Statement/v0.1")) {
      throw new SignatureCheckException("in-toto statement type " + type + " is not supported");
    }
    String hex = digest.substring("sha256:".length());
    List<String> seen = new ArrayList<>();
    for (Map<String, Object> s : Json.objects(st, "subject")) {
      Map<String, Object> d = Json.object(s, "digest");
      String v = d == null ? null : Json.string(d, "sha256");
      if (hex.equals(v)) {
        String pt = Json.string(st, "predicateType");
        return pt == null ? "no predicate type" : pt;
      }
      if (v != null) {
        seen.add("sha256:" + v);
      }
    }
    throw new SignatureCheckException(
        "signature is for another artifact ("
            + (seen.isEmpty() ? "no sha256 subject" : String.join(", ", seen))
            + "), not "
            + digest);
  }

  private static @Nullable Instant verifyTlog(
      Map<String, Object> vm, TrustedRoot root, Rekor.Expected expected, List<String> notes)
      throws SignatureCheckException {
    List<Map<String, Object>> entries = Json.objects(vm, "tlogEntries");
    if (entries.isEmpty()) {
      throw new SignatureCheckException(
          "bundle has no transparency-log entry (set ignore_tlog to accept it without one)");
    }
    if (entries.size() > Limits.MAX_TLOG_ENTRIES) {
      throw new SignatureCheckException("bundle has too many transparency-log entries");
    }
    Set<String> seen = new HashSet<>();
    List<String> reasons = new ArrayList<>();
    Instant time = null;
    boolean verified = false;
    for (Map<String, Object> e : entries) {
      byte[] logId =
          Crypto.base64(Json.requireString(Json.requireObject(e, "logId"), "keyId"), "logId");
      long logIndex = Json.requireLong(e, "logIndex");
      if (!seen.add(Crypto.hex(logId) + "/" + logIndex)) {
        throw new SignatureCheckException("duplicate transparency-log entry");
      }
      TransparencyLog log = root.tlog(logId).orElse(null);
      if (log == null) {
        reasons.add("entry from a log not in the trusted root");
        continue;
      }
      Map<String, Object> kv = Json.requireObject(e, "kindVersion");
      String kind = Json.requireString(kv, "kind") + " " + Json.requireString(kv, "version");
      String bodyB64 = Json.requireString(e, "canonicalizedBody");
      byte[] body = Crypto.base64(bodyB64, "canonicalizedBody");
      Map<String, Object> parsed = Json.parseObject(body, "tlog entry body");
      String bodyKind =
          Json.requireString(parsed, "kind") + " " + Json.requireString(parsed, "apiVersion");
      if (!kind.equals(bodyKind)) {
        throw new SignatureCheckException(
            "tlog entry kindVersion " + kind + " does not match its body (" + bodyKind + ")");
      }
      Rekor.checkBody(body, expected);

      Map<String, Object> proof = Json.object(e, "inclusionProof");
      if (proof == null) {
        throw new SignatureCheckException(
            "tlog entry has no inclusion proof (promise-only bundles are not accepted)");
      }
      List<byte[]> hashes = new ArrayList<>();
      for (Object h : Json.array(proof, "hashes")) {
        if (!(h instanceof String)) {
          throw new SignatureCheckException("inclusion proof hash is not a string");
        }
        hashes.add(Crypto.base64((String) h, "inclusion proof hash"));
      }
      byte[] rootHash = Crypto.base64(Json.requireString(proof, "rootHash"), "rootHash");
      long treeSize = Json.requireLong(proof, "treeSize");
      Rekor.verifyInclusion(
          Rekor.leafHash(body), Json.requireLong(proof, "logIndex"), treeSize, hashes, rootHash);
      Map<String, Object> cp = Json.requireObject(proof, "checkpoint");
      Rekor.Checkpoint checkpoint = Rekor.verifyCheckpoint(Json.requireString(cp, "envelope"), log);
      if (checkpoint.size() != treeSize
          || !MessageDigest.isEqual(checkpoint.rootHash(), rootHash)) {
        throw new SignatureCheckException(
            "checkpoint does not match the inclusion proof's tree (size or root hash)");
      }
      Long integrated = Json.longValue(e, "integratedTime");
      Map<String, Object> promise = Json.object(e, "inclusionPromise");
      String note = "inclusion proven in " + log.baseUrl() + " at index " + logIndex;
      if (promise != null && integrated != null && integrated > 0) {
        Rekor.verifySet(
            root,
            bodyB64,
            integrated,
            Crypto.hex(logId),
            logIndex,
            Crypto.base64(Json.requireString(promise, "signedEntryTimestamp"), "SET"));
        time = Instant.ofEpochSecond(integrated);
        note += ", integrated " + time;
      }
      notes.add(note);
      verified = true;
    }
    if (!verified) {
      // entries is not empty and every entry either verified, threw, or added a reason
      throw new SignatureCheckException(String.join("; ", reasons));
    }
    return time;
  }
}
