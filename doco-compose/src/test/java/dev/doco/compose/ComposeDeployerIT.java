package dev.doco.compose;

import static dev.doco.compose.DockerFixture.containers;
import static dev.doco.compose.DockerFixture.docker;
import static dev.doco.compose.DockerFixture.env;
import static dev.doco.compose.DockerFixture.label;
import static dev.doco.compose.DockerFixture.ok;
import static dev.doco.compose.DockerFixture.state;
import static dev.doco.compose.TestPlans.DIGEST_A;
import static dev.doco.compose.TestPlans.DIGEST_B;
import static dev.doco.compose.TestPlans.plan;
import static dev.doco.compose.TestPlans.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.DeployException;
import dev.doco.core.DocoEvent;
import dev.doco.core.config.BuildConfig;
import dev.doco.core.config.DeployConfig;
import dev.doco.core.config.DestroyConfig;
import dev.doco.core.spi.DeployResult;
import dev.doco.core.spi.DeploymentStatus;
import dev.doco.core.spi.ProviderContext;
import dev.doco.core.testing.Exec;
import dev.doco.core.testing.Peer;
import dev.doco.core.testing.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Compose deployer against the real engine and Compose v2 plugin. */
class ComposeDeployerIT {
  static final String PROJECT =
      """
      services:
        web:
          image: ${IMAGE}
          command: ["busybox", "httpd", "-f", "-p", "8080"]
          stop_signal: SIGKILL
          environment:
            GREETING: ${GREETING:-none}
            FROM_FILE: ${FROM_FILE:-unset}
            HOST_ONLY: ${HOST_ONLY_VARIABLE:-not-passed}
        worker:
          image: ${IMAGE}
          command: ["sleep", "3600"]
          stop_signal: SIGKILL
          volumes: [data:/data]
        extra:
          image: ${IMAGE}
          command: ["sleep", "3600"]
          stop_signal: SIGKILL
          profiles: ["extra"]
      volumes:
        data: {}
      """;

  @TempDir Path tmp;
  Path data;
  Path checkout;
  String name;
  String uniqueTag;
  List<DocoEvent> events = new CopyOnWriteArrayList<>();
  ComposeDeployer deployer;

  @BeforeAll
  static void peers() {
    Peers.require(Peer.DOCKER, Peer.COMPOSE, Peer.REGISTRY, Peer.TEST_IMAGE);
  }

  @BeforeEach
  void setUp() throws Exception {
    name = "doco-it-" + UUID.randomUUID().toString().substring(0, 8);
    data = Files.createDirectories(tmp.resolve("data"));
    checkout = Files.createDirectories(data.resolve("checkouts/acme/cfg/main"));
    write(checkout, "compose.yaml", PROJECT);
    deployer =
        ComposeDeployer.builder(new ProviderContext(DockerFixture.settings(), data, events::add))
            .build();
  }

  @AfterEach
  void cleanUp() {
    docker(tmp, "compose", "-p", name, "down", "--volumes", "--remove-orphans", "-t", "0");
    if (uniqueTag != null) {
      docker(tmp, "image", "rm", uniqueTag);
    }
  }

  DeployConfig config() {
    return DeployConfig.defaults(name)
        .withEnvironment(Map.of("IMAGE", Peers.testImage()))
        .withTimeout(java.time.Duration.ofSeconds(60));
  }

  @Test
  void deploy_twoServices_runWithDocoLabels() {
    DeployResult r = deployer.deploy(plan(config(), checkout, DIGEST_A, "hash-1"));

    assertFalse(r.skipped());
    Map<String, String> c = containers(tmp, name);
    assertEquals(List.of("web", "worker"), List.copyOf(c.keySet()), "extra needs its profile");
    for (String id : c.values()) {
      assertEquals("running", state(tmp, id));
      assertEquals("doco", label(tmp, id, "cd.doco.metadata.manager"));
      assertEquals(name, label(tmp, id, "cd.doco.deployment.name"));
      assertEquals(DIGEST_A, label(tmp, id, "cd.doco.deployment.target.sha"));
      assertEquals("main", label(tmp, id, "cd.doco.deployment.target.ref"));
      assertEquals("hash-1", label(tmp, id, "cd.doco.deployment.config.sha"));
      assertEquals("oci", label(tmp, id, "cd.doco.source"));
      assertEquals("127.0.0.1:5000/acme/cfg:main", label(tmp, id, "cd.doco.source.url"));
      assertEquals("poll", label(tmp, id, "cd.doco.deployment.trigger"));
      assertFalse(label(tmp, id, "cd.doco.deployment.timestamp").isEmpty());
    }
    assertEquals(
        List.of("compose.yaml"),
        List.of(checkout.toFile().list()),
        "nothing written into the user's tree");
    assertTrue(
        events.stream()
            .anyMatch(e -> e instanceof DocoEvent.DeployOutput o && o.line().contains("Started")),
        "compose output streamed as events");

    DeploymentStatus s = deployer.inspect(name, "").orElseThrow();
    assertTrue(s.running());
    assertTrue(s.managed());
    assertEquals(DIGEST_A, s.digest());
    assertEquals("main", s.tag());
    assertEquals("hash-1", s.configHash());
    assertEquals(List.of("web", "worker"), s.services().stream().map(x -> x.service()).toList());
    assertTrue(s.services().stream().allMatch(x -> x.state().equals("running")));
  }

  @Test
  void deploy_sameDigestAndConfig_recreatesNothing() {
    deployer.deploy(plan(config(), checkout, DIGEST_A, "h"));
    Map<String, String> before = containers(tmp, name);

    DeployResult r = deployer.deploy(plan(config(), checkout, DIGEST_A, "h"));

    assertTrue(r.skipped(), r.message());
    assertEquals(1, r.commands().size(), "one ps: " + r.commands());
    assertEquals(before, containers(tmp, name));
  }

  @Test
  void deploy_newDigest_updatesTheContainers() {
    deployer.deploy(plan(config(), checkout, DIGEST_A, "h"));
    Map<String, String> before = containers(tmp, name);

    DeployResult r = deployer.deploy(plan(config(), checkout, DIGEST_B, "h"));

    assertFalse(r.skipped());
    Map<String, String> after = containers(tmp, name);
    assertEquals(before.keySet(), after.keySet());
    for (String service : after.keySet()) {
      assertNotEquals(before.get(service), after.get(service), service + " recreated");
      assertEquals(DIGEST_B, label(tmp, after.get(service), "cd.doco.deployment.target.sha"));
      assertEquals("running", state(tmp, after.get(service)));
    }
    assertEquals(DIGEST_B, deployer.inspect(name, "").orElseThrow().digest());
  }

  @Test
  void deploy_changedConfigHash_redeploysSameDigest() {
    deployer.deploy(plan(config(), checkout, DIGEST_A, "h1"));
    DeployResult r = deployer.deploy(plan(config(), checkout, DIGEST_A, "h2"));
    assertFalse(r.skipped());
    String web = containers(tmp, name).get("web");
    assertEquals("h2", label(tmp, web, "cd.doco.deployment.config.sha"));
  }

  @Test
  void deploy_forceRecreate_recreatesEveryContainer() {
    deployer.deploy(plan(config(), checkout, DIGEST_A, "h"));
    Map<String, String> before = containers(tmp, name);

    DeployResult r =
        deployer.deploy(plan(config().withForceRecreate(true), checkout, DIGEST_A, "h"));

    assertFalse(r.skipped());
    Map<String, String> after = containers(tmp, name);
    for (String service : before.keySet()) {
      assertNotEquals(before.get(service), after.get(service), service + " recreated");
    }
  }

  @Test
  void deploy_profilesEnvFilesAndEnvironment_takeEffect() throws Exception {
    write(checkout, ".env", "FROM_FILE=dotenv\nGREETING=from-dotenv\n");
    write(checkout, "prod.env", "FROM_FILE=prod\n");
    DeployConfig c =
        config()
            .withEnvFiles(List.of(".env", "prod.env"))
            .withProfiles(List.of("extra"))
            .withEnvironment(Map.of("IMAGE", Peers.testImage(), "GREETING", "hello"));

    deployer.deploy(plan(c, checkout, DIGEST_A, "h"));

    Map<String, String> ids = containers(tmp, name);
    assertEquals(List.of("extra", "web", "worker"), List.copyOf(ids.keySet()));
    List<String> env = env(tmp, ids.get("web"));
    assertTrue(env.contains("GREETING=hello"), "environment beats env files: " + env);
    assertTrue(env.contains("FROM_FILE=prod"), "later env file wins: " + env);
    assertTrue(env.contains("HOST_ONLY=not-passed"), "host env not passed: " + env);
  }

  @Test
  void deploy_inADockerContext_usesThatContext() throws Exception {
    Path config = Files.createDirectories(tmp.resolve("docker-config"));
    String context = "doco-it-" + name;
    Exec.ok(
        java.time.Duration.ofMinutes(1),
        tmp,
        Map.of("DOCKER_CONFIG", config.toString()),
        List.of(
            Peers.tool("docker").toString(),
            "context",
            "create",
            context,
            "--docker",
            "host=" + Peers.dockerHost()));
    Map<String, String> settings = DockerFixture.settings();
    settings.put("DOCKER_CONFIG", config.toString());
    settings.put("DOCKER_HOST", "unix:///nonexistent.sock"); // --context must win over it
    ComposeDeployer inContext =
        ComposeDeployer.builder(new ProviderContext(settings, data, events::add)).build();

    DeployResult r = inContext.deploy(plan(config().withContext(context), checkout, DIGEST_A, "h"));

    assertFalse(r.skipped());
    assertTrue(
        r.commands().stream()
            .allMatch(a -> a.get(1).equals("--context") && a.get(2).equals(context)),
        r.commands().toString());
    assertEquals(List.of("web", "worker"), List.copyOf(containers(tmp, name).keySet()));
    assertEquals(DIGEST_A, inContext.inspect(name, context).orElseThrow().digest());
  }

  @Test
  void deploy_pruneImages_removesTheImageNoLongerUsed() throws Exception {
    Path build = Files.createDirectories(tmp.resolve("build"));
    write(build, "Dockerfile", "FROM " + Peers.testImage() + "\nLABEL doco.it=" + name + "\n");
    uniqueTag = "127.0.0.1:5000/doco-it/prune-" + name + ":1";
    Exec.ok(
        java.time.Duration.ofMinutes(3),
        build,
        Map.of("DOCKER_HOST", Peers.dockerHost(), "DOCKER_BUILDKIT", "0"),
        List.of(Peers.tool("docker").toString(), "build", "-q", "-t", uniqueTag, "."));
    String oldId = ok(tmp, "images", "-q", "--no-trunc", uniqueTag).trim();
    assertFalse(oldId.isEmpty());
    deployer.deploy(
        plan(config().withEnvironment(Map.of("IMAGE", uniqueTag)), checkout, DIGEST_A, "h"));

    DeployResult r = deployer.deploy(plan(config(), checkout, DIGEST_B, "h"));

    assertFalse(r.skipped());
    assertTrue(
        r.commands().stream().anyMatch(a -> a.contains("rm") && a.contains(oldId)),
        r.commands().toString());
    assertTrue(ok(tmp, "images", "-q", uniqueTag).isBlank(), "old image pruned");
    assertFalse(ok(tmp, "images", "-q", Peers.testImage()).isBlank(), "image in use kept");
    uniqueTag = null;
  }

  @Test
  void deploy_buildSection_isRebuiltWhenANewVersionChangesItsDockerfile_andBuildArgsApply()
      throws Exception {
    uniqueTag = "doco-it/build-" + name + ":latest";
    write(
        checkout,
        "compose.yaml",
        """
        services:
          app:
            build: ./app
            image: ${TAG}
            command: ["sleep", "3600"]
            stop_signal: SIGKILL
        """);
    String from = "FROM " + Peers.testImage() + "\nARG SUFFIX=\n";
    write(checkout, "app/Dockerfile", from + "RUN echo v1$SUFFIX > /version\n");
    DeployConfig c = config().withEnvironment(Map.of("TAG", uniqueTag));

    deployer.deploy(plan(c, checkout, DIGEST_A, "h"));
    assertEquals("v1", ok(tmp, "exec", containers(tmp, name).get("app"), "cat", "/version").trim());

    // the next artifact version changes the Dockerfile but not the image tag
    write(checkout, "app/Dockerfile", from + "RUN echo v2$SUFFIX > /version\n");
    DeployResult r = deployer.deploy(plan(c, checkout, DIGEST_B, "h"));
    assertFalse(r.skipped());
    assertEquals("v2", ok(tmp, "exec", containers(tmp, name).get("app"), "cat", "/version").trim());

    DeployConfig withArgs =
        c.withBuild(new BuildConfig(false, true, Map.of("SUFFIX", "-from-args"), false));
    r = deployer.deploy(plan(withArgs, checkout, DIGEST_B, "h2"));
    assertTrue(r.commands().stream().anyMatch(a -> a.contains("build")), r.commands().toString());
    assertEquals(
        "v2-from-args",
        ok(tmp, "exec", containers(tmp, name).get("app"), "cat", "/version").trim());
  }

  @Test
  void destroy_removesContainersVolumesNetworkAndImages() {
    uniqueTag = "127.0.0.1:5000/doco-it/rmi-" + name + ":1";
    ok(tmp, "pull", Peers.testImage());
    ok(tmp, "tag", Peers.testImage(), uniqueTag);
    DeployConfig c = config().withEnvironment(Map.of("IMAGE", uniqueTag));
    deployer.deploy(plan(c, checkout, DIGEST_A, "h"));
    assertFalse(ok(tmp, "volume", "ls", "-q", "--filter", "name=" + name + "_data").isBlank());

    deployer.destroy(
        plan(c.withDestroy(new DestroyConfig(true, true, true, true)), checkout, DIGEST_A, "h"));

    assertTrue(containers(tmp, name).isEmpty());
    assertTrue(
        ok(tmp, "volume", "ls", "-q", "--filter", "label=com.docker.compose.project=" + name)
            .isBlank(),
        "volumes removed");
    assertTrue(
        ok(tmp, "network", "ls", "-q", "--filter", "label=com.docker.compose.project=" + name)
            .isBlank(),
        "network removed");
    assertTrue(ok(tmp, "images", "-q", uniqueTag).isBlank(), "image removed (--rmi all)");
    assertFalse(ok(tmp, "images", "-q", Peers.testImage()).isBlank(), "other tags untouched");
    assertFalse(Files.exists(checkout), "checkout removed (remove_dir)");
    assertTrue(deployer.inspect(name, "").isEmpty());
  }

  @Test
  void destroy_projectNotDeployedByDoco_isRefused() throws Exception {
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    write(
        plain,
        "compose.yaml",
        "services:\n  s:\n    image: "
            + Peers.testImage()
            + "\n    command: [sleep, '3600']\n    stop_signal: SIGKILL\n");
    ok(plain, "compose", "-p", name, "up", "-d");

    DeployException e =
        assertThrows(
            DeployException.class,
            () ->
                deployer.destroy(
                    plan(
                        config().withDestroy(new DestroyConfig(true, true, true, true)),
                        checkout,
                        DIGEST_A,
                        "h")));

    assertTrue(e.getMessage().contains("not managed by doco"), e.getMessage());
    assertEquals("running", state(tmp, containers(tmp, name).get("s")));
  }

  @Test
  void deploy_brokenComposeFile_failsWithComposeErrorAndOldContainersKeepRunning()
      throws Exception {
    deployer.deploy(plan(config(), checkout, DIGEST_A, "h"));
    Map<String, String> before = containers(tmp, name);
    write(
        checkout,
        "compose.yaml",
        PROJECT.replace("    command: [\"sleep\"", "    imag: x\n    command: [\"sleep\""));

    DeployException e =
        assertThrows(
            DeployException.class, () -> deployer.deploy(plan(config(), checkout, DIGEST_B, "h")));

    assertTrue(e.getMessage().contains("imag"), e.getMessage());
    assertTrue(e.stderrTail().contains("Additional property imag is not allowed"), e.stderrTail());
    assertNotEquals(0, e.exitCode());
    assertEquals(before, containers(tmp, name));
    for (String id : before.values()) {
      assertEquals("running", state(tmp, id));
      assertEquals(DIGEST_A, label(tmp, id, "cd.doco.deployment.target.sha"));
    }
  }

  @Test
  void deploy_imageThatCannotBePulled_failsAndOldContainersKeepRunning() {
    deployer.deploy(plan(config(), checkout, DIGEST_A, "h"));
    Map<String, String> before = containers(tmp, name);
    DeployConfig missing =
        config()
            .withEnvironment(Map.of("IMAGE", Peers.registry() + "/doco-it/does-not-exist:" + name));

    DeployException e =
        assertThrows(
            DeployException.class, () -> deployer.deploy(plan(missing, checkout, DIGEST_B, "h")));

    assertTrue(e.getMessage().contains("docker compose up failed"), e.getMessage());
    assertTrue(e.stderrTail().contains("does-not-exist"), e.stderrTail());
    assertEquals(before, containers(tmp, name));
    for (String id : before.values()) {
      assertEquals("running", state(tmp, id));
    }
  }
}
