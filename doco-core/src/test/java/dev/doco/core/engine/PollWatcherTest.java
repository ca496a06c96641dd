package dev.doco.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.Doco;
import dev.doco.core.Providers;
import dev.doco.core.config.DeployConfig;
import dev.doco.core.config.PollConfig;
import dev.doco.core.engine.Fakes.FakeDeployer;
import dev.doco.core.engine.Fakes.FakeSource;
import dev.doco.core.engine.internal.EngineAccess;
import dev.doco.core.engine.internal.Metrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PollWatcherTest {
  static final String A = "fake://reg.example/acme/a:main";
  static final String B = "fake://reg.example/acme/b:main";

  @TempDir Path data;
  FakeSource source;
  FakeDeployer deployer;
  Doco doco;

  @BeforeEach
  void setUp() {
    source = new FakeSource();
    deployer = new FakeDeployer();
    source.push(A, Fakes.files("services: {a: {image: busybox}}\n"));
    source.push(B, Fakes.files("services: {b: {image: busybox}}\n"));
    doco =
        Doco.builder()
            .providers(
                Providers.builder().discover(false).register(source).register(deployer).build())
            .dataDirectory(data)
            .build();
  }

  @AfterEach
  void tearDown() {
    doco.close();
  }

  static PollConfig entry(String url, Duration interval, boolean runOnce, String name) {
    return new PollConfig(
        "oci", url, "", interval, "", runOnce, true, List.of(DeployConfig.defaults(name)));
  }

  static void awaitRuns(PollWatcher w, long n) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (w.completedRuns() < n && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  @Test
  void runOnceEntries_runExactlyOnceAtStart_andDisabledOrGitEntriesNever() throws Exception {
    PollWatcher w =
        doco.watch(
            List.of(
                entry(A, Duration.ZERO, true, "a"),
                entry(B, Duration.ZERO, true, "b"),
                entry("fake://reg.example/acme/c:main", Duration.ZERO, false, "c"),
                new PollConfig(
                    "git",
                    "https://example.com/r.git",
                    "",
                    Duration.ofSeconds(60),
                    "",
                    true,
                    true,
                    List.of())));

    awaitRuns(w, 2);
    Thread.sleep(300);

    assertEquals(2, w.completedRuns());
    assertTrue(deployer.running.containsKey("a"));
    assertTrue(deployer.running.containsKey("b"));
    assertFalse(deployer.running.containsKey("c"));
    assertEquals(2, source.resolves.get());
  }

  @Test
  void pollOfAnUnchangedArtifact_resolvesButDoesNotDownloadAgain() {
    PollWatcher w = PollWatcher.start(doco, List.of());
    PollConfig a = entry(A, Duration.ofSeconds(10), false, "a");

    w.runOnce(a);
    w.runOnce(a);
    w.runOnce(a);
    w.close();

    assertEquals(3, source.resolves.get());
    assertEquals(1, source.fetches.get());
    assertEquals(1, deployer.deploys.get());
    Metrics m = EngineAccess.engine(doco).metrics();
    assertEquals(3, m.counter(Metrics.POLLS, "reg.example/acme/a"));
    assertEquals(2, m.counter(Metrics.SKIPPED, "reg.example/acme/a"));
  }

  @Test
  void pollThatFails_countsAPollError() {
    PollWatcher w = PollWatcher.start(doco, List.of());
    source.failResolve = true;

    w.runOnce(entry(A, Duration.ofSeconds(10), false, "a"));
    w.close();

    Metrics m = EngineAccess.engine(doco).metrics();
    assertEquals(1, m.counter(Metrics.POLL_ERRORS, A));
  }

  @Test
  void firstRuns_areSpreadOverAtMostTheInterval() {
    PollConfig p = entry(A, Duration.ofSeconds(10), false, "a");
    assertEquals(0, PollWatcher.spreadMillis(p, 1));
    assertEquals(500, PollWatcher.spreadMillis(p, 10));
    assertEquals(10_000, PollWatcher.spreadMillis(p, 500));
    for (int i = 0; i < 100; i++) {
      long d = PollWatcher.nextDelayMillis(Duration.ofSeconds(10));
      assertTrue(d >= 10_000 && d <= 10_500, "delay " + d);
    }
  }
}
