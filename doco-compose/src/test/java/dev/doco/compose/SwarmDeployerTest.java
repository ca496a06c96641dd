package dev.doco.compose;

import static dev.doco.compose.TestPlans.DIGEST_A;
import static dev.doco.compose.TestPlans.DIGEST_B;
import static dev.doco.compose.TestPlans.plan;
import static dev.doco.compose.TestPlans.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.compose.internal.JsonTree;
import dev.doco.core.DeployException;
import dev.doco.core.DocoListener;
import dev.doco.core.config.DeployConfig;
import dev.doco.core.config.DestroyConfig;
import dev.doco.core.spi.DeployResult;
import dev.doco.core.spi.DeploymentStatus;
import dev.doco.core.spi.ProviderContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwarmDeployerTest {
  @TempDir Path tmp;
  Path data;
  Path checkout;
  FakeDocker docker;
  Map<String, String> settings;

  static final String RENDERED =
      """
      {"name": "web", "services": {"web": {"image": "busybox:1", "entrypoint": null,
        "ports": [{"mode": "ingress", "target": 8080, "published": "18080", "protocol": "tcp"}],
        "depends_on": {"db": {"condition": "service_started", "required": true}},
        "labels": {"user": "kept"}, "deploy": {"replicas": 2, "labels": {"team": "a"}}},
       "db": {"image": "busybox:1"}},
       "networks": {"default": {"name": "web_default", "ipam": {}}}}
      """;

  @BeforeEach
  void setUp() throws Exception {
    data = Files.createDirectories(tmp.resolve("data"));
    checkout = Files.createDirectories(data.resolve("checkouts/acme/cfg/main"));
    write(checkout, "compose.yaml", "services: {web: {image: x}}\n");
    docker = new FakeDocker();
    settings = new HashMap<>(Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/doco"));
  }

  SwarmDeployer deployer() {
    return SwarmDeployer.builder(new ProviderContext(settings, data, DocoListener.NONE))
        .launcher(docker)
        .pollInterval(Duration.ofMillis(1))
        .build();
  }

  static List<String> serviceLs(String name) {
    return List.of(
        "docker",
        "service",
        "ls",
        "--filter",
        "label=com.docker.stack.namespace=" + name,
        "--format",
        "{{.ID}}\t{{.Name}}\t{{.Replicas}}");
  }

  static String inspectLine(String name, String state, String digest, String hash) {
    return name
        + "\t"
        + state
        + "\t{\"cd.doco.metadata.manager\":\"doco\",\"cd.doco.deployment.target.sha\":\""
        + digest
        + "\",\"cd.doco.deployment.config.sha\":\""
        + hash
        + "\",\"cd.doco.deployment.target.ref\":\"main\",\"cd.doco.deployment.timestamp\":\"t\"}";
  }

  Path stackFile() {
    return data.resolve("swarm/default/web/stack.json");
  }

  @Test
  void deploy_rendersWithComposeThenStackDeploysWithExactArgv() throws Exception {
    docker.on(List.of("config", "--format", "json"), RENDERED);
    docker.on(List.of("stack", "deploy", "--help"), "  -d, --detach   Exit immediately\n");
    docker.onSequence(
        List.of("service", "ls"),
        new FakeDocker.Reply(0, "", ""),
        new FakeDocker.Reply(0, "id1\tweb_web\t2/2\nid2\tweb_db\t1/1\n", ""));
    docker.on(
        List.of("service", "inspect"),
        inspectLine("web_web", "", DIGEST_A, "h")
            + "\n"
            + inspectLine("web_db", "", DIGEST_A, "h"));

    DeployResult r =
        deployer()
            .deploy(
                plan(
                    DeployConfig.defaults("web").withProfiles(List.of("p")),
                    checkout,
                    DIGEST_A,
                    "h"));

    assertFalse(r.skipped());
    List<String> render =
        List.of(
            "docker",
            "compose",
            "-p",
            "web",
            "--project-directory",
            checkout.toString(),
            "-f",
            checkout.resolve("compose.yaml").toString(),
            "--profile",
            "p",
            "config",
            "--format",
            "json");
    List<String> deploy =
        List.of(
            "docker",
            "stack",
            "deploy",
            "-c",
            stackFile().toString(),
            "--with-registry-auth",
            "--resolve-image",
            "always",
            "--prune",
            "--detach=false",
            "web");
    assertEquals(
        List.of(
            List.of("docker", "compose", "version", "--short"),
            serviceLs("web"),
            render,
            List.of("docker", "stack", "deploy", "--help"),
            deploy),
        docker.argvs());
  }

  @Test
  void deploy_stackFile_isFixedForTheStackLoaderAndLabelled() throws Exception {
    docker.on(List.of("config", "--format", "json"), RENDERED);
    deployer()
        .deploy(
            plan(
                DeployConfig.defaults("web").withTimeout(Duration.ZERO),
                checkout,
                DIGEST_A,
                "cfg"));

    Map<String, Object> stack = JsonTree.parseObject(Files.readString(stackFile()));
    assertFalse(stack.containsKey("name"));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> services =
        (Map<String, Map<String, Object>>) stack.get("services");
    Map<String, Object> web = services.get("web");
    assertFalse(web.containsKey("entrypoint"), "null keys removed");
    assertEquals(List.of("db"), web.get("depends_on"));
    String json = Files.readString(stackFile());
    assertTrue(json.contains("\"published\": 18080"), json);
    assertTrue(json.contains("\"target\": 8080"), json);
    @SuppressWarnings("unchecked")
    Map<String, String> serviceLabels =
        (Map<String, String>) ((Map<String, Object>) web.get("deploy")).get("labels");
    assertEquals("a", serviceLabels.get("team"));
    assertEquals(DIGEST_A, serviceLabels.get("cd.doco.deployment.target.sha"));
    assertEquals("cfg", serviceLabels.get("cd.doco.deployment.config.sha"));
    assertEquals("doco", serviceLabels.get("cd.doco.metadata.manager"));
    @SuppressWarnings("unchecked")
    Map<String, String> containerLabels = (Map<String, String>) web.get("labels");
    assertEquals("kept", containerLabels.get("user"));
    assertEquals("doco", containerLabels.get("cd.doco.metadata.manager"));
    assertFalse(
        containerLabels.containsKey("cd.doco.deployment.timestamp"),
        "per-deploy labels stay off containers (no task restarts)");
    assertFalse(containerLabels.containsKey("cd.doco.deployment.target.sha"));
    assertTrue(services.get("db").containsKey("deploy"));
  }

  @Test
  void deploy_oldCliWithoutDetach_pollsUntilConverged() {
    docker.on(List.of("config", "--format", "json"), RENDERED);
    docker.on(List.of("stack", "deploy", "--help"), "Usage: docker stack deploy\n");
    docker.onSequence(
        List.of("service", "ls"),
        new FakeDocker.Reply(0, "", ""),
        new FakeDocker.Reply(0, "id1\tweb_web\t1/2\n", ""),
        new FakeDocker.Reply(0, "id1\tweb_web\t2/2\n", ""));
    docker.onSequence(
        List.of("service", "inspect"),
        new FakeDocker.Reply(0, inspectLine("web_web", "updating", DIGEST_A, "h"), ""),
        new FakeDocker.Reply(0, inspectLine("web_web", "completed", DIGEST_A, "h"), ""));

    deployer().deploy(plan(DeployConfig.defaults("web"), checkout, DIGEST_A, "h"));

    assertFalse(docker.last("deploy").argv().contains("--detach=false"));
    long polls =
        docker.argvs().stream()
            .filter(a -> FakeDocker.containsRun(a, List.of("service", "ls")))
            .count();
    assertEquals(3, polls, "one before, two while waiting");
  }

  @Test
  void deploy_neverConverges_failsNamingTheReplicas() {
    docker.on(List.of("config", "--format", "json"), RENDERED);
    docker.on(List.of("stack", "deploy", "--help"), "Usage\n");
    docker.onSequence(
        List.of("service", "ls"),
        new FakeDocker.Reply(0, "", ""),
        new FakeDocker.Reply(0, "id1\tweb_web\t0/2\n", ""));
    docker.on(List.of("service", "inspect"), inspectLine("web_web", "", DIGEST_A, "h"));
    DeployException e =
        assertThrows(
            DeployException.class,
            () ->
                deployer()
                    .deploy(
                        plan(
                            DeployConfig.defaults("web").withTimeout(Duration.ofSeconds(1)),
                            checkout,
                            DIGEST_A,
                            "h")));
    assertTrue(e.getMessage().contains("did not become ready within 1 s"), e.getMessage());
    assertTrue(e.getMessage().contains("web_web 0/2"), e.getMessage());
  }

  @Test
  void deploy_sameDigestAndHashConverged_isSkippedWithoutRendering() {
    docker.on(List.of("service", "ls"), "id1\tweb_web\t2/2\n");
    docker.on(List.of("service", "inspect"), inspectLine("web_web", "completed", DIGEST_A, "h"));
    SwarmDeployer d = deployer();
    d.deploy(plan(DeployConfig.defaults("web"), checkout, DIGEST_A, "h"));
    docker.started.clear();

    DeployResult r = d.deploy(plan(DeployConfig.defaults("web"), checkout, DIGEST_A, "h"));

    assertTrue(r.skipped(), r.message());
    assertEquals(2, docker.argvs().size(), "service ls + service inspect: " + docker.argvs());
    assertFalse(docker.argvs().stream().anyMatch(a -> a.contains("deploy")));
  }

  @Test
  void deploy_forceRecreate_forcesEveryExistingService() {
    docker.on(List.of("config", "--format", "json"), RENDERED);
    docker.on(List.of("service", "ls"), "id1\tweb_web\t2/2\n");
    docker.on(List.of("service", "inspect"), inspectLine("web_web", "completed", DIGEST_A, "h"));
    DeployResult r =
        deployer()
            .deploy(
                plan(
                    DeployConfig.defaults("web").withForceRecreate(true), checkout, DIGEST_A, "h"));
    assertFalse(r.skipped());
    assertEquals(
        List.of("docker", "service", "update", "--force", "--detach", "web_web"),
        docker.last("update").argv());
  }

  @Test
  void deploy_withContextAndNoPrune() {
    docker.on(List.of("config", "--format", "json"), RENDERED);
    deployer()
        .deploy(
            plan(
                DeployConfig.defaults("web")
                    .withContext("swarm1")
                    .withRemoveOrphans(false)
                    .withTimeout(Duration.ZERO),
                checkout,
                DIGEST_B,
                "h"));
    assertEquals(
        List.of(
            "docker",
            "--context",
            "swarm1",
            "stack",
            "deploy",
            "-c",
            data.resolve("swarm/swarm1/web/stack.json").toString(),
            "--with-registry-auth",
            "--resolve-image",
            "always",
            "web"),
        docker.last("deploy").argv());
  }

  @Test
  void deploy_invalidCompose_failsBeforeStackDeploy() {
    docker.fail(
        List.of("config", "--format", "json"), 15, "yaml: line 3: did not find expected key\n");
    DeployException e =
        assertThrows(
            DeployException.class,
            () -> deployer().deploy(plan(DeployConfig.defaults("web"), checkout, DIGEST_A, "h")));
    assertTrue(e.getMessage().contains("did not find expected key"), e.getMessage());
    assertFalse(docker.argvs().stream().anyMatch(a -> a.contains("deploy")));
  }

  @Test
  void destroy_managedStack_removesStackWaitsAndRemovesVolumes() {
    docker.on(List.of("service", "ls"), "id1\tweb_web\t2/2\n");
    docker.on(List.of("service", "inspect"), inspectLine("web_web", "", DIGEST_A, "h"));
    docker.onSequence(
        List.of("ps", "-aq"), new FakeDocker.Reply(0, "c1\n", ""), new FakeDocker.Reply(0, "", ""));
    docker.on(List.of("volume", "ls"), "web_data\n");
    deployer()
        .destroy(
            plan(
                DeployConfig.defaults("web").withDestroy(new DestroyConfig(true, true, true, true)),
                checkout,
                DIGEST_A,
                "h"));
    List<List<String>> a = docker.argvs();
    assertTrue(a.contains(List.of("docker", "stack", "rm", "web")), a.toString());
    assertTrue(a.contains(List.of("docker", "volume", "rm", "web_data")), a.toString());
    assertTrue(
        a.indexOf(List.of("docker", "volume", "rm", "web_data"))
            > a.lastIndexOf(
                List.of("docker", "ps", "-aq", "--filter", "label=com.docker.stack.namespace=web")),
        "volumes removed after the containers are gone");
    assertFalse(Files.exists(checkout));
  }

  @Test
  void destroy_unmanagedStack_isRefused() {
    docker.on(List.of("service", "ls"), "id1\tweb_web\t2/2\n");
    docker.on(List.of("service", "inspect"), "web_web\t\t{\"x\":\"y\"}");
    DeployException e =
        assertThrows(
            DeployException.class,
            () ->
                deployer()
                    .destroy(
                        plan(
                            DeployConfig.defaults("web")
                                .withDestroy(new DestroyConfig(true, true, true, true)),
                            checkout,
                            DIGEST_A,
                            "h")));
    assertTrue(e.getMessage().contains("not managed by doco"), e.getMessage());
    assertFalse(docker.argvs().stream().anyMatch(x -> x.contains("rm")));
  }

  @Test
  void inspect_reportsServicesReplicasAndLabels() {
    docker.on(List.of("service", "ls"), "id1\tweb_web\t1/2\nid2\tweb_db\t1/1\n");
    docker.on(
        List.of("service", "inspect"),
        inspectLine("web_web", "", DIGEST_A, "h")
            + "\n"
            + inspectLine("web_db", "", DIGEST_A, "h"));
    DeploymentStatus s = deployer().inspect("web", "").orElseThrow();
    assertTrue(s.running());
    assertTrue(s.managed());
    assertEquals(DIGEST_A, s.digest());
    assertEquals("main", s.tag());
    assertEquals(List.of("db", "web"), s.services().stream().map(x -> x.service()).toList());
    assertEquals("degraded", s.services().get(1).state());
    assertEquals("replicas 1/2", s.services().get(1).health());
  }

  @Test
  void provider_isApplicableOnlyOnASwarmManager() {
    ProviderContext ctx = new ProviderContext(settings, data, DocoListener.NONE);
    FakeDocker manager = new FakeDocker().on(List.of("info"), "active true\n");
    FakeDocker worker = new FakeDocker().on(List.of("info"), "active false\n");
    FakeDocker plain = new FakeDocker().on(List.of("info"), "inactive false\n");
    FakeDocker down =
        new FakeDocker().fail(List.of("info"), 1, "Cannot connect to the Docker daemon");
    assertTrue(new SwarmDeployerProvider(manager).isApplicable(ctx));
    assertEquals(
        List.of(
            List.of(
                "docker",
                "info",
                "--format",
                "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}")),
        manager.argvs());
    assertFalse(new SwarmDeployerProvider(worker).isApplicable(ctx));
    assertFalse(new SwarmDeployerProvider(plain).isApplicable(ctx));
    assertFalse(new SwarmDeployerProvider(down).isApplicable(ctx));

    Map<String, String> off = new HashMap<>(settings);
    off.put("DOCKER_SWARM_FEATURES", "false");
    FakeDocker untouched = new FakeDocker().on(List.of("info"), "active true\n");
    assertFalse(
        new SwarmDeployerProvider(untouched)
            .isApplicable(new ProviderContext(off, data, DocoListener.NONE)));
    assertTrue(untouched.started.isEmpty());
  }

  @Test
  void plannedCommands_runsNothing() {
    List<List<String>> planned =
        deployer().plannedCommands(plan(DeployConfig.defaults("web"), checkout, DIGEST_A, "h"));
    assertEquals(serviceLs("web"), planned.get(0));
    assertTrue(new ArrayList<>(planned.get(2)).contains("deploy"));
    assertTrue(docker.started.isEmpty());
  }
}
