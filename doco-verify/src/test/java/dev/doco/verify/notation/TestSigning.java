package dev.doco.verify.notation;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Makes fresh keys, certificates, Notation envelopes (JWS as in signing.md section 6, and COSE) and
 * RFC 3161 tokens for tests, with the JDK and BouncyCastle.
 */
final class TestSigning {
  static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  static final Instant T_END = Instant.parse("2034-01-01T00:00:00Z");
  private static final AtomicLong SERIAL = new AtomicLong(1000);

  private TestSigning() {}

  /** A private key with its certificate chain, leaf first. */
  record Signer(PrivateKey key, List<X509Certificate> chain) {
    X509Certificate leaf() {
      return chain.get(0);
    }

    X509Certificate root() {
      return chain.get(chain.size() - 1);
    }
  }

  enum Kind {
    CA,
    CODE_SIGNING,
    TSA
  }

  static KeyPair rsa(int bits) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(bits);
    return g.generateKeyPair();
  }

  static KeyPair ec(String curve) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec(curve));
    return g.generateKeyPair();
  }

  /** Adds extensions to a certificate being built. */
  interface Extensions {
    void addTo(X509v3CertificateBuilder b) throws Exception;
  }

  /** A certificate with exactly the extensions {@code extensions} adds. */
  static X509Certificate cert(
      X500Name subject,
      PublicKey key,
      String issuer,
      PrivateKey issuerKey,
      Instant notBefore,
      Instant notAfter,
      Extensions extensions)
      throws Exception {
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            new X500Name(issuer),
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(notBefore),
            Date.from(notAfter),
            subject,
            key);
    extensions.addTo(b);
    String alg = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder(alg).build(issuerKey)));
  }

  static X509Certificate cert(
      String subject,
      PublicKey key,
      String issuer,
      PrivateKey issuerKey,
      Kind kind,
      Instant notBefore,
      Instant notAfter,
      @Nullable String ocspUrl)
      throws Exception {
    return cert(
        new X500Name(subject),
        key,
        issuer,
        issuerKey,
        notBefore,
        notAfter,
        b -> addExtensions(b, kind, ocspUrl));
  }

  private static void addExtensions(X509v3CertificateBuilder b, Kind kind, @Nullable String ocspUrl)
      throws Exception {
    switch (kind) {
      case CA -> {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
        b.addExtension(
            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      }
      case CODE_SIGNING -> {
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(
            Extension.extendedKeyUsage,
            false,
            new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
      }
      case TSA -> {
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(
            Extension.extendedKeyUsage,
            true,
            new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
      }
    }
    if (ocspUrl != null) {
      b.addExtension(
          Extension.authorityInfoAccess,
          false,
          new AuthorityInformationAccess(
              AccessDescription.id_ad_ocsp,
              new GeneralName(GeneralName.uniformResourceIdentifier, ocspUrl)));
    }
  }

  /** A self-signed code-signing certificate, as the openssl recipe makes. */
  static Signer selfSigned(String dn, KeyPair kp, Instant notBefore, Instant notAfter)
      throws Exception {
    return new Signer(
        kp.getPrivate(),
        List.of(
            cert(
                dn,
                kp.getPublic(),
                dn,
                kp.getPrivate(),
                Kind.CODE_SIGNING,
                notBefore,
                notAfter,
                null)));
  }

  /** root CA -> intermediate CA -> leaf, all EC P-256 (fast to generate). */
  static Signer chain(String leafDn, @Nullable String ocspUrl) throws Exception {
    KeyPair root = ec("secp256r1");
    KeyPair inter = ec("secp256r1");
    KeyPair leaf = ec("secp256r1");
    String rootDn = "C=US, ST=WA, O=Test CA, CN=Test Root";
    String interDn = "C=US, ST=WA, O=Test CA, CN=Test Intermediate";
    X509Certificate rootCert =
        cert(rootDn, root.getPublic(), rootDn, root.getPrivate(), Kind.CA, T0, T_END, null);
    X509Certificate interCert =
        cert(interDn, inter.getPublic(), rootDn, root.getPrivate(), Kind.CA, T0, T_END, null);
    X509Certificate leafCert =
        cert(
            leafDn,
            leaf.getPublic(),
            interDn,
            inter.getPrivate(),
            Kind.CODE_SIGNING,
            T0,
            T_END,
            ocspUrl);
    return new Signer(leaf.getPrivate(), List.of(leafCert, interCert, rootCert));
  }

  static byte[] sign(String alg, PrivateKey key, byte[] input) throws Exception {
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
    s.initSign(key);
    s.update(input);
    return s.sign();
  }

  static String b64url(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static String b64url(String s) {
    return b64url(s.getBytes(StandardCharsets.UTF_8));
  }

  static String payload(String mediaType, String digest, long size) {
    return "{\"targetArtifact\":{\"mediaType\":\""
        + mediaType
        + "\",\"digest\":\""
        + digest
        + "\",\"size\":"
        + size
        + "}}";
  }

  /** The protected header of the signing.md recipe (notary.x509, optional expiry). */
  static String protectedHeader(String alg, Instant signingTime, @Nullable Instant expiry) {
    return "{\"alg\":\""
        + alg
        + "\",\"crit\":[\"io.cncf.notary.signingScheme\""
        + (expiry == null ? "" : ",\"io.cncf.notary.expiry\"")
        + "],\"cty\":\"application/vnd.cncf.notary.payload.v1+json\""
        + (expiry == null ? "" : ",\"io.cncf.notary.expiry\":\"" + expiry + "\"")
        + ",\"io.cncf.notary.signingScheme\":\"notary.x509\",\"io.cncf.notary.signingTime\":\""
        + signingTime
        + "\"}";
  }

  /** Hook to add an RFC 3161 token over the raw signature bytes. */
  interface Timestamper {
    byte[] stamp(byte[] signature) throws Exception;
  }

  /** A flattened JWS envelope over {@code payloadJson} with {@code protectedJson}. */
  static byte[] jws(
      Signer s, String alg, String protectedJson, String payloadJson, @Nullable Timestamper tsa)
      throws Exception {
    String prot = b64url(protectedJson);
    String payl = b64url(payloadJson);
    byte[] sig = sign(alg, s.key(), (prot + "." + payl).getBytes(StandardCharsets.US_ASCII));
    List<String> x5c = new ArrayList<>();
    for (X509Certificate c : s.chain()) {
      x5c.add("\"" + Base64.getEncoder().encodeToString(c.getEncoded()) + "\"");
    }
    String ts =
        tsa == null
            ? ""
            : ",\"io.cncf.notary.timestampSignature\":\""
                + Base64.getEncoder().encodeToString(tsa.stamp(sig))
                + "\"";
    return ("{\"payload\":\""
            + payl
            + "\",\"protected\":\""
            + prot
            + "\",\"header\":{\"x5c\":["
            + String.join(",", x5c)
            + "]"
            + ts
            + ",\"io.cncf.notary.signingAgent\":\"doco-test\"},\"signature\":\""
            + b64url(sig)
            + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The recipe's JWS: PS256 (RSA-2048) or ES256 (P-256), notary.x509, no expiry. */
  static byte[] jws(Signer s, String payloadJson, Instant signingTime) throws Exception {
    String alg = CertChains.algorithmFor(s.leaf().getPublicKey());
    return jws(s, alg, protectedHeader(alg, signingTime, null), payloadJson, null);
  }

  static final int COSE_ALG_PS256 = -37;
  static final int COSE_ALG_ES256 = -7;

  /** A COSE_Sign1_Tagged envelope, notary.x509, x5chain unprotected. */
  static byte[] cose(
      Signer s,
      int alg,
      String payloadJson,
      Instant signingTime,
      @Nullable Instant expiry,
      @Nullable Timestamper tsa)
      throws Exception {
    return cose(s, alg, coseProtectedHeader(alg, signingTime, expiry), payloadJson, tsa);
  }

  /** The protected header {@link #cose} uses (notary.x509, optional expiry). */
  static byte[] coseProtectedHeader(int alg, Instant signingTime, @Nullable Instant expiry) {
    Cbor.Encoder p = new Cbor.Encoder().map(expiry == null ? 5 : 6);
    p.integer(1).integer(alg);
    p.integer(2).array(expiry == null ? 1 : 2).text("io.cncf.notary.signingScheme");
    if (expiry != null) {
      p.text("io.cncf.notary.expiry");
    }
    p.integer(3).text("application/vnd.cncf.notary.payload.v1+json");
    p.text("io.cncf.notary.signingScheme").text("notary.x509");
    p.text("io.cncf.notary.signingTime").tag(1).integer(signingTime.getEpochSecond());
    if (expiry != null) {
      p.text("io.cncf.notary.expiry").tag(1).integer(expiry.getEpochSecond());
    }
    return p.toByteArray();
  }

  /** A COSE_Sign1_Tagged envelope with the protected header {@code prot}, x5chain unprotected. */
  static byte[] cose(Signer s, int alg, byte[] prot, String payloadJson, @Nullable Timestamper tsa)
      throws Exception {
    byte[] payload = payloadJson.getBytes(StandardCharsets.UTF_8);
    String jwsAlg = alg == COSE_ALG_PS256 ? "PS256" : "ES256";
    byte[] sig = sign(jwsAlg, s.key(), Cbor.sign1ToBeSigned(prot, payload));
    Cbor.Encoder e = new Cbor.Encoder().tag(18).array(4).bytes(prot);
    e.map(tsa == null ? 2 : 3);
    e.integer(33).array(s.chain().size());
    for (X509Certificate c : s.chain()) {
      e.bytes(c.getEncoded());
    }
    e.text("io.cncf.notary.signingAgent").text("doco-test");
    if (tsa != null) {
      e.text("io.cncf.notary.timestampSignature").bytes(tsa.stamp(sig));
    }
    return e.bytes(payload).bytes(sig).toByteArray();
  }

  /** A test TSA: a self-signed root and a TSA leaf (critical timeStamping EKU). */
  record Tsa(PrivateKey key, X509Certificate cert, X509Certificate root) {
    static Tsa create() throws Exception {
      KeyPair root = ec("secp256r1");
      KeyPair leaf = ec("secp256r1");
      String rootDn = "C=US, ST=WA, O=Test TSA, CN=Test TSA Root";
      X509Certificate rootCert =
          TestSigning.cert(
              rootDn, root.getPublic(), rootDn, root.getPrivate(), Kind.CA, T0, T_END, null);
      X509Certificate leafCert =
          TestSigning.cert(
              "C=US, ST=WA, O=Test TSA, CN=Test TSA",
              leaf.getPublic(),
              rootDn,
              root.getPrivate(),
              Kind.TSA,
              T0,
              T_END,
              null);
      return new Tsa(leaf.getPrivate(), leafCert, rootCert);
    }

    /** A token over SHA-256(signature) at {@code genTime}. */
    Timestamper at(Instant genTime) {
      return signature ->
          token(key, cert, List.of(cert, root), signature, genTime, "1.2.3.4.1", null);
    }
  }

  /** A TSA's accuracy: seconds, milliseconds, microseconds. */
  record Accuracy(int seconds, int millis, int micros) {}

  /**
   * An RFC 3161 token over SHA-256({@code signature}), signed by {@code key} as {@code signer},
   * carrying {@code embedded}, with the given policy and accuracy (none when null).
   */
  static byte[] token(
      PrivateKey key,
      X509Certificate signer,
      List<X509Certificate> embedded,
      byte[] signature,
      Instant genTime,
      String policy,
      @Nullable Accuracy accuracy)
      throws Exception {
    TimeStampTokenGenerator gen =
        new TimeStampTokenGenerator(
            new JcaSimpleSignerInfoGeneratorBuilder()
                // a TSA signs at genTime (BouncyCastle's default would be the wall clock)
                .setSignedAttributeGenerator(
                    new AttributeTable(
                        new Attribute(
                            CMSAttributes.signingTime, new DERSet(new Time(Date.from(genTime))))))
                .build("SHA256withECDSA", key, signer),
            new JcaDigestCalculatorProviderBuilder()
                .build()
                .get(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256)),
            new ASN1ObjectIdentifier(policy));
    if (accuracy != null) {
      gen.setAccuracySeconds(accuracy.seconds());
      gen.setAccuracyMillis(accuracy.millis());
      gen.setAccuracyMicros(accuracy.micros());
    }
    gen.addCertificates(new JcaCertStore(embedded));
    TimeStampRequestGenerator reqGen = new TimeStampRequestGenerator();
    reqGen.setCertReq(true); // as notation asks: the token carries the TSA certificates
    TimeStampRequest req =
        reqGen.generate(
            TSPAlgorithms.SHA256, MessageDigest.getInstance("SHA-256").digest(signature));
    return gen.generate(req, BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(genTime))
        .getEncoded();
  }

  static void writePem(Path file, X509Certificate... certs) throws Exception {
    StringBuilder b = new StringBuilder();
    for (X509Certificate c : certs) {
      b.append("-----BEGIN CERTIFICATE-----\n")
          .append(
              Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                  .encodeToString(c.getEncoded()))
          .append("\n-----END CERTIFICATE-----\n");
    }
    Files.createDirectories(file.getParent());
    Files.writeString(file, b);
  }
}
