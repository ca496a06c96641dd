package dev.doco.verify.internal;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Digests, encodings, PEM, and signature checks over the JDK providers. */
public final class Crypto {
  private Crypto() {}

  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");

  /** SHA-256 of {@code data}. */
  public static byte[] sha256(byte[] data) {
    return digest("SHA-256", data);
  }

  public static byte[] digest(String algorithm, byte[] data) {
    try {
      return MessageDigest.getInstance(algorithm).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " missing from the JDK", e);
    }
  }

  public static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  /** {@code sha256:<hex>} of {@code data}. */
  public static String digestOf(byte[] data) {
    return "sha256:" + hex(sha256(data));
  }

  /** Strict standard base64 (no line breaks). */
  public static byte[] base64(String s, String what) throws SignatureCheckException {
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new SignatureCheckException(what + " is not valid base64");
    }
  }

  /**
   * Base64 as Go's {@code StdEncoding} reads it: line breaks ignored (the {@code x509-pki} vector
   * wraps its signature at 76 columns), anything else invalid.
   */
  public static byte[] base64Lenient(String s, String what) throws SignatureCheckException {
    String compact = s.replace("\r", "").replace("\n", "");
    return base64(compact, what);
  }

  /** The base64 bodies of every PEM block of {@code type} in {@code text}. */
  public static List<byte[]> pemBlocks(String text, String type) throws SignatureCheckException {
    List<byte[]> out = new ArrayList<>();
    Matcher m = PEM.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(type)) {
        out.add(base64(m.group(2).replaceAll("\\s", ""), type + " PEM block"));
      }
    }
    return out;
  }

  /** A PEM {@code PUBLIC KEY} (PKIX SubjectPublicKeyInfo): EC, RSA or Ed25519. */
  public static PublicKey parsePublicKeyPem(String pem) throws SignatureCheckException {
    List<byte[]> blocks = pemBlocks(pem, "PUBLIC KEY");
    if (blocks.size() != 1) {
      throw new SignatureCheckException(
          "expected exactly one PEM \"PUBLIC KEY\" block, found " + blocks.size());
    }
    return parsePublicKeyDer(blocks.get(0));
  }

  /** A DER SubjectPublicKeyInfo: EC, RSA or Ed25519. */
  public static PublicKey parsePublicKeyDer(byte[] der) throws SignatureCheckException {
    for (String alg : new String[] {"EC", "RSA", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new SignatureCheckException(
        "public key is not a valid EC, RSA or Ed25519 SubjectPublicKeyInfo");
  }

  /** Every certificate in a PEM text (order kept). */
  public static List<X509Certificate> parseCertificatesPem(String pem)
      throws SignatureCheckException {
    List<X509Certificate> out = new ArrayList<>();
    for (byte[] der : pemBlocks(pem, "CERTIFICATE")) {
      out.add(parseCertificateDer(der));
    }
    return out;
  }

  public static X509Certificate parseCertificateDer(byte[] der) throws SignatureCheckException {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new SignatureCheckException("certificate does not parse: " + e.getMessage());
    }
  }

  /**
   * The DER bytes of the key or certificate in a PEM text (the first block), for comparing a Rekor
   * entry's verifier with ours.
   */
  public static byte[] firstPemDer(String pem) throws SignatureCheckException {
    Matcher m = PEM.matcher(pem);
    if (!m.find()) {
      throw new SignatureCheckException("no PEM block");
    }
    return base64(m.group(2).replaceAll("\\s", ""), "PEM block");
  }

  public static String pemFromBase64(String b64, String what) throws SignatureCheckException {
    return new String(base64(b64, what), StandardCharsets.UTF_8);
  }

  /** {@code sha256:ab12cd34ef56...} of the key's DER SubjectPublicKeyInfo, for messages. */
  public static String shortFingerprint(PublicKey key) {
    return "sha256:" + hex(sha256(key.getEncoded())).substring(0, 12) + "...";
  }

  /**
   * Verifies a cosign classic signature: SHA-256 for every ECDSA curve (cosign's default), RSA
   * PKCS#1 v1.5 then PSS with SHA-256, pure Ed25519.
   */
  public static boolean verifyClassic(PublicKey key, byte[] data, byte[] sig) {
    return verify(key, data, sig, "SHA-256");
  }

  /**
   * Verifies a Sigstore bundle signature: ECDSA with the curve's hash (P-256/SHA-256,
   * P-384/SHA-384, P-521/SHA-512; SHA-256 also tried, as cosign's classic default), RSA PKCS#1 v1.5
   * or PSS with SHA-256, pure Ed25519.
   */
  public static boolean verifyBundle(PublicKey key, byte[] data, byte[] sig) {
    if (key instanceof ECPublicKey) {
      String h = curveHash((ECPublicKey) key);
      return verify(key, data, sig, h)
          || (!h.equals("SHA-256") && verify(key, data, sig, "SHA-256"));
    }
    return verify(key, data, sig, "SHA-256");
  }

  static String curveHash(ECPublicKey key) {
    int bits = key.getParams().getCurve().getField().getFieldSize();
    return bits <= 256 ? "SHA-256" : bits <= 384 ? "SHA-384" : "SHA-512";
  }

  /** Verifies {@code sig} over {@code data} with {@code hash} (ignored for Ed25519). */
  public static boolean verify(PublicKey key, byte[] data, byte[] sig, String hash) {
    String h = hash.replace("-", "");
    try {
      if (key instanceof ECPublicKey) {
        return run(Signature.getInstance(h + "withECDSA"), key, data, sig);
      }
      if (key instanceof RSAPublicKey) {
        if (run(Signature.getInstance(h + "withRSA"), key, data, sig)) {
          return true;
        }
        MGF1ParameterSpec mgf = new MGF1ParameterSpec(hash);
        int len = digest(hash, new byte[0]).length;
        Signature pss = Signature.getInstance("RSASSA-PSS");
        pss.setParameter(new PSSParameterSpec(hash, "MGF1", mgf, len, 1));
        if (run(pss, key, data, sig)) {
          return true;
        }
        // PSS with the maximum salt length (Go's rsa.PSSSaltLengthAuto when signing)
        int max = (((RSAPublicKey) key).getModulus().bitLength() + 7) / 8 - len - 2;
        pss = Signature.getInstance("RSASSA-PSS");
        pss.setParameter(new PSSParameterSpec(hash, "MGF1", mgf, max, 1));
        return run(pss, key, data, sig);
      }
      String alg = key.getAlgorithm().toUpperCase(Locale.ROOT);
      if (alg.equals("ED25519") || alg.equals("EDDSA")) {
        return run(Signature.getInstance("Ed25519"), key, data, sig);
      }
      return false;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static boolean run(Signature s, PublicKey key, byte[] data, byte[] sig) {
    try {
      s.initVerify(key);
      s.update(data);
      return s.verify(sig);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }
}
