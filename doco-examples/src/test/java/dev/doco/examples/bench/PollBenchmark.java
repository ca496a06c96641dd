package dev.doco.examples.bench;

import dev.doco.core.DeployOptions;
import dev.doco.core.Doco;
import dev.doco.core.DocoEvent;
import dev.doco.core.DocoListener;
import dev.doco.core.Providers;
import dev.doco.core.config.DeployConfig;
import dev.doco.core.config.PollConfig;
import dev.doco.core.engine.DocoServer;
import dev.doco.core.engine.PollWatcher;
import dev.doco.core.engine.ServerSettings;
import dev.doco.core.spi.DeployResult;
import dev.doco.core.spi.Deployer;
import dev.doco.core.spi.DeployerProvider;
import dev.doco.core.spi.DeploymentPlan;
import dev.doco.core.spi.DeploymentStatus;
import dev.doco.core.spi.ProviderContext;
import dev.doco.core.spi.Trigger;
import dev.doco.oci.ImageManifest;
import dev.doco.oci.Reference;
import dev.doco.oci.RegistryClient;
import dev.doco.oci.pack.PackagedArtifact;
import dev.doco.oci.pack.Packager;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Benchmark harness (run by hand, not a test), against the loopback registry of {@code
 * .ci/peers.sh}:
 *
 * <ol>
 *   <li>requests and bytes per unchanged poll: doco (resolve by HEAD, stop) vs doco-cd's pattern
 *       (GET the manifest twice, download every layer), on the same artifact;
 *   <li>500 watched artifacts, 10 s interval, on one instance: CPU, heap, registry requests per
 *       second (deployments go to a no-op deployer: this measures the polling machinery);
 *   <li>time from webhook receipt to {@code docker compose up} starting (real Compose).
 * </ol>
 *
 * <pre>
 * mvn -pl doco-examples test-compile
 * java -cp "doco-examples/target/test-classes:doco-examples/target/doco.jar" \
 *     dev.doco.examples.bench.PollBenchmark [REGISTRY] [TEST_IMAGE] [SECONDS]
 * </pre>
 */
public final class PollBenchmark {
  private PollBenchmark() {}

  /** Counts registry requests and response bytes from {@link DocoEvent.HttpExchange} events. */
  static final class Counter implements DocoListener {
    final AtomicLong requests = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final Map<String, AtomicLong> byMethod = new ConcurrentHashMap<>();

    @Override
    public void onEvent(DocoEvent event) {
      if (event instanceof DocoEvent.HttpExchange h) {
        requests.incrementAndGet();
        bytes.addAndGet(Math.max(0, h.bytes()));
        byMethod.computeIfAbsent(h.method(), k -> new AtomicLong()).incrementAndGet();
      }
    }

    void reset() {
      requests.set(0);
      bytes.set(0);
      byMethod.clear();
    }
  }

  /** Deploys nothing; remembers what it was asked to run (labels = digest). */
  static final class NoopDeployer implements Deployer, DeployerProvider {
    final Map<String, String> running = new ConcurrentHashMap<>();

    @Override
    public String id() {
      return "noop";
    }

    @Override
    public Deployer create(ProviderContext context) {
      return this;
    }

    @Override
    public DeployResult deploy(DeploymentPlan plan) {
      running.put(plan.name(), plan.revision().digest());
      return new DeployResult(
          plan.name(), plan.revision().digest(), false, "ok", List.of(), Duration.ZERO);
    }

    @Override
    public void destroy(DeploymentPlan plan) {
      running.remove(plan.name());
    }

    @Override
    public Optional<DeploymentStatus> inspect(String name, String context) {
      String d = running.get(name);
      return d == null
          ? Optional.empty()
          : Optional.of(new DeploymentStatus(name, true, true, d, "", "", Map.of(), List.of()));
    }

    @Override
    public List<List<String>> plannedCommands(DeploymentPlan plan) {
      return List.of();
    }
  }

  public static void main(String[] args) throws Exception {
    String registry = args.length > 0 ? args[0] : "127.0.0.1:5000";
    String image = args.length > 1 ? args[1] : "127.0.0.1:5000/doco-test/busybox:1";
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
    Path work = Files.createTempDirectory("doco-bench-");
    String id = Long.toHexString(System.nanoTime());
    Path stack =
        stack(
            work.resolve("stack"), "bench-" + id, image, 18000 + (int) (System.nanoTime() % 1000));
    PackagedArtifact artifact = Packager.builder().build().pack(stack, work.resolve("pack"));
    String repo = registry + "/doco-bench/" + id;
    Counter counter = new Counter();
    try (RegistryClient client =
        RegistryClient.builder().environment(System.getenv()).listener(counter).build()) {
      artifact.push(client, Reference.parse(repo + ":main"), 0);

      // 1. requests and bytes per unchanged poll.
      NoopDeployer noop = new NoopDeployer();
      Providers providers = Providers.builder().register(noop).build();
      int polls = 20;
      try (Doco doco =
          Doco.builder()
              .providers(providers)
              .settings(System.getenv())
              .dataDirectory(work.resolve("data1"))
              .listener(counter)
              .build()) {
        doco.deploy(repo + ":main", DeployOptions.DEFAULTS.withTrigger(Trigger.POLL)).keep();
        counter.reset();
        for (int i = 0; i < polls; i++) {
          if (!doco.deploy(repo + ":main", DeployOptions.DEFAULTS.withTrigger(Trigger.POLL))
              .unchanged()) {
            throw new IllegalStateException("poll " + i + " was not unchanged");
          }
        }
      }
      double docoReq = counter.requests.get() / (double) polls;
      double docoBytes = counter.bytes.get() / (double) polls;
      String docoMethods = counter.byMethod.toString();
      counter.reset();
      Reference ref = Reference.parse(repo + ":main");
      for (int i = 0; i < polls; i++) {
        dococdPattern(client, ref, work.resolve("dococd-" + i));
      }
      double cdReq = counter.requests.get() / (double) polls;
      double cdBytes = counter.bytes.get() / (double) polls;
      String cdMethods = counter.byMethod.toString();
      System.out.println();
      System.out.println("| per unchanged poll | requests | response bytes | requests by method |");
      System.out.println("|---|---|---|---|");
      System.out.printf(
          Locale.ROOT, "| doco | %.1f | %.0f | %s |%n", docoReq, docoBytes, docoMethods);
      System.out.printf(
          Locale.ROOT,
          "| doco-cd pattern (GET manifest x2 + every layer) | %.1f | %.0f | %s |%n",
          cdReq,
          cdBytes,
          cdMethods);
      System.out.printf(
          Locale.ROOT,
          "(artifact: %d-byte layer, %d-byte manifest)%n%n",
          artifact.layer().size(),
          artifact.manifest().length);

      // 2. 500 watched artifacts, 10 s interval.
      int n = 500;
      List<PollConfig> entries = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String tagged = repo + ":t" + i;
        client.pushManifest(
            Reference.parse(tagged),
            "application/vnd.oci.image.manifest.v1+json",
            artifact.manifest());
        entries.add(
            new PollConfig(
                "oci",
                tagged,
                "",
                Duration.ofSeconds(10),
                "",
                false,
                true,
                List.of(DeployConfig.defaults("b" + i).withTrusted(true))));
      }
      counter.reset();
      NoopDeployer noop2 = new NoopDeployer();
      try (Doco doco =
              Doco.builder()
                  .providers(Providers.builder().register(noop2).build())
                  .settings(System.getenv())
                  .dataDirectory(work.resolve("data2"))
                  .listener(counter)
                  .build();
          PollWatcher watcher = doco.watch(entries)) {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (noop2.running.size() < n && System.nanoTime() < deadline) {
          Thread.sleep(200);
        }
        System.out.println("initial deploy of " + noop2.running.size() + "/" + n + " entries done");
        System.gc();
        long cpu0 = cpuNanos();
        long req0 = counter.requests.get();
        long runs0 = watcher.completedRuns();
        long t0 = System.nanoTime();
        long maxHeap = 0;
        while (System.nanoTime() - t0 < seconds * 1_000_000_000L) {
          Thread.sleep(500);
          Runtime rt = Runtime.getRuntime();
          maxHeap = Math.max(maxHeap, rt.totalMemory() - rt.freeMemory());
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double cpu = (cpuNanos() - cpu0) / 1e9;
        System.out.println("| 500 artifacts, 10 s interval, steady state | value |");
        System.out.println("|---|---|");
        System.out.printf(Locale.ROOT, "| window | %.0f s |%n", elapsed);
        System.out.printf(
            Locale.ROOT,
            "| polls completed | %d (%.1f/s) |%n",
            watcher.completedRuns() - runs0,
            (watcher.completedRuns() - runs0) / elapsed);
        System.out.printf(
            Locale.ROOT,
            "| registry requests | %.1f/s |%n",
            (counter.requests.get() - req0) / elapsed);
        System.out.printf(
            Locale.ROOT,
            "| CPU | %.2f s per s (%.1f %% of one core) |%n",
            cpu / elapsed,
            100 * cpu / elapsed);
        System.out.printf(
            Locale.ROOT, "| heap used (max sampled) | %.1f MiB |%n%n", maxHeap / (1024.0 * 1024));
      }

      // 3. webhook receipt -> docker compose up starting (real Compose deployer).
      long[] upStarted = {0};
      DocoListener upWatch =
          e -> {
            if (e instanceof DocoEvent.CommandStarted c
                && c.command().contains("up")
                && upStarted[0] == 0) {
              upStarted[0] = System.nanoTime();
            }
          };
      try (Doco doco =
          Doco.builder()
              .settings(Map.of("DOCKER_SWARM_FEATURES", "false"))
              .dataDirectory(work.resolve("data3"))
              .listener(upWatch)
              .build()) {
        ServerSettings ss =
            ServerSettings.defaults()
                .withBindAddress("127.0.0.1")
                .withPorts(0, -1)
                .withWebhookSecret("bench")
                .withAllowedArtifacts(List.of(repo));
        try (DocoServer server = DocoServer.start(doco, ss)) {
          byte[] body =
              ("{\"source\":\"oci\",\"digest\":\"\",\"artifact\":\"" + repo + ":main\"}")
                  .getBytes(StandardCharsets.UTF_8);
          long t0 = System.nanoTime();
          HttpURLConnection c =
              (HttpURLConnection)
                  URI.create("http://127.0.0.1:" + server.httpAddress().getPort() + "/v1/webhook")
                      .toURL()
                      .openConnection();
          c.setRequestMethod("POST");
          c.setDoOutput(true);
          c.setRequestProperty("X-Doco-OCI-Signature-256", hmac("bench", body));
          c.getOutputStream().write(body);
          int status = c.getResponseCode();
          long accepted = System.nanoTime();
          long deadline = System.nanoTime() + 120_000_000_000L;
          while (upStarted[0] == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
          }
          System.out.println("| webhook -> compose | value |");
          System.out.println("|---|---|");
          System.out.printf(
              Locale.ROOT, "| response (%d) after | %.1f ms |%n", status, (accepted - t0) / 1e6);
          System.out.printf(
              Locale.ROOT,
              "| `docker compose up` started after | %.1f ms |%n",
              (upStarted[0] - t0) / 1e6);
          Thread.sleep(3000);
        }
        try {
          doco.destroy("bench-" + id);
        } catch (RuntimeException e) {
          System.out.println("cleanup: " + e.getMessage());
        }
      }
    }
  }

  /** What doco-cd does per OCI poll: remote.Get twice (manifest GETs), then every layer. */
  static void dococdPattern(RegistryClient client, Reference ref, Path dir) throws Exception {
    client.manifest(ref);
    ImageManifest m = ImageManifest.parse(client.manifest(ref));
    Files.createDirectories(dir);
    int i = 0;
    for (var layer : m.layers()) {
      client.fetchBlob(ref, layer, dir.resolve("layer" + i++));
    }
  }

  static Path stack(Path dir, String name, String image, int port) throws Exception {
    Files.createDirectories(dir.resolve("www"));
    Files.writeString(dir.resolve(".doco-cd.yaml"), "name: " + name + "\n");
    Files.writeString(
        dir.resolve("compose.yaml"),
        "services:\n  web:\n    image: "
            + image
            + "\n    command: [\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]\n"
            + "    ports: [\""
            + port
            + ":8080\"]\n    volumes: [\"./www:/www:ro\"]\n");
    Files.writeString(dir.resolve("www/index.html"), "bench\n".repeat(2000));
    return dir;
  }

  static long cpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).toNanos();
  }

  static String hmac(String secret, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body));
  }
}
