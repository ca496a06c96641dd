package dev.doco.verify.internal;

import dev.doco.verify.internal.TrustedRoot.CertificateAuthority;
import dev.doco.verify.internal.TrustedRoot.TransparencyLog;
import dev.doco.verify.internal.TrustedRoot.Validity;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test-only PKI: ECDSA keys, a CA, Fulcio-like leaf certificates (EKU, SANs, OIDC issuer, embedded
 * SCTs signed by a test CT log), and trusted roots holding them. Nothing here is real Sigstore
 * material; it exists to build the negative cases the real vectors cannot give.
 */
final class TestPki {
  private TestPki() {}

  static final Instant NOT_BEFORE = Instant.parse("2024-01-01T00:00:00Z");
  static final Instant NOT_AFTER = Instant.parse("2024-01-01T00:10:00Z");
  static final Instant SIGNED_AT = Instant.parse("2024-01-01T00:05:00Z");

  private static long serial = 1;

  static KeyPair ec(String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(curve));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyPair ec() {
    return ec("secp256r1");
  }

  static byte[] sign(String alg, PrivateKey key, byte[] data) {
    try {
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A CA: its key and its self-signed certificate (valid 2020..2030). */
  record Ca(KeyPair keys, X509Certificate cert) {}

  static Ca ca(String cn) {
    KeyPair k = ec();
    X500Name name = new X500Name("CN=" + cn + ",O=doco-test");
    try {
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              name,
              BigInteger.valueOf(serial++),
              Date.from(Instant.parse("2020-01-01T00:00:00Z")),
              Date.from(Instant.parse("2030-01-01T00:00:00Z")),
              name,
              k.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      return new Ca(k, convert(b, k.getPrivate()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** What goes into a leaf certificate. Null EKU means no EKU extension. */
  static final class Leaf {
    final KeyPair keys = ec();
    final List<GeneralName> sans = new ArrayList<>();
    final List<Extension> extra = new ArrayList<>();
    KeyPurposeId @org.jspecify.annotations.Nullable [] eku = {KeyPurposeId.id_kp_codeSigning};
    Instant notBefore = NOT_BEFORE;
    Instant notAfter = NOT_AFTER;
    final long serialNumber = serial++;

    Leaf email(String e) {
      sans.add(new GeneralName(GeneralName.rfc822Name, e));
      return this;
    }

    Leaf san(GeneralName n) {
      sans.add(n);
      return this;
    }

    Leaf issuerV2(String issuer) {
      return ext(Fulcio.OID_ISSUER_V2, new DERUTF8String(issuer));
    }

    Leaf ext(String oid, ASN1Encodable value) {
      try {
        extra.add(
            new Extension(
                new ASN1ObjectIdentifier(oid), false, value.toASN1Primitive().getEncoded()));
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
      return this;
    }

    /** Raw extnValue contents (e.g. the deprecated issuer OID, which holds bare ASCII). */
    Leaf rawExt(String oid, byte[] contents) {
      extra.add(new Extension(new ASN1ObjectIdentifier(oid), false, contents));
      return this;
    }

    /** The certificate, issued by {@code ca}, with the given extra extensions appended last. */
    X509Certificate issue(Ca ca, Extension... more) {
      try {
        X509v3CertificateBuilder b =
            new JcaX509v3CertificateBuilder(
                X500Name.getInstance(ca.cert().getSubjectX500Principal().getEncoded()),
                BigInteger.valueOf(serialNumber),
                Date.from(notBefore),
                Date.from(notAfter),
                sans.isEmpty()
                    ? new X500Name("CN=test leaf")
                    : new X500Name(new org.bouncycastle.asn1.x500.RDN[0]),
                keys.getPublic());
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        if (eku != null) {
          b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(eku));
        }
        if (!sans.isEmpty()) {
          b.addExtension(
              Extension.subjectAlternativeName,
              true,
              new GeneralNames(sans.toArray(new GeneralName[0])));
        }
        for (Extension e : extra) {
          b.addExtension(e);
        }
        for (Extension e : more) {
          b.addExtension(e);
        }
        return convert(b, ca.keys().getPrivate());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    /**
     * The certificate with an embedded SCT list holding {@code scts} (each built by {@link
     * Sct#encode}); each SCT is signed over this leaf's precertificate (the TBS without the SCT
     * extension), computed from a twin certificate issued without it.
     */
    X509Certificate issueWithScts(Ca ca, Sct... scts) {
      byte[] tbs;
      try {
        tbs = issue(ca).getTBSCertificate();
      } catch (java.security.cert.CertificateEncodingException e) {
        throw new IllegalStateException(e);
      }
      byte[] issuerKeyHash = Crypto.sha256(ca.cert().getPublicKey().getEncoded());
      ByteArrayOutputStream list = new ByteArrayOutputStream();
      for (Sct s : scts) {
        byte[] one = s.encode(tbs, issuerKeyHash);
        list.write(one.length >> 8);
        list.write(one.length & 0xff);
        list.writeBytes(one);
      }
      byte[] body = list.toByteArray();
      byte[] withLen =
          ByteBuffer.allocate(2 + body.length).putShort((short) body.length).put(body).array();
      try {
        return issue(
            ca,
            new Extension(
                new ASN1ObjectIdentifier(Fulcio.OID_SCT),
                false,
                new DEROctetString(withLen).getEncoded()));
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * One SCT as RFC 6962 §3.2 lays it out, signed by {@code log} (ECDSA/SHA-256) over the
   * precert_entry; fields can be set wrong on purpose.
   */
  static final class Sct {
    final KeyPair log;
    int version = 0;
    int hashAlg = 4;
    int sigAlg = 3;
    Instant time = SIGNED_AT;
    byte[] extensions = new byte[0];
    boolean corruptSignature = false;

    Sct(KeyPair log) {
      this.log = log;
    }

    byte[] encode(byte[] tbs, byte[] issuerKeyHash) {
      long ts = time.toEpochMilli();
      ByteArrayOutputStream signed = new ByteArrayOutputStream();
      signed.write(0);
      signed.write(0);
      signed.writeBytes(ByteBuffer.allocate(8).putLong(ts).array());
      signed.write(0);
      signed.write(1);
      signed.writeBytes(issuerKeyHash);
      signed.write(ByteBuffer.allocate(4).putInt(tbs.length).array(), 1, 3);
      signed.writeBytes(tbs);
      signed.writeBytes(ByteBuffer.allocate(2).putShort((short) extensions.length).array());
      signed.writeBytes(extensions);
      byte[] sig = sign("SHA256withECDSA", log.getPrivate(), signed.toByteArray());
      if (corruptSignature) {
        sig =
            sign(
                "SHA256withECDSA",
                log.getPrivate(),
                "something else".getBytes(StandardCharsets.UTF_8));
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(version);
      out.writeBytes(Crypto.sha256(log.getPublic().getEncoded()));
      out.writeBytes(ByteBuffer.allocate(8).putLong(ts).array());
      out.writeBytes(ByteBuffer.allocate(2).putShort((short) extensions.length).array());
      out.writeBytes(extensions);
      out.write(hashAlg);
      out.write(sigAlg);
      out.writeBytes(ByteBuffer.allocate(2).putShort((short) sig.length).array());
      out.writeBytes(sig);
      return out.toByteArray();
    }
  }

  private static X509Certificate convert(X509v3CertificateBuilder b, PrivateKey signer)
      throws Exception {
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
  }

  /** A log entry of a trusted root for {@code keys}, log ID = sha256(DER key). */
  static TransparencyLog log(String baseUrl, KeyPair keys, Validity validFor) {
    byte[] der = keys.getPublic().getEncoded();
    return new TransparencyLog(baseUrl, Crypto.sha256(der), keys.getPublic(), der, validFor);
  }

  static Validity open() {
    return new Validity(Instant.parse("2020-01-01T00:00:00Z"), null);
  }

  static TrustedRoot root(
      List<CertificateAuthority> cas, List<TransparencyLog> ctlogs, List<TransparencyLog> tlogs) {
    return new TrustedRoot("test root", tlogs, cas, ctlogs, List.of());
  }

  static CertificateAuthority authority(Ca ca) {
    return new CertificateAuthority("https://fulcio.test", List.of(ca.cert()), open());
  }
}
