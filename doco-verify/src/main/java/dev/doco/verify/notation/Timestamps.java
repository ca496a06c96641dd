package dev.doco.verify.notation;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.tsp.GenTimeAccuracy;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.tsp.TimeStampTokenInfo;

/**
 * RFC 3161 timestamp countersignatures as Notation uses them: the token's message imprint is the
 * hash of the raw signature bytes; its TSA certificate must chain to a {@code tsa} trust store root
 * at the timestamp's time.
 */
final class Timestamps {
  /** ETSI baseline time-stamp policy: an absent accuracy means one second (tspclient-go). */
  static final String BASELINE_POLICY = "0.4.0.2023.1.1";

  private static final Map<ASN1ObjectIdentifier, String> HASHES =
      Map.of(
          NISTObjectIdentifiers.id_sha256, "SHA-256",
          NISTObjectIdentifiers.id_sha384, "SHA-384",
          NISTObjectIdentifiers.id_sha512, "SHA-512");

  /** A verified timestamp: the interval {@code [earliest, latest]} and the TSA certificate. */
  record Verified(Instant earliest, Instant latest, X509Certificate tsa) {}

  private Timestamps() {}

  /**
   * Verifies {@code token} as a countersignature over {@code signature}, with the TSA chained to
   * one of {@code roots}.
   */
  static Verified verify(byte[] token, byte[] signature, List<X509Certificate> roots)
      throws Malformed {
    TimeStampToken tst;
    try {
      tst = new TimeStampToken(new CMSSignedData(token));
    } catch (CMSException | TSPException | IOException | RuntimeException e) {
      throw new Malformed("the timestamp countersignature is not an RFC 3161 TimeStampToken", e);
    }
    TimeStampTokenInfo info = tst.getTimeStampInfo();
    String hash = HASHES.get(info.getMessageImprintAlgOID());
    if (hash == null) {
      throw new Malformed(
          "timestamp message imprint uses hash "
              + info.getMessageImprintAlgOID()
              + " (only SHA-256/384/512 are accepted)");
    }
    byte[] expected;
    try {
      expected = MessageDigest.getInstance(hash).digest(signature);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(hash + " unavailable", e);
    }
    if (!MessageDigest.isEqual(expected, info.getMessageImprintDigest())) {
      throw new Malformed("the timestamp does not cover this signature (message imprint mismatch)");
    }
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    List<X509Certificate> embedded = new ArrayList<>();
    X509Certificate signer = null;
    try {
      for (X509CertificateHolder h : tst.getCertificates().getMatches(null)) {
        embedded.add(converter.getCertificate(h));
      }
      @SuppressWarnings("unchecked")
      Collection<X509CertificateHolder> signers =
          (Collection<X509CertificateHolder>) tst.getCertificates().getMatches(tst.getSID());
      for (X509CertificateHolder h : signers) {
        signer = converter.getCertificate(h);
        // checks the CMS signature, the ESS signing-certificate(v2) attribute, the TSA
        // certificate's validity at genTime and its critical timeStamping EKU
        tst.validate(new JcaSimpleSignerInfoVerifierBuilder().build(h));
        break;
      }
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new Malformed("the timestamp token's certificates are unreadable", e);
    } catch (TSPException | RuntimeException e) {
      throw new Malformed("the timestamp token does not verify: " + e.getMessage(), e);
    }
    if (signer == null) {
      throw new Malformed("the timestamp token does not carry its TSA certificate");
    }
    Instant genTime = info.getGenTime().toInstant();
    List<X509Certificate> tsaChain = buildChain(signer, embedded, roots, genTime);
    CertChains.validateTimestampingChain(tsaChain);
    Duration accuracy = accuracy(info);
    return new Verified(genTime.minus(accuracy), genTime.plus(accuracy), signer);
  }

  private static Duration accuracy(TimeStampTokenInfo info) {
    GenTimeAccuracy a = info.getGenTimeAccuracy();
    if (a == null) {
      return BASELINE_POLICY.equals(info.getPolicy().getId())
          ? Duration.ofSeconds(1)
          : Duration.ZERO;
    }
    return Duration.ofSeconds(a.getSeconds())
        .plusMillis(a.getMillis())
        .plusNanos(a.getMicros() * 1000L);
  }

  private static List<X509Certificate> buildChain(
      X509Certificate signer,
      List<X509Certificate> intermediates,
      List<X509Certificate> roots,
      Instant at)
      throws Malformed {
    for (X509Certificate r : roots) {
      if (r.equals(signer)) {
        return List.of(signer);
      }
    }
    try {
      Set<TrustAnchor> anchors = new HashSet<>();
      for (X509Certificate r : roots) {
        anchors.add(new TrustAnchor(r, null));
      }
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(signer);
      PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
      params.setRevocationEnabled(false);
      params.setDate(Date.from(at));
      List<X509Certificate> pool = new ArrayList<>(intermediates);
      pool.add(signer);
      params.addCertStore(
          CertStore.getInstance("Collection", new CollectionCertStoreParameters(pool)));
      PKIXCertPathBuilderResult result =
          (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(params);
      List<X509Certificate> chain = new ArrayList<>();
      for (var c : result.getCertPath().getCertificates()) {
        chain.add((X509Certificate) c);
      }
      chain.add(result.getTrustAnchor().getTrustedCert());
      return chain;
    } catch (GeneralSecurityException e) {
      throw new Malformed(
          "the TSA certificate "
              + CertChains.name(signer)
              + " does not chain to the tsa trust store at "
              + at
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
