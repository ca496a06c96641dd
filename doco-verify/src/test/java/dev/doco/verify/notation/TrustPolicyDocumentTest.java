package dev.doco.verify.notation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.ConfigException;
import dev.doco.verify.notation.Level.Action;
import dev.doco.verify.notation.Level.Check;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustPolicyDocumentTest {
  @TempDir Path tmp;

  private static final String ID = "\"x509.subject: C=US, ST=WA, O=Acme\"";

  private static String statement(String name, String scopes, String verification) {
    return "{\"name\":\""
        + name
        + "\",\"registryScopes\":["
        + scopes
        + "],\"signatureVerification\":"
        + verification
        + ",\"trustStores\":[\"ca:acme\"],\"trustedIdentities\":["
        + ID
        + "]}";
  }

  private static TrustPolicyDocument parse(String... statements) throws Malformed {
    return TrustPolicyDocument.parse(
        ("{\"version\":\"1.0\",\"trustPolicies\":[" + String.join(",", statements) + "]}")
            .getBytes(StandardCharsets.UTF_8),
        "test");
  }

  private static String rejected(String... statements) {
    return assertThrows(Malformed.class, () -> parse(statements)).getMessage();
  }

  @Test
  void select_exactScopeWinsOverGlobal_andDockerHubHostsAreOne() throws Exception {
    TrustPolicyDocument d =
        parse(
            statement("global", "\"*\"", "{\"level\":\"audit\"}"),
            statement("app", "\"docker.io/acme/app\"", "{\"level\":\"strict\"}"));
    assertEquals("app", d.select("index.docker.io/acme/app").orElseThrow().name());
    assertEquals("global", d.select("ghcr.io/acme/other").orElseThrow().name());
    assertTrue(
        parse(statement("app", "\"ghcr.io/a/b\"", "{\"level\":\"strict\"}"))
            .select("ghcr.io/a/c")
            .isEmpty());
  }

  @Test
  void levelsAndOverrides_giveTheEffectiveTable() throws Exception {
    TrustPolicyDocument d =
        parse(
            statement(
                "s",
                "\"*\"",
                "{\"level\":\"permissive\",\"override\":{\"expiry\":\"enforce\","
                    + "\"revocation\":\"skip\"}}"));
    TrustPolicyDocument.Statement s = d.statements().get(0);
    assertEquals(Action.ENFORCE, s.action(Check.INTEGRITY));
    assertEquals(Action.ENFORCE, s.action(Check.AUTHENTICITY));
    assertEquals(Action.LOG, s.action(Check.AUTHENTIC_TIMESTAMP));
    assertEquals(Action.ENFORCE, s.action(Check.EXPIRY));
    assertEquals(Action.SKIP, s.action(Check.REVOCATION));
    assertEquals(Map.of("C", "US", "ST", "WA", "O", "Acme"), s.identities().get(0));
  }

  @Test
  void invalidPolicies_areRejectedWithTheReason() {
    assertTrue(
        rejected(
                statement("a", "\"ghcr.io/a/b\"", "{\"level\":\"strict\"}"),
                statement("b", "\"ghcr.io/a/b\"", "{\"level\":\"strict\"}"))
            .contains("more than one trust policy statement"));
    assertTrue(
        rejected(
                statement("a", "\"*\"", "{\"level\":\"strict\"}"),
                statement("a", "\"ghcr.io/a/b\"", "{\"level\":\"strict\"}"))
            .contains("named \"a\""));
    assertTrue(
        rejected(
                statement(
                    "a", "\"*\"", "{\"level\":\"strict\",\"override\":{\"integrity\":\"log\"}}"))
            .contains("integrity cannot be overridden"));
    assertTrue(
        rejected(
                statement(
                    "a", "\"*\"", "{\"level\":\"strict\",\"override\":{\"expiry\":\"skip\"}}"))
            .contains("only revocation"));
    assertTrue(
        rejected(statement("a", "\"*\"", "{\"level\":\"lenient\"}")).contains("unknown level"));
    assertTrue(
        rejected(statement("a", "\"ghcr.io/a/b:latest\"", "{\"level\":\"strict\"}"))
            .contains("fully qualified repository"));
    assertTrue(
        rejected(statement("a", "\"*\",\"ghcr.io/a/b\"", "{\"level\":\"strict\"}"))
            .contains("only registry scope"));
    assertTrue(
        rejected(
                "{\"name\":\"a\",\"registryScopes\":[\"*\"],\"signatureVerification\":{\"level\":"
                    + "\"strict\"},\"trustStores\":[\"ca:acme\"],\"trustedIdentities\":["
                    + "\"x509.subject: CN=only\"]}")
            .contains("C, ST (or S) and O"));
    assertTrue(
        rejected(
                "{\"name\":\"a\",\"registryScopes\":[\"*\"],\"signatureVerification\":{\"level\":"
                    + "\"strict\"},\"trustStores\":[\"root:acme\"],\"trustedIdentities\":[\"*\"]}")
            .contains("ca:NAME, signingAuthority:NAME or tsa:NAME"));
    assertTrue(
        rejected(
                "{\"name\":\"a\",\"registryScopes\":[\"ghcr.io/a/b\"],\"signatureVerification\":"
                    + "{\"level\":\"skip\"},\"trustStores\":[\"ca:acme\"],\"trustedIdentities\":"
                    + "[\"*\"]}")
            .contains("remove them"));
  }

  @Test
  void globalSkip_isRejected() {
    String msg =
        rejected(
            "{\"name\":\"a\",\"registryScopes\":[\"*\"],\"signatureVerification\":{\"level\":"
                + "\"skip\"}}");
    assertTrue(msg.contains("cannot use level skip"), msg);
  }

  @Test
  void load_findsTheOciFileFirst_thenTheLegacyName_andReportsMissingFiles() throws Exception {
    String body =
        "{\"version\":\"1.0\",\"trustPolicies\":["
            + statement("legacy", "\"*\"", "{\"level\":\"audit\"}")
            + "]}";
    Files.writeString(tmp.resolve("trustpolicy.json"), body);
    assertEquals("legacy", TrustPolicyDocument.load(tmp).statements().get(0).name());
    Files.writeString(tmp.resolve("trustpolicy.oci.json"), body.replace("legacy", "oci"));
    assertEquals("oci", TrustPolicyDocument.load(tmp).statements().get(0).name());
    ConfigException e =
        assertThrows(ConfigException.class, () -> TrustPolicyDocument.load(tmp.resolve("none")));
    assertTrue(e.getMessage().contains("not found"), e.getMessage());
  }

  @Test
  void distinguishedNames_parseEscapes_andMatchAsSubsets() throws Exception {
    Map<String, String> dn = DistinguishedName.parse("C=US, S=WA, O=Acme\\, Inc., CN= x ");
    assertEquals(Map.of("C", "US", "ST", "WA", "O", "Acme, Inc.", "CN", "x"), dn);
    assertTrue(DistinguishedName.isSubset(Map.of("C", "US"), dn));
    assertTrue(!DistinguishedName.isSubset(Map.of("C", "US", "OU", "x"), dn));
    assertThrows(Malformed.class, () -> DistinguishedName.parse("C=US+O=x"));
    assertThrows(Malformed.class, () -> DistinguishedName.parse("C=US, C=CA"));
  }
}
