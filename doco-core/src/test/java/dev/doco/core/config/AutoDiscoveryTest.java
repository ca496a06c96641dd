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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code auto_discovery} expansion over real directory trees (see {@link AutoDiscovery}). */
class AutoDiscoveryTest {
  @TempDir Path tmp;
  private Path root;
  private Path outside;

  @BeforeEach
  void dirs() throws IOException {
    root = Files.createDirectories(tmp.resolve("artifact"));
    outside = Files.createDirectories(tmp.resolve("outside"));
  }

  private static final String COMPOSE = "services:\n  web:\n    image: busybox\n";

  private void write(String rel, String text) throws IOException {
    Path p = root.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text, StandardCharsets.UTF_8);
  }

  private void compose(String dir) throws IOException {
    write(dir + "/compose.yaml", COMPOSE);
  }

  private DeployConfigLoader.Result load(String rootConfig) throws IOException {
    write(".doco-cd.yaml", rootConfig);
    return DeployConfigLoader.load(root, "");
  }

  private ConfigException loadFails(String rootConfig) throws IOException {
    write(".doco-cd.yaml", rootConfig);
    return assertThrows(ConfigException.class, () -> DeployConfigLoader.load(root, ""));
  }

  private static List<String> map(List<DeployConfig> cs, Function<DeployConfig, String> f) {
    List<String> out = new ArrayList<>();
    for (DeployConfig c : cs) {
      out.add(f.apply(c));
    }
    return out;
  }

  private static DeployConfig named(DeployConfigLoader.Result r, String name) {
    return r.configs().stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no deployment " + name + " in " + r.configs()));
  }

  private static boolean anyWarning(DeployConfigLoader.Result r, String... parts) {
    return r.warnings().stream()
        .anyMatch(
            w -> {
              for (String p : parts) {
                if (!w.contains(p)) {
                  return false;
                }
              }
              return true;
            });
  }

  // ---- discovery and naming

  @Test
  void load_oneDeploymentPerComposeDirectory_namedAfterTheDirectory() throws IOException {
    compose("apps/web");
    write("apps/db/docker-compose.yml", COMPOSE);
    write("docs/readme.md", "# no compose here\n");
    DeployConfigLoader.Result r = load("auto_discovery: true\nprofiles: [p]\n");
    assertEquals(List.of("db", "web"), map(r.configs(), DeployConfig::name));
    assertEquals(List.of("apps/db", "apps/web"), map(r.configs(), DeployConfig::workingDir));
    for (DeployConfig c : r.configs()) {
      assertTrue(c.autoDiscovered(), c.name());
      assertTrue(c.autoDiscovery().enabled(), "keeps the base's auto_discovery settings");
      assertFalse(c.trusted());
      assertEquals(".doco-cd.yaml", c.origin());
      assertEquals(List.of("p"), c.profiles(), "a copy of the base config");
    }
  }

  @Test
  void load_walksInNameOrder_depthFirst() throws IOException {
    compose("b");
    compose("a/z");
    compose("a");
    compose("a/c");
    DeployConfigLoader.Result r = load("auto_discovery: true\n");
    assertEquals(List.of("a", "a/c", "a/z", "b"), map(r.configs(), DeployConfig::workingDir));
  }

  @Test
  void load_depth_limitsSubdirectoriesBelowWorkingDir() throws IOException {
    compose("apps/one");
    compose("apps/group/two");
    compose("apps/group/deeper/three");
    assertEquals(
        List.of("one"),
        map(
            load("working_dir: apps\nauto_discovery: {enabled: true, depth: 1}\n").configs(),
            DeployConfig::name));
    assertEquals(
        List.of("two", "one"),
        map(
            load("working_dir: apps\nauto_discovery: {enabled: true, depth: 2}\n").configs(),
            DeployConfig::name));
    assertEquals(
        List.of("three", "two", "one"),
        map(
            load("working_dir: apps\nauto_discovery: {enabled: true, depth: 0}\n").configs(),
            DeployConfig::name));
  }

  @Test
  void load_skipsToolingDirectoriesAndEverythingBelowThem() throws IOException {
    for (String skipped : List.of(".git", ".github", ".vscode", ".idea", "node_modules")) {
      compose(skipped);
      compose(skipped + "/inner");
    }
    compose(".hidden-but-not-skipped");
    compose("real");
    DeployConfigLoader.Result r = load("auto_discovery: true\n");
    assertEquals(List.of(".hidden-but-not-skipped", "real"), map(r.configs(), DeployConfig::name));
  }

  @Test
  void load_onlyTheBaseComposeFilesCount() throws IOException {
    compose("default-named");
    write("custom/stack.yml", COMPOSE);
    DeployConfigLoader.Result r = load("auto_discovery: true\ncompose_files: [stack.yml]\n");
    assertEquals(List.of("custom"), map(r.configs(), DeployConfig::name));
    assertEquals(List.of("stack.yml"), r.configs().get(0).composeFiles());
  }

  @Test
  void load_composeFileDirectory_isNotAComposeFile() throws IOException {
    Files.createDirectories(root.resolve("odd/compose.yaml"));
    compose("real");
    assertEquals(
        List.of("real"), map(load("auto_discovery: true\n").configs(), DeployConfig::name));
  }

  @Test
  void load_composeAtArtifactRoot_keepsTheBaseName() throws IOException {
    compose(".");
    compose("sub");
    DeployConfigLoader.Result r = load("name: main-stack\nauto_discovery: true\n");
    assertEquals(List.of("main-stack", "sub"), map(r.configs(), DeployConfig::name));
    assertEquals(".", r.configs().get(0).workingDir());
  }

  @Test
  void load_composeAtArtifactRoot_withoutBaseName_asksForAName() throws IOException {
    compose(".");
    ConfigException e = loadFails("auto_discovery: true\n");
    assertTrue(e.getMessage().contains("directly at the artifact root"), e.getMessage());
    assertTrue(e.getMessage().contains("Add name: <project>"), e.getMessage());
    assertEquals(".doco-cd.yaml", e.file().orElseThrow());
    assertEquals(0, e.document());
  }

  @Test
  void load_subdirectoryNamedLikeTheBase_isStillNamedAfterItsDirectory() throws IOException {
    compose("apps/web");
    DeployConfigLoader.Result r = load("name: web2\nworking_dir: apps\nauto_discovery: true\n");
    assertEquals(List.of("web"), map(r.configs(), DeployConfig::name));
  }

  @Test
  void load_workingDirItselfHoldsCompose_isNamedAfterIt() throws IOException {
    compose("apps");
    compose("apps/api");
    DeployConfigLoader.Result r = load("working_dir: apps\nauto_discovery: true\n");
    assertEquals(List.of("apps", "api"), map(r.configs(), DeployConfig::name));
  }

  @Test
  void load_noComposeDirectories_deploysNothingAndWarns() throws IOException {
    write("apps/readme.md", "x");
    DeployConfigLoader.Result r = load("working_dir: apps\nauto_discovery: true\n");
    assertEquals(List.of(), r.configs());
    assertTrue(anyWarning(r, ".doco-cd.yaml, document 1", "found no directory"), r.warnings() + "");
  }

  @Test
  void load_missingWorkingDir_failsNamingIt() throws IOException {
    ConfigException e = loadFails("working_dir: nope\nauto_discovery: true\n");
    assertTrue(e.getMessage().contains("working_dir 'nope' does not exist"), e.getMessage());
    write("file", "x");
    e = loadFails("working_dir: file\nauto_discovery: true\n");
    assertTrue(e.getMessage().contains("'file' is not a directory"), e.getMessage());
  }

  @Test
  void load_mixesPlainAndDiscoveredDocuments_inDocumentOrder() throws IOException {
    compose("stacks/a");
    DeployConfigLoader.Result r =
        load("name: first\n---\nworking_dir: stacks\nauto_discovery: true\n---\nname: last\n");
    assertEquals(List.of("first", "a", "last"), map(r.configs(), DeployConfig::name));
    assertFalse(r.configs().get(0).autoDiscovered());
    assertEquals(1, r.configs().get(1).document());
    assertFalse(r.configs().get(2).autoDiscovered());
  }

  // ---- unique names

  @Test
  void load_sameDirectoryNameTwice_isADuplicateName() throws IOException {
    compose("x/web");
    compose("y/web");
    ConfigException e = loadFails("auto_discovery: true\n");
    assertTrue(
        e.getMessage().contains("duplicate project/stack name found in configuration file: web"),
        e.getMessage());
    assertTrue(
        e.getMessage().contains("x/web and auto-discovered directory y/web"), e.getMessage());
    assertEquals(".doco-cd.yaml", e.file().orElseThrow());
  }

  @Test
  void load_discoveredNameClashingWithAPlainDocument_isADuplicateName() throws IOException {
    compose("apps/web");
    ConfigException e = loadFails("name: web\n---\nworking_dir: apps\nauto_discovery: true\n");
    assertTrue(e.getMessage().contains("duplicate project/stack name"), e.getMessage());
    assertTrue(e.getMessage().contains("document 1 of .doco-cd.yaml"), e.getMessage());
  }

  @Test
  void load_nestedNameClash_pointsAtTheNestedFileLine() throws IOException {
    compose("apps/web");
    compose("apps/api");
    write("apps/api/.doco-cd.yaml", "# api\nname: web\n");
    ConfigException e = loadFails("auto_discovery: true\n");
    assertTrue(e.getMessage().contains("duplicate project/stack name"), e.getMessage());
    assertEquals("apps/api/.doco-cd.yaml", e.file().orElseThrow());
    assertEquals(2, e.line());
  }

  @Test
  void load_nestedNameRenamesAClash_away() throws IOException {
    compose("x/web");
    compose("y/web");
    write("y/web/.doco-cd.yaml", "name: web-y\n");
    assertEquals(
        List.of("web", "web-y"), map(load("auto_discovery: true\n").configs(), DeployConfig::name));
  }

  // ---- nested files: merge semantics

  @Test
  void nested_scalarsWritten_replace_includingFalseAndZero() throws IOException {
    compose("apps/web");
    compose("apps/db");
    write(
        "apps/web/.doco-cd.yaml",
        "remove_orphans: false\ntimeout: 0\ncontext: remote\nforce_recreate: true\n"
            + "webhook_filter: '^v'\n");
    DeployConfigLoader.Result r =
        load("working_dir: apps\nauto_discovery: true\ntimeout: 60\ncontext: local\n");
    DeployConfig web = named(r, "web");
    assertFalse(web.removeOrphans());
    assertEquals(Duration.ZERO, web.timeout());
    assertEquals("remote", web.context());
    assertTrue(web.forceRecreate());
    assertEquals("^v", web.webhookFilter());
    DeployConfig db = named(r, "db");
    assertTrue(db.removeOrphans());
    assertEquals(Duration.ofSeconds(60), db.timeout());
    assertEquals("local", db.context());
    assertFalse(db.forceRecreate());
  }

  @Test
  void nested_keysNotWrittenOrNull_keepTheBase() throws IOException {
    compose("apps/web");
    write("apps/web/.doco-cd.yaml", "timeout:\ncontext: ~\nprofiles: []\n");
    DeployConfig web =
        named(
            load(
                "working_dir: apps\nauto_discovery: true\ntimeout: 60\ncontext: c\n"
                    + "profiles: [a]\nprune_images: false\n"),
            "web");
    assertEquals(Duration.ofSeconds(60), web.timeout());
    assertEquals("c", web.context());
    assertEquals(List.of("a"), web.profiles(), "an empty list does not replace");
    assertFalse(web.pruneImages());
  }

  @Test
  void nested_listsReplaceWhenNonEmpty() throws IOException {
    compose("apps/web");
    write("apps/web/compose.prod.yaml", COMPOSE);
    write(
        "apps/web/.doco-cd.yaml",
        "profiles: [debug]\nenv_files: [web.env]\ncompose_files: [compose.yaml,"
            + " compose.prod.yaml]\n");
    DeployConfig web =
        named(load("working_dir: apps\nauto_discovery: true\nprofiles: [a, b]\n"), "web");
    assertEquals(List.of("debug"), web.profiles());
    assertEquals(List.of("web.env"), web.envFiles());
    assertEquals(List.of("compose.yaml", "compose.prod.yaml"), web.composeFiles());
  }

  @Test
  void nested_mapsMergeKeyByKey() throws IOException {
    compose("apps/web");
    write(
        "apps/web/.doco-cd.yaml",
        "environment: {B: nested, C: new}\nbuild: {args: {Y: '2'}}\n"
            + "external_secrets: {S2: 'op://v/i/2'}\n");
    DeployConfig web =
        named(
            load(
                "working_dir: apps\nauto_discovery: true\nenvironment: {A: base, B: base}\n"
                    + "build: {args: {X: '1'}}\nexternal_secrets: {S1: 'op://v/i/1'}\n"),
            "web");
    assertEquals(Map.of("A", "base", "B", "nested", "C", "new"), web.environment());
    assertEquals(Map.of("X", "1", "Y", "2"), web.build().args());
    assertEquals(Map.of("S1", "op://v/i/1", "S2", "op://v/i/2"), web.externalSecrets());
  }

  @Test
  void nested_objectsMergeFieldByField() throws IOException {
    compose("apps/web");
    write(
        "apps/web/.doco-cd.yaml",
        "build: {no_cache: true}\ndestroy: true\n"
            + "reconciliation: {restart_limit: 2, restart_signal: sighup, events: []}\n"
            + "swarm: {secret_retention: 3}\n");
    DeployConfig web =
        named(
            load(
                "working_dir: apps\nauto_discovery: true\nbuild: {quiet: true}\n"
                    + "destroy: {remove_volumes: false}\n"
                    + "reconciliation: {events: [die, unhealthy], restart_window: 60}\n"
                    + "swarm: {config_retention: 1}\n"),
            "web");
    assertEquals(new BuildConfig(false, true, Map.of(), true), web.build());
    assertEquals(new DestroyConfig(true, false, true, true), web.destroy());
    assertEquals(List.of("die", "unhealthy"), web.reconciliation().events());
    assertEquals(2, web.reconciliation().restartLimit());
    assertEquals(60, web.reconciliation().restartWindow());
    assertEquals("SIGHUP", web.reconciliation().restartSignal(), "validated like a root document");
    assertEquals(new SwarmConfig(1, 3), web.swarm());
  }

  @Test
  void nested_neverOverriddenKeys_areIgnoredWithAWarningEach() throws IOException {
    compose("apps/web");
    write(
        "apps/web/.doco-cd.yaml",
        "reference: other\nrepository_url: https://example.com/x.git\n"
            + "auto_discovery: {enabled: false, delete: true}\ngit_depth: 5\nsource: oci\n");
    DeployConfigLoader.Result r =
        load("working_dir: apps\nauto_discovery: {enabled: true, depth: 1}\n");
    DeployConfig web = named(r, "web");
    DeployConfig plain = DeployConfig.defaults("x");
    assertEquals(plain.reference(), web.reference());
    assertEquals(plain.repositoryUrl(), web.repositoryUrl());
    assertEquals(new AutoDiscoveryConfig(true, 1, false, false, true), web.autoDiscovery());
    assertEquals(0, web.gitDepth());
    assertEquals("git", web.source());
    for (String k :
        List.of("reference", "repository_url", "auto_discovery", "git_depth", "source")) {
      assertTrue(
          anyWarning(r, "apps/web/.doco-cd.yaml", "'" + k + "' in a nested .doco-cd file"),
          k + " " + r.warnings());
    }
  }

  @Test
  void nested_nameAndVersionOverride() throws IOException {
    compose("apps/web");
    write("apps/web/.doco-cd.yaml", "name: website\n");
    assertEquals(
        List.of("website"),
        map(load("working_dir: apps\nauto_discovery: true\n").configs(), DeployConfig::name));
    write("apps/web/.doco-cd.yaml", "name: ''\n");
    ConfigException e = loadFails("working_dir: apps\nauto_discovery: true\n");
    assertTrue(e.getMessage().contains("must not be empty"), e.getMessage());
    assertEquals(1, e.line());
  }

  @Test
  void nested_workingDir_isRelativeToTheArtifactRoot_andWarned() throws IOException {
    compose("apps/web");
    Files.createDirectories(root.resolve("shared"));
    write("apps/web/.doco-cd.yaml", "working_dir: shared\n");
    DeployConfigLoader.Result r = load("working_dir: apps\nauto_discovery: true\n");
    assertEquals("shared", named(r, "web").workingDir());
    assertTrue(anyWarning(r, "relative to the artifact root"), r.warnings() + "");
    write("apps/web/.doco-cd.yaml", "\nworking_dir: ../../..\n");
    ConfigException e = loadFails("working_dir: apps\nauto_discovery: true\n");
    assertTrue(e.getMessage().contains("invalid working directory"), e.getMessage());
    assertEquals("apps/web/.doco-cd.yaml", e.file().orElseThrow());
    assertEquals(2, e.line());
  }

  @Test
  void nested_invalidValue_namesNestedFileDocumentAndLine() throws IOException {
    compose("apps/web");
    write("apps/web/.doco-cd.yaml", "# web\nreconciliation:\n  events: [bogus]\n");
    ConfigException e = loadFails("working_dir: apps\nauto_discovery: true\n");
    assertTrue(e.getMessage().startsWith("apps/web/.doco-cd.yaml, document 1"), e.getMessage());
    assertTrue(e.getMessage().contains("unsupported reconciliation event \"bogus\""));
    write("apps/web/.doco-cd.yaml", "timeout: soon\n");
    e = loadFails("working_dir: apps\nauto_discovery: true\n");
    assertTrue(e.getMessage().contains("into int (key timeout)"), e.getMessage());
    assertEquals(1, e.line());
  }

  @Test
  void nested_unknownKey_isWarnedAtTheNestedFile() throws IOException {
    compose("apps/web");
    write("apps/web/.doco-cd.yaml", "compose_file: x.yml\n");
    DeployConfigLoader.Result r = load("working_dir: apps\nauto_discovery: true\n");
    assertTrue(
        anyWarning(r, "apps/web/.doco-cd.yaml, document 1, line 1", "unknown key 'compose_file'"),
        r.warnings() + "");
  }

  @Test
  void nested_baseWarnings_areNotRepeatedPerDirectory() throws IOException {
    compose("apps/web");
    compose("apps/db");
    write("apps/web/.doco-cd.yaml", "timeout: 5\n");
    write("apps/db/.doco-cd.yaml", "timeout: 6\n");
    DeployConfigLoader.Result r =
        load(
            "working_dir: apps\nauto_discovery: true\noci: {verify: false}\n"
                + "repository_url: https://example.com/x.git\n");
    assertEquals(2, r.warnings().size(), r.warnings().toString());
  }

  @Test
  void nested_multipleDocuments_isAnError() throws IOException {
    compose("apps/web");
    write("apps/web/.doco-cd.yaml", "name: a\n---\nname: b\n");
    ConfigException e = loadFails("working_dir: apps\nauto_discovery: true\n");
    assertTrue(
        e.getMessage()
            .contains(
                "nested .doco-cd configuration file must contain only a single YAML document"),
        e.getMessage());
    assertEquals("apps/web/.doco-cd.yaml", e.file().orElseThrow());
    assertEquals(1, e.document());
    assertEquals(3, e.line());
  }

  @Test
  void nested_emptyFile_isAnError() throws IOException {
    compose("apps/web");
    write("apps/web/.doco-cd.yml", "# nothing\n");
    ConfigException e = loadFails("working_dir: apps\nauto_discovery: true\n");
    assertTrue(e.getMessage().contains("no yaml documents found"), e.getMessage());
    assertEquals("apps/web/.doco-cd.yml", e.file().orElseThrow());
  }

  @Test
  void nested_yamlPreferredOverYml() throws IOException {
    compose("apps/web");
    write("apps/web/.doco-cd.yaml", "context: from-yaml\n");
    write("apps/web/.doco-cd.yml", "context: from-yml\n");
    assertEquals(
        "from-yaml", named(load("working_dir: apps\nauto_discovery: true\n"), "web").context());
    Files.delete(root.resolve("apps/web/.doco-cd.yaml"));
    assertEquals(
        "from-yml", named(load("working_dir: apps\nauto_discovery: true\n"), "web").context());
  }

  @Test
  void nested_inDirectoryWithoutCompose_isNotRead() throws IOException {
    compose("apps/web");
    write("apps/notes/.doco-cd.yaml", "---\n---\nnot: [valid\n");
    assertEquals(
        List.of("web"),
        map(load("working_dir: apps\nauto_discovery: true\n").configs(), DeployConfig::name));
  }

  @Test
  void target_nestedFilesUseDefaultNamesOnly() throws IOException {
    compose("apps/web");
    write(".doco-cd.prod.yaml", "working_dir: apps\nauto_discovery: true\n");
    write("apps/web/.doco-cd.prod.yaml", "name: from-target-file\n");
    write("apps/web/.doco-cd.yaml", "context: from-default-file\n");
    DeployConfig web = DeployConfigLoader.load(root, "prod").configs().get(0);
    assertEquals("web", web.name());
    assertEquals("from-default-file", web.context());
    assertEquals(".doco-cd.prod.yaml", web.origin());
  }

  @Test
  void rootConfigFiles_areNotMergedIntoARootDeployment() throws IOException {
    compose(".");
    // the target's base lives at the root next to the default-target file; neither merges
    write(".doco-cd.prod.yaml", "name: prod-root\nauto_discovery: true\n");
    write(".doco-cd.yaml", "name: a\n---\nname: b\n");
    DeployConfig c = DeployConfigLoader.load(root, "prod").configs().get(0);
    assertEquals("prod-root", c.name());
    assertEquals(".", c.workingDir());
  }

  // ---- trust

  @Test
  void expand_inlineTrustedBase_staysTrusted_nestedOciIsIgnored() throws IOException {
    compose("apps/web");
    write(
        "apps/web/.doco-cd.yaml",
        "oci:\n  verify: false\n  public_keys: [ATTACKER]\nremove_orphans: false\n");
    DeployConfig inline =
        DeployConfigLoader.parse(
                "working_dir: apps\nauto_discovery: true\noci: {verify: true, public_keys: [OWNER]}\n",
                "POLL_CONFIG",
                true)
            .configs()
            .get(0);
    DeployConfigLoader.Result r = DeployConfigLoader.expand(root, List.of(inline));
    DeployConfig web = r.configs().get(0);
    assertTrue(web.trusted());
    assertFalse(web.removeOrphans(), "other nested keys still apply");
    TrustPolicyOverride o = web.trustedOverride().orElseThrow();
    assertEquals(Boolean.TRUE, o.verify());
    assertEquals(List.of("OWNER"), o.publicKeys());
    assertTrue(
        anyWarning(r, "apps/web/.doco-cd.yaml, document 1, line 1", "oci: trust override"),
        r.warnings() + "");
  }

  @Test
  void load_untrustedBase_nestedOciNeverMakesItTrusted() throws IOException {
    compose("apps/web");
    write("apps/web/.doco-cd.yaml", "oci: {verify: false}\n");
    DeployConfig web = named(load("working_dir: apps\nauto_discovery: true\n"), "web");
    assertFalse(web.trusted());
    assertTrue(web.oci().isEmpty());
    assertTrue(web.trustedOverride().isEmpty());
  }

  // ---- expand

  @Test
  void expand_keepsPlainConfigs_andIsIdempotent() throws IOException {
    compose("apps/web");
    compose("apps/db");
    DeployConfig plain = DeployConfig.defaults("plain").withTrusted(true);
    DeployConfig auto =
        DeployConfig.defaults("")
            .withWorkingDir("apps")
            .withAutoDiscovery(new AutoDiscoveryConfig(true, 0, true, false, true))
            .withTrusted(true)
            .withOrigin("POLL_CONFIG");
    DeployConfigLoader.Result once = DeployConfigLoader.expand(root, List.of(plain, auto));
    assertEquals(List.of("plain", "db", "web"), map(once.configs(), DeployConfig::name));
    assertEquals(plain, once.configs().get(0));
    assertTrue(once.configs().get(1).autoDiscovery().delete());
    DeployConfigLoader.Result twice = DeployConfigLoader.expand(root, once.configs());
    assertEquals(once.configs(), twice.configs());
    assertTrue(twice.warnings().isEmpty());
  }

  @Test
  void expand_duplicateAmongInlineConfigs_namesTheOrigin() throws IOException {
    compose("web");
    DeployConfig plain = DeployConfig.defaults("web").withOrigin("POLL_CONFIG").withDocument(0);
    DeployConfig auto =
        DeployConfig.defaults("")
            .withAutoDiscovery(new AutoDiscoveryConfig(true, 0, false, false, true))
            .withOrigin("POLL_CONFIG")
            .withDocument(1);
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> DeployConfigLoader.expand(root, List.of(plain, auto)));
    assertTrue(e.getMessage().startsWith("POLL_CONFIG, document 2"), e.getMessage());
    assertTrue(e.getMessage().contains("found in configuration file: web"), e.getMessage());
  }

  // ---- links

  @Test
  void links_workingDirLeadingOutOfTheArtifact_isRefused() throws IOException {
    Files.writeString(outside.resolve("compose.yaml"), COMPOSE);
    Files.createSymbolicLink(root.resolve("apps"), outside);
    ConfigException e = loadFails("working_dir: apps\nauto_discovery: true\n");
    assertTrue(e.getMessage().contains("leads out of the artifact"), e.getMessage());
  }

  @Test
  void links_directoryLinks_areNotEntered_outsideOnesAreWarned() throws IOException {
    Files.createDirectories(outside.resolve("evil"));
    Files.writeString(outside.resolve("evil/compose.yaml"), COMPOSE);
    compose("apps/web");
    Files.createSymbolicLink(root.resolve("apps/evil"), outside.resolve("evil"));
    Files.createSymbolicLink(root.resolve("apps/alias"), root.resolve("apps/web"));
    DeployConfigLoader.Result r = load("working_dir: apps\nauto_discovery: true\n");
    assertEquals(List.of("web"), map(r.configs(), DeployConfig::name));
    assertTrue(anyWarning(r, "apps/evil", "outside the artifact"), r.warnings() + "");
    assertTrue(anyWarning(r, "apps/alias", "symbolic link"), r.warnings() + "");
  }

  @Test
  void links_composeFileLinkingOutOfTheArtifact_doesNotCount() throws IOException {
    Files.writeString(outside.resolve("compose.yaml"), COMPOSE);
    Files.createDirectories(root.resolve("apps/evil"));
    Files.createSymbolicLink(
        root.resolve("apps/evil/compose.yaml"), outside.resolve("compose.yaml"));
    compose("apps/web");
    Files.createDirectories(root.resolve("apps/linked"));
    Files.createSymbolicLink(
        root.resolve("apps/linked/compose.yaml"), root.resolve("apps/web/compose.yaml"));
    DeployConfigLoader.Result r = load("working_dir: apps\nauto_discovery: true\n");
    assertEquals(List.of("linked", "web"), map(r.configs(), DeployConfig::name));
    assertTrue(
        anyWarning(r, "apps/evil/compose.yaml", "leads out of the artifact"), r.warnings() + "");
  }

  @Test
  void links_nestedConfigLink_isNotRead() throws IOException {
    Files.writeString(outside.resolve("evil.yaml"), "name: hijacked\n");
    compose("apps/web");
    Files.createSymbolicLink(root.resolve("apps/web/.doco-cd.yaml"), outside.resolve("evil.yaml"));
    DeployConfigLoader.Result r = load("working_dir: apps\nauto_discovery: true\n");
    assertEquals(List.of("web"), map(r.configs(), DeployConfig::name));
    assertTrue(anyWarning(r, "apps/web/.doco-cd.yaml", "not read"), r.warnings() + "");
  }

  @Test
  void defaults_areNotAutoDiscovered() {
    assertFalse(DeployConfig.defaults("x").autoDiscovered());
    assertTrue(DeployConfig.defaults("x").withAutoDiscovered(true).autoDiscovered());
    assertNull(DeployConfig.defaults("x").swarm().configRetention());
  }
}
