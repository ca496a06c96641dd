package dev.doco.verify.notation;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Parses Notation signature envelopes: flattened JWS JSON ({@code application/jose+json}) and
 * COSE_Sign1 ({@code application/cose}), checking the header rules of the Notary Project envelope
 * specifications (required and critical headers, content type, signing scheme).
 */
final class Envelopes {
  static final String MEDIA_TYPE_JWS = "application/jose+json";
  static final String MEDIA_TYPE_COSE = "application/cose";

  static final String H_SCHEME = "io.cncf.notary.signingScheme";
  static final String H_SIGNING_TIME = "io.cncf.notary.signingTime";
  static final String H_AUTHENTIC_SIGNING_TIME = "io.cncf.notary.authenticSigningTime";
  static final String H_EXPIRY = "io.cncf.notary.expiry";
  static final String H_PLUGIN = "io.cncf.notary.verificationPlugin";
  static final String H_PLUGIN_MIN_VERSION = "io.cncf.notary.verificationPluginMinVersion";
  static final String H_TIMESTAMP = "io.cncf.notary.timestampSignature";
  static final String H_SIGNING_AGENT = "io.cncf.notary.signingAgent";

  /** Headers that Notation allows (and this verifier understands) in {@code crit}. */
  private static final Set<String> CRITICAL_UNDERSTOOD =
      Set.of(H_SCHEME, H_AUTHENTIC_SIGNING_TIME, H_EXPIRY);

  private static final Pattern B64URL = Pattern.compile("[A-Za-z0-9_-]*");

  private static final Map<Long, String> COSE_ALGS =
      Map.of(
          -37L, "PS256", -38L, "PS384", -39L, "PS512", -7L, "ES256", -35L, "ES384", -36L, "ES512");
  private static final Set<String> JWS_ALGS = Set.copyOf(COSE_ALGS.values());

  private Envelopes() {}

  static SignerInfo parse(String mediaType, byte[] envelope) throws Malformed {
    return switch (mediaType) {
      case MEDIA_TYPE_JWS -> parseJws(envelope);
      case MEDIA_TYPE_COSE -> parseCose(envelope);
      default ->
          throw new Malformed(
              "unsupported envelope media type "
                  + mediaType
                  + " (expected "
                  + MEDIA_TYPE_JWS
                  + " or "
                  + MEDIA_TYPE_COSE
                  + ")");
    };
  }

  // ---------------------------------------------------------------- JWS

  static SignerInfo parseJws(byte[] envelope) throws Malformed {
    Map<String, Object> top = Json.object(envelope, "JWS envelope");
    if (top.containsKey("signatures")) {
      throw new Malformed(
          "JWS envelope uses the general JSON serialization; Notation allows only"
              + " the flattened form");
    }
    String protectedB64 = Json.string(top, "protected", "JWS envelope");
    String payloadB64 = Json.string(top, "payload", "JWS envelope");
    String signatureB64 = Json.string(top, "signature", "JWS envelope");
    Map<String, Object> header = Json.object(top, "header", "JWS envelope");

    Map<String, Object> prot =
        Json.object(b64url(protectedB64, "protected header"), "JWS protected header");
    byte[] payload = b64url(payloadB64, "payload");
    byte[] signature = b64url(signatureB64, "signature");

    String alg = Json.string(prot, "alg", "JWS protected header");
    if (!JWS_ALGS.contains(alg)) {
      throw new Malformed("JWS algorithm \"" + alg + "\" is not allowed by Notation " + JWS_ALGS);
    }
    String cty = Json.string(prot, "cty", "JWS protected header");
    List<String> crit = Json.optStrings(prot, "crit", "JWS protected header");
    if (crit == null) {
      throw new Malformed("JWS protected header: missing \"crit\"");
    }
    String scheme = Json.string(prot, H_SCHEME, "JWS protected header");
    Instant signingTime = jwsTime(prot, H_SIGNING_TIME);
    Instant authenticTime = jwsTime(prot, H_AUTHENTIC_SIGNING_TIME);
    Instant expiry = jwsTime(prot, H_EXPIRY);
    checkHeaders(
        cty,
        crit,
        scheme,
        signingTime,
        authenticTime,
        expiry,
        prot.containsKey(H_PLUGIN),
        Set.of("alg", "cty", "crit"),
        prot.keySet());

    List<String> x5c = Json.optStrings(header, "x5c", "JWS unprotected header");
    if (x5c == null || x5c.isEmpty()) {
      throw new Malformed("JWS unprotected header: missing or empty \"x5c\" certificate chain");
    }
    List<byte[]> ders = new ArrayList<>();
    for (String c : x5c) {
      ders.add(b64std(c, "x5c certificate"));
    }
    String ts = Json.optString(header, H_TIMESTAMP, "JWS unprotected header");
    byte[] input = (protectedB64 + "." + payloadB64).getBytes(StandardCharsets.US_ASCII);
    return new SignerInfo(
        "JWS",
        alg,
        input,
        signature,
        payload,
        scheme,
        signingTime,
        authenticTime,
        expiry,
        certificates(ders),
        ts == null ? null : b64std(ts, H_TIMESTAMP));
  }

  private static @Nullable Instant jwsTime(Map<String, Object> prot, String key) throws Malformed {
    String s = Json.optString(prot, key, "JWS protected header");
    if (s == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      throw new Malformed("JWS protected header: \"" + key + "\" is not an RFC 3339 time: " + s);
    }
  }

  private static byte[] b64url(String s, String what) throws Malformed {
    if (!B64URL.matcher(s).matches()) {
      throw new Malformed("JWS " + what + " is not unpadded base64url");
    }
    try {
      return Base64.getUrlDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new Malformed("JWS " + what + " is not valid base64url: " + e.getMessage());
    }
  }

  private static byte[] b64std(String s, String what) throws Malformed {
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new Malformed(what + " is not valid base64: " + e.getMessage());
    }
  }

  // ---------------------------------------------------------------- COSE

  static SignerInfo parseCose(byte[] envelope) throws Malformed {
    Object decoded;
    try {
      decoded = Cbor.decode(envelope);
    } catch (Cbor.CborException e) {
      throw new Malformed("COSE envelope: " + e.getMessage(), e);
    }
    if (!(decoded instanceof Cbor.Tagged tagged) || tagged.tag() != 18) {
      throw new Malformed("COSE envelope is not a COSE_Sign1_Tagged item (CBOR tag 18)");
    }
    if (!(tagged.value() instanceof List<?> parts) || parts.size() != 4) {
      throw new Malformed("COSE_Sign1 must be an array of 4 items");
    }
    if (!(parts.get(0) instanceof byte[] protectedBytes)) {
      throw new Malformed("COSE_Sign1 protected header must be a byte string");
    }
    if (!(parts.get(1) instanceof Map<?, ?> unprotected)) {
      throw new Malformed("COSE_Sign1 unprotected header must be a map");
    }
    if (!(parts.get(2) instanceof byte[] payload)) {
      throw new Malformed("COSE_Sign1 payload must be an attached byte string");
    }
    if (!(parts.get(3) instanceof byte[] signature)) {
      throw new Malformed("COSE_Sign1 signature must be a byte string");
    }
    Object protDecoded;
    try {
      protDecoded = protectedBytes.length == 0 ? Map.of() : Cbor.decode(protectedBytes);
    } catch (Cbor.CborException e) {
      throw new Malformed("COSE protected header: " + e.getMessage(), e);
    }
    if (!(protDecoded instanceof Map<?, ?> prot)) {
      throw new Malformed("COSE protected header must be a CBOR map");
    }
    for (Object k : prot.keySet()) {
      if (unprotected.containsKey(k)) {
        throw new Malformed("COSE header " + k + " appears both protected and unprotected");
      }
    }
    if (!(prot.get(1L) instanceof Long algId) || !COSE_ALGS.containsKey(algId)) {
      throw new Malformed(
          "COSE alg " + prot.get(1L) + " is not allowed by Notation " + COSE_ALGS.keySet());
    }
    String alg = COSE_ALGS.get(algId);
    if (!(prot.get(3L) instanceof String cty)) {
      throw new Malformed("COSE protected header: content type (3) must be a text string");
    }
    if (!(prot.get(2L) instanceof List<?> critRaw)) {
      throw new Malformed("COSE protected header: missing crit (2)");
    }
    List<String> crit = new ArrayList<>();
    for (Object c : critRaw) {
      crit.add(String.valueOf(c));
    }
    if (!(prot.get(H_SCHEME) instanceof String scheme)) {
      throw new Malformed("COSE protected header: missing " + H_SCHEME);
    }
    Instant signingTime = coseTime(prot, H_SIGNING_TIME);
    Instant authenticTime = coseTime(prot, H_AUTHENTIC_SIGNING_TIME);
    Instant expiry = coseTime(prot, H_EXPIRY);
    Set<String> present = new HashSet<>();
    for (Object k : prot.keySet()) {
      present.add(String.valueOf(k));
    }
    checkHeaders(
        cty,
        crit,
        scheme,
        signingTime,
        authenticTime,
        expiry,
        prot.containsKey(H_PLUGIN),
        Set.of("1", "2", "3"),
        present);

    Object x5 = unprotected.containsKey(33L) ? unprotected.get(33L) : prot.get(33L);
    List<byte[]> ders = new ArrayList<>();
    if (x5 instanceof byte[] one) {
      ders.add(one);
    } else if (x5 instanceof List<?> many && !many.isEmpty()) {
      for (Object o : many) {
        if (!(o instanceof byte[] der)) {
          throw new Malformed("COSE x5chain (33) entries must be byte strings");
        }
        ders.add(der);
      }
    } else {
      throw new Malformed("COSE header: missing or empty x5chain (33) certificate chain");
    }
    Object ts = unprotected.get(H_TIMESTAMP);
    if (ts != null && !(ts instanceof byte[])) {
      throw new Malformed("COSE unprotected " + H_TIMESTAMP + " must be a byte string");
    }
    return new SignerInfo(
        "COSE",
        alg,
        Cbor.sign1ToBeSigned(protectedBytes, payload),
        signature,
        payload,
        scheme,
        signingTime,
        authenticTime,
        expiry,
        certificates(ders),
        (byte[]) ts);
  }

  private static @Nullable Instant coseTime(Map<?, ?> prot, String key) throws Malformed {
    Object v = prot.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Cbor.Tagged t && t.tag() == 1 && t.value() instanceof Long seconds) {
      return Instant.ofEpochSecond(seconds);
    }
    throw new Malformed("COSE protected header: " + key + " must be a tag-1 epoch time (integer)");
  }

  // ---------------------------------------------------------------- shared rules

  private static void checkHeaders(
      String cty,
      List<String> crit,
      String scheme,
      @Nullable Instant signingTime,
      @Nullable Instant authenticTime,
      @Nullable Instant expiry,
      boolean plugin,
      Set<String> registered,
      Set<String> present)
      throws Malformed {
    if (!SignerInfo.PAYLOAD_TYPE.equals(cty)) {
      throw new Malformed("content type is \"" + cty + "\", expected " + SignerInfo.PAYLOAD_TYPE);
    }
    if (!scheme.equals(SignerInfo.SCHEME_X509)
        && !scheme.equals(SignerInfo.SCHEME_SIGNING_AUTHORITY)) {
      throw new Malformed("unsupported signing scheme \"" + scheme + "\"");
    }
    if (scheme.equals(SignerInfo.SCHEME_X509)) {
      if (signingTime == null) {
        throw new Malformed("signing scheme notary.x509 requires " + H_SIGNING_TIME);
      }
      if (authenticTime != null) {
        throw new Malformed(H_AUTHENTIC_SIGNING_TIME + " is not allowed with notary.x509");
      }
    } else {
      if (authenticTime == null) {
        throw new Malformed(
            "signing scheme notary.x509.signingAuthority requires " + H_AUTHENTIC_SIGNING_TIME);
      }
      if (signingTime != null) {
        throw new Malformed(H_SIGNING_TIME + " is not allowed with notary.x509.signingAuthority");
      }
      if (!crit.contains(H_AUTHENTIC_SIGNING_TIME)) {
        throw new Malformed(H_AUTHENTIC_SIGNING_TIME + " must be listed as critical");
      }
    }
    if (!crit.contains(H_SCHEME)) {
      throw new Malformed(H_SCHEME + " must be listed as critical");
    }
    if (expiry != null && !crit.contains(H_EXPIRY)) {
      throw new Malformed(H_EXPIRY + " is present but not listed as critical");
    }
    Instant signed = signingTime != null ? signingTime : authenticTime;
    if (expiry != null && signed != null && !expiry.isAfter(signed)) {
      throw new Malformed("expiry " + expiry + " is not after the signing time " + signed);
    }
    Set<String> seen = new HashSet<>();
    for (String c : crit) {
      if (!seen.add(c)) {
        throw new Malformed("critical header " + c + " is listed twice");
      }
      if (registered.contains(c)) {
        throw new Malformed("registered header " + c + " must not be listed as critical");
      }
      if (!present.contains(c)) {
        throw new Malformed("critical header " + c + " is listed in crit but absent");
      }
      if (c.equals(H_PLUGIN) || c.equals(H_PLUGIN_MIN_VERSION)) {
        continue; // reported below with a clearer reason
      }
      if (!CRITICAL_UNDERSTOOD.contains(c)) {
        throw new Malformed("unknown critical header " + c + " (doco does not understand it)");
      }
    }
    if (plugin) {
      throw new Malformed(
          "the signature requires verification plugin ("
              + H_PLUGIN
              + "); doco cannot run Notation plugins and so cannot perform the equivalent checks");
    }
  }

  private static List<X509Certificate> certificates(List<byte[]> ders) throws Malformed {
    List<X509Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      for (int i = 0; i < ders.size(); i++) {
        try {
          X509Certificate c =
              (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(ders.get(i)));
          if (!java.util.Arrays.equals(c.getEncoded(), ders.get(i))) {
            throw new Malformed(
                "certificate #" + i + " of the chain has trailing or non-DER bytes");
          }
          certs.add(c);
        } catch (CertificateException e) {
          throw new Malformed(
              "certificate #" + i + " of the chain is not valid DER X.509: " + e.getMessage(), e);
        }
      }
    } catch (CertificateException e) {
      throw new IllegalStateException("no X.509 CertificateFactory in this JDK", e);
    }
    return certs;
  }
}
