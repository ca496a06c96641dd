package dev.doco.oci.bench;

import dev.doco.core.DocoEvent;
import dev.doco.core.spi.Descriptor;
import dev.doco.core.testing.Peer;
import dev.doco.core.testing.Peers;
import dev.doco.oci.CredentialProvider;
import dev.doco.oci.Reference;
import dev.doco.oci.RegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;

/**
 * Benchmark harness (not a test): resolving N unchanged tags on the loopback registry with doco's
 * client, {@code oras resolve --plain-http} and {@code skopeo inspect --raw}, through a counting
 * reverse proxy in this JVM, so requests and response bytes are measured the same way for all
 * three.
 *
 * <p>Run (peers up: {@code .ci/peers.sh start}):
 *
 * <pre>
 * doco-oci/src/test/java/dev/doco/oci/bench/run-resolve-benchmark.sh [TAGS]
 * </pre>
 */
public final class ResolveBenchmark {

  /** Counts requests, response body bytes and response header bytes. */
  static final class CountingProxy extends Dispatcher {
    final OkHttpClient http =
        new OkHttpClient.Builder().followRedirects(false).retryOnConnectionFailure(false).build();
    final String upstream;
    final AtomicLong requests = new AtomicLong();
    final AtomicLong heads = new AtomicLong();
    final AtomicLong gets = new AtomicLong();
    final AtomicLong bodyBytes = new AtomicLong();
    final AtomicLong headerBytes = new AtomicLong();

    CountingProxy(String upstream) {
      this.upstream = upstream;
    }

    void reset() {
      requests.set(0);
      heads.set(0);
      gets.set(0);
      bodyBytes.set(0);
      headerBytes.set(0);
    }

    @Override
    public MockResponse dispatch(RecordedRequest in) {
      requests.incrementAndGet();
      if (in.getMethod().equals("HEAD")) {
        heads.incrementAndGet();
      } else if (in.getMethod().equals("GET")) {
        gets.incrementAndGet();
      }
      Headers.Builder hb = new Headers.Builder();
      for (int i = 0; i < in.getHeaders().size(); i++) {
        String n = in.getHeaders().name(i);
        if (!n.equalsIgnoreCase("Host") && !n.equalsIgnoreCase("Connection")) {
          hb.add(n, in.getHeaders().value(i));
        }
      }
      if (in.getHeaders().get("Accept-Encoding") == null) {
        hb.add("Accept-Encoding", "identity");
      }
      RequestBody body =
          in.getBody() == null || in.getBody().size() == 0 && !in.getMethod().equals("PUT")
              ? (in.getMethod().equals("POST") || in.getMethod().equals("PUT")
                  ? RequestBody.create(new byte[0], null)
                  : null)
              : RequestBody.create(in.getBody().toByteArray(), null);
      Request req =
          new Request.Builder()
              .url(upstream + in.getTarget())
              .headers(hb.build())
              .method(in.getMethod(), body)
              .build();
      try (Response r = http.newCall(req).execute()) {
        byte[] bytes = r.body().bytes();
        MockResponse.Builder out = new MockResponse.Builder().code(r.code());
        long hdr = 0;
        for (int i = 0; i < r.headers().size(); i++) {
          String n = r.headers().name(i);
          hdr += n.length() + 2 + r.headers().value(i).length() + 2;
          if (n.equalsIgnoreCase("Transfer-Encoding") || n.equalsIgnoreCase("Content-Length")) {
            continue;
          }
          out.addHeaderLenient(n, r.headers().value(i));
        }
        headerBytes.addAndGet(hdr);
        if (in.getMethod().equals("HEAD")) {
          String cl = r.header("Content-Length");
          if (cl != null) {
            out.setHeader("Content-Length", cl);
          }
        } else {
          bodyBytes.addAndGet(bytes.length);
          out.body(new Buffer().write(bytes));
        }
        return out.build();
      } catch (IOException e) {
        return new MockResponse.Builder().code(502).body(e.toString()).build();
      }
    }
  }

  record Row(
      String tool,
      int resolves,
      long requests,
      long heads,
      long gets,
      long bodyBytes,
      long headerBytes,
      Duration wall) {
    String format() {
      return String.format(
          Locale.ROOT,
          "| %-44s | %4d | %5d | %6.2f | %5.2f | %5.2f | %9.1f | %8.0f | %8d | %7.2f |",
          tool,
          resolves,
          requests,
          requests / (double) resolves,
          heads / (double) resolves,
          gets / (double) resolves,
          bodyBytes / (double) resolves,
          headerBytes / (double) resolves,
          wall.toMillis(),
          wall.toMillis() / (double) resolves);
    }
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    if (!Peers.available(Peer.REGISTRY)
        || !Peers.available(Peer.ORAS)
        || !Peers.available(Peer.SKOPEO)) {
      System.err.println("peers missing: " + Peers.HOW_TO_START);
      System.exit(2);
    }
    String registry = Peers.registry();
    String repo = "doco-bench/resolve-" + Long.toString(System.currentTimeMillis(), 36);
    List<String> tags = new ArrayList<>();
    // --- set up N tags (distinct manifests) directly on the registry
    try (RegistryClient setup =
        RegistryClient.builder()
            .environment(Map.of())
            .credentials(CredentialProvider.anonymous())
            .build()) {
      Reference base = Reference.parse(registry + "/" + repo);
      Descriptor cfg =
          setup.pushBlob(
              base, "{}".getBytes(StandardCharsets.UTF_8), "application/vnd.oci.empty.v1+json");
      Descriptor layer =
          setup.pushBlob(
              base,
              "services: {}\n".getBytes(StandardCharsets.UTF_8),
              "application/vnd.oci.image.layer.v1.tar");
      for (int i = 0; i < n; i++) {
        String tag = String.format(Locale.ROOT, "t%04d", i);
        String m =
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"artifactType\":\"application/vnd.doco.bench\",\"config\":{\"mediaType\":\""
                + cfg.mediaType()
                + "\",\"digest\":\""
                + cfg.digest()
                + "\",\"size\":2},"
                + "\"layers\":[{\"mediaType\":\""
                + layer.mediaType()
                + "\",\"digest\":\""
                + layer.digest()
                + "\",\"size\":"
                + layer.size()
                + ",\"annotations\":{\"org.opencontainers.image.title\":\"compose.yaml\"}}],"
                + "\"annotations\":{\"i\":\""
                + i
                + "\"}}";
        setup.pushManifest(
            base.withTag(tag),
            "application/vnd.oci.image.manifest.v1+json",
            m.getBytes(StandardCharsets.UTF_8));
        tags.add(tag);
      }
    }
    CountingProxy proxy = new CountingProxy("http://" + registry);
    MockWebServer server = new MockWebServer();
    server.setDispatcher(proxy);
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    String front = "127.0.0.1:" + server.getPort();
    List<Row> rows = new ArrayList<>();
    try {
      // --- doco: one shared client; pass 1 includes the ping, pass 2 is the steady state
      AtomicLong events = new AtomicLong();
      try (RegistryClient c =
          RegistryClient.builder()
              .environment(Map.of())
              .credentials(CredentialProvider.anonymous())
              .plainHttp(List.of(front))
              .listener(
                  e -> {
                    if (e instanceof DocoEvent.HttpExchange) {
                      events.incrementAndGet();
                    }
                  })
              .build()) {
        for (int pass = 1; pass <= 2; pass++) {
          proxy.reset();
          long t0 = System.nanoTime();
          for (String tag : tags) {
            c.resolve(Reference.parse(front + "/" + repo + ":" + tag));
          }
          rows.add(
              row(
                  "doco RegistryClient.resolve, pass "
                      + pass
                      + (pass == 1 ? " (ping incl.)" : " (warm)"),
                  n,
                  proxy,
                  t0));
        }
      }
      // --- oras resolve, one process per tag
      proxy.reset();
      long t0 = System.nanoTime();
      for (String tag : tags) {
        run(
            List.of(
                Peers.tool("oras").toString(),
                "resolve",
                "--plain-http",
                front + "/" + repo + ":" + tag));
      }
      rows.add(row("oras resolve --plain-http (1 process/tag)", n, proxy, t0));
      // --- skopeo inspect --raw, one process per tag
      proxy.reset();
      t0 = System.nanoTime();
      for (String tag : tags) {
        run(
            List.of(
                Peers.tool("skopeo").toString(),
                "inspect",
                "--raw",
                "--tls-verify=false",
                "docker://" + front + "/" + repo + ":" + tag));
      }
      rows.add(row("skopeo inspect --raw (1 process/tag)", n, proxy, t0));
    } finally {
      server.close();
    }
    System.out.println();
    System.out.println(
        "Resolving "
            + n
            + " unchanged tags of "
            + repo
            + " on "
            + registry
            + " (via a counting proxy on "
            + front
            + ")");
    System.out.println();
    System.out.println(
        "| tool | resolves | requests | req/resolve | HEAD/resolve | GET/resolve | body B/resolve | header B/resolve | wall ms | ms/resolve |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (Row r : rows) {
      System.out.println(r.format());
    }
  }

  static Row row(String tool, int n, CountingProxy p, long t0) {
    return new Row(
        tool,
        n,
        p.requests.get(),
        p.heads.get(),
        p.gets.get(),
        p.bodyBytes.get(),
        p.headerBytes.get(),
        Duration.ofNanos(System.nanoTime() - t0));
  }

  static void run(List<String> argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = in.readAllBytes();
    }
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(argv + " failed: " + new String(out, StandardCharsets.UTF_8));
    }
  }
}
