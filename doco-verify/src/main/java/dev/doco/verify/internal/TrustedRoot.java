package dev.doco.verify.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A Sigstore {@code trusted_root.json} ({@code application/vnd.dev.sigstore.trustedroot+json}):
 * Rekor logs, Fulcio CAs, CT logs and timestamp authorities, each with its validity window.
 *
 * @param origin where it was read from, for messages
 */
public record TrustedRoot(
    String origin,
    List<TransparencyLog> tlogs,
    List<CertificateAuthority> certificateAuthorities,
    List<TransparencyLog> ctlogs,
    List<CertificateAuthority> timestampAuthorities) {

  /** The bundled public-good root, copied from the test vectors (see {@code PROVENANCE.md}). */
  public static final String BUNDLED_RESOURCE = "/dev/doco/verify/internal/trusted_root.json";

  public TrustedRoot {
    tlogs = List.copyOf(tlogs);
    certificateAuthorities = List.copyOf(certificateAuthorities);
    ctlogs = List.copyOf(ctlogs);
    timestampAuthorities = List.copyOf(timestampAuthorities);
  }

  /** A validity window, inclusive at both ends; {@code end} null means open. */
  public record Validity(@Nullable Instant start, @Nullable Instant end) {
    public boolean contains(Instant t) {
      return (start == null || !t.isBefore(start)) && (end == null || !t.isAfter(end));
    }
  }

  /**
   * A Rekor or CT log.
   *
   * @param keyId the log ID ({@code sha256} of the DER key for Rekor v1 and CT logs)
   * @param keyDer the DER SubjectPublicKeyInfo
   */
  public record TransparencyLog(
      String baseUrl, byte[] keyId, PublicKey key, byte[] keyDer, Validity validFor) {
    public TransparencyLog {
      keyId = keyId.clone();
      keyDer = keyDer.clone();
    }

    @Override
    public byte[] keyId() {
      return keyId.clone();
    }

    /** The host of {@code baseUrl}: the checkpoint signer name for Rekor v1. */
    public String host() {
      try {
        String h = URI.create(baseUrl).getHost();
        return h == null ? baseUrl : h;
      } catch (IllegalArgumentException e) {
        return baseUrl;
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof TransparencyLog t
          && t.baseUrl.equals(baseUrl)
          && Arrays.equals(t.keyId, keyId);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(keyId);
    }
  }

  /**
   * A Fulcio CA (or timestamp authority): intermediates first, trust anchor last.
   *
   * @param chain intermediates then the anchor
   */
  public record CertificateAuthority(String uri, List<X509Certificate> chain, Validity validFor) {
    public CertificateAuthority {
      chain = List.copyOf(chain);
    }

    public X509Certificate anchor() {
      return chain.get(chain.size() - 1);
    }

    public List<X509Certificate> intermediates() {
      return chain.subList(0, chain.size() - 1);
    }
  }

  /** The log with this log ID, if any. */
  public Optional<TransparencyLog> tlog(byte[] logId) {
    return tlogs.stream().filter(t -> Arrays.equals(t.keyId, logId)).findFirst();
  }

  public Optional<TransparencyLog> ctlog(byte[] logId) {
    return ctlogs.stream().filter(t -> Arrays.equals(t.keyId, logId)).findFirst();
  }

  // ---------------------------------------------------------------------------------- loading

  /** Reads the public-good root shipped in this jar. */
  public static TrustedRoot bundled() {
    try (InputStream in = TrustedRoot.class.getResourceAsStream(BUNDLED_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("doco-verify jar lacks " + BUNDLED_RESOURCE);
      }
      return parse(in.readAllBytes(), "bundled Sigstore public-good trusted root");
    } catch (IOException | SignatureCheckException e) {
      throw new IllegalStateException("bundled trusted root unreadable: " + e.getMessage(), e);
    }
  }

  /** Reads a {@code trusted_root.json} file. */
  public static TrustedRoot load(Path file) throws IOException, SignatureCheckException {
    return parse(Files.readAllBytes(file), file.toString());
  }

  /** Parses {@code trusted_root.json} bytes. */
  public static TrustedRoot parse(byte[] json, String origin) throws SignatureCheckException {
    Map<String, Object> root = Json.parseObject(json, "trusted root " + origin);
    String mediaType = Json.string(root, "mediaType");
    if (mediaType != null && !mediaType.startsWith("application/vnd.dev.sigstore.trustedroot")) {
      throw new SignatureCheckException(
          origin + " is not a Sigstore trusted root (mediaType " + mediaType + ")");
    }
    List<TransparencyLog> tlogs = new ArrayList<>();
    for (Map<String, Object> t : Json.objects(root, "tlogs")) {
      tlogs.add(log(t, origin, true));
    }
    List<TransparencyLog> ctlogs = new ArrayList<>();
    for (Map<String, Object> t : Json.objects(root, "ctlogs")) {
      ctlogs.add(log(t, origin, false));
    }
    List<CertificateAuthority> cas = new ArrayList<>();
    for (Map<String, Object> c : Json.objects(root, "certificateAuthorities")) {
      cas.add(authority(c));
    }
    List<CertificateAuthority> tsas = new ArrayList<>();
    for (Map<String, Object> c : Json.objects(root, "timestampAuthorities")) {
      tsas.add(authority(c));
    }
    return new TrustedRoot(origin, tlogs, cas, ctlogs, tsas);
  }

  private static TransparencyLog log(Map<String, Object> t, String origin, boolean needStart)
      throws SignatureCheckException {
    String baseUrl = Json.requireString(t, "baseUrl");
    Map<String, Object> pk = Json.requireObject(t, "publicKey");
    byte[] der = Crypto.base64(Json.requireString(pk, "rawBytes"), "publicKey.rawBytes");
    PublicKey key = Crypto.parsePublicKeyDer(der);
    byte[] keyId =
        Crypto.base64(Json.requireString(Json.requireObject(t, "logId"), "keyId"), "logId.keyId");
    Validity v = validity(Json.object(pk, "validFor"));
    if (needStart && v.start() == null) {
      throw new SignatureCheckException(
          origin + ": transparency log " + baseUrl + " has no publicKey.validFor.start");
    }
    return new TransparencyLog(baseUrl, keyId, key, der, v);
  }

  private static CertificateAuthority authority(Map<String, Object> c)
      throws SignatureCheckException {
    List<X509Certificate> chain = new ArrayList<>();
    for (Map<String, Object> cert :
        Json.objects(Json.requireObject(c, "certChain"), "certificates")) {
      chain.add(
          Crypto.parseCertificateDer(
              Crypto.base64(Json.requireString(cert, "rawBytes"), "certificate rawBytes")));
    }
    if (chain.isEmpty()) {
      throw new SignatureCheckException("certificate authority with an empty certChain");
    }
    String uri = Json.string(c, "uri");
    return new CertificateAuthority(
        uri == null ? "" : uri, chain, validity(Json.object(c, "validFor")));
  }

  private static Validity validity(@Nullable Map<String, Object> v) throws SignatureCheckException {
    if (v == null) {
      return new Validity(null, null);
    }
    return new Validity(instant(Json.string(v, "start")), instant(Json.string(v, "end")));
  }

  private static @Nullable Instant instant(@Nullable String s) throws SignatureCheckException {
    if (s == null) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw new SignatureCheckException("bad timestamp in trusted root: " + s);
    }
  }
}
