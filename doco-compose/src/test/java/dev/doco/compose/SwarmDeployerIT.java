package dev.doco.compose;

import static dev.doco.compose.DockerFixture.docker;
import static dev.doco.compose.DockerFixture.ok;
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
import dev.doco.core.DocoListener;
import dev.doco.core.config.DeployConfig;
import dev.doco.core.config.DestroyConfig;
import dev.doco.core.spi.DeployResult;
import dev.doco.core.spi.DeploymentStatus;
import dev.doco.core.spi.ProviderContext;
import dev.doco.core.testing.Peer;
import dev.doco.core.testing.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Swarm deployer on a single-node Swarm (initialised here, left afterwards). */
class SwarmDeployerIT {
  static final String STACK =
      """
      services:
        web:
          image: ${IMAGE}
          command: ["busybox", "httpd", "-f", "-p", "8080"]
          stop_signal: SIGKILL
          environment:
            GREETING: ${GREETING:-none}
            FROM_FILE: ${FROM_FILE:-unset}
          volumes: [data:/data]
          deploy:
            replicas: 2
        worker:
          image: ${IMAGE}
          command: ["sleep", "3600"]
          stop_signal: SIGKILL
      volumes:
        data: {}
      """;

  static boolean initialisedHere;
  static Path scratch;

  @TempDir Path tmp;
  Path data;
  Path checkout;
  String name;
  SwarmDeployer deployer;

  @BeforeAll
  static void swarm() throws Exception {
    Peers.require(Peer.DOCKER, Peer.COMPOSE, Peer.REGISTRY, Peer.TEST_IMAGE);
    scratch = Files.createTempDirectory("doco-swarm-it");
    String state = ok(scratch, "info", "--format", "{{.Swarm.LocalNodeState}}").trim();
    if (!state.equals("active")) {
      ok(scratch, "swarm", "init", "--advertise-addr", "127.0.0.1");
      initialisedHere = true;
    }
  }

  @AfterAll
  static void leave() {
    if (initialisedHere) {
      docker(scratch, "swarm", "leave", "--force");
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    name = "doco-swarm-it-" + UUID.randomUUID().toString().substring(0, 8);
    data = Files.createDirectories(tmp.resolve("data"));
    checkout = Files.createDirectories(data.resolve("checkouts/acme/cfg/main"));
    write(checkout, "compose.yaml", STACK);
    write(checkout, ".env", "FROM_FILE=dotenv\n");
    deployer =
        SwarmDeployer.builder(
                new ProviderContext(DockerFixture.settings(), data, DocoListener.NONE))
            .build();
  }

  @AfterEach
  void cleanUp() throws Exception {
    docker(tmp, "stack", "rm", name);
    for (int i = 0; i < 60; i++) {
      if (ok(tmp, "ps", "-aq", "--filter", "label=com.docker.stack.namespace=" + name).isBlank()) {
        break;
      }
      Thread.sleep(500);
    }
    String volumes =
        ok(tmp, "volume", "ls", "-q", "--filter", "label=com.docker.stack.namespace=" + name);
    for (String v : volumes.split("\n")) {
      if (!v.isBlank()) {
        docker(tmp, "volume", "rm", v.trim());
      }
    }
  }

  DeployConfig config(String greeting) {
    return DeployConfig.defaults(name)
        .withEnvironment(Map.of("IMAGE", Peers.testImage(), "GREETING", greeting))
        .withTimeout(Duration.ofSeconds(120));
  }

  String serviceLabel(String service, String key) {
    return ok(
            tmp,
            "service",
            "inspect",
            "--format",
            "{{index .Spec.Labels \"" + key + "\"}}",
            name + "_" + service)
        .trim();
  }

  List<String> runningTasks(String service) {
    return ok(tmp, "service", "ps", "-q", "--filter", "desired-state=running", name + "_" + service)
        .lines()
        .filter(l -> !l.isBlank())
        .sorted()
        .toList();
  }

  List<String> taskContainers() {
    return ok(tmp, "ps", "-q", "--no-trunc", "--filter", "label=com.docker.stack.namespace=" + name)
        .lines()
        .filter(l -> !l.isBlank())
        .sorted()
        .toList();
  }

  @Test
  void deploy_twoReplicas_labelledServicesRunInterpolatedConfig() {
    DeployResult r = deployer.deploy(plan(config("hello"), checkout, DIGEST_A, "h1"));

    assertFalse(r.skipped());
    assertEquals("doco", serviceLabel("web", "cd.doco.metadata.manager"));
    assertEquals(DIGEST_A, serviceLabel("web", "cd.doco.deployment.target.sha"));
    assertEquals("h1", serviceLabel("worker", "cd.doco.deployment.config.sha"));
    assertEquals("main", serviceLabel("worker", "cd.doco.deployment.target.ref"));
    assertEquals(2, runningTasks("web").size());
    List<String> containers = taskContainers();
    assertEquals(3, containers.size(), "2 web + 1 worker");
    String web =
        containers.stream()
            .filter(
                c ->
                    ok(
                            tmp,
                            "inspect",
                            "--format",
                            "{{index .Config.Labels \"com.docker.swarm.service.name\"}}",
                            c)
                        .trim()
                        .equals(name + "_web"))
            .findFirst()
            .orElseThrow();
    String env = ok(tmp, "inspect", "--format", "{{range .Config.Env}}{{println .}}{{end}}", web);
    assertTrue(env.contains("GREETING=hello"), env);
    assertTrue(env.contains("FROM_FILE=dotenv"), "env file applied when rendering: " + env);
    assertEquals(
        "doco",
        ok(tmp, "inspect", "--format", "{{index .Config.Labels \"cd.doco.metadata.manager\"}}", web)
            .trim());

    DeploymentStatus s = deployer.inspect(name, "").orElseThrow();
    assertTrue(s.running());
    assertTrue(s.managed());
    assertEquals(DIGEST_A, s.digest());
    assertEquals(List.of("web", "worker"), s.services().stream().map(x -> x.service()).toList());
    assertEquals("replicas 2/2", s.services().get(0).health());
  }

  @Test
  void redeploy_sameDigest_skips_newDigestWithChange_updates_brokenFile_keepsOld()
      throws Exception {
    deployer.deploy(plan(config("one"), checkout, DIGEST_A, "h"));
    List<String> tasks = taskContainers();

    DeployResult same = deployer.deploy(plan(config("one"), checkout, DIGEST_A, "h"));
    assertTrue(same.skipped(), same.message());
    assertEquals(tasks, taskContainers(), "nothing recreated");

    DeployResult update = deployer.deploy(plan(config("two"), checkout, DIGEST_B, "h2"));
    assertFalse(update.skipped());
    assertEquals(DIGEST_B, serviceLabel("web", "cd.doco.deployment.target.sha"));
    List<String> webTasks = runningTasks("web");
    assertEquals(2, webTasks.size());
    String env =
        ok(
            tmp,
            "service",
            "inspect",
            "--format",
            "{{json .Spec.TaskTemplate.ContainerSpec.Env}}",
            name + "_web");
    assertTrue(env.contains("GREETING=two"), env);
    assertNotEquals(tasks, taskContainers(), "web tasks replaced");
    assertEquals(DIGEST_B, deployer.inspect(name, "").orElseThrow().digest());

    List<String> before = taskContainers();
    write(
        checkout,
        "compose.yaml",
        STACK.replace(
            "command: [\"sleep\", \"3600\"]", "command: [\"sleep\", \"3600\"]\n    imag: x"));
    DeployException e =
        assertThrows(
            DeployException.class,
            () -> deployer.deploy(plan(config("three"), checkout, DIGEST_A, "h3")));
    assertTrue(e.stderrTail().contains("imag"), e.stderrTail());
    assertEquals(before, taskContainers(), "old tasks untouched");
    assertEquals(DIGEST_B, serviceLabel("web", "cd.doco.deployment.target.sha"));
  }

  @Test
  void destroy_removesServicesNetworkAndVolumes() {
    deployer.deploy(plan(config("x"), checkout, DIGEST_A, "h"));
    assertFalse(
        ok(tmp, "volume", "ls", "-q", "--filter", "label=com.docker.stack.namespace=" + name)
            .isBlank());

    deployer.destroy(
        plan(
            config("x").withDestroy(new DestroyConfig(true, true, false, true)),
            checkout,
            DIGEST_A,
            "h"));

    assertTrue(
        ok(tmp, "service", "ls", "-q", "--filter", "label=com.docker.stack.namespace=" + name)
            .isBlank());
    assertTrue(taskContainers().isEmpty());
    assertTrue(
        ok(tmp, "network", "ls", "-q", "--filter", "label=com.docker.stack.namespace=" + name)
            .isBlank());
    assertTrue(
        ok(tmp, "volume", "ls", "-q", "--filter", "label=com.docker.stack.namespace=" + name)
            .isBlank());
    assertFalse(Files.exists(checkout));
    assertTrue(deployer.inspect(name, "").isEmpty());
  }

  @Test
  void provider_choosesSwarmOnThisManager() {
    assertTrue(
        new SwarmDeployerProvider()
            .isApplicable(new ProviderContext(DockerFixture.settings(), data, DocoListener.NONE)));
  }
}
