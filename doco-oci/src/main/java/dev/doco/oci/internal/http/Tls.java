package dev.doco.oci.internal.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/** TLS setup: system trust extended with a PEM CA bundle, and an optional client certificate. */
public final class Tls {
  private Tls() {}

  /** An SSL context and its trust manager (OkHttp needs both). */
  public record Setup(SSLContext context, X509TrustManager trustManager) {}

  /**
   * Builds the setup; null when neither a CA bundle nor a client certificate is given.
   *
   * @param caBundle PEM file with one or more CA certificates, added to the system trust store
   * @param clientCert PEM certificate chain for mutual TLS
   * @param clientKey PEM PKCS#8 private key ({@code BEGIN PRIVATE KEY}) for {@code clientCert}
   */
  public static @Nullable Setup create(
      @Nullable Path caBundle, @Nullable Path clientCert, @Nullable Path clientKey)
      throws IOException, GeneralSecurityException {
    if (caBundle == null && clientCert == null) {
      return null;
    }
    X509TrustManager trust = trustManager(caBundle);
    KeyManager[] keys = null;
    if (clientCert != null) {
      if (clientKey == null) {
        throw new GeneralSecurityException(
            "a client certificate needs its private key: set the key file too");
      }
      keys = keyManagers(clientCert, clientKey);
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(keys, new TrustManager[] {trust}, null);
    return new Setup(ctx, trust);
  }

  private static X509TrustManager trustManager(@Nullable Path caBundle)
      throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    TrustManagerFactory sys =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    sys.init((KeyStore) null);
    int i = 0;
    for (TrustManager tm : sys.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        for (X509Certificate c : x.getAcceptedIssuers()) {
          ks.setCertificateEntry("system-" + i++, c);
        }
      }
    }
    if (caBundle != null) {
      for (Certificate c : readCertificates(caBundle)) {
        ks.setCertificateEntry("bundle-" + i++, c);
      }
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X509 trust manager available");
  }

  static Collection<? extends Certificate> readCertificates(Path pem)
      throws IOException, CertificateException {
    try (InputStream in = Files.newInputStream(pem)) {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new CertificateException("no certificate found in " + pem);
      }
      return certs;
    }
  }

  private static KeyManager[] keyManagers(Path certPem, Path keyPem)
      throws IOException, GeneralSecurityException {
    List<Certificate> chain = new ArrayList<>(readCertificates(certPem));
    String text = Files.readString(keyPem, StandardCharsets.US_ASCII);
    String begin = "-----BEGIN PRIVATE KEY-----";
    int b = text.indexOf(begin);
    int e = text.indexOf("-----END PRIVATE KEY-----");
    if (b < 0 || e < 0) {
      throw new GeneralSecurityException(
          "client key "
              + keyPem
              + " is not a PEM PKCS#8 key (BEGIN PRIVATE KEY); convert it with"
              + " `openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8`");
    }
    byte[] der = Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    PrivateKey key = null;
    for (String alg : List.of("RSA", "EC", "Ed25519")) {
      try {
        key = KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
        break;
      } catch (GeneralSecurityException ignored) {
        // try the next algorithm
      }
    }
    if (key == null) {
      throw new GeneralSecurityException(
          "client key " + keyPem + " is not an RSA, EC or Ed25519 key");
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] pw = new char[0];
    ks.setKeyEntry("client", key, pw, chain.toArray(new Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, pw);
    return kmf.getKeyManagers();
  }
}
