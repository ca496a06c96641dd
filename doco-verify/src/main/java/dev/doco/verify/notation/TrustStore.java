package dev.doco.verify.notation;

import dev.doco.verify.notation.TrustPolicyDocument.StoreRef;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Notation's X.509 trust store: {@code <root>/x509/{ca,signingAuthority,tsa}/<name>/} holding PEM
 * or DER certificate files ({@code .pem}, {@code .crt}, {@code .cer}, {@code .der}). As in
 * notation-go, sub-directories and symbolic links are errors, every file must hold at least one
 * certificate, and every certificate must be a CA or a self-signed certificate ({@code tsa} stores:
 * self-signed roots only).
 */
final class TrustStore {
  private final Path root;

  TrustStore(Path root) {
    this.root = root;
  }

  /** The certificates of one named store; throws {@link Malformed} with the reason otherwise. */
  List<X509Certificate> certificates(StoreRef ref) throws Malformed {
    Path dir = root.resolve("x509").resolve(ref.type()).resolve(ref.name());
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new Malformed(
          "trust store " + ref + " does not exist (expected the directory " + dir + ")");
    }
    List<X509Certificate> certs = new ArrayList<>();
    TreeSet<Path> files = new TreeSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        files.add(p);
      }
    } catch (IOException e) {
      throw new Malformed("trust store " + ref + ": cannot list " + dir + ": " + e.getMessage(), e);
    }
    CertificateFactory cf;
    try {
      cf = CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("no X.509 CertificateFactory in this JDK", e);
    }
    for (Path p : files) {
      if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new Malformed(
            "trust store "
                + ref
                + ": "
                + p
                + " is not a regular file (directories and symbolic links are not supported)");
      }
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(p);
      } catch (IOException e) {
        throw new Malformed("trust store " + ref + ": cannot read " + p + ": " + e.getMessage(), e);
      }
      List<X509Certificate> inFile = new ArrayList<>();
      try {
        for (var c : cf.generateCertificates(new ByteArrayInputStream(bytes))) {
          inFile.add((X509Certificate) c);
        }
      } catch (CertificateException e) {
        throw new Malformed(
            "trust store " + ref + ": " + p + " is not a PEM or DER certificate file", e);
      }
      if (inFile.isEmpty()) {
        throw new Malformed(
            "trust store "
                + ref
                + ": "
                + p
                + " holds no certificate; every file in a trust store must hold a PEM or DER"
                + " certificate");
      }
      for (X509Certificate c : inFile) {
        boolean selfSigned = CertChains.isSelfSigned(c);
        boolean ca = c.getBasicConstraints() >= 0;
        if (ref.type().equals("tsa") ? !(selfSigned && ca) : !(ca || selfSigned)) {
          throw new Malformed(
              "trust store "
                  + ref
                  + ": certificate \""
                  + c.getSubjectX500Principal().getName()
                  + "\" in "
                  + p
                  + (ref.type().equals("tsa")
                      ? " is not a self-signed root CA certificate"
                      : " is neither a CA certificate nor self-signed"));
        }
      }
      certs.addAll(inFile);
    }
    if (certs.isEmpty()) {
      throw new Malformed("trust store " + ref + " (" + dir + ") has no certificates");
    }
    return certs;
  }
}
