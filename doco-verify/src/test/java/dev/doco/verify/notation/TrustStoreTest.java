package dev.doco.verify.notation;

import static dev.doco.verify.notation.TestSigning.T0;
import static dev.doco.verify.notation.TestSigning.T_END;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.doco.verify.notation.TestSigning.Kind;
import dev.doco.verify.notation.TrustPolicyDocument.StoreRef;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a trust store may hold, as in notation-go: {@code ca} and {@code signingAuthority} stores
 * take CA or self-signed certificates, {@code tsa} stores only self-signed root CAs.
 */
class TrustStoreTest {
  private static final String ROOT_DN = "C=US, O=Store, CN=Store Root";
  private static final String INTER_DN = "C=US, O=Store, CN=Store Intermediate";
  private static X509Certificate root;
  private static X509Certificate interPathLen0;
  private static X509Certificate leaf;
  private static X509Certificate selfSignedLeaf;

  @TempDir Path tmp;

  @BeforeAll
  static void certs() throws Exception {
    KeyPair r = TestSigning.ec("secp256r1");
    KeyPair i = TestSigning.ec("secp256r1");
    KeyPair l = TestSigning.ec("secp256r1");
    root =
        TestSigning.cert(ROOT_DN, r.getPublic(), ROOT_DN, r.getPrivate(), Kind.CA, T0, T_END, null);
    interPathLen0 =
        TestSigning.cert(
            new X500Name(INTER_DN),
            i.getPublic(),
            ROOT_DN,
            r.getPrivate(),
            T0,
            T_END,
            b -> {
              b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
              b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
            });
    leaf =
        TestSigning.cert(
            "C=US, O=Store, CN=Leaf",
            l.getPublic(),
            INTER_DN,
            i.getPrivate(),
            Kind.CODE_SIGNING,
            T0,
            T_END,
            null);
    selfSignedLeaf = TestSigning.selfSigned("C=US, O=Store, CN=Self", l, T0, T_END).leaf();
  }

  private List<X509Certificate> load(String type, X509Certificate... certs) throws Exception {
    TestSigning.writePem(tmp.resolve("x509/" + type + "/s/s.pem"), certs);
    return new TrustStore(tmp).certificates(new StoreRef(type, "s"));
  }

  private String refused(String type, X509Certificate... certs) {
    return assertThrows(Malformed.class, () -> load(type, certs)).getMessage();
  }

  private String file(String type) {
    return tmp.resolve("x509/" + type + "/s/s.pem").toString();
  }

  @Test
  void caStore_takesAnIntermediateCaWithPathLengthZero_andASelfSignedLeaf() throws Exception {
    assertEquals(List.of(interPathLen0, selfSignedLeaf), load("ca", interPathLen0, selfSignedLeaf));
  }

  @Test
  void caStore_refusesALeafThatIsNeitherCaNorSelfSigned() {
    assertEquals(
        "trust store ca:s: certificate \"CN=Leaf,O=Store,C=US\" in "
            + file("ca")
            + " is neither a CA certificate nor self-signed",
        refused("ca", root, leaf));
  }

  @Test
  void tsaStore_takesASelfSignedRootCa_only() throws Exception {
    assertEquals(List.of(root), load("tsa", root));
    assertEquals(
        "trust store tsa:s: certificate \"CN=Store Intermediate,O=Store,C=US\" in "
            + file("tsa")
            + " is not a self-signed root CA certificate",
        refused("tsa", interPathLen0));
    assertEquals(
        "trust store tsa:s: certificate \"CN=Self,O=Store,C=US\" in "
            + file("tsa")
            + " is not a self-signed root CA certificate",
        refused("tsa", selfSignedLeaf));
  }
}
