package dev.doco.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustPolicyLoaderTest {
  private final List<String> warnings = new ArrayList<>();

  private TrustPolicy parse(String yaml) {
    return TrustPolicyLoader.parse(yaml, "OCI_TRUST_POLICY", warnings::add);
  }

  private ConfigException fails(String yaml) {
    return assertThrows(ConfigException.class, () -> parse(yaml));
  }

  // TestGetConfig_OciTrustPolicyDefaultDisabled / _CanBeEnabled
  @Test
  void empty_isDisabled() {
    assertSame(TrustPolicy.DISABLED, parse(""));
    assertSame(TrustPolicy.DISABLED, parse("   \n# nothing\n"));
    assertSame(TrustPolicy.DISABLED, TrustPolicyLoader.fromEnvironment(Map.of()));
    assertFalse(TrustPolicyLoader.fromEnvironment(Map.of("OCI_TRUST_POLICY", "")).enabled());
  }

  @Test
  void enabled_canBeSet() {
    TrustPolicy p =
        TrustPolicyLoader.fromEnvironment(Map.of("OCI_TRUST_POLICY", "enabled: true\n"));
    assertTrue(p.enabled());
    assertTrue(p.hasNoRules());
    assertFalse(p.ignoreTlog());
  }

  @Test
  void allKeys_areRead() {
    TrustPolicy p =
        parse(
            "enabled: true\nignore_tlog: true\npublic_keys:\n  - |\n    -----BEGIN PUBLIC KEY-----\n"
                + "    abc\n    -----END PUBLIC KEY-----\n"
                + "keyless_identities:\n  - issuer: https://token.actions.githubusercontent.com\n"
                + "    subject_regexp: ^https://github.com/o/r/.+$\n"
                + "trusted_root: /etc/doco/trusted_root.json\n"
                + "notation:\n  trust_policy: /etc/notation/trustpolicy.oci.json\n"
                + "  trust_store: /etc/notation/truststore\n");
    assertTrue(p.enabled());
    assertTrue(p.ignoreTlog());
    assertEquals(
        List.of("-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----"), p.publicKeys());
    assertEquals(
        List.of(
            new KeylessIdentity(
                "https://token.actions.githubusercontent.com", "", "^https://github.com/o/r/.+$")),
        p.keylessIdentities());
    assertEquals("/etc/doco/trusted_root.json", p.trustedRootFile().orElseThrow());
    assertEquals(
        new NotationTrust("/etc/notation/trustpolicy.oci.json", "/etc/notation/truststore"),
        p.notationTrust().orElseThrow());
    assertFalse(p.hasNoRules());
    assertTrue(warnings.isEmpty(), warnings.toString());
  }

  // TestNormalizeOciTrustPolicy (enabled: trims + drops empty keys; disabled: untouched)
  @Test
  void normalise_enabled_trimsAndDropsEmptyKeys() {
    TrustPolicy p = parse("enabled: true\npublic_keys: ['  K1  ', '', '   ', K2]\n");
    assertEquals(List.of("K1", "K2"), p.publicKeys());
  }

  @Test
  void normalise_disabled_leavesKeysAlone() {
    TrustPolicy p = parse("enabled: false\npublic_keys: ['  K1  ', '']\n");
    assertEquals(List.of("  K1  ", ""), p.publicKeys());
  }

  // TestNormalizeOciTrustPolicy_TrimsSubjectRegexp
  @Test
  void identities_areTrimmed() {
    TrustPolicy p =
        parse(
            "enabled: true\nkeyless_identities:\n  - {issuer: ' https://i ', subject_regexp: ' ^a$ '}\n");
    assertEquals(new KeylessIdentity("https://i", "", "^a$"), p.keylessIdentities().get(0));
  }

  @Test
  void identity_subjectAndRegexp_areMutuallyExclusive() {
    ConfigException e =
        fails(
            "enabled: true\nkeyless_identities:\n  - issuer: https://i\n    subject: a\n    subject_regexp: b\n");
    assertTrue(e.getMessage().contains("mutually exclusive"), e.getMessage());
    assertEquals(3, e.line());
  }

  @Test
  void identity_needsIssuer_andASubject() {
    assertTrue(
        fails("keyless_identities: [{subject: a}]\n").getMessage().contains("needs an issuer"));
    assertTrue(
        fails("keyless_identities: [{issuer: https://i}]\n")
            .getMessage()
            .contains("neither subject nor subject_regexp"));
    assertTrue(
        fails("keyless_identities: [{issuer: https://i, subject: '  '}]\n")
            .getMessage()
            .contains("neither subject nor subject_regexp"));
  }

  @Test
  void identity_regexp_isCompiledAtLoad() {
    ConfigException e =
        fails("keyless_identities:\n  - issuer: https://i\n    subject_regexp: '^a(b'\n");
    assertTrue(e.getMessage().contains("invalid subject_regexp"), e.getMessage());
    assertEquals(3, e.line());
  }

  @Test
  void notation_needsBothPaths() {
    assertTrue(
        fails("notation: {trust_policy: /p.json}\n")
            .getMessage()
            .contains("needs both trust_policy"));
  }

  @Test
  void typeErrors_andUnknownKeys() {
    assertTrue(fails("enabled: sure\n").getMessage().contains("into bool"));
    assertTrue(fails("public_keys: KEY\n").getMessage().contains("into []string"));
    assertTrue(
        fails("enabled: [\n").getMessage().startsWith("OCI_TRUST_POLICY, document 1, line "));
    parse("enabled: true\npublic_key: x\n");
    assertTrue(warnings.get(0).contains("did you mean 'public_keys'"), warnings.toString());
  }

  @Test
  void parseError_isDocoCdsStartupMessage() {
    assertTrue(fails("- a\n- b\n").getMessage().contains("failed to parse OCI_TRUST_POLICY"));
  }

  @Test
  void sopsEncryptedFile_isRefusedWithAHint() {
    assertTrue(
        fails("enabled: ENC[AES256_GCM,data:x]\nsops:\n  version: 3.8\n")
            .getMessage()
            .contains("sops -d"));
  }

  @Test
  void fromEnvironment_bothSet_isDocoCdsError() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                TrustPolicyLoader.fromEnvironment(
                    Map.of("OCI_TRUST_POLICY", "enabled: true", "OCI_TRUST_POLICY_FILE", "/x")));
    assertEquals(
        "both secrets are set, please use one or the other: OCI_TRUST_POLICY or OCI_TRUST_POLICY_FILE",
        e.getMessage());
  }

  @Test
  void fromEnvironment_file(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("trust-policy.yaml");
    Files.writeString(f, "enabled: true\nignore_tlog: true\npublic_keys: [K]\n");
    TrustPolicy p =
        TrustPolicyLoader.fromEnvironment(Map.of("OCI_TRUST_POLICY_FILE", f.toString()));
    assertTrue(p.enabled());
    assertTrue(p.ignoreTlog());
    assertEquals(List.of("K"), p.publicKeys());
    assertNull(p.trustedRoot());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                TrustPolicyLoader.fromEnvironment(
                    Map.of("OCI_TRUST_POLICY_FILE", dir.resolve("missing").toString())));
    assertTrue(e.getMessage().contains("cannot read file"), e.getMessage());
  }
}
