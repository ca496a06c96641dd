package dev.doco.oci.bench;

import dev.doco.core.Revision;
import dev.doco.core.spi.Checkout;
import dev.doco.core.spi.FetchOptions;
import dev.doco.oci.OciSource;
import dev.doco.oci.Reference;
import dev.doco.oci.RegistryClient;
import dev.doco.oci.extract.ExtractionLimits;
import dev.doco.oci.pack.PackagedArtifact;
import dev.doco.oci.pack.Packager;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Benchmark harness (not a test): pull and extract an artifact of about 50 MB in 2,000 files from
 * the loopback registry, side by side with {@code oras pull} and {@code skopeo copy docker://...
 * oci:...} on the same artifact (median wall time of each, peak heap of ours), then extract a 1 GiB
 * artifact in a child JVM with {@code -Xmx64m}.
 *
 * <p>Needs the peers ({@code .ci/peers.sh start}). Run: {@code
 * doco-oci/src/test/bench/run-pull-benchmark.sh} (builds the classpath and runs this main).
 * Arguments: {@code [runs=5] [registry=127.0.0.1:5000] [oras] [skopeo]}.
 */
public final class PullBenchmark {
  private PullBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("big")) {
      big(Path.of(args[1]));
      return;
    }
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    String registry = args.length > 1 ? args[1] : "127.0.0.1:5000";
    String oras = args.length > 2 ? args[2] : "/opt/doco-peers/bin/oras";
    String skopeo = args.length > 3 ? args[3] : "skopeo";
    Path work = Files.createTempDirectory("doco-bench");
    try {
      Path src = work.resolve("src");
      long bytes = generate(src, 2000, 25_000);
      PackagedArtifact a = Packager.builder().build().pack(src, work.resolve("pack"));
      String ref = registry + "/doco-bench/fifty:" + Long.toHexString(System.nanoTime());
      try (RegistryClient client = RegistryClient.builder().environment(Map.of()).build()) {
        a.push(client, Reference.parse(ref), 0);
      }
      System.out.printf(
          Locale.ROOT,
          "artifact %s: %d files, %.1f MB content, layer %.1f MB%n",
          ref,
          2001,
          bytes / 1e6,
          a.layer().size() / 1e6);

      List<Double> ours = new ArrayList<>();
      List<Double> orasT = new ArrayList<>();
      List<Double> skopeoT = new ArrayList<>();
      long peak = 0;
      for (int i = 0; i < runs + 1; i++) { // run 0 warms up (JIT, page cache) and is dropped
        Path data = work.resolve("data-" + i);
        System.gc();
        resetPeaks();
        long t0 = System.nanoTime();
        try (OciSource s = OciSource.builder(data).settings(Map.of()).build()) {
          Revision r = s.resolve(ref);
          Checkout c = s.fetch(r, s.checkoutDirectory(r), FetchOptions.DEFAULT);
          if (c.bytes() != bytes) {
            throw new IllegalStateException("extracted " + c.bytes() + " bytes, expected " + bytes);
          }
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        long p = peakHeap();
        Path orasOut = Files.createDirectories(work.resolve("oras-" + i));
        double o = time(List.of(oras, "pull", "--plain-http", "-o", orasOut.toString(), ref));
        double sk =
            time(
                List.of(
                    skopeo,
                    "copy",
                    "-q",
                    "--src-tls-verify=false",
                    "docker://" + ref,
                    "oci:" + work.resolve("skopeo-" + i) + ":latest"));
        if (i > 0) {
          ours.add(ms);
          orasT.add(o);
          skopeoT.add(sk);
          peak = Math.max(peak, p);
        }
        delete(data);
        delete(orasOut);
        delete(work.resolve("skopeo-" + i));
      }
      System.out.println();
      System.out.printf(Locale.ROOT, "| tool (%d runs, median) | wall time | peak heap |%n", runs);
      System.out.println("|---|---|---|");
      System.out.printf(
          Locale.ROOT,
          "| doco OciSource resolve+fetch (pull, verify, extract, swap) | %.0f ms | %.1f MB |%n",
          median(ours),
          peak / 1e6);
      System.out.printf(Locale.ROOT, "| oras pull | %.0f ms | (Go process) |%n", median(orasT));
      System.out.printf(
          Locale.ROOT,
          "| skopeo copy docker:// oci: (no extraction) | %.0f ms | (Go process) |%n",
          median(skopeoT));

      if (args.length > 4 && args[4].equals("nobig")) {
        return;
      }
      // 1 GiB in a child JVM with -Xmx64m
      Path bigDir = work.resolve("big");
      List<String> cmd =
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-Xmx64m",
              "-cp",
              System.getProperty("java.class.path"),
              PullBenchmark.class.getName(),
              "big",
              bigDir.toString());
      Process p = new ProcessBuilder(cmd).inheritIO().start();
      if (!p.waitFor(20, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("1 GiB run timed out");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("1 GiB run failed with exit " + p.exitValue());
      }
    } finally {
      delete(work);
    }
  }

  /** Child JVM: package 1 GiB (64 files of 16 MiB), write a layout, extract it; print stats. */
  private static void big(Path work) throws Exception {
    Path src = work.resolve("src");
    Files.createDirectories(src);
    Files.writeString(src.resolve(".doco-cd.yaml"), "version: doco.v1\n");
    byte[] block = new byte[1 << 20];
    Random rnd = new Random(42);
    long total = 0;
    for (int f = 0; f < 64; f++) {
      try (OutputStream out = Files.newOutputStream(src.resolve("blob-" + f + ".bin"))) {
        for (int m = 0; m < 16; m++) {
          // compressible but not trivial: random bytes in a small alphabet
          for (int i = 0; i < block.length; i++) {
            block[i] = (byte) ('a' + rnd.nextInt(4));
          }
          out.write(block);
          total += block.length;
        }
      }
    }
    long t0 = System.nanoTime();
    PackagedArtifact a = Packager.builder().build().pack(src, work.resolve("pack"));
    a.writeLayout(work.resolve("layout"), "big");
    double packMs = (System.nanoTime() - t0) / 1e6;
    resetPeaks();
    t0 = System.nanoTime();
    Checkout c;
    try (OciSource s =
        OciSource.builder(work.resolve("data"))
            .settings(Map.of())
            .limits(ExtractionLimits.DEFAULT.withMaxTotalBytes(2L << 30))
            .build()) {
      Revision r = s.resolve("oci-layout:" + work.resolve("layout") + ":big");
      c = s.fetch(r, s.checkoutDirectory(r), FetchOptions.DEFAULT);
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    System.out.printf(
        Locale.ROOT,
        "%n| 1 GiB artifact, child JVM -Xmx%dm | content %.0f MiB in %d files, layer %.0f MiB |"
            + " package+layout %.0f ms | fetch+extract %.0f ms | peak heap %.1f MB | extracted %d"
            + " bytes |%n",
        Runtime.getRuntime().maxMemory() >> 20,
        total / 1048576.0,
        65,
        a.layer().size() / 1048576.0,
        packMs,
        ms,
        peakHeap() / 1e6,
        c.bytes());
    if (c.bytes() != total + "version: doco.v1\n".getBytes(StandardCharsets.UTF_8).length) {
      throw new IllegalStateException("extracted " + c.bytes() + " bytes");
    }
  }

  private static long generate(Path dir, int files, int size) throws IOException {
    Random rnd = new Random(7);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(".doco-cd.yaml"), "version: doco.v1\n");
    long total = "version: doco.v1\n".length();
    byte[] b = new byte[size];
    for (int i = 0; i < files; i++) {
      Path p = dir.resolve("d" + (i % 40)).resolve("f" + i + ".dat");
      Files.createDirectories(p.getParent());
      rnd.nextBytes(b);
      Files.write(p, b);
      total += size;
    }
    return total;
  }

  private static double time(List<String> argv) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    Process p =
        new ProcessBuilder(argv)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException(argv + " timed out");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(argv + " exited " + p.exitValue());
    }
    return (System.nanoTime() - t0) / 1e6;
  }

  /**
   * Peak heap in use, sampled every millisecond by a daemon thread (java.lang.management is not
   * readable from the module under test). A lower bound between samples; garbage included.
   */
  private static final java.util.concurrent.atomic.AtomicLong PEAK =
      new java.util.concurrent.atomic.AtomicLong();

  static {
    Thread t =
        new Thread(
            () -> {
              Runtime rt = Runtime.getRuntime();
              while (true) {
                long used = rt.totalMemory() - rt.freeMemory();
                PEAK.accumulateAndGet(used, Math::max);
                try {
                  Thread.sleep(1);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "heap-sampler");
    t.setDaemon(true);
    t.start();
  }

  private static void resetPeaks() {
    Runtime rt = Runtime.getRuntime();
    PEAK.set(rt.totalMemory() - rt.freeMemory());
  }

  private static long peakHeap() {
    return PEAK.get();
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  private static void delete(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }
}
