package dev.doco.verify.notation;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * Distinguished names as Notation compares them: single-valued RDNs, one value per attribute type,
 * {@code S} as an alias of {@code ST}, and identity matching as "every attribute of the policy DN
 * is in the certificate subject with the same value" (notation-go {@code pkix.IsSubsetDN}).
 */
final class DistinguishedName {
  private static final Map<String, String> SHORT_NAMES =
      Map.of(
          "2.5.4.6", "C",
          "2.5.4.8", "ST",
          "2.5.4.7", "L",
          "2.5.4.10", "O",
          "2.5.4.11", "OU",
          "2.5.4.3", "CN",
          "2.5.4.5", "SERIALNUMBER",
          "2.5.4.9", "STREET",
          "2.5.4.17", "POSTALCODE");

  /** What RFC 4514 (and go-ldap) lets a backslash escape directly. */
  private static final String ESCAPABLE = " \"#+,;<=>\\";

  private DistinguishedName() {}

  /**
   * Parses an RFC 4514-style DN as written in a trust policy ({@code C=US, ST=WA, O=Acme}) the way
   * notation-go does (go-ldap {@code ParseDN}): the special characters {@code \ " # + , ; < = > \\}
   * may be escaped with a backslash, any byte as {@code \XX} hex (UTF-8); an unescaped {@code "},
   * {@code <} or {@code >}, any other escape, and a name ending in a separator are refused.
   */
  static Map<String, String> parse(String dn) throws Malformed {
    if (dn.isEmpty()) {
      throw new Malformed("distinguished name is empty");
    }
    Map<String, String> out = new LinkedHashMap<>();
    int i = 0;
    int n = dn.length();
    boolean more = true;
    while (more) {
      StringBuilder type = new StringBuilder();
      while (i < n && dn.charAt(i) != '=') {
        char c = dn.charAt(i++);
        if (c == ',' || c == '+' || c == '\\') {
          throw new Malformed("distinguished name \"" + dn + "\": attribute without '='");
        }
        type.append(c);
      }
      if (i >= n) {
        throw new Malformed("distinguished name \"" + dn + "\": attribute without '='");
      }
      i++; // '='
      StringBuilder value = new StringBuilder();
      int lastSignificant = 0;
      boolean leading = true;
      while (i < n) {
        char c = dn.charAt(i);
        if (c == ',' || c == ';') {
          break;
        }
        if (c == '+') {
          throw new Malformed(
              "distinguished name \"" + dn + "\": multi-valued RDNs are not supported by Notation");
        }
        if (c == '\\') {
          i = unescape(dn, i, value);
          lastSignificant = value.length();
          leading = false;
          continue;
        }
        if (c == '"' || c == '<' || c == '>' || c == 0) {
          throw new Malformed(
              "distinguished name \"" + dn + "\": character '" + c + "' must be escaped");
        }
        i++;
        if (leading && c == ' ') {
          continue;
        }
        leading = false;
        value.append(c);
        if (c != ' ') {
          lastSignificant = value.length();
        }
      }
      value.setLength(lastSignificant);
      more = i < n; // the value ended at a separator
      if (i == n - 1) {
        throw new Malformed(
            "distinguished name \""
                + dn
                + "\": ends with a separator (incomplete type, value pair)");
      }
      i++; // separator (or past the end)
      String t = normaliseType(type.toString().trim());
      if (t.isEmpty() || value.length() == 0) {
        throw new Malformed("distinguished name \"" + dn + "\": empty attribute type or value");
      }
      if (out.put(t, value.toString()) != null) {
        throw new Malformed("distinguished name \"" + dn + "\": attribute " + t + " appears twice");
      }
    }
    return out;
  }

  /**
   * Appends the character(s) escaped at {@code dn[i]} (a backslash) to {@code value}: one special
   * character, or a run of {@code \XX} hex escapes decoded as UTF-8.
   *
   * @return the index after the escape
   */
  private static int unescape(String dn, int i, StringBuilder value) throws Malformed {
    int n = dn.length();
    if (i + 1 >= n) {
      throw new Malformed("distinguished name \"" + dn + "\": dangling escape");
    }
    char next = dn.charAt(i + 1);
    if (ESCAPABLE.indexOf(next) >= 0) {
      value.append(next);
      return i + 2;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int j = i;
    while (j + 2 < n && dn.charAt(j) == '\\' && hex(dn.charAt(j + 1)) && hex(dn.charAt(j + 2))) {
      bytes.write(Integer.parseInt(dn.substring(j + 1, j + 3), 16));
      j += 3;
    }
    if (j == i) {
      throw new Malformed(
          "distinguished name \""
              + dn
              + "\": invalid escape '\\"
              + next
              + "' (escape one of "
              + ESCAPABLE
              + " or write a byte as \\XX)");
    }
    value.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
    return j;
  }

  private static boolean hex(char c) {
    return "0123456789abcdefABCDEF".indexOf(c) >= 0;
  }

  /** The subject of {@code cert} as attribute type to value. */
  static Map<String, String> subject(X509Certificate cert) throws Malformed {
    X500Name name = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
    Map<String, String> out = new LinkedHashMap<>();
    for (RDN rdn : name.getRDNs()) {
      if (rdn.isMultiValued()) {
        throw new Malformed("certificate subject has a multi-valued RDN, which Notation rejects");
      }
      AttributeTypeAndValue atv = rdn.getFirst();
      if (atv == null) {
        continue;
      }
      ASN1ObjectIdentifier oid = atv.getType();
      String type = SHORT_NAMES.getOrDefault(oid.getId(), oid.getId());
      ASN1Encodable v = atv.getValue();
      String value = v instanceof ASN1String s ? s.getString() : v.toString();
      if (out.put(type, value) != null) {
        throw new Malformed(
            "certificate subject has attribute " + type + " twice, which Notation rejects");
      }
    }
    return out;
  }

  /** True when every attribute of {@code policy} is in {@code subject} with the same value. */
  static boolean isSubset(Map<String, String> policy, Map<String, String> subject) {
    for (Map.Entry<String, String> e : policy.entrySet()) {
      if (!e.getValue().equals(subject.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private static String normaliseType(String type) {
    String t = type.toUpperCase(Locale.ROOT);
    return t.equals("S") ? "ST" : t;
  }
}
