package dev.doco.examples;

import static dev.doco.examples.E2e.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.testing.Peer;
import dev.doco.core.testing.Peers;
import dev.doco.examples.cli.DocoCli;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code doco serve} in process against the real peers: oras- and docker-pushed artifacts signed
 * with cosign, polling, signed webhooks, refusals, restart, destroy.
 */
class ServeEndToEndIT {
  static final String SECRET = "e2e-webhook-secret";

  @TempDir Path work;
  String id;
  String name;
  String repo;
  String evilRepo;
  int port;
  Map<String, String> env;
  DocoCli.Served served;

  @BeforeEach
  void setUp() throws Exception {
    Peers.require(
        Peer.DOCKER, Peer.COMPOSE, Peer.REGISTRY, Peer.COSIGN, Peer.ORAS, Peer.TEST_IMAGE);
    id = UUID.randomUUID().toString().substring(0, 8);
    name = "e2e-" + id;
    repo = Peers.registry() + "/doco-e2e/" + id;
    evilRepo = Peers.registry() + "/doco-e2e-evil/" + id;
    port = E2e.freePort();
    String publicKey = E2e.cosignKeys(work);
    env = new HashMap<>();
    env.put("POLL_CONFIG", "- source: oci\n  url: " + repo + ":main\n  interval: 10\n");
    env.put("WEBHOOK_SECRET", SECRET);
    env.put("WEBHOOK_ALLOWED_ARTIFACTS", Peers.registry() + "/doco-e2e-evil/");
    env.put("HTTP_PORT", "0");
    env.put("METRICS_PORT", "0");
    env.put("HTTP_BIND_ADDRESS", "127.0.0.1");
    env.put("DATA_MOUNT_PATH", work.resolve("data").toString());
    env.put("OCI_TRUST_POLICY", E2e.trustPolicy(publicKey));
    env.put("DOCKER_SWARM_FEATURES", "false");
    env.put("DOCO_DOCKER", E2e.tool("docker"));
    env.put("PATH", Peers.tool("docker").getParent() + ":" + System.getenv("PATH"));
  }

  @AfterEach
  void tearDown() {
    if (served != null) {
      served.close();
    }
    if (name != null) {
      E2e.down(name);
    }
  }

  String base() {
    return "http://127.0.0.1:" + served.server().httpAddress().getPort();
  }

  String page() {
    return E2e.get("http://127.0.0.1:" + port + "/");
  }

  String runningDigest() {
    List<String> l = E2e.labels(name, "cd.doco.deployment.target.sha");
    return l.isEmpty() ? "" : l.get(0);
  }

  String diagnose() {
    StringBuilder b = new StringBuilder("page: ").append(page()).append('\n');
    b.append(
        dev.doco.core.testing.Exec.run(
                E2e.T,
                null,
                Map.of(),
                List.of(
                    "sh",
                    "-c",
                    "find "
                        + work.resolve("data")
                        + " -exec stat -c '%i %n' {} \\; ; cat $(find "
                        + work.resolve("data")
                        + " -name '*.json')"))
            .describe());
    for (String c : E2e.containerIds(name)) {
      b.append(
          dev.doco.core.testing.Exec.run(
                  E2e.T,
                  null,
                  Map.of(),
                  List.of(
                      E2e.tool("docker"),
                      "inspect",
                      "--format",
                      "{{json .Mounts}} {{json .NetworkSettings.Ports}}",
                      c))
              .describe());
      b.append(
          dev.doco.core.testing.Exec.run(
                  E2e.T,
                  null,
                  Map.of(),
                  List.of(E2e.tool("docker"), "exec", c, "stat", "-c", "%i %n", "/www"))
              .describe());
    }
    return b.toString();
  }

  @Test
  void pollWebhookRefusalsRestartAndDestroy() throws Exception {
    // v1: oras push + cosign; polling deploys it at start.
    String d1 = E2e.orasPush(E2e.stack(work.resolve("v1"), name, port, "v1"), repo + ":main");
    E2e.cosignSign(work, repo, d1);
    served = DocoCli.Served.start(env);
    await("v1 running", Duration.ofMinutes(2), () -> d1.equals(runningDigest()));
    try {
      await("v1 answering", Duration.ofSeconds(30), () -> page().contains("v1"));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + diagnose(), e);
    }
    assertEquals(
        List.of("poll"),
        E2e.labels(name, "cd.doco.deployment.trigger").stream().distinct().toList());

    // A wrong HMAC gets 401 and deploys nothing.
    E2e.Response bad = E2e.webhook(base(), "not-the-secret", repo + ":main", d1, true);
    assertEquals(401, bad.status(), bad.body());

    // v2: docker build + push + cosign; a signed webhook deploys it (201 with ?wait=true).
    String d2 = E2e.dockerPush(E2e.stack(work.resolve("v2"), name, port, "v2"), repo + ":main");
    E2e.cosignSign(work, repo, d2);
    E2e.Response ok = E2e.webhook(base(), SECRET, repo + ":main", d2, true);
    assertEquals(201, ok.status(), ok.body());
    assertTrue(ok.body().contains("\"job_id\""), ok.body());
    assertEquals(d2, runningDigest());
    await("v2 answering", Duration.ofSeconds(30), () -> page().contains("v2"));

    // An unsigned artifact (allowed by WEBHOOK_ALLOWED_ARTIFACTS) is refused; v2 keeps running.
    String d3 = E2e.orasPush(E2e.stack(work.resolve("v3"), name, port, "evil"), evilRepo + ":main");
    E2e.Response refused = E2e.webhook(base(), SECRET, evilRepo + ":main", d3, true);
    assertEquals(500, refused.status(), refused.body());
    assertTrue(refused.body().contains("failed OCI signature verification"), refused.body());
    assertEquals(d2, runningDigest());
    assertTrue(page().contains("v2"));

    // Outside the allow-list: 403.
    E2e.Response forbidden =
        E2e.webhook(base(), SECRET, Peers.registry() + "/somewhere/else:main", "", true);
    assertEquals(403, forbidden.status(), forbidden.body());

    // v4 pushed to the polled tag is picked up by polling (interval 10 s).
    String d4 = E2e.orasPush(E2e.stack(work.resolve("v4"), name, port, "v4"), repo + ":main");
    E2e.cosignSign(work, repo, d4);
    await("poll picks v4", Duration.ofSeconds(60), () -> d4.equals(runningDigest()));
    await("v4 answering", Duration.ofSeconds(30), () -> page().contains("v4"));

    // Restart with an unchanged digest: the first poll stops after the digest check.
    List<String> containers = E2e.containerIds(name);
    served.close();
    served = DocoCli.Served.start(env);
    DocoCli.Served restarted = served;
    await(
        "first poll after restart",
        Duration.ofSeconds(60),
        () -> restarted.server().watcher().completedRuns() >= 1);
    assertEquals(containers, E2e.containerIds(name), "nothing was redeployed");
    assertTrue(
        restarted
            .server()
            .metricsText()
            .contains("doco_triggers_unchanged_total{repository=\"" + repo + "\"} 1"),
        restarted.server().metricsText());
    served.close();
    served = null;

    // destroy removes the stack.
    Map<String, String> cliEnv = new HashMap<>(env);
    assertEquals(0, E2e.cli(cliEnv, "destroy", name));
    assertTrue(E2e.containerIds(name).isEmpty());
  }
}
