package dev.doco.verify.notation;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;

/**
 * Certificate-chain rules of the Notary Project (notation-core-go {@code
 * ValidateCodeSigningCertChain} / {@code ValidateTimestampingCertChain}), checked without time,
 * plus the signature algorithms Notation allows.
 */
final class CertChains {
  static final String EKU_CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
  static final String EKU_TIME_STAMPING = "1.3.6.1.5.5.7.3.8";
  private static final Set<String> EKU_FORBIDDEN_FOR_CODE_SIGNING =
      Set.of(
          "1.3.6.1.5.5.7.3.1", // serverAuth
          "1.3.6.1.5.5.7.3.2", // clientAuth
          "1.3.6.1.5.5.7.3.4", // emailProtection
          EKU_TIME_STAMPING,
          "1.3.6.1.5.5.7.3.9", // OCSPSigning
          "2.5.29.37.0"); // anyExtendedKeyUsage
  private static final Set<String> WEAK_SIGNATURE_ALGS =
      Set.of(
          "1.2.840.113549.1.1.4", // md5WithRSA
          "1.2.840.113549.1.1.5", // sha1WithRSA
          "1.2.840.10045.4.1", // ecdsaWithSHA1
          "1.2.840.10040.4.3"); // dsaWithSHA1

  // key usage bit positions (X509Certificate.getKeyUsage())
  private static final int KU_DIGITAL_SIGNATURE = 0;
  private static final int KU_KEY_CERT_SIGN = 5;

  private CertChains() {}

  static boolean isSelfSigned(X509Certificate c) {
    if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
      return false;
    }
    try {
      c.verify(c.getPublicKey());
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  static String name(X509Certificate c) {
    return "\"" + c.getSubjectX500Principal().getName() + "\"";
  }

  /** Code-signing chain: leaf first, each signed by the next, ending self-signed. */
  static void validateCodeSigningChain(List<X509Certificate> chain) throws Malformed {
    validateStructure(chain);
    X509Certificate leaf = chain.get(0);
    validateLeafCommon(leaf);
    List<String> eku;
    try {
      eku = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw new Malformed("certificate " + name(leaf) + ": unreadable extended key usage", e);
    }
    if (eku != null) {
      for (String e : eku) {
        if (EKU_FORBIDDEN_FOR_CODE_SIGNING.contains(e)) {
          throw new Malformed(
              "certificate "
                  + name(leaf)
                  + ": extended key usage "
                  + e
                  + " is not allowed for a code-signing leaf");
        }
      }
    }
  }

  /** Timestamping chain: like code signing, but the leaf must have the timeStamping EKU only. */
  static void validateTimestampingChain(List<X509Certificate> chain) throws Malformed {
    validateStructure(chain);
    X509Certificate leaf = chain.get(0);
    validateLeafCommon(leaf);
    List<String> eku;
    try {
      eku = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw new Malformed("TSA certificate " + name(leaf) + ": unreadable extended key usage", e);
    }
    if (eku == null || !eku.equals(List.of(EKU_TIME_STAMPING))) {
      throw new Malformed(
          "TSA certificate "
              + name(leaf)
              + " must have exactly the timeStamping extended key usage");
    }
    if (!leaf.getCriticalExtensionOIDs().contains("2.5.29.37")) {
      throw new Malformed(
          "TSA certificate " + name(leaf) + ": the extended key usage extension must be critical");
    }
  }

  private static void validateStructure(List<X509Certificate> chain) throws Malformed {
    if (chain.isEmpty()) {
      throw new Malformed("the certificate chain is empty");
    }
    X509Certificate last = chain.get(chain.size() - 1);
    if (!isSelfSigned(last)) {
      throw new Malformed(
          "the certificate chain does not end with a self-signed root (last is "
              + name(last)
              + ")");
    }
    if (chain.size() > 1 && isSelfSigned(chain.get(0))) {
      throw new Malformed(
          "the leaf certificate " + name(chain.get(0)) + " is self-signed but the chain is longer");
    }
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate c = chain.get(i);
      validateKeyAndAlgorithm(c);
      if (i + 1 < chain.size()) {
        X509Certificate issuer = chain.get(i + 1);
        if (!c.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
          throw new Malformed(
              "certificate " + name(c) + " is not issued by the next certificate " + name(issuer));
        }
        try {
          c.verify(issuer.getPublicKey());
        } catch (GeneralSecurityException | RuntimeException e) {
          throw new Malformed(
              "certificate "
                  + name(c)
                  + " is not signed by the next certificate in the chain "
                  + name(issuer));
        }
      }
      if (i > 0) {
        validateCa(c, i - 1);
      }
    }
  }

  private static void validateCa(X509Certificate c, int expectedPathLen) throws Malformed {
    int pathLen = c.getBasicConstraints();
    if (pathLen < 0) {
      throw new Malformed(
          "certificate " + name(c) + ": basic constraints must be present with CA set to true");
    }
    if (pathLen < expectedPathLen) {
      throw new Malformed(
          "certificate "
              + name(c)
              + ": path length constraint "
              + pathLen
              + " is below the "
              + expectedPathLen
              + " intermediate(s) under it");
    }
    boolean[] ku = c.getKeyUsage();
    if (ku == null || ku.length <= KU_KEY_CERT_SIGN || !ku[KU_KEY_CERT_SIGN]) {
      throw new Malformed("certificate " + name(c) + ": key usage must include keyCertSign");
    }
  }

  private static void validateLeafCommon(X509Certificate leaf) throws Malformed {
    if (leaf.getBasicConstraints() >= 0) {
      throw new Malformed(
          "leaf certificate " + name(leaf) + ": basic constraints must not set CA to true");
    }
    boolean[] ku = leaf.getKeyUsage();
    if (ku == null || !ku[KU_DIGITAL_SIGNATURE]) {
      throw new Malformed(
          "leaf certificate " + name(leaf) + ": key usage must be present with digitalSignature");
    }
    // allowed: digitalSignature(0), nonRepudiation/contentCommitment(1)
    for (int bit = 2; bit < ku.length; bit++) {
      if (ku[bit]) {
        throw new Malformed(
            "leaf certificate "
                + name(leaf)
                + ": key usage bit "
                + bit
                + " is not allowed (only digitalSignature and contentCommitment)");
      }
    }
  }

  private static void validateKeyAndAlgorithm(X509Certificate c) throws Malformed {
    PublicKey key = c.getPublicKey();
    if (key instanceof RSAPublicKey rsa) {
      if (rsa.getModulus().bitLength() < 2048) {
        throw new Malformed("certificate " + name(c) + ": RSA key shorter than 2048 bits");
      }
    } else if (key instanceof ECPublicKey ec) {
      if (ec.getParams().getCurve().getField().getFieldSize() < 256) {
        throw new Malformed("certificate " + name(c) + ": EC key shorter than 256 bits");
      }
    } else {
      throw new Malformed(
          "certificate " + name(c) + ": key type " + key.getAlgorithm() + " is not allowed");
    }
    if (WEAK_SIGNATURE_ALGS.contains(c.getSigAlgOID())) {
      throw new Malformed(
          "certificate " + name(c) + ": signature algorithm " + c.getSigAlgName() + " is too weak");
    }
  }

  /**
   * The JWS algorithm Notation derives from a leaf key (RSA 2048/3072/4096 to PS256/384/512, EC
   * P-256/384/521 to ES256/384/512).
   */
  static String algorithmFor(PublicKey key) throws Malformed {
    if (key instanceof RSAPublicKey rsa) {
      return switch (rsa.getModulus().bitLength()) {
        case 2048 -> "PS256";
        case 3072 -> "PS384";
        case 4096 -> "PS512";
        default ->
            throw new Malformed(
                "RSA key size " + rsa.getModulus().bitLength() + " is not supported by Notation");
      };
    }
    if (key instanceof ECPublicKey ec) {
      return switch (ec.getParams().getCurve().getField().getFieldSize()) {
        case 256 -> "ES256";
        case 384 -> "ES384";
        case 521 -> "ES512";
        default -> throw new Malformed("EC curve is not supported by Notation");
      };
    }
    throw new Malformed("key type " + key.getAlgorithm() + " is not supported by Notation");
  }

  /** Verifies {@code signature} over {@code input} with {@code alg} (JWS name). */
  static boolean verify(String alg, PublicKey key, byte[] input, byte[] signature) {
    try {
      Signature s;
      String bits = alg.substring(2);
      if (alg.startsWith("PS")) {
        String hash = "SHA-" + bits;
        s = Signature.getInstance("RSASSA-PSS");
        s.setParameter(
            new PSSParameterSpec(
                hash, "MGF1", new MGF1ParameterSpec(hash), Integer.parseInt(bits) / 8, 1));
      } else {
        s = Signature.getInstance("SHA" + bits + "withECDSAinP1363Format");
      }
      s.initVerify(key);
      s.update(input);
      return s.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** True when {@code c} names an OCSP responder or a CRL distribution point. */
  static boolean isRevocable(X509Certificate c) {
    if (c.getExtensionValue("2.5.29.31") != null) {
      return true;
    }
    byte[] aia = c.getExtensionValue("1.3.6.1.5.5.7.1.1");
    if (aia == null) {
      return false;
    }
    try {
      AuthorityInformationAccess info =
          AuthorityInformationAccess.getInstance(ASN1OctetString.getInstance(aia).getOctets());
      for (AccessDescription d : info.getAccessDescriptions()) {
        if (d.getAccessMethod().equals(AccessDescription.id_ad_ocsp)) {
          return true;
        }
      }
      return false;
    } catch (RuntimeException e) {
      return true; // unreadable: do not pretend it is non-revocable
    }
  }
}
