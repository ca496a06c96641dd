package dev.doco.verify.internal;

import dev.doco.core.config.KeylessIdentity;
import dev.doco.verify.internal.TrustedRoot.CertificateAuthority;
import dev.doco.verify.internal.TrustedRoot.TransparencyLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x509.Extension;
import org.jspecify.annotations.Nullable;

/**
 * Fulcio (and other X.509) signing certificates: the chain to a CA of the trusted root at a given
 * time, the embedded SCT, and the signer identity (SAN + OIDC issuer).
 */
public final class Fulcio {
  private Fulcio() {}

  /** OIDC issuer, DER UTF8String (current). */
  public static final String OID_ISSUER_V2 = "1.3.6.1.4.1.57264.1.8";

  /** OIDC issuer, raw ASCII (deprecated). */
  public static final String OID_ISSUER_V1 = "1.3.6.1.4.1.57264.1.1";

  /** Embedded SCT list. */
  public static final String OID_SCT = "1.3.6.1.4.1.11129.2.4.2";

  private static final String OID_OTHERNAME_USERNAME = "1.3.6.1.4.1.57264.1.7";
  private static final String EKU_CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
  private static final String EKU_ANY = "2.5.29.37.0";

  /** A validated chain: the leaf, and the certificate that issued it. */
  public record Chain(X509Certificate leaf, X509Certificate issuer, CertificateAuthority ca) {}

  /**
   * Validates {@code leaf} up to a CA of {@code root} whose {@code validFor} contains {@code at},
   * with every certificate valid at {@code at} (never "now" for Fulcio: its certificates live ten
   * minutes). Revocation is not checked (Fulcio has none). The leaf's EKU, when present, must allow
   * code signing.
   */
  public static Chain validateChain(X509Certificate leaf, TrustedRoot root, Instant at)
      throws SignatureCheckException {
    List<String> reasons = new ArrayList<>();
    for (CertificateAuthority ca : root.certificateAuthorities()) {
      if (!ca.validFor().contains(at)) {
        continue;
      }
      try {
        List<X509Certificate> path = new ArrayList<>();
        path.add(leaf);
        path.addAll(ca.intermediates());
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        CertPath cp = cf.generateCertPath(path);
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca.anchor(), null)));
        params.setRevocationEnabled(false);
        params.setDate(Date.from(at));
        CertPathValidator.getInstance("PKIX").validate(cp, params);
        checkCodeSigning(leaf);
        X509Certificate issuer = path.size() > 1 ? path.get(1) : ca.anchor();
        return new Chain(leaf, issuer, ca);
      } catch (CertPathValidatorException e) {
        reasons.add(e.getReason() + ": " + e.getMessage());
      } catch (GeneralSecurityException e) {
        reasons.add(e.getMessage());
      }
    }
    if (reasons.isEmpty()) {
      throw new SignatureCheckException(
          "no certificate authority of the trusted root ("
              + root.origin()
              + ") was valid at "
              + at);
    }
    if (reasons.stream().anyMatch(r -> r.startsWith("EXPIRED") || r.startsWith("NOT_YET_VALID"))) {
      throw new SignatureCheckException("certificate was not valid at " + at);
    }
    throw new SignatureCheckException(
        "certificate does not chain to a CA of the trusted root ("
            + root.origin()
            + "): "
            + reasons.get(0));
  }

  private static void checkCodeSigning(X509Certificate leaf) throws SignatureCheckException {
    try {
      List<String> eku = leaf.getExtendedKeyUsage();
      if (eku != null && !eku.contains(EKU_CODE_SIGNING) && !eku.contains(EKU_ANY)) {
        throw new SignatureCheckException("certificate is not for code signing (EKU " + eku + ")");
      }
    } catch (CertificateParsingException e) {
      throw new SignatureCheckException("certificate EKU does not parse");
    }
  }

  // ------------------------------------------------------------------------------ identity

  /** The OIDC issuer: OID .1.8 (UTF8String) preferred, else the older .1.1 (raw). */
  public static @Nullable String issuer(X509Certificate cert) throws SignatureCheckException {
    byte[] v2 = cert.getExtensionValue(OID_ISSUER_V2);
    if (v2 != null) {
      ASN1Primitive p = unwrap(v2);
      if (p instanceof ASN1String) {
        return ((ASN1String) p).getString();
      }
      throw new SignatureCheckException("issuer extension " + OID_ISSUER_V2 + " is not a string");
    }
    byte[] v1 = cert.getExtensionValue(OID_ISSUER_V1);
    if (v1 != null) {
      return new String(ASN1OctetString.getInstance(v1).getOctets(), StandardCharsets.UTF_8);
    }
    return null;
  }

  private static ASN1Primitive unwrap(byte[] extensionValue) throws SignatureCheckException {
    try {
      return ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(extensionValue).getOctets());
    } catch (IOException | IllegalArgumentException e) {
      throw new SignatureCheckException("certificate extension does not parse");
    }
  }

  /** The SAN values: email, URI, DNS, IP, and Fulcio's otherName username. */
  public static List<String> subjects(X509Certificate cert) throws SignatureCheckException {
    List<String> out = new ArrayList<>();
    Collection<List<?>> sans;
    try {
      sans = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new SignatureCheckException("certificate SAN does not parse");
    }
    for (List<?> san : sans == null ? List.<List<?>>of() : sans) {
      int type = (Integer) san.get(0);
      Object value = san.get(1);
      if (type == 0 && value instanceof byte[]) {
        String other = otherName((byte[]) value);
        if (other != null) {
          out.add(other);
        }
      } else if (value instanceof String && (type == 1 || type == 2 || type == 6 || type == 7)) {
        out.add((String) value);
      }
    }
    return out;
  }

  private static @Nullable String otherName(byte[] der) {
    try {
      ASN1Sequence seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
      ASN1Encodable first = seq.getObjectAt(0);
      if (seq.size() < 2 || !OID_OTHERNAME_USERNAME.equals(first.toString())) {
        return null;
      }
      ASN1Primitive v =
          ((ASN1TaggedObject) seq.getObjectAt(1)).getExplicitBaseObject().toASN1Primitive();
      // The JDK hands otherName back re-encoded with a second [0] around the value's own [0]
      // EXPLICIT tag (sun.security.x509.OtherName keeps the tagged value and tags it again).
      if (v instanceof ASN1TaggedObject inner && inner.getTagNo() == 0) {
        v = inner.getExplicitBaseObject().toASN1Primitive();
      }
      return v instanceof ASN1String ? ((ASN1String) v).getString() : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Checks the identity: the issuer exactly (an empty expected issuer matches only certificates
   * without an OIDC issuer, e.g. a private PKI), and a SAN exactly ({@code subject}) or matched
   * whole by {@code subject_regexp}.
   */
  public static String matchIdentity(X509Certificate cert, KeylessIdentity id)
      throws SignatureCheckException {
    String issuer = issuer(cert);
    String expectedIssuer = id.issuer();
    if (expectedIssuer.isEmpty() ? issuer != null : !expectedIssuer.equals(issuer)) {
      throw new IdentityMismatch(
          "certificate issuer " + (issuer == null ? "(none)" : issuer) + " does not match");
    }
    List<String> subjects = subjects(cert);
    if (!id.subject().isEmpty()) {
      if (subjects.contains(id.subject())) {
        return id.subject();
      }
    } else if (!id.subjectRegexp().isEmpty()) {
      Pattern p;
      try {
        p = Pattern.compile(id.subjectRegexp());
      } catch (PatternSyntaxException e) {
        throw new SignatureCheckException(
            "subject_regexp " + id.subjectRegexp() + " is not a valid regular expression");
      }
      for (String s : subjects) {
        if (p.matcher(s).matches()) {
          return s;
        }
      }
    } else {
      throw new SignatureCheckException(
          "keyless identity has neither subject nor subject_regexp; set one of them");
    }
    throw new IdentityMismatch("certificate subject " + subjects + " does not match");
  }

  /** The identity in the certificate does not match the rule (vs. a broken certificate). */
  public static final class IdentityMismatch extends SignatureCheckException {
    private static final long serialVersionUID = 1L;

    public IdentityMismatch(String message) {
      super(message);
    }
  }

  // ------------------------------------------------------------------------------ SCT

  /**
   * Verifies that at least one embedded SCT was signed by a CT log of the trusted root valid at the
   * SCT's time, over the precertificate (the leaf's TBS without the SCT extension).
   *
   * @return the CT log's base URL
   */
  public static String verifyEmbeddedSct(Chain chain, TrustedRoot root)
      throws SignatureCheckException {
    X509Certificate leaf = chain.leaf();
    byte[] ext = leaf.getExtensionValue(OID_SCT);
    if (ext == null) {
      throw new SignatureCheckException("certificate has no embedded SCT");
    }
    byte[] list;
    try {
      list = ASN1OctetString.getInstance(unwrap(ext)).getOctets();
    } catch (IllegalArgumentException e) {
      throw new SignatureCheckException("SCT extension does not parse");
    }
    byte[] tbs = precertTbs(leaf);
    byte[] issuerKeyHash = Crypto.sha256(chain.issuer().getPublicKey().getEncoded());
    ByteBuffer b = ByteBuffer.wrap(list);
    List<String> reasons = new ArrayList<>();
    try {
      int listLen = b.getShort() & 0xffff;
      if (listLen != b.remaining()) {
        throw new SignatureCheckException("SCT list length is wrong");
      }
      while (b.hasRemaining()) {
        int len = b.getShort() & 0xffff;
        ByteBuffer sct = b.slice();
        sct.limit(len);
        b.position(b.position() + len);
        String ok = verifyOneSct(sct, tbs, issuerKeyHash, root, reasons);
        if (ok != null) {
          return ok;
        }
      }
    } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
      throw new SignatureCheckException("SCT list is truncated");
    }
    throw new SignatureCheckException(
        "no valid SCT from a CT log of the trusted root"
            + (reasons.isEmpty() ? "" : " (" + String.join("; ", reasons) + ")"));
  }

  private static @Nullable String verifyOneSct(
      ByteBuffer sct, byte[] tbs, byte[] issuerKeyHash, TrustedRoot root, List<String> reasons) {
    int version = sct.get();
    byte[] logId = new byte[32];
    sct.get(logId);
    long timestamp = sct.getLong();
    int extLen = sct.getShort() & 0xffff;
    byte[] exts = new byte[extLen];
    sct.get(exts);
    int hashAlg = sct.get();
    int sigAlg = sct.get();
    int sigLen = sct.getShort() & 0xffff;
    byte[] sig = new byte[sigLen];
    sct.get(sig);
    if (version != 0 || hashAlg != 4 || (sigAlg != 3 && sigAlg != 1)) {
      reasons.add("unsupported SCT version/algorithm");
      return null;
    }
    TransparencyLog log = root.ctlog(logId).orElse(null);
    if (log == null) {
      reasons.add("SCT from unknown CT log " + Crypto.hex(logId).substring(0, 12) + "...");
      return null;
    }
    Instant t = Instant.ofEpochMilli(timestamp);
    if (!log.validFor().contains(t)) {
      reasons.add("CT log " + log.baseUrl() + " key not valid at " + t);
      return null;
    }
    ByteArrayOutputStream d = new ByteArrayOutputStream();
    d.write(0); // v1
    d.write(0); // certificate_timestamp
    d.writeBytes(ByteBuffer.allocate(8).putLong(timestamp).array());
    d.write(0);
    d.write(1); // precert_entry
    d.writeBytes(issuerKeyHash);
    d.write((tbs.length >> 16) & 0xff);
    d.write((tbs.length >> 8) & 0xff);
    d.write(tbs.length & 0xff);
    d.writeBytes(tbs);
    d.write((extLen >> 8) & 0xff);
    d.write(extLen & 0xff);
    d.writeBytes(exts);
    if (Crypto.verify(log.key(), d.toByteArray(), sig, "SHA-256")) {
      return log.baseUrl();
    }
    reasons.add("SCT signature from " + log.baseUrl() + " does not verify");
    return null;
  }

  /** The leaf's TBSCertificate, DER, without the SCT extension. */
  static byte[] precertTbs(X509Certificate leaf) throws SignatureCheckException {
    try {
      ASN1Sequence tbs = ASN1Sequence.getInstance(leaf.getTBSCertificate());
      ASN1EncodableVector out = new ASN1EncodableVector();
      for (ASN1Encodable e : tbs) {
        if (e instanceof ASN1TaggedObject && ((ASN1TaggedObject) e).getTagNo() == 3) {
          ASN1Sequence exts =
              ASN1Sequence.getInstance(((ASN1TaggedObject) e).getExplicitBaseObject());
          ASN1EncodableVector kept = new ASN1EncodableVector();
          for (ASN1Encodable x : exts) {
            Extension ext = Extension.getInstance(x);
            if (!ext.getExtnId().equals(new ASN1ObjectIdentifier(OID_SCT))) {
              kept.add(x);
            }
          }
          out.add(new DERTaggedObject(true, 3, new DERSequence(kept)));
        } else {
          out.add(e);
        }
      }
      return new DERSequence(out).getEncoded(ASN1Encoding.DER);
    } catch (java.security.cert.CertificateEncodingException | IOException e) {
      throw new SignatureCheckException("certificate TBS does not re-encode");
    }
  }

  /** The leaf's DER, for comparison with a tlog entry. */
  public static byte[] der(X509Certificate c) throws SignatureCheckException {
    try {
      return c.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new SignatureCheckException("certificate does not encode");
    }
  }
}
