package dev.doco.compose.bench;

import dev.doco.compose.ComposeDeployer;
import dev.doco.core.DocoListener;
import dev.doco.core.Revision;
import dev.doco.core.config.DeployConfig;
import dev.doco.core.spi.DeployResult;
import dev.doco.core.spi.DeploymentPlan;
import dev.doco.core.spi.ProviderContext;
import dev.doco.core.spi.Trigger;
import dev.doco.core.testing.Exec;
import dev.doco.core.testing.Peers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Benchmark harness (not a test): the overhead of doco's Compose deployer over a plain {@code
 * docker compose up -d} of the same two-service project, for a first deploy and for a no-change
 * redeploy, side by side in one run against the real engine ({@code .ci/peers.sh start} first).
 *
 * <p>Run from the repository root:
 *
 * <pre>
 * mvn -q -o -pl doco-compose test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
 * java -cp doco-compose/target/test-classes:doco-compose/target/classes:$(cat doco-compose/target/bench.cp) \
 *     dev.doco.compose.bench.ComposeOverheadBench [rounds]
 * </pre>
 *
 * <p>Columns: plain {@code docker compose up -d}; doco with {@code timeout: 0} (the same {@code up
 * -d}, plus its {@code ps} and {@code config --services} calls and the label override); doco with
 * the default {@code timeout} ({@code up --wait}). The no-change row is a second deploy of the same
 * digest and config: plain Compose still loads the project and compares every container; doco makes
 * one {@code docker ps} call.
 */
public final class ComposeOverheadBench {
  private ComposeOverheadBench() {}

  static final String PROJECT =
      """
      services:
        web:
          image: %s
          command: ["busybox", "httpd", "-f", "-p", "8080"]
          stop_signal: SIGKILL
        worker:
          image: %s
          command: ["sleep", "3600"]
          stop_signal: SIGKILL
      """;

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Path root = Files.createTempDirectory("doco-bench");
    Path data = Files.createDirectories(root.resolve("data"));
    Path checkout = Files.createDirectories(data.resolve("checkouts/bench"));
    String image = Peers.testImage();
    Files.writeString(checkout.resolve("compose.yaml"), PROJECT.formatted(image, image));
    docker(root, "pull", image);

    Map<String, String> settings = new HashMap<>(System.getenv());
    settings.put("DOCO_DOCKER", Peers.tool("docker").toString());
    settings.put("DOCKER_HOST", Peers.dockerHost());
    ComposeDeployer deployer =
        ComposeDeployer.builder(new ProviderContext(settings, data, DocoListener.NONE)).build();

    Map<String, List<Long>> ms = new LinkedHashMap<>();
    Map<String, Integer> calls = new LinkedHashMap<>();
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    // Warm-up (image cache, Compose plugin, the deployer's one-time plugin check): not measured.
    runRound(root, checkout, deployer, "bench-warm-" + suffix, ms, calls, true);
    ms.clear();
    for (int i = 0; i < rounds; i++) {
      runRound(root, checkout, deployer, "bench-" + i + "-" + suffix, ms, calls, false);
    }

    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "Compose deploy overhead, %d rounds, median (min-max) ms; docker CLI calls per operation%n%n",
        rounds);
    System.out.println(
        "| operation | plain `docker compose up -d` | doco, timeout 0 (`up -d`) | doco, default (`up --wait`) |");
    System.out.println("|---|---|---|---|");
    for (String op : List.of("deploy", "no-change redeploy")) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %s (1 call) | %s (%d call(s)) | %s (%d call(s)) |%n",
          op,
          stats(ms.get("plain " + op)),
          stats(ms.get("doco0 " + op)),
          calls.getOrDefault("doco0 " + op, 0),
          stats(ms.get("doco " + op)),
          calls.getOrDefault("doco " + op, 0));
    }
  }

  private static void runRound(
      Path root,
      Path checkout,
      ComposeDeployer deployer,
      String base,
      Map<String, List<Long>> ms,
      Map<String, Integer> calls,
      boolean warmup)
      throws Exception {
    String plain = base + "-plain";
    String doco0 = base + "-doco0";
    String doco = base + "-doco";
    try {
      for (String op : List.of("deploy", "no-change redeploy")) {
        long t = System.nanoTime();
        docker(
            root,
            "compose",
            "-p",
            plain,
            "--project-directory",
            checkout.toString(),
            "-f",
            checkout.resolve("compose.yaml").toString(),
            "up",
            "-d");
        record(ms, "plain " + op, t);

        DeployConfig c0 = DeployConfig.defaults(doco0).withTimeout(Duration.ZERO);
        t = System.nanoTime();
        DeployResult r0 = deployer.deploy(plan(c0, checkout));
        record(ms, "doco0 " + op, t);
        calls.put("doco0 " + op, r0.commands().size());
        check(op, r0);

        DeployConfig c = DeployConfig.defaults(doco);
        t = System.nanoTime();
        DeployResult r = deployer.deploy(plan(c, checkout));
        record(ms, "doco " + op, t);
        calls.put("doco " + op, r.commands().size());
        check(op, r);
      }
    } finally {
      for (String p : List.of(plain, doco0, doco)) {
        docker(root, "compose", "-p", p, "down", "-t", "0", "--remove-orphans");
      }
      if (warmup) {
        System.out.println("warm-up done");
      }
    }
  }

  private static void check(String op, DeployResult r) {
    boolean expectSkip = op.startsWith("no-change");
    if (r.skipped() != expectSkip) {
      throw new IllegalStateException(op + ": expected skipped=" + expectSkip + " but " + r);
    }
  }

  private static DeploymentPlan plan(DeployConfig config, Path checkout) {
    Revision rev =
        new Revision(
            "127.0.0.1:5000/bench/cfg:main",
            "127.0.0.1:5000/bench/cfg",
            "main",
            "sha256:" + "c".repeat(64),
            "application/vnd.oci.image.manifest.v1+json",
            Map.of());
    return new DeploymentPlan(config, checkout, rev, Trigger.MANUAL, "", "bench-hash");
  }

  private static void record(Map<String, List<Long>> ms, String key, long startNanos) {
    ms.computeIfAbsent(key, k -> new ArrayList<>())
        .add((System.nanoTime() - startNanos) / 1_000_000);
  }

  private static String stats(List<Long> values) {
    List<Long> v = new ArrayList<>(values);
    v.sort(null);
    return v.get(v.size() / 2) + " (" + v.get(0) + "-" + v.get(v.size() - 1) + ")";
  }

  private static void docker(Path dir, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(Peers.tool("docker").toString());
    argv.addAll(List.of(args));
    Exec.ok(Duration.ofMinutes(5), dir, Map.of("DOCKER_HOST", Peers.dockerHost()), argv);
  }
}
