package dev.doco.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Every deploy config, poll config and trust policy in doco-cd's own documentation (copied from
 * {@code /work/shared/reference/doco-cd-examples/}, see the README there) loads with the meaning
 * doco-cd gives it. Fragments (a doco-cd compose file whose {@code environment} holds a {@code
 * POLL_CONFIG} or {@code OCI_TRUST_POLICY} string, a bare {@code deployments:} list) are unwrapped
 * first, as doco-cd's container would see them.
 */
class DocoCdExamplesTest {
  private static final String DIR = "/doco-cd-examples/";
  private static final String PEM_DOTS =
      "-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----";
  private static final String PEM_SHORT =
      "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE...\n-----END PUBLIC KEY-----";
  private static final String GITHUB = "https://token.actions.githubusercontent.com";

  /** Files that hold no doco configuration (webhook payloads, CI workflows, compose labels). */
  private static final Set<String> NOT_CONFIGURATION =
      Set.of(
          "oci-webhooks-01.json",
          "oci-webhooks-02.json",
          "oci-webhooks-03.json",
          "oci-webhooks-04.json",
          "oci-webhooks-05.json",
          "oci-webhooks-06.yaml",
          "oci-webhooks-07.yaml",
          "oci-trust-policy-15.yaml",
          "deploy-settings-14.yaml",
          "deploy-settings-15.yaml",
          "deploy-settings-16.yaml");

  private static final Set<String> covered = new HashSet<>();
  private final List<String> warnings = new ArrayList<>();

  private static String text(String name) {
    covered.add(name);
    try (InputStream in = DocoCdExamplesTest.class.getResourceAsStream(DIR + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + DIR + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private DeployConfigLoader.Result deploy(String name) {
    return DeployConfigLoader.parse(text(name), name, false);
  }

  private DeployConfig deployOne(String name) {
    DeployConfigLoader.Result r = deploy(name);
    assertEquals(1, r.configs().size(), name);
    return r.configs().get(0);
  }

  private List<PollConfig> poll(String yaml, String origin) {
    return PollConfigLoader.parse(yaml, origin, warnings::add);
  }

  private TrustPolicy trust(String yaml, String origin) {
    return TrustPolicyLoader.parse(yaml, origin, warnings::add);
  }

  /**
   * The environment of the first service of a compose file, as the container sees it: merge keys
   * applied, {@code $$} unescaped (Compose interpolation).
   */
  @SuppressWarnings("unchecked")
  private static Map<String, String> composeEnvironment(String name) {
    Map<String, Object> root = load(text(name));
    Map<String, Object> services = (Map<String, Object>) root.get("services");
    Map<String, Object> service = (Map<String, Object>) services.values().iterator().next();
    Map<String, Object> env = new LinkedHashMap<>((Map<String, Object>) service.get("environment"));
    Object merge = env.remove("<<");
    if (merge instanceof Map<?, ?> m) {
      ((Map<String, Object>) m).forEach(env::putIfAbsent);
    }
    Map<String, String> out = new LinkedHashMap<>();
    env.forEach((k, v) -> out.put(k, String.valueOf(v).replace("$$", "$")));
    return out;
  }

  /** A top-level {@code KEY: |} fragment (an environment entry shown alone). */
  private static String envFragment(String name, String key) {
    return (String) load(text(name)).get(key);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> load(String yaml) {
    return (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(yaml);
  }

  /** A bare {@code deployments:} fragment, placed in an OCI poll entry (where doco-cd reads it). */
  private List<DeployConfig> deploymentsFragment(String name) {
    StringBuilder sb = new StringBuilder("- source: oci\n  url: ghcr.io/myorg/config:main\n");
    for (String line : text(name).split("\n", -1)) {
      sb.append("  ").append(line).append('\n');
    }
    List<PollConfig> p = poll(sb.toString(), name);
    assertEquals(1, p.size());
    return p.get(0).deployments();
  }

  private static void assertDefaultsApartFromName(DeployConfig c) {
    DeployConfig d =
        DeployConfig.defaults(c.name()).withOrigin(c.origin()).withDocument(c.document());
    assertEquals(d, c);
  }

  // ---------------------------------------------------------------- Deploy-Settings.md

  @Test
  void deploySettings01_nameOnly() {
    DeployConfig c = deployOne("deploy-settings-01.yaml");
    assertEquals("some-project", c.name());
    assertDefaultsApartFromName(c);
  }

  @Test
  void deploySettings02_referenceWorkingDirComposeFilesProfiles() {
    DeployConfig c = deployOne("deploy-settings-02.yaml");
    assertEquals("some-project", c.name());
    assertEquals("other-branch", c.reference());
    assertEquals("myapp/deployment", c.workingDir());
    assertEquals(List.of("prod.compose.yml", "service-overwrite.yml"), c.composeFiles());
    assertFalse(c.usesDefaultComposeFiles());
    assertEquals(List.of("debug"), c.profiles());
  }

  @Test
  void deploySettings03_remoteRepository_isKeptAndWarnedGitOnly() {
    DeployConfigLoader.Result r = deploy("deploy-settings-03.yaml");
    DeployConfig c = r.configs().get(0);
    assertEquals("https://github.com/my-org/myapp.git", c.repositoryUrl());
    assertEquals("main", c.reference());
    assertEquals("myapp/docker", c.workingDir());
    assertEquals(List.of("base.env", "remote:test.env"), c.envFiles());
    assertEquals(2, r.warnings().size(), r.warnings().toString());
    assertTrue(r.warnings().stream().anyMatch(w -> w.contains("remote:test.env")));
    assertTrue(r.warnings().stream().anyMatch(w -> w.contains("repository_url is git-only")));
  }

  @Test
  void deploySettings04_autoDiscoveryTrue_needsNoName() {
    DeployConfig c = deployOne("deploy-settings-04.yaml");
    assertEquals("", c.name());
    assertEquals(new AutoDiscoveryConfig(true, 0, false, false, true), c.autoDiscovery());
  }

  @Test
  void deploySettings05_autoDiscoveryDepth() {
    DeployConfig c = deployOne("deploy-settings-05.yaml");
    assertEquals("apps", c.workingDir());
    assertEquals(new AutoDiscoveryConfig(true, 1, false, false, true), c.autoDiscovery());
  }

  @Test
  void deploySettings06_autoDiscoveryDelete() {
    DeployConfig c = deployOne("deploy-settings-06.yaml");
    assertEquals(new AutoDiscoveryConfig(true, 0, true, false, true), c.autoDiscovery());
  }

  @Test
  void deploySettings07_externalSecretsWithAutoDiscovery() {
    DeployConfig c = deployOne("deploy-settings-07.yaml");
    assertEquals(1, c.autoDiscovery().depth());
    assertEquals(Map.of("SHARED_SECRET", "op://vault/shared/field"), c.externalSecrets());
  }

  @Test
  void deploySettings08_externalSecretsAndEnvironment() {
    DeployConfig c = deployOne("deploy-settings-08.yaml");
    assertEquals("wordpress-prod", c.name());
    assertEquals(Map.of("WORDPRESS_SECRET_1", "op://vault/item/field"), c.externalSecrets());
    assertEquals(Map.of("WP_ENV", "production"), c.environment());
  }

  @Test
  void deploySettings09_build() {
    DeployConfig c = deployOne("deploy-settings-09.yaml");
    assertEquals(
        new BuildConfig(true, false, Map.of("BUILD_DATE", "2021-01-01", "VCS_REF", "123456"), true),
        c.build());
  }

  @Test
  void deploySettings10_destroyTrue() {
    assertEquals(
        new DestroyConfig(true, true, true, true), deployOne("deploy-settings-10.yaml").destroy());
  }

  @Test
  void deploySettings11_destroyObject() {
    assertEquals(
        new DestroyConfig(true, true, false, false),
        deployOne("deploy-settings-11.yaml").destroy());
  }

  @Test
  void deploySettings12_reconciliationTrue() {
    assertEquals(
        new ReconciliationConfig(true, List.of("unhealthy"), 10, "", 5, 300),
        deployOne("deploy-settings-12.yaml").reconciliation());
  }

  @Test
  void deploySettings13_reconciliationObject() {
    assertEquals(
        new ReconciliationConfig(true, List.of("destroy", "unhealthy"), 30, "SIGQUIT", 5, 300),
        deployOne("deploy-settings-13.yaml").reconciliation());
  }

  @Test
  void deploySettings14to16_areComposeLabels_notDeployConfigs() {
    // cd.doco.deployment.recreate.ignore is a compose service label holding a YAML flow mapping.
    for (String f : List.of("deploy-settings-14.yaml", "deploy-settings-15.yaml")) {
      String label = (String) load(text(f)).get("cd.doco.deployment.recreate.ignore");
      assertEquals(
          Map.of(
              "configs", List.of("app", "nginx"),
              "secrets", List.of("db"),
              "bindMounts", List.of("/etc/caddy")),
          load(label),
          f);
    }
    assertTrue(load(text("deploy-settings-16.yaml")).containsKey("services"));
  }

  @Test
  void deploySettings17_waitRunningJobs() {
    assertTrue(deployOne("deploy-settings-17.yaml").waitRunningJobs());
  }

  @Test
  void deploySettings18_swarmRetention() {
    assertEquals(new SwarmConfig(2, 1), deployOne("deploy-settings-18.yaml").swarm());
  }

  @Test
  void deploySettings19_threeDocuments() {
    List<DeployConfig> l = deploy("deploy-settings-19.yaml").configs();
    assertEquals(List.of("app1", "app2", "app3"), l.stream().map(DeployConfig::name).toList());
    assertEquals(
        List.of("app1", "app2", "app3"), l.stream().map(DeployConfig::workingDir).toList());
    assertEquals(Duration.ofSeconds(180), l.get(0).timeout());
    assertEquals(Duration.ofSeconds(600), l.get(1).timeout());
    assertEquals(List.of("custom.yml"), l.get(2).composeFiles());
    assertTrue(l.get(0).usesDefaultComposeFiles());
    assertEquals(List.of(0, 1, 2), l.stream().map(DeployConfig::document).toList());
  }

  @Test
  void deploySettings20_twoDocumentsWithComposeFiles() {
    List<DeployConfig> l = deploy("deploy-settings-20.yaml").configs();
    assertEquals("gitea", l.get(0).name());
    assertEquals(List.of("gitea.yml"), l.get(0).composeFiles());
    assertEquals("paperless-ngx", l.get(1).name());
    assertEquals(List.of("paperless.yml", "paperless-overwrite.yml"), l.get(1).composeFiles());
  }

  @Test
  void deploySettings21_twoDocumentsWithWorkingDirs() {
    List<DeployConfig> l = deploy("deploy-settings-21.yaml").configs();
    assertEquals("gitea", l.get(0).workingDir());
    assertTrue(l.get(0).usesDefaultComposeFiles());
    assertEquals("paperless-ngx", l.get(1).workingDir());
    assertEquals(
        List.of("docker-compose.yml", "docker-compose.overwrite.yml"), l.get(1).composeFiles());
  }

  @Test
  void ociArtifactUsage01_artifactConfig() {
    DeployConfig c = deployOne("oci-artifact-usage-01.yaml");
    assertEquals("production", c.name());
    assertEquals(List.of("docker-compose.yml"), c.composeFiles());
    assertEquals(List.of("production"), c.profiles());
    assertFalse(c.trusted());
  }

  // ---------------------------------------------------------------- Advanced/OCI/Polling.md

  @Test
  void ociPolling01_entryWithInlineDeployment() {
    PollConfig p = poll(text("oci-polling-01.yaml"), "oci-polling-01.yaml").get(0);
    assertEquals("oci", p.source());
    assertEquals("ghcr.io/myorg/myapp-config:main", p.url());
    assertEquals("main", p.reference());
    assertEquals(Duration.ofSeconds(300), p.interval());
    DeployConfig d = p.deployments().get(0);
    assertEquals("production", d.name());
    assertEquals(List.of("docker-compose.yml"), d.composeFiles());
    assertEquals(List.of("production"), d.profiles());
    assertTrue(d.trusted());
    assertEquals("main", d.reference());
    assertTrue(warnings.isEmpty(), warnings.toString());
  }

  @Test
  void ociPolling02_twoTags() {
    List<PollConfig> l = poll(text("oci-polling-02.yaml"), "oci-polling-02.yaml");
    assertEquals(List.of("production", "staging"), l.stream().map(PollConfig::reference).toList());
    assertEquals(Duration.ofSeconds(300), l.get(0).interval());
    assertEquals(Duration.ofSeconds(180), l.get(1).interval());
    assertTrue(l.stream().allMatch(p -> p.deployments().isEmpty()));
  }

  @Test
  void ociPolling03_durationIntervalAndDeployments() {
    List<PollConfig> l = poll(text("oci-polling-03.yaml"), "oci-polling-03.yaml");
    assertEquals(Duration.ofSeconds(300), l.get(0).interval());
    assertEquals(Duration.ofMinutes(3), l.get(1).interval());
    assertEquals("web-production", l.get(0).deployments().get(0).name());
    assertEquals(List.of("production"), l.get(0).deployments().get(0).profiles());
    assertEquals("web-staging", l.get(1).deployments().get(0).name());
    assertEquals("staging", l.get(1).deployments().get(0).reference());
  }

  // ---------------------------------------------------------------- Advanced/OCI/Trust-Policy.md

  @Test
  void ociTrustPolicy01_fieldReference_bothSubjectKinds_isRefusedAsDocumented() {
    // The page lists every field; it also says subject and subject_regexp are alternatives.
    // doco-cd does not check that; doco does.
    String yaml = text("oci-trust-policy-01.yaml");
    ConfigException e = assertThrows(ConfigException.class, () -> trust(yaml, "01"));
    assertTrue(e.getMessage().contains("mutually exclusive"), e.getMessage());
    assertEquals(9, e.line());
    // with one of the two, the rest means what the page says
    TrustPolicy p = trust(yaml.replaceAll("(?m)^    subject_regexp:.*\n", ""), "01");
    assertTrue(p.enabled());
    assertFalse(p.ignoreTlog());
    assertEquals(List.of(PEM_DOTS), p.publicKeys());
    assertEquals(
        List.of(
            new KeylessIdentity(
                "https://issuer.url",
                "https://github.com/org/repo/.github/workflows/build.yml@refs/heads/main",
                "")),
        p.keylessIdentities());
  }

  @Test
  void ociTrustPolicy02_composeEnv_keylessRegexp() {
    Map<String, String> env = composeEnvironment("oci-trust-policy-02.yaml");
    TrustPolicy p = TrustPolicyLoader.fromEnvironment(env, warnings::add);
    assertTrue(p.enabled());
    assertEquals(
        List.of(
            new KeylessIdentity(
                GITHUB, "", "^https://github.com/myorg/myrepo/.+@refs/heads/main$")),
        p.keylessIdentities());
    assertTrue(p.publicKeys().isEmpty());
  }

  @Test
  void ociTrustPolicy03_composeEnv_publicKey() {
    TrustPolicy p =
        TrustPolicyLoader.fromEnvironment(composeEnvironment("oci-trust-policy-03.yaml"));
    assertTrue(p.enabled());
    assertEquals(List.of(PEM_SHORT), p.publicKeys());
    assertTrue(p.keylessIdentities().isEmpty());
  }

  @Test
  void ociTrustPolicy04_keyAndIdentity_subjectIsExactNotAGlob() {
    TrustPolicy p = trust(text("oci-trust-policy-04.yaml"), "04");
    assertTrue(p.enabled());
    assertEquals(List.of(PEM_SHORT), p.publicKeys());
    assertEquals(
        List.of(new KeylessIdentity(GITHUB, "repo:myorg/config:*", "")), p.keylessIdentities());
  }

  @Test
  void ociTrustPolicy05_policyFile(@TempDir Path dir) throws IOException {
    Map<String, String> env = composeEnvironment("oci-trust-policy-05.yaml");
    assertEquals("/etc/doco-cd/trust-policy.yaml", env.get("OCI_TRUST_POLICY_FILE"));
    // the compose file mounts ./trust-policy.yaml there; use example 04 as its content
    Path f = dir.resolve("trust-policy.yaml");
    Files.writeString(f, text("oci-trust-policy-04.yaml"));
    TrustPolicy p =
        TrustPolicyLoader.fromEnvironment(Map.of("OCI_TRUST_POLICY_FILE", f.toString()));
    assertEquals(trust(text("oci-trust-policy-04.yaml"), "04"), p);
  }

  @Test
  void ociTrustPolicy06_inlineOverride_withComposeFileTypo() {
    List<DeployConfig> l = deploymentsFragment("oci-trust-policy-06.yaml");
    DeployConfig d = l.get(0);
    assertEquals("production", d.name());
    assertTrue(d.usesDefaultComposeFiles()); // compose_file: is not a key, in doco-cd either
    assertTrue(warnings.stream().anyMatch(w -> w.contains("'compose_file'")), warnings.toString());
    TrustPolicyOverride o = d.trustedOverride().orElseThrow();
    assertEquals(Boolean.TRUE, o.verify());
    assertEquals(List.of(PEM_SHORT), o.publicKeys());
    assertEquals(
        List.of(
            new KeylessIdentity(GITHUB, "https://github.com/myorg/config:ref:refs/heads/main", "")),
        o.keylessIdentities());
    assertNull(o.ignoreTlog());
  }

  @Test
  void ociTrustPolicy07_enabledOnly() {
    TrustPolicy p = trust(envFragment("oci-trust-policy-07.yaml", "OCI_TRUST_POLICY"), "07");
    assertTrue(p.enabled());
    assertTrue(p.hasNoRules());
  }

  @Test
  void ociTrustPolicy08_verifyTrueOverride_cannotBeDowngraded() {
    DeployConfig d = deploymentsFragment("oci-trust-policy-08.yaml").get(0);
    TrustPolicyOverride o = d.trustedOverride().orElseThrow();
    assertEquals(new TrustPolicyOverride(true, List.of(), List.of(), null), o);
    TrustPolicy globalOn = trust(envFragment("oci-trust-policy-07.yaml", "OCI_TRUST_POLICY"), "07");
    assertTrue(TrustPolicies.effective(TrustPolicy.DISABLED, d).enabled());
    assertTrue(
        TrustPolicies.effective(
                globalOn, new TrustPolicyOverride(false, List.of(), List.of(), null))
            .enabled());
  }

  @Test
  void ociTrustPolicy09_ignoreTlog() {
    TrustPolicy p = trust(envFragment("oci-trust-policy-09.yaml", "OCI_TRUST_POLICY"), "09");
    assertTrue(p.enabled());
    assertTrue(p.ignoreTlog());
    assertEquals(List.of(PEM_SHORT), p.publicKeys());
  }

  @Test
  void ociTrustPolicy10_airGappedOverride() {
    DeployConfig d = deploymentsFragment("oci-trust-policy-10.yaml").get(0);
    assertEquals("air-gapped-environment", d.name());
    TrustPolicyOverride o = d.trustedOverride().orElseThrow();
    assertNull(o.verify());
    assertEquals(Boolean.TRUE, o.ignoreTlog());
    assertEquals(List.of(PEM_SHORT), o.publicKeys());
    TrustPolicy eff = TrustPolicies.effective(TrustPolicy.DISABLED, d);
    assertFalse(eff.enabled()); // no verify: true, so a disabled global stays disabled
    assertTrue(eff.ignoreTlog());
  }

  @Test
  void ociTrustPolicy11_oneKey() {
    TrustPolicy p = trust(envFragment("oci-trust-policy-11.yaml", "OCI_TRUST_POLICY"), "11");
    assertEquals(1, p.publicKeys().size());
    assertTrue(p.publicKeys().get(0).contains("AE7bxKm8YvAjGmqKlWaIuQpQ..."));
  }

  @Test
  void ociTrustPolicy12_threeKeys_anyOnePasses() {
    TrustPolicy p = trust(envFragment("oci-trust-policy-12.yaml", "OCI_TRUST_POLICY"), "12");
    assertEquals(3, p.publicKeys().size());
    assertTrue(p.publicKeys().get(1).contains("AEAnPYz..."));
    assertTrue(p.publicKeys().get(2).contains("AXkL9F..."));
    assertTrue(p.publicKeys().stream().allMatch(k -> k.startsWith("-----BEGIN PUBLIC KEY-----")));
  }

  @Test
  void ociTrustPolicy13_regexpIdentity() {
    TrustPolicy p = trust(envFragment("oci-trust-policy-13.yaml", "OCI_TRUST_POLICY"), "13");
    assertEquals(
        List.of(
            new KeylessIdentity(
                GITHUB, "", "^https://github.com/myorg/config/.+@refs/heads/main$")),
        p.keylessIdentities());
  }

  @Test
  void ociTrustPolicy14_twoIdentities() {
    TrustPolicy p = trust(envFragment("oci-trust-policy-14.yaml", "OCI_TRUST_POLICY"), "14");
    assertEquals(
        List.of(
            new KeylessIdentity(GITHUB, "", "^https://github.com/myorg/config/.+@refs/heads/main$"),
            new KeylessIdentity(
                "https://accounts.google.com",
                "config-signer@company.iam.gserviceaccount.com",
                "")),
        p.keylessIdentities());
  }

  @Test
  void ociTrustPolicy15_isACiWorkflow() {
    assertTrue(load(text("oci-trust-policy-15.yaml")).containsKey("jobs"));
  }

  @Test
  void ociTrustPolicy16_composeEnv_policyAndPollConfig() {
    Map<String, String> env = composeEnvironment("oci-trust-policy-16.yaml");
    TrustPolicy p = TrustPolicyLoader.fromEnvironment(env, warnings::add);
    assertEquals(
        List.of(new KeylessIdentity(GITHUB, "repo:kimdre/doco-cd:ref:refs/heads/main", "")),
        p.keylessIdentities());
    PollConfig poll = PollConfigLoader.fromEnvironment(env, warnings::add).get(0);
    assertEquals("ghcr.io/kimdre/doco-cd-config:main", poll.url());
    assertEquals("main", poll.reference());
    assertEquals(Duration.ofSeconds(300), poll.interval());
    assertEquals("production", poll.deployments().get(0).name());
    assertTrue(poll.deployments().get(0).usesDefaultComposeFiles());
    assertTrue(warnings.stream().anyMatch(w -> w.contains("'compose_file'")), warnings.toString());
    assertTrue(
        warnings.stream().anyMatch(w -> w.contains("reference is ignored")), warnings.toString());
  }

  @Test
  void ociTrustPolicy17_perDeploymentOverrides() {
    List<PollConfig> l =
        poll(envFragment("oci-trust-policy-17.yaml", "POLL_CONFIG"), "POLL_CONFIG");
    List<DeployConfig> d = l.get(0).deployments();
    assertEquals(
        List.of("development", "staging", "production"),
        d.stream().map(DeployConfig::name).toList());
    assertTrue(d.get(0).trustedOverride().isEmpty());
    TrustPolicyOverride staging = d.get(1).trustedOverride().orElseThrow();
    assertEquals(Boolean.TRUE, staging.verify());
    assertEquals(1, staging.publicKeys().size());
    assertTrue(staging.publicKeys().get(0).contains("(Staging Lead)"));
    TrustPolicyOverride prod = d.get(2).trustedOverride().orElseThrow();
    assertEquals(2, prod.publicKeys().size());
    assertEquals(
        List.of(new KeylessIdentity(GITHUB, "repo:myorg/config:ref:refs/tags/v*", "")),
        prod.keylessIdentities());
    // development inherits the global policy; production replaces keys and identities
    TrustPolicy global = trust("enabled: true\npublic_keys: [G]\n", "g");
    assertEquals(global, TrustPolicies.effective(global, d.get(0)));
    assertEquals(prod.publicKeys(), TrustPolicies.effective(global, d.get(2)).publicKeys());
  }

  // ---------------------------------------------------------------- Poll-Settings.md

  private static void assertTwoGitEntries(List<PollConfig> l) {
    assertEquals(2, l.size());
    assertEquals("git", l.get(0).source());
    assertEquals("https://github.com/example/some-repo.git", l.get(0).url());
    assertEquals("refs/heads/main", l.get(0).reference());
    assertEquals(Duration.ofSeconds(180), l.get(0).interval());
    assertEquals("https://github.com/example/public-repo.git", l.get(1).url());
    assertEquals("dev", l.get(1).reference());
    assertEquals(Duration.ofSeconds(300), l.get(1).interval());
  }

  @Test
  void pollSettings01_anchorMergedIntoEnvironment() {
    assertTwoGitEntries(
        PollConfigLoader.fromEnvironment(
            composeEnvironment("poll-settings-01.yaml"), warnings::add));
  }

  @Test
  void pollSettings02_inlineInEnvironment() {
    assertTwoGitEntries(
        PollConfigLoader.fromEnvironment(
            composeEnvironment("poll-settings-02.yaml"), warnings::add));
    assertTrue(
        warnings.stream().allMatch(w -> w.contains("not supported by doco")), warnings.toString());
  }

  @Test
  void pollSettings03_plainList() {
    assertTwoGitEntries(poll(text("poll-settings-03.yaml"), "poll-settings-03.yaml"));
  }

  @Test
  void pollSettings04_pollConfigFile(@TempDir Path dir) throws IOException {
    Map<String, String> env = composeEnvironment("poll-settings-04.yaml");
    assertEquals("/poll-config.yaml", env.get("POLL_CONFIG_FILE"));
    Path f = dir.resolve("poll-config.yaml");
    Files.writeString(f, text("poll-settings-03.yaml"));
    assertTwoGitEntries(
        PollConfigLoader.fromEnvironment(Map.of("POLL_CONFIG_FILE", f.toString()), warnings::add));
  }

  @Test
  @SuppressWarnings("unchecked")
  void pollSettings05_composeConfigContent_branchIsNotAKey() {
    Map<String, Object> root = load(text("poll-settings-05.yaml"));
    Map<String, Object> configs = (Map<String, Object>) root.get("configs");
    String content = (String) ((Map<String, Object>) configs.get("poll-config.yml")).get("content");
    assertEquals(
        "/poll-config.yml", composeEnvironment("poll-settings-05.yaml").get("POLL_CONFIG_FILE"));
    List<PollConfig> l = poll(content, "/poll-config.yml");
    assertEquals(
        List.of(
            "https://example.com", "https://other-example.com", "https://yet-another-example.com"),
        l.stream().map(PollConfig::url).toList());
    assertEquals(Duration.ofSeconds(120), l.get(1).interval());
    assertTrue(l.stream().allMatch(p -> p.reference().equals("refs/heads/main")));
    assertEquals(2, warnings.stream().filter(w -> w.contains("unknown key 'branch'")).count());
  }

  @Test
  void pollSettings06_ociEntry() {
    PollConfig p = poll(text("poll-settings-06.yaml"), "06").get(0);
    assertEquals("oci", p.source());
    assertEquals("production", p.reference());
    assertEquals(Duration.ofSeconds(300), p.interval());
    assertTrue(warnings.isEmpty(), warnings.toString());
  }

  @Test
  void pollSettings07_localGitRepository() {
    PollConfig p = poll(text("poll-settings-07.yaml"), "07").get(0);
    assertEquals("git", p.source());
    assertEquals("/local-repos/my-app", p.url());
    assertEquals("main", p.reference());
    assertEquals(Duration.ofSeconds(60), p.interval());
  }

  @Test
  void pollSettings08_gitEntryWithDeployments() {
    PollConfig p = poll(text("poll-settings-08.yaml"), "08").get(0);
    assertEquals("refs/heads/main", p.reference());
    DeployConfig d = p.deployments().get(0);
    assertEquals("example-app", d.name());
    assertEquals("services/app", d.workingDir());
    assertEquals(List.of("compose.yaml"), d.composeFiles());
    assertEquals(List.of(".env.production"), d.envFiles());
    assertEquals("refs/heads/main", d.reference());
    assertTrue(d.trusted());
  }

  // ---------------------------------------------------------------- completeness

  @Test
  void everyExampleFile_isCoveredOrDeclaredNotConfiguration() throws IOException {
    // Runs the per-file checks first so 'covered' is complete regardless of test order.
    List<String> files;
    try (InputStream in = DocoCdExamplesTest.class.getResourceAsStream(DIR + "README.md")) {
      assertTrue(in != null, "README.md (provenance) must be copied with the examples");
    }
    Path dir;
    try {
      dir = Path.of(DocoCdExamplesTest.class.getResource(DIR + "README.md").toURI()).getParent();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    try (var s = Files.list(dir)) {
      files =
          s.map(p -> p.getFileName().toString())
              .filter(n -> !n.equals("README.md"))
              .sorted()
              .toList();
    }
    assertEquals(58 - 1, files.size(), "example files");
    for (var m : DocoCdExamplesTest.class.getDeclaredMethods()) {
      if (m.isAnnotationPresent(Test.class) && !m.getName().startsWith("everyExample")) {
        // each test names its file(s) through text(); run them all to collect
        try {
          DocoCdExamplesTest t = new DocoCdExamplesTest();
          if (m.getParameterCount() == 0) {
            m.setAccessible(true);
            m.invoke(t);
          } else {
            Path tmp = Files.createTempDirectory("doco-examples");
            try {
              m.setAccessible(true);
              m.invoke(t, tmp);
            } finally {
              try (var w = Files.walk(tmp)) {
                w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
              }
            }
          }
        } catch (ReflectiveOperationException e) {
          throw new AssertionError(m.getName(), e.getCause());
        }
      }
    }
    List<String> missing = new ArrayList<>();
    for (String f : files) {
      if (!covered.contains(f) && !NOT_CONFIGURATION.contains(f)) {
        missing.add(f);
      }
    }
    assertEquals(List.of(), missing, "example files no test loads");
  }
}
