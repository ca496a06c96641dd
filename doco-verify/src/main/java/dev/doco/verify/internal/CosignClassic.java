package dev.doco.verify.internal;

import dev.doco.core.spi.ArtifactAccess;
import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.Manifest;
import dev.doco.verify.internal.Fulcio.Chain;
import dev.doco.verify.internal.TrustedRoot.TransparencyLog;
import java.io.IOException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * cosign "classic" (simple-signing) signatures: found at the {@code sha256-<hex>.sig} tag or as OCI
 * 1.1 referrers with artifact type {@value #SIG_ARTIFACT_TYPE}; each manifest layer is one
 * signature over the layer blob.
 */
public final class CosignClassic {
  private CosignClassic() {}

  public static final String SIG_ARTIFACT_TYPE = "application/vnd.dev.cosign.artifact.sig.v1+json";
  public static final String SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";
  public static final String COSIGN_TYPE = "cosign container image signature";

  public static final String ANN_SIGNATURE = "dev.cosignproject.cosign/signature";
  public static final String ANN_CERTIFICATE = "dev.sigstore.cosign/certificate";
  public static final String ANN_CHAIN = "dev.sigstore.cosign/chain";
  public static final String ANN_BUNDLE = "dev.sigstore.cosign/bundle";

  /**
   * One signature: layer {@code index} of signature manifest {@code manifestDigest}, found via
   * {@code where}; {@code payload} is null when it could not be read ({@code loadError} says why).
   */
  public record Layer(
      String where,
      String manifestDigest,
      int index,
      String mediaType,
      Map<String, String> annotations,
      byte @Nullable [] payload,
      @Nullable String loadError) {

    public Layer {
      annotations = Map.copyOf(annotations);
    }

    public String describe() {
      return "cosign signature " + manifestDigest + " layer " + index + " (" + where + ")";
    }
  }

  /** The {@code sha256-<hex>.sig} tag of {@code digest}. */
  public static String signatureTag(String digest) {
    return digest.replace(':', '-') + ".sig";
  }

  /**
   * Every classic signature layer of {@code digest}: the {@code .sig} tag first, then those of
   * {@code referrers} (all referrers of the digest, fetched once by the caller) with the cosign
   * artifact type, deduplicated by manifest digest. Problems reading them go to {@code problems}.
   */
  public static List<Layer> discover(
      ArtifactAccess access, String digest, List<Descriptor> referrers, List<String> problems) {
    Map<String, Layer> byKey = new LinkedHashMap<>();
    List<Manifest> manifests = new ArrayList<>();
    List<String> wheres = new ArrayList<>();
    String tag = signatureTag(digest);
    try {
      Optional<Manifest> m = access.tag(tag);
      if (m.isPresent()) {
        manifests.add(m.get());
        wheres.add("tag " + tag);
      }
    } catch (IOException e) {
      problems.add("could not read signature tag " + tag + ": " + e.getMessage());
    }
    try {
      int n = 0;
      for (Descriptor d : referrers) {
        if (!SIG_ARTIFACT_TYPE.equals(d.artifactType())) {
          continue;
        }
        if (++n > Limits.MAX_SIGNATURE_MANIFESTS) {
          problems.add("more than " + Limits.MAX_SIGNATURE_MANIFESTS + " cosign referrers");
          break;
        }
        if (manifests.stream().anyMatch(m -> m.digest().equals(d.digest()))) {
          continue;
        }
        manifests.add(access.manifest(d.digest()));
        wheres.add("referrer " + d.digest());
      }
    } catch (IOException e) {
      problems.add("could not read a cosign referrer: " + e.getMessage());
    }
    for (int i = 0; i < manifests.size(); i++) {
      Manifest m = manifests.get(i);
      try {
        Map<String, Object> json = Json.parseObject(m.bytes(), "signature manifest");
        List<Map<String, Object>> layers = Json.objects(json, "layers");
        for (int j = 0; j < layers.size() && j < Limits.MAX_LAYERS; j++) {
          byKey.putIfAbsent(
              m.digest() + "#" + j, layer(access, wheres.get(i), m, j, layers.get(j)));
        }
      } catch (SignatureCheckException e) {
        problems.add("signature manifest " + m.digest() + ": " + e.getMessage());
      }
    }
    return List.copyOf(byKey.values());
  }

  private static Layer layer(
      ArtifactAccess access, String where, Manifest m, int index, Map<String, Object> l)
      throws SignatureCheckException {
    String mediaType = Json.requireString(l, "mediaType");
    String digest = Json.requireString(l, "digest");
    long size = Json.requireLong(l, "size");
    Map<String, String> annotations = new LinkedHashMap<>();
    Map<String, Object> ann = Json.object(l, "annotations");
    if (ann != null) {
      for (Map.Entry<String, Object> e : ann.entrySet()) {
        if (e.getValue() instanceof String) {
          annotations.put(e.getKey(), (String) e.getValue());
        }
      }
    }
    byte[] payload = null;
    String error = null;
    if (!SIMPLE_SIGNING.equals(mediaType)) {
      error = "layer media type " + mediaType + " is not " + SIMPLE_SIGNING;
    } else if (!digest.matches("sha256:[0-9a-f]{64}")) {
      error = "payload digest " + digest + " is not sha256";
    } else {
      try {
        payload = Limits.readBlob(access, digest, size);
      } catch (IOException | SignatureCheckException e) {
        error = "payload blob unreadable: " + e.getMessage();
      }
    }
    return new Layer(where, m.digest(), index, mediaType, annotations, payload, error);
  }

  // -------------------------------------------------------------------------------- verify

  /**
   * Checks one layer against one rule.
   *
   * @param digest the artifact digest the signature must name
   * @param ignoreTlog skip the Rekor bundle (cosign {@code --insecure-ignore-tlog})
   * @param now the current time, used for certificates only when the transparency log is ignored
   */
  public static Match verify(
      Layer layer, Rule rule, String digest, TrustedRoot root, boolean ignoreTlog, Instant now)
      throws SignatureCheckException {
    byte[] payload = layer.payload();
    if (payload == null) {
      throw new SignatureCheckException(
          layer.loadError() == null ? "payload missing" : layer.loadError());
    }
    String sigB64 = layer.annotations().get(ANN_SIGNATURE);
    if (sigB64 == null || sigB64.isEmpty()) {
      throw new SignatureCheckException("layer has no " + ANN_SIGNATURE + " annotation");
    }
    byte[] sig = Crypto.base64Lenient(sigB64, "signature annotation");
    List<String> notes = new ArrayList<>();
    X509Certificate cert = null;
    PublicKey key;
    byte[] verifierDer;
    if (rule instanceof Rule.Key) {
      key = ((Rule.Key) rule).key();
      verifierDer = key.getEncoded();
    } else {
      String pem = layer.annotations().get(ANN_CERTIFICATE);
      if (pem == null || pem.isBlank()) {
        throw new SignatureCheckException("no certificate (not a keyless signature)");
      }
      List<X509Certificate> certs = Crypto.parseCertificatesPem(pem);
      if (certs.isEmpty()) {
        throw new SignatureCheckException("certificate annotation holds no certificate");
      }
      cert = certs.get(0);
      String signer = Fulcio.matchIdentity(cert, ((Rule.Identity) rule).identity());
      notes.add("signer " + signer + " (issuer " + Fulcio.issuer(cert) + ")");
      key = cert.getPublicKey();
      verifierDer = Fulcio.der(cert);
    }
    if (!Crypto.verifyClassic(key, payload, sig)) {
      throw new SignatureCheckException("signature does not match");
    }
    checkClaims(payload, digest);

    Instant time = null;
    if (ignoreTlog) {
      notes.add("transparency log not checked (ignore_tlog)");
    } else {
      String bundle = layer.annotations().get(ANN_BUNDLE);
      if (bundle == null || bundle.isBlank()) {
        throw new SignatureCheckException(
            "no transparency-log bundle (offline verification needs the "
                + ANN_BUNDLE
                + " annotation; set ignore_tlog to accept signatures without one)");
      }
      Map<String, Object> b =
          Json.parseObject(bundle.getBytes(java.nio.charset.StandardCharsets.UTF_8), "bundle");
      byte[] set = Crypto.base64(Json.requireString(b, "SignedEntryTimestamp"), "SET");
      Map<String, Object> p = Json.requireObject(b, "Payload");
      String body = Json.requireString(p, "body");
      long integrated = Json.requireLong(p, "integratedTime");
      long logIndex = Json.requireLong(p, "logIndex");
      TransparencyLog log =
          Rekor.verifySet(root, body, integrated, Json.requireString(p, "logID"), logIndex, set);
      Rekor.checkBody(
          Crypto.base64(body, "tlog entry body"),
          new Rekor.Expected(Crypto.sha256(payload), sig, verifierDer));
      time = Instant.ofEpochSecond(integrated);
      notes.add("logged in " + log.baseUrl() + " at index " + logIndex + ", " + time);
    }

    if (cert != null) {
      Instant at = time != null ? time : now;
      Chain chain = Fulcio.validateChain(cert, root, at);
      notes.add(
          "certificate chain to "
              + chain.ca().anchor().getSubjectX500Principal().getName()
              + " valid at "
              + at
              + (time != null ? " (integrated time)" : " (now)"));
      if (!root.ctlogs().isEmpty()) {
        notes.add("SCT from " + Fulcio.verifyEmbeddedSct(chain, root));
      } else {
        notes.add("no CT logs in the trusted root: SCT not checked");
      }
    }
    return new Match(layer.describe(), notes);
  }

  /**
   * The simple-signing claims: {@code critical.image.docker-manifest-digest} is {@code digest},
   * {@code critical.type} is cosign's.
   */
  public static void checkClaims(byte[] payload, String digest) throws SignatureCheckException {
    Map<String, Object> p = Json.parseObject(payload, "signature payload");
    Map<String, Object> critical = Json.requireObject(p, "critical");
    Map<String, Object> image = Json.requireObject(critical, "image");
    String signed = Json.requireString(image, "docker-manifest-digest");
    if (!signed.equals(digest)) {
      throw new SignatureCheckException(
          "signature is for another artifact (" + signed + "), not " + digest);
    }
    String type = Json.requireString(critical, "type");
    if (!COSIGN_TYPE.equals(type)) {
      throw new SignatureCheckException(
          "payload type \"" + type + "\" is not \"" + COSIGN_TYPE + "\"");
    }
  }
}
