package dev.doco.compose;

import static dev.doco.compose.TestPlans.DIGEST_A;
import static dev.doco.compose.TestPlans.DIGEST_B;
import static dev.doco.compose.TestPlans.docoLabels;
import static dev.doco.compose.TestPlans.plan;
import static dev.doco.compose.TestPlans.psLine;
import static dev.doco.compose.TestPlans.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.compose.internal.ContainerInfo;
import dev.doco.compose.internal.JsonTree;
import dev.doco.core.DeployException;
import dev.doco.core.DocoEvent;
import dev.doco.core.config.BuildConfig;
import dev.doco.core.config.DeployConfig;
import dev.doco.core.config.DestroyConfig;
import dev.doco.core.spi.DeployResult;
import dev.doco.core.spi.DeploymentStatus;
import dev.doco.core.spi.ProviderContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeDeployerTest {
  @TempDir Path tmp;
  Path data;
  Path checkout;
  FakeDocker docker;
  List<DocoEvent> events;
  Map<String, String> settings;

  @BeforeEach
  void setUp() throws Exception {
    data = Files.createDirectories(tmp.resolve("data"));
    checkout = Files.createDirectories(data.resolve("checkouts/reg/acme/cfg/main"));
    write(checkout, "compose.yaml", "services: {web: {image: x}}\n");
    docker = new FakeDocker();
    events = new CopyOnWriteArrayList<>();
    settings = new HashMap<>(Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/doco"));
  }

  ComposeDeployer deployer() {
    ProviderContext ctx = new ProviderContext(settings, data, events::add);
    return ComposeDeployer.builder(ctx)
        .launcher(docker)
        .clock(Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC))
        .build();
  }

  Path override(String name) {
    return data.resolve("compose/default/" + name + "/doco.labels.json");
  }

  static List<String> ps(String name) {
    return List.of(
        "docker",
        "ps",
        "-a",
        "--no-trunc",
        "--filter",
        "label=com.docker.compose.project=" + name,
        "--format",
        ContainerInfo.template());
  }

  List<String> compose(String... tail) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "docker",
                "compose",
                "-p",
                "web",
                "--project-directory",
                checkout.toString(),
                "-f",
                checkout.resolve("compose.yaml").toString()));
    a.addAll(List.of(tail));
    return a;
  }

  @Test
  void deploy_firstTime_runsVersionPsConfigAndUpWithExactArgv() {
    docker.on(List.of("config", "--services"), "web\nworker\n");

    DeployResult r =
        deployer().deploy(plan(DeployConfig.defaults("web"), checkout, DIGEST_A, "h1"));

    assertFalse(r.skipped());
    assertEquals(DIGEST_A, r.digest());
    List<List<String>> expected =
        List.of(
            List.of("docker", "compose", "version", "--short"),
            ps("web"),
            compose("config", "--services"),
            compose(
                "-f",
                override("web").toString(),
                "up",
                "-d",
                "--build",
                "--remove-orphans",
                "--wait",
                "--wait-timeout",
                "180"));
    assertEquals(expected, docker.argvs());
    assertEquals(expected, r.commands());
  }

  @Test
  void deploy_everyOption_mapsToItsFlag() throws Exception {
    write(checkout, "app/base.yaml", "services: {web: {image: x}}\n");
    write(checkout, "app/prod.yaml", "services: {web: {image: y}}\n");
    write(checkout, "app/.env", "A=1\n");
    write(checkout, "app/prod.env", "B=2\n");
    DeployConfig c =
        DeployConfig.defaults("web")
            .withWorkingDir("app")
            .withContext("remote-engine")
            .withComposeFiles(List.of("base.yaml", "prod.yaml"))
            .withEnvFiles(List.of(".env", "prod.env"))
            .withProfiles(List.of("extra", "debug"))
            .withRemoveOrphans(false)
            .withPruneImages(false)
            .withForceRecreate(true)
            .withForceImagePull(true)
            .withTimeout(Duration.ofSeconds(42));
    docker.on(List.of("config", "--services"), "web\n");

    deployer().deploy(plan(c, checkout, DIGEST_A, "h"));

    Path app = checkout.resolve("app");
    List<String> base =
        List.of(
            "docker",
            "--context",
            "remote-engine",
            "compose",
            "-p",
            "web",
            "--project-directory",
            app.toString(),
            "-f",
            app.resolve("base.yaml").toString(),
            "-f",
            app.resolve("prod.yaml").toString());
    List<String> files =
        List.of(
            "--env-file",
            app.resolve(".env").toString(),
            "--env-file",
            app.resolve("prod.env").toString(),
            "--profile",
            "extra",
            "--profile",
            "debug");
    List<String> config = new ArrayList<>(base);
    config.addAll(files);
    config.addAll(List.of("config", "--services"));
    List<String> up = new ArrayList<>(base);
    up.addAll(List.of("-f", data.resolve("compose/remote-engine/web/doco.labels.json").toString()));
    up.addAll(files);
    up.addAll(
        List.of(
            "up",
            "-d",
            "--build",
            "--pull",
            "always",
            "--force-recreate",
            "--wait",
            "--wait-timeout",
            "42"));
    List<String> ps = new ArrayList<>(List.of("docker", "--context", "remote-engine"));
    ps.addAll(ps("web").subList(1, ps("web").size()));
    assertEquals(
        List.of(
            List.of("docker", "--context", "remote-engine", "compose", "version", "--short"),
            ps,
            config,
            up),
        docker.argvs());
  }

  @Test
  void deploy_buildOptions_runComposeBuildWithThemBeforeUp_andUpDoesNotBuildAgain() {
    docker.on(List.of("config", "--services"), "web\n");
    DeployConfig c =
        DeployConfig.defaults("web")
            .withBuild(new BuildConfig(true, true, Map.of("VERSION", "2", "BASE", "x=y"), true));

    DeployResult r = deployer().deploy(plan(c, checkout, DIGEST_A, "h"));

    List<List<String>> argvs = docker.argvs();
    assertEquals(
        compose(
            "build",
            "--pull",
            "--no-cache",
            "--quiet",
            "--build-arg",
            "BASE=x=y",
            "--build-arg",
            "VERSION=2"),
        argvs.get(3));
    assertEquals(
        compose(
            "-f",
            override("web").toString(),
            "up",
            "-d",
            "--remove-orphans",
            "--wait",
            "--wait-timeout",
            "180"),
        argvs.get(4));
    assertEquals(5, argvs.size(), argvs.toString());
    assertEquals(argvs, r.commands());
    assertEquals(
        List.of(argvs.get(1), argvs.get(2), argvs.get(3), argvs.get(4)),
        deployer().plannedCommands(plan(c, checkout, DIGEST_A, "h")),
        "the dry run lists the same commands");
  }

  @Test
  void deploy_buildFails_failsBeforeUpAndSaysTheContainersWereKept() {
    docker.on(List.of("config", "--services"), "web\n");
    docker.fail(List.of("build"), 1, "failed to solve: dockerfile parse error line 3\n");
    DeployConfig c =
        DeployConfig.defaults("web").withBuild(new BuildConfig(false, false, Map.of(), true));

    DeployException e =
        assertThrows(
            DeployException.class, () -> deployer().deploy(plan(c, checkout, DIGEST_A, "h")));

    assertTrue(e.getMessage().contains("docker compose build failed for web"), e.getMessage());
    assertTrue(e.getMessage().contains("dockerfile parse error"), e.getMessage());
    assertTrue(e.getMessage().contains("left as they were"), e.getMessage());
    assertFalse(docker.argvs().stream().anyMatch(a -> a.contains("up")), "up never ran");
  }

  @Test
  void deploy_zeroTimeout_upWithoutWait() {
    docker.on(List.of("config", "--services"), "web\n");
    DeployConfig c = withTimeout(DeployConfig.defaults("web"), Duration.ZERO);
    deployer().deploy(plan(c, checkout, DIGEST_A, "h"));
    assertEquals(
        compose("-f", override("web").toString(), "up", "-d", "--build", "--remove-orphans"),
        docker.last("up").argv());
  }

  @Test
  void deploy_defaultList_passesEveryExistingDefaultFileInOrder() throws Exception {
    Files.delete(checkout.resolve("compose.yaml"));
    write(checkout, "docker-compose.yaml", "services: {}\n");
    write(checkout, "compose.yml", "services: {}\n");
    docker.on(List.of("config", "--services"), "web\n");
    deployer().deploy(plan(DeployConfig.defaults("web"), checkout, DIGEST_A, "h"));
    List<String> up = docker.last("up").argv();
    int i = up.indexOf("-f");
    assertEquals(checkout.resolve("compose.yml").toString(), up.get(i + 1));
    assertEquals(checkout.resolve("docker-compose.yaml").toString(), up.get(i + 3));
    assertEquals(override("web").toString(), up.get(i + 5));
  }

  @Test
  void deploy_defaultListNothingThere_failsBeforeAnyDockerCall() throws Exception {
    Files.delete(checkout.resolve("compose.yaml"));
    DeployException e =
        assertThrows(
            DeployException.class,
            () -> deployer().deploy(plan(DeployConfig.defaults("web"), checkout, DIGEST_A, "h")));
    assertTrue(e.getMessage().contains("no compose files found"), e.getMessage());
    assertTrue(e.getMessage().contains("compose.yaml, compose.yml"), e.getMessage());
    assertTrue(docker.started.isEmpty());
  }

  @Test
  void deploy_customListWithMissingFile_namesTheFile() {
    DeployConfig c = withFiles(DeployConfig.defaults("web"), List.of("compose.yaml", "prod.yaml"));
    DeployException e =
        assertThrows(
            DeployException.class, () -> deployer().deploy(plan(c, checkout, DIGEST_A, "h")));
    assertTrue(
        e.getMessage().contains("could not find compose file: " + checkout.resolve("prod.yaml")),
        e.getMessage());
    assertTrue(docker.started.isEmpty());
  }

  @Test
  void deploy_composeFileOutsideWorkingDir_isRefused() {
    DeployConfig c = withFiles(DeployConfig.defaults("web"), List.of("../other/compose.yaml"));
    DeployException e =
        assertThrows(
            DeployException.class, () -> deployer().deploy(plan(c, checkout, DIGEST_A, "h")));
    assertTrue(e.getMessage().contains("invalid file path: ../other/compose.yaml"), e.getMessage());
  }

  @Test
  void deploy_workingDirEscapingCheckout_isRefused() {
    for (String wd : List.of("../..", "/etc", "a/../../b")) {
      DeployConfig c = withWorkingDir(DeployConfig.defaults("web"), wd);
      DeployException e =
          assertThrows(
              DeployException.class, () -> deployer().deploy(plan(c, checkout, DIGEST_A, "h")));
      assertTrue(e.getMessage().contains("invalid working_dir"), wd + ": " + e.getMessage());
    }
    assertTrue(docker.started.isEmpty());
  }

  @Test
  void deploy_workingDirSymlinkOutOfCheckout_isRefused() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    write(outside, "compose.yaml", "services: {}\n");
    Files.createSymbolicLink(checkout.resolve("link"), outside);
    DeployConfig c = withWorkingDir(DeployConfig.defaults("web"), "link");
    DeployException e =
        assertThrows(
            DeployException.class, () -> deployer().deploy(plan(c, checkout, DIGEST_A, "h")));
    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
  }

  @Test
  void deploy_defaultEnvFilePresent_isPassed_absentIsFine() throws Exception {
    docker.on(List.of("config", "--services"), "web\n");
    deployer().deploy(plan(DeployConfig.defaults("web"), checkout, DIGEST_A, "h"));
    assertFalse(docker.last("up").argv().contains("--env-file"));

    write(checkout, ".env", "A=1\n");
    deployer().deploy(plan(DeployConfig.defaults("web"), checkout, DIGEST_A, "h"));
    List<String> up = docker.last("up").argv();
    assertEquals(checkout.resolve(".env").toString(), up.get(up.indexOf("--env-file") + 1));
  }

  @Test
  void deploy_missingCustomEnvFile_isAnError() {
    DeployConfig c = withEnvFiles(DeployConfig.defaults("web"), List.of("prod.env"));
    DeployException e =
        assertThrows(
            DeployException.class, () -> deployer().deploy(plan(c, checkout, DIGEST_A, "h")));
    assertTrue(
        e.getMessage().contains("env file not found: " + checkout.resolve("prod.env")),
        e.getMessage());
  }

  @Test
  void deploy_environmentGoesToChildEnvironment_hostEnvironmentOnlyWithPassEnv() {
    settings.put("SECRET_OF_HOST", "s3cr3t");
    settings.put("DOCKER_CONFIG", "/home/doco/.docker");
    settings.put("DOCKER_HOST", "unix:///run/other.sock");
    settings.put("COMPOSE_PROFILES", "evil");
    docker.on(List.of("config", "--services"), "web\n");
    DeployConfig c =
        withEnvironment(DeployConfig.defaults("web"), Map.of("GREETING", "hi", "DOCKER_HOST", "x"));

    deployer().deploy(plan(c, checkout, DIGEST_A, "h"));

    Map<String, String> env = docker.last("up").env();
    assertEquals("hi", env.get("GREETING"));
    assertEquals("/home/doco/.docker", env.get("DOCKER_CONFIG"));
    assertEquals("unix:///run/other.sock", env.get("DOCKER_HOST"), "environment cannot redirect");
    assertEquals("/usr/bin:/bin", env.get("PATH"));
    assertEquals("/home/doco", env.get("HOME"));
    assertFalse(env.containsKey("SECRET_OF_HOST"));
    assertFalse(env.containsKey("COMPOSE_PROFILES"));
    assertFalse(docker.last("ps").env().containsKey("GREETING"), "queries get no interpolation");

    settings.put("PASS_ENV", "true");
    deployer().deploy(plan(c, checkout, DIGEST_B, "h"));
    env = docker.last("up").env();
    assertEquals("s3cr3t", env.get("SECRET_OF_HOST"));
    assertEquals("hi", env.get("GREETING"));
    assertFalse(env.containsKey("COMPOSE_PROFILES"));
  }

  @Test
  void deploy_withContext_dropsDockerHost() {
    settings.put("DOCKER_HOST", "tcp://1.2.3.4:2375");
    docker.on(List.of("config", "--services"), "web\n");
    deployer()
        .deploy(plan(withContext(DeployConfig.defaults("web"), "prod"), checkout, DIGEST_A, "h"));
    assertFalse(docker.last("up").env().containsKey("DOCKER_HOST"));
    assertEquals(
        List.of("docker", "--context", "prod", "compose"), docker.last("up").argv().subList(0, 4));
  }

  @Test
  void deploy_writesLabelOverrideForEveryServiceOutsideTheCheckout() throws Exception {
    docker.on(List.of("config", "--services"), "web\nworker\n");
    deployer().deploy(plan(DeployConfig.defaults("web"), checkout, DIGEST_A, "cfg-hash"));

    Path o = override("web");
    assertFalse(o.startsWith(checkout));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Map<String, Map<String, String>>>> json =
        (Map<String, Map<String, Map<String, Map<String, String>>>>)
            (Object) JsonTree.parseObject(Files.readString(o));
    assertEquals(List.of("web", "worker"), new ArrayList<>(json.get("services").keySet()));
    Map<String, String> labels = json.get("services").get("worker").get("labels");
    assertEquals("doco", labels.get("cd.doco.metadata.manager"));
    assertEquals("web", labels.get("cd.doco.deployment.name"));
    assertEquals("2026-11-28T10:00:00Z", labels.get("cd.doco.deployment.timestamp"));
    assertEquals("oci", labels.get("cd.doco.source"));
    assertEquals("127.0.0.1:5000/acme/cfg", labels.get("cd.doco.source.name"));
    assertEquals("127.0.0.1:5000/acme/cfg:main", labels.get("cd.doco.source.url"));
    assertEquals(DIGEST_A, labels.get("cd.doco.deployment.target.sha"));
    assertEquals("main", labels.get("cd.doco.deployment.target.ref"));
    assertEquals("cfg-hash", labels.get("cd.doco.deployment.config.sha"));
    assertEquals("", labels.get("cd.doco.deployment.config.target"));
    assertEquals("poll", labels.get("cd.doco.deployment.trigger"));
    assertEquals(checkout.toString(), labels.get("cd.doco.deployment.working_dir"));
  }

  @Test
  void deploy_sameDigestAndHashRunning_isSkippedWithOnePsAndNoUp() {
    docker.on(
        List.of("ps", "-a"),
        psLine("c1", "running", "Up 2 minutes (healthy)", "web", docoLabels(DIGEST_A, "h", "t1"))
            + "\n"
            + psLine(
                "c2", "exited", "Exited (0) 1 minute ago", "init", docoLabels(DIGEST_A, "h", "t1"))
            + "\n");
    ComposeDeployer d = deployer();
    d.deploy(plan(DeployConfig.defaults("web"), checkout, DIGEST_A, "h"));
    docker.started.clear();

    DeployResult r = d.deploy(plan(DeployConfig.defaults("web"), checkout, DIGEST_A, "h"));

    assertTrue(r.skipped(), r.message());
    assertEquals(List.of(ps("web")), docker.argvs(), "one ps, nothing else");
    assertEquals(List.of(ps("web")), r.commands());
  }

  @Test
  void deploy_configHashChanged_redeploys() {
    docker.on(
        List.of("ps", "-a"),
        psLine("c1", "running", "Up", "web", docoLabels(DIGEST_A, "old", "t1")) + "\n");
    docker.on(List.of("config", "--services"), "web\n");
    DeployResult r =
        deployer().deploy(plan(DeployConfig.defaults("web"), checkout, DIGEST_A, "new"));
    assertFalse(r.skipped());
    assertTrue(docker.argvs().stream().anyMatch(a -> a.contains("up")));
  }

  @Test
  void deploy_forceRecreate_neverSkipsAndRecreates() {
    docker.on(
        List.of("ps", "-a"),
        psLine("c1", "running", "Up", "web", docoLabels(DIGEST_A, "h", "t1")) + "\n");
    docker.on(List.of("config", "--services"), "web\n");
    DeployConfig c = withForceRecreate(DeployConfig.defaults("web"));
    DeployResult r = deployer().deploy(plan(c, checkout, DIGEST_A, "h"));
    assertFalse(r.skipped());
    assertTrue(docker.last("up").argv().contains("--force-recreate"));
  }

  @Test
  void unchanged_requiresHealthyRunningContainersWithBothLabels() {
    Map<String, String> ok = docoLabels(DIGEST_A, "h", "t");
    var running = psLine("c1", "running", "Up 1 second", "web", ok);
    assertTrue(ComposeDeployer.unchanged(parse(running), DIGEST_A, "h").isPresent());
    assertFalse(ComposeDeployer.unchanged(parse(running), DIGEST_B, "h").isPresent());
    assertFalse(ComposeDeployer.unchanged(parse(running), DIGEST_A, "other").isPresent());
    assertFalse(ComposeDeployer.unchanged(List.of(), DIGEST_A, "h").isPresent());
    assertFalse(
        ComposeDeployer.unchanged(
                parse(psLine("c1", "running", "Up 1 second (unhealthy)", "web", ok)), DIGEST_A, "h")
            .isPresent());
    assertFalse(
        ComposeDeployer.unchanged(
                parse(psLine("c1", "exited", "Exited (1) 2 seconds ago", "web", ok)), DIGEST_A, "h")
            .isPresent());
    assertFalse(
        ComposeDeployer.unchanged(
                parse(psLine("c1", "exited", "Exited (0) 2 seconds ago", "web", ok)), DIGEST_A, "h")
            .isPresent(),
        "nothing running at all");
    assertFalse(
        ComposeDeployer.unchanged(
                parse(running + "\n" + psLine("c2", "running", "Up", "db", Map.of())),
                DIGEST_A,
                "h")
            .isPresent(),
        "one container without labels");
  }

  @Test
  void deploy_invalidComposeFile_failsWithComposeErrorAndNeverRunsUp() {
    docker.fail(
        List.of("config", "--services"),
        15,
        "validating compose.yaml: services.web Additional property imag is not allowed\n");
    DeployException e =
        assertThrows(
            DeployException.class,
            () -> deployer().deploy(plan(DeployConfig.defaults("web"), checkout, DIGEST_A, "h")));
    assertTrue(e.getMessage().contains("Additional property imag is not allowed"), e.getMessage());
    assertTrue(e.getMessage().contains("nothing was changed"), e.getMessage());
    assertEquals(15, e.exitCode());
    assertEquals(compose("config", "--services"), e.command());
    assertFalse(docker.argvs().stream().anyMatch(a -> a.contains("up")));
  }

  @Test
  void deploy_upFails_throwsWithCommandExitCodeAndStderrTail() {
    docker.on(List.of("config", "--services"), "web\n");
    docker.fail(List.of("up"), 1, "pulling web\nError response from daemon: manifest unknown\n");
    DeployException e =
        assertThrows(
            DeployException.class,
            () -> deployer().deploy(plan(DeployConfig.defaults("web"), checkout, DIGEST_A, "h")));
    assertEquals(1, e.exitCode());
    assertEquals("web", e.deployment());
    assertTrue(e.command().contains("up"));
    assertTrue(e.stderrTail().contains("pulling web\nError response"), e.stderrTail());
    assertTrue(e.getMessage().contains("manifest unknown"), e.getMessage());
  }

  @Test
  void deploy_streamsEveryOutputLineAsEvent() {
    docker.on(List.of("config", "--services"), "web\n");
    docker.on(
        List.of("up"), new FakeDocker.Reply(0, "out one\n", "Container web-1 Started\nline2\n"));
    deployer().deploy(plan(DeployConfig.defaults("web"), checkout, DIGEST_A, "h"));
    List<String> lines =
        events.stream()
            .filter(e -> e instanceof DocoEvent.DeployOutput)
            .map(
                e ->
                    ((DocoEvent.DeployOutput) e).stream()
                        + ":"
                        + ((DocoEvent.DeployOutput) e).line())
            .toList();
    assertTrue(lines.contains("STDERR:Container web-1 Started"), lines.toString());
    assertTrue(lines.contains("STDERR:line2"), lines.toString());
    assertTrue(lines.contains("STDOUT:out one"), lines.toString());
    assertFalse(lines.contains("STDOUT:web"), "query output is not streamed");
    assertTrue(events.stream().anyMatch(e -> e instanceof DocoEvent.CommandStarted));
  }

  @Test
  void deploy_pruneImages_removesImagesUsedBeforeAndNotAfter() {
    docker.on(
        List.of("ps", "-a"),
        psLine("c1", "running", "Up", "web", docoLabels(DIGEST_A, "h", "t1"))
            + "\n"
            + psLine("c2", "running", "Up", "db", docoLabels(DIGEST_A, "h", "t1"))
            + "\n");
    docker.on(List.of("config", "--services"), "web\ndb\n");
    docker.onSequence(
        List.of("inspect", "--type", "container", "--format", "{{.Image}}", "c1", "c2"),
        new FakeDocker.Reply(0, "sha256:old\nsha256:db\n", ""),
        new FakeDocker.Reply(0, "sha256:new\nsha256:db\n", ""));

    deployer().deploy(plan(DeployConfig.defaults("web"), checkout, DIGEST_B, "h"));

    List<List<String>> argvs = docker.argvs();
    List<List<String>> rm =
        argvs.stream().filter(a -> FakeDocker.containsRun(a, List.of("image", "rm"))).toList();
    assertEquals(List.of(List.of("docker", "image", "rm", "sha256:old")), rm);
    int up = argvs.indexOf(docker.last("up").argv());
    assertTrue(argvs.get(up - 1).contains("inspect"), "image IDs read before up");
    assertEquals(ps("web"), argvs.get(up + 1), "containers listed again after up");
    assertTrue(argvs.get(up + 2).contains("inspect"));
  }

  @Test
  void deploy_pruneImagesOff_neverInspectsOrRemoves() {
    docker.on(
        List.of("ps", "-a"),
        psLine("c1", "running", "Up", "web", docoLabels(DIGEST_A, "h", "t1")) + "\n");
    docker.on(List.of("config", "--services"), "web\n");
    deployer()
        .deploy(plan(withPrune(DeployConfig.defaults("web"), false), checkout, DIGEST_B, "h"));
    assertFalse(docker.argvs().stream().anyMatch(a -> a.contains("inspect") || a.contains("rm")));
  }

  @Test
  void deploy_missingComposePlugin_saysHowToInstallIt() {
    docker.fail(
        List.of("compose", "version"),
        1,
        "docker: 'compose' is not a docker command.\nSee 'docker --help'\n");
    DeployException e =
        assertThrows(
            DeployException.class,
            () -> deployer().deploy(plan(DeployConfig.defaults("web"), checkout, DIGEST_A, "h")));
    assertTrue(e.getMessage().contains("Compose v2 plugin is missing"), e.getMessage());
    assertTrue(e.getMessage().contains("cli-plugins"), e.getMessage());
    assertEquals(1, docker.started.size());
  }

  @Test
  void deploy_missingDockerExecutable_saysWhatToInstall() {
    docker.missingExecutable = true;
    DeployException e =
        assertThrows(
            DeployException.class,
            () -> deployer().deploy(plan(DeployConfig.defaults("web"), checkout, DIGEST_A, "h")));
    assertTrue(e.getMessage().contains("Install the Docker CLI"), e.getMessage());
    assertTrue(e.getMessage().contains("DOCO_DOCKER"), e.getMessage());
  }

  @Test
  void deploy_invalidName_isRefusedBeforeDocker() {
    DeployException e =
        assertThrows(
            DeployException.class,
            () ->
                deployer()
                    .deploy(plan(DeployConfig.defaults("Web;rm -rf"), checkout, DIGEST_A, "h")));
    assertTrue(e.getMessage().contains("invalid deployment name"), e.getMessage());
    assertTrue(docker.started.isEmpty());
  }

  @Test
  void destroy_unmanagedProject_isRefused() {
    docker.on(List.of("ps", "-a"), psLine("c1", "running", "Up", "web", Map.of()) + "\n");
    DeployConfig c =
        withDestroy(DeployConfig.defaults("web"), new DestroyConfig(true, true, true, true));
    DeployException e =
        assertThrows(
            DeployException.class, () -> deployer().destroy(plan(c, checkout, DIGEST_A, "h")));
    assertTrue(e.getMessage().contains("not managed by doco"), e.getMessage());
    assertFalse(docker.argvs().stream().anyMatch(a -> a.contains("down")));
    assertTrue(Files.exists(checkout));
  }

  @Test
  void destroy_managedProject_downWithVolumesAndImages_removesCheckout() {
    docker.on(
        List.of("ps", "-a"),
        psLine("c1", "running", "Up", "web", Map.of(DocoLabels.MANAGER, "doco-cd")) + "\n");
    DeployConfig c =
        withDestroy(DeployConfig.defaults("web"), new DestroyConfig(true, true, true, true));
    deployer().destroy(plan(c, checkout, DIGEST_A, "h"));
    assertEquals(
        compose("down", "--remove-orphans", "--volumes", "--rmi", "all"),
        docker.last("down").argv());
    assertFalse(Files.exists(checkout));
    assertTrue(Files.exists(data), "the data directory itself stays");
  }

  @Test
  void destroy_keepVolumesImagesAndDir_whenAsked() {
    docker.on(
        List.of("ps", "-a"),
        psLine("c1", "running", "Up", "web", Map.of(DocoLabels.MANAGER, "doco")) + "\n");
    DeployConfig c =
        withDestroy(DeployConfig.defaults("web"), new DestroyConfig(true, false, false, false));
    deployer().destroy(plan(c, checkout, DIGEST_A, "h"));
    assertEquals(compose("down", "--remove-orphans"), docker.last("down").argv());
    assertTrue(Files.exists(checkout));
  }

  @Test
  void destroy_checkoutOutsideDataDir_isNotRemoved() throws Exception {
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    write(elsewhere, "compose.yaml", "services: {}\n");
    docker.on(
        List.of("ps", "-a"),
        psLine("c1", "running", "Up", "web", Map.of(DocoLabels.MANAGER, "doco")) + "\n");
    DeployConfig c =
        withDestroy(DeployConfig.defaults("web"), new DestroyConfig(true, true, true, true));
    deployer().destroy(plan(c, elsewhere, DIGEST_A, "h"));
    assertTrue(Files.exists(elsewhere.resolve("compose.yaml")));
  }

  @Test
  void destroy_nothingRunning_runsNoDown() {
    DeployConfig c =
        withDestroy(DeployConfig.defaults("web"), new DestroyConfig(true, true, true, false));
    deployer().destroy(plan(c, checkout, DIGEST_A, "h"));
    assertFalse(docker.argvs().stream().anyMatch(a -> a.contains("down")));
  }

  @Test
  void inspect_readsDigestTagAndServicesFromLabels() {
    docker.on(
        List.of("ps", "-a"),
        psLine(
                "c1",
                "running",
                "Up 5 minutes (healthy)",
                "web",
                docoLabels(DIGEST_A, "h1", "2026-01-01T00:00:00Z"))
            + "\n"
            + psLine(
                "c2",
                "exited",
                "Exited (137) 1 second ago",
                "db",
                docoLabels(DIGEST_B, "h2", "2026-02-01T00:00:00Z"))
            + "\n");
    DeploymentStatus s = deployer().inspect("web", "").orElseThrow();
    assertTrue(s.running());
    assertTrue(s.managed());
    assertEquals(DIGEST_B, s.digest(), "the most recent deployment wins");
    assertEquals("h2", s.configHash());
    assertEquals("main", s.tag());
    assertEquals(2, s.services().size());
    assertEquals("db", s.services().get(0).service());
    assertEquals("exited", s.services().get(0).state());
    assertEquals("web", s.services().get(1).service());
    assertEquals("healthy", s.services().get(1).health());
    assertEquals(List.of(ps("web")), docker.argvs());
  }

  @Test
  void inspect_noContainers_isEmpty() {
    assertTrue(deployer().inspect("web", "").isEmpty());
  }

  @Test
  void plannedCommands_listsWithoutRunning() {
    List<List<String>> planned =
        deployer().plannedCommands(plan(DeployConfig.defaults("web"), checkout, DIGEST_A, "h"));
    assertEquals(3, planned.size());
    assertEquals(ps("web"), planned.get(0));
    assertTrue(planned.get(2).contains("up"));
    assertTrue(docker.started.isEmpty());
  }

  // ---------------------------------------------------------------------------------- helpers

  static List<ContainerInfo> parse(String lines) {
    return ContainerInfo.parse(lines);
  }

  static DeployConfig withTimeout(DeployConfig c, Duration t) {
    return c.withTimeout(t);
  }

  static DeployConfig withFiles(DeployConfig c, List<String> files) {
    return c.withComposeFiles(files);
  }

  static DeployConfig withEnvFiles(DeployConfig c, List<String> files) {
    return c.withEnvFiles(files);
  }

  static DeployConfig withWorkingDir(DeployConfig c, String wd) {
    return c.withWorkingDir(wd);
  }

  static DeployConfig withEnvironment(DeployConfig c, Map<String, String> env) {
    return c.withEnvironment(env);
  }

  static DeployConfig withContext(DeployConfig c, String context) {
    return c.withContext(context);
  }

  static DeployConfig withForceRecreate(DeployConfig c) {
    return c.withForceRecreate(true);
  }

  static DeployConfig withPrune(DeployConfig c, boolean prune) {
    return c.withPruneImages(prune);
  }

  static DeployConfig withDestroy(DeployConfig c, DestroyConfig d) {
    return c.withDestroy(d);
  }
}
