package dev.doco.examples;

import static dev.doco.examples.E2e.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.testing.Exec;
import dev.doco.core.testing.Peer;
import dev.doco.core.testing.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged app, {@code target/doco.jar}, as users run it. */
class AppJarIT {
  @TempDir Path work;

  static Path jar() {
    Path jar = Path.of(System.getProperty("basedir", ".")).resolve("target/doco.jar");
    assertTrue(Files.isRegularFile(jar), "build the app first: mvn -pl doco-examples package");
    return jar;
  }

  static List<String> java(String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.add("-jar");
    argv.add(jar().toString());
    argv.addAll(List.of(args));
    return argv;
  }

  Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("DATA_MOUNT_PATH", work.resolve("data").toString());
    env.put("DOCKER_SWARM_FEATURES", "false");
    env.put("DOCO_DOCKER", E2e.tool("docker"));
    return env;
  }

  @Test
  void quickstart_deploysTheSignedExampleStack_thenDestroyRemovesIt() throws Exception {
    Peers.require(Peer.DOCKER, Peer.COMPOSE, Peer.TEST_IMAGE);
    int port = E2e.freePort();
    try {
      Exec.Result r =
          Exec.ok(
              E2e.T,
              work,
              env(),
              java("quickstart", "--image", Peers.testImage(), "--port", Integer.toString(port)));
      assertTrue(r.stdout().contains("verified oci-layout:"), r.describe());
      assertTrue(r.stdout().contains("4/4 deployed doco-quickstart"), r.describe());
      await(
          "quickstart page",
          Duration.ofSeconds(30),
          () -> E2e.get("http://127.0.0.1:" + port + "/").contains("Hello from doco"));

      Exec.Result status = Exec.ok(E2e.T, work, env(), java("status", "--json"));
      assertTrue(status.stdout().contains("\"name\":\"doco-quickstart\""), status.describe());
      assertTrue(status.stdout().contains("\"running\":true"), status.describe());

      Exec.ok(E2e.T, work, env(), java("destroy", "doco-quickstart"));
      assertTrue(E2e.containerIds("doco-quickstart").isEmpty());
    } finally {
      E2e.down("doco-quickstart");
    }
  }

  @Test
  void serveJar_deploysWhatASignedWebhookNames_andReportsHealthAndMetrics() throws Exception {
    Peers.require(Peer.DOCKER, Peer.COMPOSE, Peer.REGISTRY, Peer.TEST_IMAGE);
    String id = UUID.randomUUID().toString().substring(0, 8);
    String name = "jar-" + id;
    String ref = Peers.registry() + "/doco-jar/" + id + ":v1";
    int port = E2e.freePort();
    Path stack = E2e.stack(work.resolve("stack"), name, port, "from the jar");
    String digest =
        Exec.ok(E2e.T, work, env(), java("package", stack.toString(), "--push", ref))
            .stdout()
            .trim();
    assertEquals(digest, E2e.resolve(ref));

    int http = E2e.freePort();
    int metrics = E2e.freePort();
    Map<String, String> env = env();
    env.put("HTTP_PORT", Integer.toString(http));
    env.put("METRICS_PORT", Integer.toString(metrics));
    env.put("WEBHOOK_SECRET", "jar-secret");
    env.put("WEBHOOK_ALLOWED_ARTIFACTS", Peers.registry() + "/doco-jar/*");
    ProcessBuilder pb = new ProcessBuilder(java("serve")).redirectErrorStream(true);
    pb.redirectOutput(work.resolve("serve.log").toFile());
    pb.environment().putAll(env);
    Process serve = pb.start();
    try {
      String base = "http://127.0.0.1:" + http;
      await(
          "health", Duration.ofSeconds(60), () -> E2e.get(base + "/v1/health").contains("healthy"));

      E2e.Response r = E2e.webhook(base, "jar-secret", ref, digest, true);
      assertEquals(201, r.status(), r.body() + "\n" + Files.readString(work.resolve("serve.log")));
      assertEquals(List.of(digest), E2e.labels(name, "cd.doco.deployment.target.sha"));
      await(
          "page",
          Duration.ofSeconds(30),
          () -> E2e.get("http://127.0.0.1:" + port + "/").contains("from the jar"));
      String text = E2e.get("http://127.0.0.1:" + metrics + "/metrics");
      assertTrue(text.contains("doco_cd_webhook_requests_total"), text);
      assertTrue(text.contains("doco_cd_deployments_total{"), text);
    } finally {
      serve.destroy();
      if (!serve.waitFor(20, TimeUnit.SECONDS)) {
        serve.destroyForcibly();
      }
      E2e.down(name);
    }
  }
}
