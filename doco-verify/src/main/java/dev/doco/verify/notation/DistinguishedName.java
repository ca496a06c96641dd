package dev.doco.verify.notation;

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

  private DistinguishedName() {}

  /**
   * Parses an RFC 4514-style DN as written in a trust policy ({@code C=US, ST=WA, O=Acme}); escapes
   * {@code \,} {@code \+} {@code \;} {@code \\} {@code \"} and {@code \ } are honoured.
   */
  static Map<String, String> parse(String dn) throws Malformed {
    Map<String, String> out = new LinkedHashMap<>();
    int i = 0;
    int n = dn.length();
    while (i < n) {
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
          if (i + 1 >= n) {
            throw new Malformed("distinguished name \"" + dn + "\": dangling escape");
          }
          value.append(dn.charAt(i + 1));
          i += 2;
          lastSignificant = value.length();
          leading = false;
          continue;
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
      i++; // separator (or past the end)
      String t = normaliseType(type.toString().trim());
      if (t.isEmpty() || value.length() == 0) {
        throw new Malformed("distinguished name \"" + dn + "\": empty attribute type or value");
      }
      if (out.put(t, value.toString()) != null) {
        throw new Malformed("distinguished name \"" + dn + "\": attribute " + t + " appears twice");
      }
    }
    if (out.isEmpty()) {
      throw new Malformed("distinguished name is empty");
    }
    return out;
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
