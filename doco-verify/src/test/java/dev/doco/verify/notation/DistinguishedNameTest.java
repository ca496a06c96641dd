package dev.doco.verify.notation;

import static dev.doco.verify.notation.TestSigning.T0;
import static dev.doco.verify.notation.TestSigning.T_END;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.junit.jupiter.api.Test;

/** Trust-policy DNs ({@link DistinguishedName#parse}) and certificate subjects. */
class DistinguishedNameTest {
  private static String refused(String dn) {
    return assertThrows(Malformed.class, () -> DistinguishedName.parse(dn)).getMessage();
  }

  @Test
  void parse_aTrailingSeparatorEndsTheName() throws Exception {
    assertEquals(
        Map.of("C", "US", "ST", "WA", "O", "Acme"),
        DistinguishedName.parse("C=US, ST=WA, O=Acme,"));
  }

  @Test
  void parse_anAttributeWithoutEquals_isRefused_evenAtTheEnd() {
    assertEquals("distinguished name \"C\": attribute without '='", refused("C"));
    assertEquals("distinguished name \"C=US, ST\": attribute without '='", refused("C=US, ST"));
  }

  @Test
  void parse_anEscapeAtTheVeryEnd_isRefusedAsDangling() {
    assertEquals("distinguished name \"O=Acme\\\": dangling escape", refused("O=Acme\\"));
  }

  @Test
  void parse_escapedTrailingSpace_isKept_unescapedOnesAreTrimmed() throws Exception {
    assertEquals(Map.of("O", "Acme ", "CN", "x"), DistinguishedName.parse("O=Acme\\ , CN=x  "));
  }

  @Test
  void subject_nonStringAttributeValue_isComparedByItsAsn1Text() throws Exception {
    KeyPair kp = TestSigning.ec("secp256r1");
    X500Name name =
        new X500NameBuilder()
            .addRDN(BCStyle.C, "US")
            .addRDN(new ASN1ObjectIdentifier("1.2.3.4"), new ASN1Integer(5))
            .build();
    X509Certificate c =
        TestSigning.cert(
            name, kp.getPublic(), "C=US, CN=Issuer", kp.getPrivate(), T0, T_END, b -> {});
    assertEquals(Map.of("C", "US", "1.2.3.4", "5"), DistinguishedName.subject(c));
  }
}
