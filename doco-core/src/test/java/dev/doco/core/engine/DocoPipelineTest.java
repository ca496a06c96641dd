package dev.doco.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.DeployException;
import dev.doco.core.DeployOptions;
import dev.doco.core.Deployment;
import dev.doco.core.DeploymentState;
import dev.doco.core.Doco;
import dev.doco.core.DocoEvent;
import dev.doco.core.Plan;
import dev.doco.core.ProviderException;
import dev.doco.core.Providers;
import dev.doco.core.SourceException;
import dev.doco.core.VerificationException;
import dev.doco.core.config.AutoDiscoveryConfig;
import dev.doco.core.config.DeployConfig;
import dev.doco.core.config.TrustPolicy;
import dev.doco.core.config.TrustPolicyOverride;
import dev.doco.core.engine.Fakes.FakeDeployer;
import dev.doco.core.engine.Fakes.FakeSource;
import dev.doco.core.engine.Fakes.FakeVerifier;
import dev.doco.core.spi.Trigger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocoPipelineTest {
  static final String REF = "fake://reg.example/acme/cfg:main";
  static final TrustPolicy KEY_POLICY =
      new TrustPolicy(true, List.of("good-key"), List.of(), true, null, null);

  @TempDir Path data;
  FakeSource source;
  FakeDeployer deployer;
  FakeVerifier verifier;
  List<DocoEvent> events;
  MutableClock clock;
  List<Doco> opened;

  /** A clock tests can move. */
  static final class MutableClock extends Clock {
    volatile Instant now = Instant.parse("2026-11-27T10:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }
  }

  @BeforeEach
  void setUp() {
    source = new FakeSource();
    deployer = new FakeDeployer();
    verifier = new FakeVerifier();
    events = new CopyOnWriteArrayList<>();
    clock = new MutableClock();
    opened = new ArrayList<>();
    source.push(REF, Fakes.files("services: {web: {image: busybox}}\n"));
  }

  @AfterEach
  void tearDown() {
    opened.forEach(Doco::close);
  }

  Doco doco(TrustPolicy policy, boolean withVerifier) {
    Providers.Builder p = Providers.builder().discover(false).register(source).register(deployer);
    if (withVerifier) {
      p.register(verifier);
    }
    Doco d =
        Doco.builder()
            .providers(p.build())
            .dataDirectory(data)
            .trustPolicy(policy)
            .clock(clock)
            .listener(events::add)
            .retryBackoff(Duration.ofSeconds(30), Duration.ofMinutes(5))
            .build();
    opened.add(d);
    return d;
  }

  Doco doco() {
    return doco(TrustPolicy.DISABLED, false);
  }

  @Test
  void deploy_firstTime_fetchesIntoPerTagCheckoutDeploysAndRecordsState() throws Exception {
    Doco doco = doco();
    Deployment d = doco.deploy(REF);

    assertEquals(List.of("app"), d.names());
    assertEquals(source.digest(REF), d.revision().digest());
    assertEquals(data.resolve("checkouts/reg.example/acme/cfg/main"), d.checkout());
    assertTrue(Files.isRegularFile(d.checkout().resolve("compose.yaml")));
    assertEquals(source.digest(REF), deployer.running.get("app").digest());
    Path stateFile = data.resolve("state/app.json");
    assertTrue(Files.isRegularFile(stateFile));
    String json = Files.readString(stateFile);
    assertTrue(json.contains("\"digest\":\"" + source.digest(REF) + "\""), json);
    assertTrue(json.contains("\"result\":\"SUCCEEDED\""), json);
    DeploymentState state = doco.status("app").orElseThrow();
    assertEquals(source.digest(REF), state.digest());
    assertEquals(DeploymentState.Result.SUCCEEDED, state.result());
    assertTrue(state.running());
    assertTrue(events.stream().anyMatch(e -> e instanceof DocoEvent.Deployed));
  }

  @Test
  void deploy_sameDigestAgain_stopsAfterResolveWithoutDownloading() {
    Doco doco = doco();
    doco.deploy(REF);
    Deployment again = doco.deploy(REF);

    assertTrue(again.unchanged());
    assertEquals(2, source.resolves.get());
    assertEquals(1, source.fetches.get(), "the unchanged trigger must not fetch");
    assertEquals(1, deployer.deploys.get());
    assertTrue(again.results().get(0).skipped());
  }

  @Test
  void restart_withUnchangedDigest_redeploysNothing() {
    doco().deploy(REF).keep();
    Doco restarted = doco();

    Deployment d = restarted.deploy(REF);

    assertTrue(d.unchanged());
    assertEquals(1, source.fetches.get());
    assertEquals(1, deployer.deploys.get());
  }

  @Test
  void restart_whenEngineLabelsSayTheStackIsGone_labelsWinAndItRedeploys() {
    doco().deploy(REF).keep();
    deployer.running.clear(); // someone ran `docker compose down`
    Doco restarted = doco();

    Deployment d = restarted.deploy(REF);

    assertFalse(d.unchanged());
    assertEquals(2, source.fetches.get());
    assertEquals(2, deployer.deploys.get());
  }

  @Test
  void restart_whenLabelsNameAnotherDigest_labelsWinAndItRedeploys() {
    doco().deploy(REF).keep();
    var r = deployer.running.get("app");
    deployer.running.put(
        "app",
        new FakeDeployer.Running("sha256:" + "0".repeat(64), r.configHash(), r.checkout(), "poll"));
    Doco restarted = doco();

    assertFalse(restarted.deploy(REF).unchanged());
    assertEquals(source.digest(REF), deployer.running.get("app").digest());
  }

  @Test
  void deploy_newDigest_redeploysWithTheNewVersion() throws Exception {
    Doco doco = doco();
    doco.deploy(REF);
    source.push(REF, Fakes.files("services: {web: {image: busybox:2}}\n"));

    Deployment d = doco.deploy(REF);

    assertFalse(d.unchanged());
    assertEquals(2, deployer.deploys.get());
    assertEquals(source.digest(REF), deployer.running.get("app").digest());
    assertTrue(Files.readString(d.checkout().resolve("compose.yaml")).contains("busybox:2"));
  }

  @Test
  void deploy_inlineConfigChangedWithSameDigest_redeploys() {
    Doco doco = doco();
    DeployOptions first =
        DeployOptions.DEFAULTS.withDeployments(
            List.of(DeployConfig.defaults("web").withEnvironment(Map.of("A", "1"))));
    doco.deploy(REF, first);
    assertTrue(doco.deploy(REF, first).unchanged());

    DeployOptions changed =
        DeployOptions.DEFAULTS.withDeployments(
            List.of(DeployConfig.defaults("web").withEnvironment(Map.of("A", "2"))));
    Deployment d = doco.deploy(REF, changed);

    assertFalse(d.unchanged());
    assertEquals(2, deployer.deploys.get());
    assertEquals("web", d.names().get(0));
  }

  @Test
  void deploy_artifactConfigs_areReadFromTheCheckout() {
    source.push(
        REF,
        Map.of(
            ".doco-cd.yaml",
            "name: one\n---\nname: two\n",
            "compose.yaml",
            "services: {web: {image: busybox}}\n"));

    Deployment d = doco().deploy(REF);

    assertEquals(List.of("one", "two"), d.names());
    assertEquals(2, deployer.deploys.get());
  }

  @Test
  void verify_refusedByGlobalPolicy_nothingFetchedAndTheOldVersionKeepsRunning() {
    Doco doco = doco(KEY_POLICY, true);
    String v1 = source.digest(REF);
    verifier.signed.add(v1);
    doco.deploy(REF);
    source.push(REF, Fakes.files("services: {evil: {image: evil}}\n"));

    VerificationException e = assertThrows(VerificationException.class, () -> doco.deploy(REF));

    assertTrue(e.getMessage().contains("no matching signatures"), e.getMessage());
    assertEquals(1, source.fetches.get(), "a refused artifact is never fetched");
    assertEquals(v1, deployer.running.get("app").digest());
    DeploymentState s = doco.status("app").orElseThrow();
    assertEquals(DeploymentState.Result.FAILED, s.result());
    assertEquals(v1, s.digest());
    assertTrue(s.lastError().contains("signature verification failed"), s.lastError());
    assertTrue(events.stream().anyMatch(ev -> ev instanceof DocoEvent.VerificationFailed));
  }

  @Test
  void verify_enabledButNoVerifierAvailable_failsClosed() {
    Doco doco = doco(KEY_POLICY, false);

    VerificationException e = assertThrows(VerificationException.class, () -> doco.deploy(REF));

    assertTrue(e.getMessage().contains("doco-verify"), e.getMessage());
    assertEquals(0, source.fetches.get());
    assertTrue(deployer.running.isEmpty());
  }

  @Test
  void verify_enabledPolicyWithoutRules_isRefused() {
    Doco doco = doco(new TrustPolicy(true, List.of(), List.of(), false, null, null), true);

    VerificationException e = assertThrows(VerificationException.class, () -> doco.deploy(REF));

    assertTrue(e.getMessage().contains("no trust rules"), e.getMessage());
    assertEquals(0, source.fetches.get());
  }

  @Test
  void verify_trustedInlineOverrideEnablesVerification_whenGlobalIsDisabled() {
    Doco doco = doco(TrustPolicy.DISABLED, true);
    DeployConfig strict =
        DeployConfig.defaults("web")
            .withTrusted(true)
            .withOci(new TrustPolicyOverride(true, List.of("good-key"), List.of(), null));

    assertThrows(
        VerificationException.class,
        () -> doco.deploy(REF, DeployOptions.DEFAULTS.withDeployments(List.of(strict))));
    assertEquals(0, source.fetches.get());

    verifier.signed.add(source.digest(REF));
    doco.deploy(REF, DeployOptions.DEFAULTS.withDeployments(List.of(strict)));
    assertEquals(source.digest(REF), deployer.running.get("web").digest());
  }

  @Test
  void deploy_inlineAutoDiscoveryBase_deploysOneStackPerDirectoryOfTheCheckout() {
    source.push(
        REF,
        Map.of(
            ".doco-cd.yaml", "name: ignored-when-inline\n",
            "a/compose.yaml", "services: {web: {image: busybox}}\n",
            "b/compose.yaml", "services: {db: {image: busybox}}\n"));
    DeployConfig base =
        DeployConfig.defaults("")
            .withTrusted(true)
            .withAutoDiscovery(new AutoDiscoveryConfig(true, 0, false, false, true));

    Deployment d = doco().deploy(REF, DeployOptions.DEFAULTS.withDeployments(List.of(base)));

    assertEquals(List.of("a", "b"), d.names());
    assertEquals(source.digest(REF), deployer.running.get("a").digest());
    assertEquals(source.digest(REF), deployer.running.get("b").digest());
  }

  @Test
  void verify_inlineAutoDiscoveryBaseRefusedByItsPolicy_deploysNoneOfItsStacks() {
    source.push(
        REF,
        Map.of(
            ".doco-cd.yaml", "name: root\n",
            "compose.yaml", "services: {web: {image: busybox}}\n",
            "a/compose.yaml", "services: {web: {image: busybox}}\n"));
    Doco doco = doco(TrustPolicy.DISABLED, true);
    DeployConfig plain = DeployConfig.defaults("web").withTrusted(true);
    DeployConfig strictBase =
        DeployConfig.defaults("")
            .withTrusted(true)
            .withWorkingDir("a")
            .withAutoDiscovery(new AutoDiscoveryConfig(true, 0, false, false, true))
            .withOci(new TrustPolicyOverride(true, List.of("good-key"), List.of(), null));

    try {
      doco.deploy(REF, DeployOptions.DEFAULTS.withDeployments(List.of(plain, strictBase)));
    } catch (RuntimeException expected) {
      // a partly refused run reports the refusal; what matters is what runs
    }

    assertEquals(source.digest(REF), deployer.running.get("web").digest());
    assertFalse(deployer.running.containsKey("a"), "a stack of a refused base must not run");
  }

  @Test
  void verify_untrustedOverrideFromArtifactIsIgnored() {
    Doco doco = doco(TrustPolicy.DISABLED, true);
    DeployConfig fromArtifact =
        DeployConfig.defaults("web")
            .withTrusted(false)
            .withOci(new TrustPolicyOverride(true, List.of("good-key"), List.of(), null));

    doco.deploy(REF, DeployOptions.DEFAULTS.withDeployments(List.of(fromArtifact)));

    assertEquals(0, verifier.calls.get());
    assertEquals(1, deployer.deploys.get());
  }

  @Test
  void verify_signedArtifact_passesAndDeploys() {
    Doco doco = doco(KEY_POLICY, true);
    verifier.signed.add(source.digest(REF));

    doco.deploy(REF);

    assertEquals(1, verifier.calls.get());
    assertTrue(
        events.stream()
            .anyMatch(
                e ->
                    e instanceof DocoEvent.VerificationPassed p
                        && p.matchedBy().equals("good-key")));
  }

  @Test
  void fetchFailure_isRecordedAndPollRetriesOnlyAfterBackoff() {
    Doco doco = doco();
    doco.deploy(REF);
    String v1 = source.digest(REF);
    source.push(REF, Fakes.files("services: {web: {image: busybox:2}}\n"));
    source.failFetch = true;
    DeployOptions poll = DeployOptions.DEFAULTS.withTrigger(Trigger.POLL);

    assertThrows(SourceException.class, () -> doco.deploy(REF, poll));
    assertEquals(2, source.fetches.get());
    DeploymentState s = doco.status("app").orElseThrow();
    assertEquals(DeploymentState.Result.FAILED, s.result());
    assertEquals(v1, s.digest(), "the running version is kept");
    assertEquals(1, s.failures());

    // Within the backoff window a poll stops after resolve.
    clock.advance(Duration.ofSeconds(10));
    assertTrue(doco.deploy(REF, poll).unchanged());
    assertEquals(2, source.fetches.get());

    // After it, the poll retries and succeeds.
    source.failFetch = false;
    clock.advance(Duration.ofSeconds(30));
    Deployment d = doco.deploy(REF, poll);
    assertFalse(d.unchanged());
    assertEquals(3, source.fetches.get());
    assertEquals(DeploymentState.Result.SUCCEEDED, doco.status("app").orElseThrow().result());
  }

  @Test
  void deployFailure_keepsTheAppliedDigestAndRecordsTheError() {
    Doco doco = doco();
    doco.deploy(REF);
    String v1 = source.digest(REF);
    source.push(REF, Fakes.files("services: {web: {image: broken}}\n"));
    deployer.failing.add("app");

    DeployException e = assertThrows(DeployException.class, () -> doco.deploy(REF));

    assertTrue(e.getMessage().contains("docker compose up failed"));
    DeploymentState s = doco.status("app").orElseThrow();
    assertEquals(v1, s.digest());
    assertEquals(DeploymentState.Result.FAILED, s.result());
    assertTrue(s.lastError().contains("docker compose up failed"));
  }

  @Test
  void deploy_expectedDigestMismatch_failsBeforeFetching() {
    Doco doco = doco();

    SourceException e =
        assertThrows(
            SourceException.class,
            () ->
                doco.deploy(
                    REF, DeployOptions.DEFAULTS.withExpectedDigest("sha256:" + "a".repeat(64))));

    assertTrue(e.getMessage().contains("does not match expected digest"), e.getMessage());
    assertEquals(0, source.fetches.get());
  }

  @Test
  void deploy_neverRunsMoreThanMaxConcurrentDeployments() {
    Providers p = Providers.builder().discover(false).register(source).register(deployer).build();
    Doco doco = Doco.builder().providers(p).dataDirectory(data).maxConcurrentDeployments(2).build();
    opened.add(doco);
    deployer.deployDelay = Duration.ofMillis(150);
    List<DeployConfig> six = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      six.add(DeployConfig.defaults("s" + i));
    }

    doco.deploy(REF, DeployOptions.DEFAULTS.withDeployments(six));

    assertEquals(6, deployer.deploys.get());
    assertEquals(2, deployer.concurrentMax.get());
  }

  @Test
  void pollAndWebhookForTheSameArtifact_neverRunAtOnce() throws Exception {
    Doco doco = doco();
    source.fetchDelay = Duration.ofMillis(200);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Deployment> poll =
          pool.submit(
              () ->
                  doco.deploy(
                      REF, DeployOptions.DEFAULTS.withTrigger(Trigger.POLL).withForce(true)));
      Future<Deployment> hook =
          pool.submit(
              () ->
                  doco.deploy(
                      REF, DeployOptions.DEFAULTS.withTrigger(Trigger.WEBHOOK).withForce(true)));
      poll.get();
      hook.get();
    } finally {
      pool.shutdownNow();
    }
    assertEquals(2, source.fetches.get());
    assertEquals(1, source.concurrentFetchMax.get());
  }

  @Test
  void webhookTrigger_skipsDeploymentsWhoseWebhookFilterDoesNotMatchTheTag() {
    Doco doco = doco();
    List<DeployConfig> configs =
        List.of(
            DeployConfig.defaults("prod").withWebhookFilter("^v[0-9]+"),
            DeployConfig.defaults("dev").withWebhookFilter("^main$"));

    doco.deploy(REF, DeployOptions.DEFAULTS.withTrigger(Trigger.WEBHOOK).withDeployments(configs));

    assertTrue(deployer.running.containsKey("dev"));
    assertFalse(deployer.running.containsKey("prod"));
  }

  @Test
  void destroyTrueInConfig_destroysTheStackAndForgetsIt() {
    Doco doco = doco();
    doco.deploy(REF, DeployOptions.DEFAULTS.withDeployments(List.of(DeployConfig.defaults("web"))))
        .keep();
    assertTrue(deployer.running.containsKey("web"));
    DeployConfig destroy =
        DeployConfig.defaults("web")
            .withDestroy(new dev.doco.core.config.DestroyConfig(true, true, true, false));

    doco.deploy(REF, DeployOptions.DEFAULTS.withDeployments(List.of(destroy)));

    assertFalse(deployer.running.containsKey("web"));
    assertTrue(doco.status("web").isEmpty());
  }

  @Test
  void destroy_removesTheStackTheStateAndTheCheckout() {
    Doco doco = doco();
    Deployment d = doco.deploy(REF).keep();

    doco.destroy("app");

    assertFalse(deployer.running.containsKey("app"));
    assertFalse(Files.exists(data.resolve("state/app.json")));
    assertFalse(Files.exists(d.checkout()), "remove_dir defaults to true");
    assertTrue(events.stream().anyMatch(e -> e instanceof DocoEvent.Destroyed));
  }

  @Test
  void destroy_unknownName_saysHowToListDeployments() {
    DeployException e = assertThrows(DeployException.class, () -> doco().destroy("nope"));
    assertTrue(e.getMessage().contains("doco status"), e.getMessage());
  }

  @Test
  void deploymentHandle_closeTearsTheStackDown() {
    Doco doco = doco();
    try (Deployment d = doco.deploy(REF)) {
      assertTrue(deployer.running.containsKey("app"));
      assertEquals(1, d.results().size());
    }
    assertFalse(deployer.running.containsKey("app"));
  }

  @Test
  void plan_listsCommandsWithTheLiveCheckoutAndChangesNothing() {
    Doco doco = doco();

    Plan plan = doco.plan(REF);

    assertEquals(1, plan.steps().size());
    Plan.Step step = plan.steps().get(0);
    assertEquals("app", step.deployment());
    assertEquals(Plan.Action.DEPLOY, step.action());
    Path live = data.resolve("checkouts/reg.example/acme/cfg/main");
    assertEquals(live, plan.checkout());
    assertTrue(step.commands().get(0).contains(live.toString()), step.commands().toString());
    assertTrue(deployer.running.isEmpty());
    assertFalse(Files.exists(live), "the live checkout is untouched");
    assertFalse(Files.exists(data.resolve("state/app.json")));
    assertEquals(List.of("global policy: verification disabled"), plan.verification());

    doco.deploy(REF).keep();
    assertEquals(Plan.Action.UNCHANGED, doco.plan(REF).steps().get(0).action());
  }

  @Test
  void plan_refusedArtifact_throwsVerificationException() {
    Doco doco = doco(KEY_POLICY, true);
    assertThrows(VerificationException.class, () -> doco.plan(REF));
    assertEquals(0, source.fetches.get());
  }

  @Test
  void deploy_withoutAnySourceForTheScheme_namesTheModuleToAdd() {
    Doco doco = doco();
    ProviderException e =
        assertThrows(ProviderException.class, () -> doco.deploy("ghcr.io/acme/cfg:main"));
    assertTrue(e.getMessage().contains("doco-oci"), e.getMessage());
  }

  @Test
  void status_whenEngineIsDown_stillReportsTheRecordedState() {
    Doco doco = doco();
    doco.deploy(REF).keep();
    deployer.engineDown = true;

    DeploymentState s = doco.status("app").orElseThrow();

    assertEquals(source.digest(REF), s.digest());
    assertTrue(s.engineStatus().isEmpty());
  }

  @Test
  void pull_verifiesThenExtractsIntoTheDestinationWithoutDeploying() throws Exception {
    Doco doco = doco(KEY_POLICY, true);
    verifier.signed.add(source.digest(REF));
    Path dest = data.resolve("pulled");

    doco.pull(REF, dest, "");

    assertTrue(Files.isRegularFile(dest.resolve("compose.yaml")));
    assertTrue(deployer.running.isEmpty());
    assertTrue(doco.status().isEmpty());
  }

  @Test
  void pull_refusedArtifact_extractsNothing() {
    Doco doco = doco(KEY_POLICY, true);
    Path dest = data.resolve("pulled");

    assertThrows(VerificationException.class, () -> doco.pull(REF, dest, ""));
    assertFalse(Files.exists(dest));
  }

  @Test
  void verify_reportsTheMatchedKey_andRefusesWhenPolicyIsDisabled() {
    verifier.signed.add(source.digest(REF));
    var result = doco(KEY_POLICY, true).verify(REF);
    assertEquals("good-key", result.acceptedBy().orElseThrow());

    assertThrows(dev.doco.core.ConfigException.class, () -> doco().verify(REF));
  }

  @Test
  void destroyAfterRestart_usesTheDeployerThatDeployed_evenWhenAnotherIsNowDefault() {
    FakeDeployer swarm = new FakeDeployer("swarm");
    Providers first =
        Providers.builder().discover(false).register(source).register(deployer).build();
    try (Doco d = Doco.builder().providers(first).dataDirectory(data).build()) {
      d.deploy(REF).keep();
    }
    Providers later =
        Providers.builder()
            .discover(false)
            .register(source)
            .register(swarm)
            .register(deployer)
            .build();
    try (Doco d = Doco.builder().providers(later).dataDirectory(data).build()) {
      assertTrue(d.deploy(REF).unchanged(), "labels checked with the deployer that deployed it");
      d.destroy("app");
    }
    assertFalse(deployer.running.containsKey("app"));
    assertTrue(swarm.log.isEmpty(), swarm.log.toString());
  }
}
