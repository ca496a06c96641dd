package dev.doco.verify.notation;

import static dev.doco.verify.notation.TestSigning.T0;
import static dev.doco.verify.notation.TestSigning.T_END;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  void parse_aTrailingSeparator_isRefusedAsGoLdapDoes() {
    assertEquals(
        "distinguished name \"C=US, ST=WA, O=Acme,\": ends with a separator (incomplete type,"
            + " value pair)",
        refused("C=US, ST=WA, O=Acme,"));
    assertEquals(
        "distinguished name \"C=US;\": ends with a separator (incomplete type, value pair)",
        refused("C=US;"));
  }

  @Test
  void parse_emptyName_isRefused() {
    assertEquals("distinguished name is empty", refused(""));
  }

  @Test
  void parse_semicolonSeparatesLikeAComma() throws Exception {
    assertEquals(Map.of("C", "US", "O", "Acme"), DistinguishedName.parse("C=US;O=Acme"));
  }

  @Test
  void parse_everySpecialCharacterCanBeEscaped() throws Exception {
    assertEquals(
        Map.of("O", " \"#+,;<=>\\x", "C", "US"),
        DistinguishedName.parse("O=\\ \\\"\\#\\+\\,\\;\\<\\=\\>\\\\x, C=US"));
  }

  @Test
  void parse_hexEscapes_areUtf8Bytes_inEitherCase() throws Exception {
    assertEquals(
        Map.of("O", "Acme, Inc", "L", "Z\u00fcrich", "C", "US"),
        DistinguishedName.parse("O=Acme\\2C Inc, L=Z\\c3\\BCrich, C=U\\53"));
    assertEquals(Map.of("O", "09afAF"), DistinguishedName.parse("O=\\30\\39\\61\\66\\41\\46"));
  }

  @Test
  void parse_anEscapeThatIsNeitherSpecialNorTwoHexDigits_isRefused() {
    assertEquals(
        "distinguished name \"O=A\\cme\": invalid escape '\\c' (escape one of  \"#+,;<=>\\ or"
            + " write a byte as \\XX)",
        refused("O=A\\cme"));
    assertEquals(
        "distinguished name \"O=\\4\": invalid escape '\\4' (escape one of  \"#+,;<=>\\ or"
            + " write a byte as \\XX)",
        refused("O=\\4"));
    assertTrue(refused("O=\\4g").contains("invalid escape '\\4'"));
    assertTrue(refused("O=\\g4").contains("invalid escape '\\g'"));
  }

  @Test
  void parse_unescapedQuoteOrAngleBracket_isRefused() {
    assertEquals(
        "distinguished name \"O=a\"b\": character '\"' must be escaped", refused("O=a\"b"));
    assertTrue(refused("O=a<b").contains("character '<' must be escaped"));
    assertTrue(refused("O=a>b").contains("character '>' must be escaped"));
    assertTrue(refused("O=a\u0000b").contains("must be escaped"));
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
