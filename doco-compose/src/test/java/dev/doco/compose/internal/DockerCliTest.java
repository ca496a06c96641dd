package dev.doco.compose.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.compose.ProcessLauncher;
import dev.doco.core.DeployException;
import dev.doco.core.DocoEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner with real processes (/bin/sh), not docker. */
class DockerCliTest {
  @TempDir Path dir;
  final List<DocoEvent> events = new CopyOnWriteArrayList<>();

  DockerCli cli() {
    return new DockerCli("/bin/sh", ProcessLauncher.SYSTEM, events::add, dir);
  }

  DockerCli.Call sh(String script, Duration timeout) {
    return new DockerCli.Call(
        "app",
        List.of("/bin/sh", "-c", script),
        Map.of("PATH", "/usr/bin:/bin", "X", "42"),
        timeout,
        true);
  }

  @Test
  void run_streamsBothStreamsLineByLine_andCapturesStdout() {
    CommandResult r =
        cli().run(sh("echo a; echo b >&2; echo \"x=$X\"; pwd", Duration.ofSeconds(20)));
    assertTrue(r.ok());
    assertEquals(List.of("a", "x=42", dir.toString()), r.lines());
    assertEquals("b", r.stderrTail());
    List<String> lines =
        events.stream()
            .filter(e -> e instanceof DocoEvent.DeployOutput)
            .map(
                e ->
                    ((DocoEvent.DeployOutput) e).stream()
                        + ":"
                        + ((DocoEvent.DeployOutput) e).line())
            .toList();
    assertTrue(lines.containsAll(List.of("STDOUT:a", "STDERR:b", "STDOUT:x=42")), lines.toString());
    assertTrue(events.get(0) instanceof DocoEvent.CommandStarted);
  }

  @Test
  void run_onlyTheGivenEnvironmentReachesTheChild() {
    CommandResult r = cli().run(sh("env | sort", Duration.ofSeconds(20)));
    assertTrue(
        r.lines().stream()
            .allMatch(
                l ->
                    l.startsWith("PATH=")
                        || l.startsWith("X=")
                        || l.startsWith("PWD=")
                        || l.startsWith("SHLVL=")
                        || l.startsWith("_=")),
        r.lines().toString());
  }

  @Test
  void run_timeout_stopsTheProcessAndThrows() {
    long t0 = System.nanoTime();
    DeployException e =
        assertThrows(
            DeployException.class,
            () -> cli().run(sh("echo started >&2; sleep 30", Duration.ofMillis(500))));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < 15_000, "stopped after " + ms + " ms");
    assertEquals(-1, e.exitCode());
    assertTrue(e.getMessage().contains("did not finish within"), e.getMessage());
  }

  @Test
  void check_nonZeroExit_throwsWithCommandExitCodeAndStderrTail() {
    StringBuilder script = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      script.append("echo line").append(i).append(" >&2; ");
    }
    script.append("exit 3");
    DeployException e =
        assertThrows(
            DeployException.class,
            () -> cli().check(sh(script.toString(), Duration.ofSeconds(20)), "thing failed"));
    assertEquals(3, e.exitCode());
    assertEquals("/bin/sh", e.command().get(0));
    assertTrue(e.getMessage().startsWith("thing failed (exit 3): line99"), e.getMessage());
    assertEquals(DockerCli.STDERR_TAIL_LINES, e.stderrTail().lines().count());
    assertTrue(e.stderrTail().endsWith("line99"));
  }
}
