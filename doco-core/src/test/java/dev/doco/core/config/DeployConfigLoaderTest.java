package dev.doco.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeployConfigLoaderTest {
  @TempDir Path dir;

  private static DeployConfig one(String yaml) {
    DeployConfigLoader.Result r = DeployConfigLoader.parse(yaml, ".doco-cd.yaml", false);
    assertEquals(1, r.configs().size());
    return r.configs().get(0);
  }

  private static ConfigException fails(String yaml) {
    return assertThrows(
        ConfigException.class, () -> DeployConfigLoader.parse(yaml, ".doco-cd.yaml", false));
  }

  private void write(String name, String text) throws IOException {
    Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  // ---- discovery

  @Test
  void load_prefersYamlOverYml() throws IOException {
    write(".doco-cd.yaml", "name: from-yaml\n");
    write(".doco-cd.yml", "name: from-yml\n");
    DeployConfig c = DeployConfigLoader.load(dir, "").configs().get(0);
    assertEquals("from-yaml", c.name());
    assertEquals(".doco-cd.yaml", c.origin());
    assertFalse(c.trusted());
  }

  @Test
  void load_fallsBackToYml() throws IOException {
    write(".doco-cd.yml", "name: from-yml\n");
    assertEquals("from-yml", DeployConfigLoader.load(dir, "").configs().get(0).name());
  }

  @Test
  void load_customTarget_readsTargetFileNotDefault() throws IOException {
    write(".doco-cd.yaml", "name: default\n");
    write(".doco-cd.production.yml", "name: prod\n");
    assertEquals("prod", DeployConfigLoader.load(dir, "production").configs().get(0).name());
  }

  @Test
  void load_customTarget_doesNotFallBackToDefault() throws IOException {
    write(".doco-cd.yaml", "name: default\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> DeployConfigLoader.load(dir, "staging"));
    assertTrue(
        e.getMessage()
            .contains("configuration file not found in repository: .doco-cd.staging.y(a)ml"),
        e.getMessage());
  }

  @Test
  void load_noFile_namesTheDefaultNames() {
    ConfigException e = assertThrows(ConfigException.class, () -> DeployConfigLoader.load(dir, ""));
    assertTrue(
        e.getMessage().startsWith("configuration file not found in repository: .doco-cd.y(a)ml"),
        e.getMessage());
  }

  @Test
  void load_ignoresDirectoriesAndFilesInSubdirectories() throws IOException {
    Files.createDirectory(dir.resolve(".doco-cd.yaml"));
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("sub/.doco-cd.yml"), "name: nested\n");
    assertThrows(ConfigException.class, () -> DeployConfigLoader.load(dir, ""));
  }

  @Test
  void load_doesNotFollowSymlinks() throws IOException {
    Path outside = Files.createTempFile("outside", ".yaml");
    try {
      Files.writeString(outside, "name: outside\n");
      Files.createSymbolicLink(dir.resolve(".doco-cd.yaml"), outside);
      assertThrows(ConfigException.class, () -> DeployConfigLoader.load(dir, ""));
    } finally {
      Files.deleteIfExists(outside);
    }
  }

  @Test
  void fileNames_targetWithPathSeparator_isRefused() {
    assertThrows(ConfigException.class, () -> DeployConfigLoader.fileNames("../etc"));
    assertEquals(
        List.of(".doco-cd.prod.yaml", ".doco-cd.prod.yml"), DeployConfigLoader.fileNames("prod"));
  }

  // ---- documents

  @Test
  void parse_emptyFile_isAnError() {
    assertTrue(fails("").getMessage().contains("no yaml documents found in file"));
    assertTrue(fails("# just a comment\n").getMessage().contains("no yaml documents found"));
  }

  @Test
  void parse_multiDocument_oneDeploymentPerDocument() {
    DeployConfigLoader.Result r =
        DeployConfigLoader.parse(
            "name: app1\nworking_dir: app1\n---\nname: app2\ntimeout: 600\n", "f.yaml", false);
    assertEquals(2, r.configs().size());
    assertEquals("app1", r.configs().get(0).name());
    assertEquals(0, r.configs().get(0).document());
    assertEquals("app2", r.configs().get(1).name());
    assertEquals(1, r.configs().get(1).document());
    assertEquals(Duration.ofSeconds(600), r.configs().get(1).timeout());
  }

  @Test
  void parse_syntaxError_namesFileDocumentAndLine() {
    ConfigException e = fails("name: a\n---\nname: b\nprofiles: [x\n");
    assertEquals(".doco-cd.yaml", e.file().orElseThrow());
    assertEquals(1, e.document());
    assertTrue(e.line() >= 4, "line " + e.line());
    assertTrue(e.getMessage().contains("failed to decode yaml"), e.getMessage());
  }

  @Test
  void parse_errorInSecondDocument_namesDocumentAndLine() {
    ConfigException e = fails("name: a\n---\nname: b\ndestroy: maybe\n");
    assertEquals(1, e.document());
    assertEquals(4, e.line());
    assertTrue(e.getMessage().startsWith(".doco-cd.yaml, document 2, line 4: "), e.getMessage());
    assertTrue(
        e.getMessage().contains("invalid destroy value: expected bool or object"), e.getMessage());
  }

  @Test
  void parse_duplicateKey_isAnError() {
    ConfigException e = fails("name: a\nname: b\n");
    assertEquals(2, e.line());
    assertTrue(e.getMessage().contains("already defined at line 1"), e.getMessage());
  }

  @Test
  void parse_nonMappingDocument_isAnError() {
    assertTrue(fails("- name: a\n").getMessage().contains("cannot unmarshal !!seq"));
  }

  @Test
  void parse_mergeKeys_areApplied() {
    DeployConfigLoader.Result r =
        DeployConfigLoader.parse(
            "x-defaults: &b {quiet: true}\nname: a\n---\nname: b\nx: &c {quiet: true}\nbuild:\n  <<: *c\n  no_cache: true\n",
            "f",
            false);
    BuildConfig b = r.configs().get(1).build();
    assertTrue(b.quiet());
    assertTrue(b.noCache());
  }

  // ---- defaults

  @Test
  void defaults_areDocoCds() {
    DeployConfig c = one("name: some-project\n");
    assertEquals("git", c.source());
    assertEquals("doco.v1", c.version());
    assertEquals(".", c.workingDir());
    assertEquals("", c.context());
    assertEquals(
        List.of("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"),
        c.composeFiles());
    assertTrue(c.usesDefaultComposeFiles());
    assertEquals(List.of(".env"), c.envFiles());
    assertEquals(Map.of(), c.environment());
    assertEquals(List.of(), c.profiles());
    assertTrue(c.removeOrphans());
    assertTrue(c.pruneImages());
    assertFalse(c.forceRecreate());
    assertFalse(c.forceImagePull());
    assertTrue(c.waitRunningJobs());
    assertEquals(Duration.ofSeconds(180), c.timeout());
    assertEquals(0, c.gitDepth());
    assertEquals("", c.webhookFilter());
    assertEquals(new DestroyConfig(false, true, true, true), c.destroy());
    assertEquals(new AutoDiscoveryConfig(false, 0, false, false, true), c.autoDiscovery());
    assertEquals(
        new ReconciliationConfig(true, List.of("unhealthy"), 10, "", 5, 300), c.reconciliation());
    assertNull(c.swarm().configRetention());
    assertNull(c.swarm().secretRetention());
    assertEquals(BuildConfig.DEFAULT, c.build());
    assertTrue(c.oci().isEmpty());
  }

  // ---- keys

  @Test
  void allKeys_areRead() {
    DeployConfig c =
        one(
            String.join(
                "\n",
                "name: web",
                "source: ' OCI '",
                "version: doco.v1",
                "reference: other",
                "webhook_filter: ^v[0-9]+",
                "working_dir: ./apps//web/",
                "context: ' remote '",
                "compose_files: [base.yml, ./over.yml]",
                "environment: {A: '1', B: 2}",
                "env_files: [a.env, ../web/b.env]",
                "profiles: [debug]",
                "remove_orphans: false",
                "prune_images: no",
                "force_recreate: true",
                "force_image_pull: yes",
                "wait_running_jobs: false",
                "timeout: 30",
                "git_depth: 3",
                "build: {force_image_pull: true, quiet: true, args: {X: 1}, no_cache: true}",
                "swarm: {config_retention: -1, secret_retention: 4}",
                "external_secrets: {S1: 'op://v/i/f', S2: {provider: bw, id: x}}",
                ""));
    assertEquals("oci", c.source());
    assertEquals("other", c.reference());
    assertEquals("^v[0-9]+", c.webhookFilter());
    assertEquals("apps/web", c.workingDir());
    assertEquals("remote", c.context());
    assertEquals(List.of("base.yml", "over.yml"), c.composeFiles());
    assertFalse(c.usesDefaultComposeFiles());
    assertEquals(Map.of("A", "1", "B", "2"), c.environment());
    assertEquals(List.of("a.env", "../web/b.env"), c.envFiles());
    assertEquals(List.of("debug"), c.profiles());
    assertFalse(c.removeOrphans());
    assertFalse(c.pruneImages());
    assertTrue(c.forceRecreate());
    assertTrue(c.forceImagePull());
    assertFalse(c.waitRunningJobs());
    assertEquals(Duration.ofSeconds(30), c.timeout());
    assertEquals(3, c.gitDepth());
    assertEquals(new BuildConfig(true, true, Map.of("X", "1"), true), c.build());
    assertEquals(new SwarmConfig(-1, 4), c.swarm());
    assertEquals("op://v/i/f", c.externalSecrets().get("S1"));
    assertEquals(Map.of("provider", "bw", "id", "x"), c.externalSecrets().get("S2"));
  }

  @Test
  void scalarsIntoStrings_keepTheirWrittenText() {
    DeployConfig c = one("name: 123\nenvironment: {DATE: 2021-01-01, N: 0x10, E:}\n");
    assertEquals("123", c.name());
    assertEquals(Map.of("DATE", "2021-01-01", "N", "0x10", "E", ""), c.environment());
  }

  @Test
  void typeErrors_sayWhatWasExpected() {
    assertTrue(
        fails("name: a\ntimeout: soon\n")
            .getMessage()
            .contains("cannot unmarshal !!str `soon` into int"));
    assertTrue(fails("name: a\nremove_orphans: 3\n").getMessage().contains("into bool"));
    assertTrue(fails("name: [a]\n").getMessage().contains("cannot unmarshal !!seq into string"));
    assertTrue(
        fails("name: a\ncompose_files: docker-compose.yml\n")
            .getMessage()
            .contains("write a YAML list"));
    assertTrue(fails("name: a\ntimeout: 1.5\n").getMessage().contains("into int"));
    assertEquals(Duration.ofSeconds(2), one("name: a\ntimeout: 2.0\n").timeout());
  }

  @Test
  void quotedTrue_isNotABool_likeYamlV3() {
    assertTrue(fails("name: a\nforce_recreate: 'true'\n").getMessage().contains("into bool"));
    assertTrue(one("name: a\nforce_recreate: 'yes'\n").forceRecreate());
    assertTrue(one("name: a\nforce_recreate: True\n").forceRecreate());
  }

  // ---- validation

  @Test
  void name_missing_isKeyNotFound() {
    ConfigException e = fails("working_dir: x\n");
    assertTrue(
        e.getMessage().contains("invalid deploy configuration: key not found: name"),
        e.getMessage());
    assertEquals(0, e.document());
    assertEquals(1, e.line());
  }

  @Test
  void name_missing_isFineWithAutoDiscovery() {
    DeployConfig c = one("auto_discovery: true\n");
    assertEquals("", c.name());
    assertTrue(c.autoDiscovery().enabled());
  }

  @Test
  void source_invalid_isRejected() {
    assertTrue(
        fails("name: a\nsource: svn\n")
            .getMessage()
            .contains("invalid source type \"svn\": must be \"git\" or \"oci\""));
  }

  @Test
  void version_defaultsAndOciCheck() {
    assertEquals("doco.v1", one("name: a\nversion: ''\n").version());
    assertEquals("doco.v1", one("name: a\nsource: oci\n").version());
    assertTrue(
        fails("name: a\nsource: oci\nversion: doco.v2\n")
            .getMessage()
            .contains("unsupported oci version \"doco.v2\""));
    // doco-cd checks the version only for source: oci
    assertEquals("doco.v2", one("name: a\nversion: doco.v2\n").version());
  }

  @Test
  void gitDepth_negative_isRejected() {
    assertTrue(fails("name: a\ngit_depth: -1\n").getMessage().contains("git_depth must be >= 0"));
  }

  @Test
  void swarmRetention_belowMinusOne_isRejected() {
    assertTrue(
        fails("name: a\nswarm: {config_retention: -2}\n")
            .getMessage()
            .contains("swarm.config_retention must be >= -1"));
    assertTrue(
        fails("name: a\nswarm: {secret_retention: -5}\n")
            .getMessage()
            .contains("swarm.secret_retention must be >= -1"));
  }

  @Test
  void workingDir_isCleaned_andAbsoluteIsRejoinedUnderRoot() {
    assertEquals("a/c", one("name: a\nworking_dir: ./a/b/../c/\n").workingDir());
    assertEquals(".", one("name: a\nworking_dir: ''\n").workingDir());
    DeployConfigLoader.Result r =
        DeployConfigLoader.parse("name: a\nworking_dir: /srv/app\n", "f", false);
    assertEquals("srv/app", r.configs().get(0).workingDir());
    assertTrue(r.warnings().get(0).contains("absolute"), r.warnings().toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", "../other", "a/../../b"})
  void workingDir_escapingTheArtifact_isRefused(String wd) {
    ConfigException e = fails("name: a\nworking_dir: " + wd + "\n");
    assertTrue(e.getMessage().contains("outside the allowed base directory"), e.getMessage());
    assertEquals(2, e.line());
  }

  @Test
  void composeFiles_emptyList_isKeyNotFound() {
    assertTrue(
        fails("name: a\ncompose_files: []\n")
            .getMessage()
            .contains("key not found: compose_files"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/etc/compose.yml", "../compose.yml", "a/../../compose.yml", "''"})
  void composeFiles_notLocal_isInvalidFilePath(String f) {
    ConfigException e = fails("name: a\ncompose_files:\n  - ok.yml\n  - " + f + "\n");
    assertTrue(e.getMessage().contains("invalid file path: "), e.getMessage());
    assertEquals(4, e.line());
  }

  @Test
  void envFiles_escapingTheArtifact_areRefused_butMayClimbInsideIt() {
    assertEquals(
        List.of("../shared.env"),
        one("name: a\nworking_dir: apps/web\nenv_files: [../shared.env]\n").envFiles());
    assertTrue(
        fails("name: a\nenv_files: [../x.env]\n").getMessage().contains("invalid env file path"));
    assertTrue(
        fails("name: a\nenv_files: [/etc/x.env]\n").getMessage().contains("invalid env file path"));
  }

  @Test
  void webhookFilter_invalidRegex_isRejectedAtLoad() {
    ConfigException e = fails("name: a\nwebhook_filter: '^v[0-9'\n");
    assertTrue(e.getMessage().contains("invalid webhook_filter \"^v[0-9\""), e.getMessage());
    assertEquals(2, e.line());
  }

  @Test
  void timeout_negative_isRejected() {
    assertTrue(fails("name: a\ntimeout: -1\n").getMessage().contains("timeout must be >= 0"));
  }

  @Test
  void uniqueNames_acrossDocuments() {
    ConfigException e = fails("name: a\n---\nname: b\n---\nname: a\n");
    assertTrue(
        e.getMessage().contains("duplicate project/stack name found in configuration file: a"),
        e.getMessage());
    assertEquals(2, e.document());
    assertEquals(5, e.line());
  }

  // ---- bool|object

  @Test
  void destroy_boolOrObject() {
    assertEquals(
        new DestroyConfig(true, true, true, true), one("name: a\ndestroy: true\n").destroy());
    assertEquals(
        new DestroyConfig(true, true, false, false),
        one("name: a\ndestroy: {enabled: true, remove_images: false, remove_dir: false}\n")
            .destroy());
    assertEquals(
        new DestroyConfig(false, false, true, true),
        one("name: a\ndestroy: {remove_volumes: false}\n").destroy());
    assertTrue(
        fails("name: a\ndestroy: [true]\n")
            .getMessage()
            .contains("invalid destroy value: expected bool or object"));
    assertTrue(
        fails("name: a\ndestroy: 'soon'\n")
            .getMessage()
            .contains("invalid destroy value: expected bool or object"));
  }

  @Test
  void autoDiscovery_boolOrObject() {
    assertEquals(
        new AutoDiscoveryConfig(true, 1, true, false, true),
        one("auto_discovery: {enabled: true, depth: 1, delete: true}\n").autoDiscovery());
    assertTrue(
        fails("name: a\nauto_discovery: 5\n")
            .getMessage()
            .contains("invalid auto_discovery value: expected bool or object"));
    assertTrue(
        fails("name: a\nauto_discovery: {enabled: true, depth: -1}\n")
            .getMessage()
            .contains("auto_discovery.depth must be >= 0"));
  }

  @Test
  void reconciliation_boolOrObject_andEventRules() {
    ReconciliationConfig off = one("name: a\nreconciliation: false\n").reconciliation();
    assertFalse(off.enabled());
    assertEquals(List.of("unhealthy"), off.events());

    ReconciliationConfig r =
        one("name: a\nreconciliation:\n  events: [Die, remove, delete, destroy, OOM, die]\n"
                + "  restart_signal: sigquit\n  restart_timeout: 30\n")
            .reconciliation();
    assertTrue(r.enabled());
    assertEquals(List.of("die", "destroy", "oom"), r.events());
    assertEquals("SIGQUIT", r.restartSignal());
    assertEquals(30, r.restartTimeout());

    assertFalse(
        one("name: a\nreconciliation: {enabled: true, events: []}\n").reconciliation().enabled());
    assertTrue(
        fails("name: a\nreconciliation: {events: ['']}\n")
            .getMessage()
            .contains("reconciliation.events contains an empty event"));
    assertTrue(
        fails("name: a\nreconciliation: {events: [restart]}\n")
            .getMessage()
            .contains("unsupported reconciliation event \"restart\""));
    assertTrue(
        fails("name: a\nreconciliation: {restart_limit: 3, restart_window: 0}\n")
            .getMessage()
            .contains("restart_window must be > 0"));
    assertTrue(
        fails("name: a\nreconciliation: {restart_timeout: -1}\n")
            .getMessage()
            .contains("reconciliation.restart_timeout must be >= 0"));
    assertTrue(
        fails("name: a\nreconciliation: maybe\n")
            .getMessage()
            .contains("invalid reconciliation value: expected bool or object"));
    // restart_limit 0 allows window 0
    assertEquals(
        0,
        one("name: a\nreconciliation: {restart_limit: 0, restart_window: 0}\n")
            .reconciliation()
            .restartWindow());
  }

  // ---- warnings and trust

  @Test
  void unknownKey_isWarnedWithFileDocumentLineAndSuggestion() {
    DeployConfigLoader.Result r =
        DeployConfigLoader.parse(
            "name: a\n---\nname: b\ncompose_file: docker-compose.yml\n", ".doco-cd.yml", false);
    assertEquals(2, r.configs().size());
    assertEquals(1, r.warnings().size());
    String w = r.warnings().get(0);
    assertTrue(w.startsWith(".doco-cd.yml, document 2, line 4: "), w);
    assertTrue(w.contains("unknown key 'compose_file'"), w);
    assertTrue(w.contains("did you mean 'compose_files'"), w);
    assertTrue(r.configs().get(1).usesDefaultComposeFiles());
  }

  @Test
  void unknownNestedKey_isWarned() {
    DeployConfigLoader.Result r =
        DeployConfigLoader.parse(
            "name: a\ndestroy: {enabled: true, remove_volume: false}\n", "f", false);
    assertTrue(r.warnings().get(0).contains("'remove_volume' in destroy"), r.warnings().toString());
    assertTrue(r.warnings().get(0).contains("remove_volumes"), r.warnings().toString());
  }

  @Test
  void ociOverride_inArtifact_isKeptButIgnoredWithWarning() {
    DeployConfigLoader.Result r =
        DeployConfigLoader.parse(
            "name: a\noci:\n  verify: false\n  public_keys: [' KEY ']\n", ".doco-cd.yaml", false);
    DeployConfig c = r.configs().get(0);
    assertEquals(Boolean.FALSE, c.oci().verify());
    assertEquals(List.of("KEY"), c.oci().publicKeys());
    assertTrue(c.trustedOverride().isEmpty());
    assertTrue(r.warnings().get(0).contains("cannot choose the policy that verifies it"));
    assertTrue(r.warnings().get(0).contains("line 2"), r.warnings().get(0));
  }

  @Test
  void ociOverride_trusted_isHonoured() {
    DeployConfigLoader.Result r =
        DeployConfigLoader.parse(
            "name: a\noci:\n  verify: true\n  ignore_tlog: true\n  keyless_identities:\n"
                + "    - {issuer: https://i, subject_regexp: '^x$'}\n",
            "POLL_CONFIG",
            true);
    assertTrue(r.warnings().isEmpty(), r.warnings().toString());
    TrustPolicyOverride o = r.configs().get(0).trustedOverride().orElseThrow();
    assertEquals(Boolean.TRUE, o.verify());
    assertEquals(Boolean.TRUE, o.ignoreTlog());
    assertEquals(List.of(new KeylessIdentity("https://i", "", "^x$")), o.keylessIdentities());
  }

  @Test
  void ociOverride_invalidIdentity_isRejectedEvenUntrusted() {
    assertTrue(
        fails("name: a\noci:\n  keyless_identities: [{subject: x}]\n")
            .getMessage()
            .contains("needs an issuer"));
  }

  @Test
  void repositoryUrl_isKeptNormalisedAndWarnedAsGitOnly() {
    DeployConfigLoader.Result r =
        DeployConfigLoader.parse("name: a\nrepository_url: /srv/repo.git\n", "f", false);
    assertEquals("file:///srv/repo.git", r.configs().get(0).repositoryUrl());
    assertTrue(r.warnings().get(0).contains("git-only"));
    assertTrue(
        fails("name: a\nrepository_url: 'not a url'\n").getMessage().contains("not a git URL"));
  }
}
