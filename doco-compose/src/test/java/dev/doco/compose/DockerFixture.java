package dev.doco.compose;

import dev.doco.core.testing.Exec;
import dev.doco.core.testing.Peers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The real docker CLI for integration tests (reads what the deployers did). */
final class DockerFixture {
  private DockerFixture() {}

  static Map<String, String> settings() {
    Map<String, String> s = new HashMap<>(System.getenv());
    s.put("DOCO_DOCKER", Peers.tool("docker").toString());
    s.put("DOCKER_HOST", Peers.dockerHost());
    s.remove("PASS_ENV");
    return s;
  }

  static Exec.Result docker(Path dir, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(Peers.tool("docker").toString());
    argv.addAll(List.of(args));
    return Exec.run(Duration.ofMinutes(3), dir, Map.of("DOCKER_HOST", Peers.dockerHost()), argv);
  }

  static String ok(Path dir, String... args) {
    Exec.Result r = docker(dir, args);
    if (r.exitCode() != 0) {
      throw new AssertionError(r.describe());
    }
    return r.stdout();
  }

  /** service -> container id, for the running and stopped containers of a Compose project. */
  static Map<String, String> containers(Path dir, String project) {
    Map<String, String> m = new TreeMap<>();
    String out =
        ok(
            dir,
            "ps",
            "-a",
            "--no-trunc",
            "--filter",
            "label=com.docker.compose.project=" + project,
            "--format",
            "{{.Label \"com.docker.compose.service\"}}={{.ID}}");
    for (String line : out.split("\n")) {
      if (line.contains("=")) {
        m.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
      }
    }
    return m;
  }

  static String label(Path dir, String container, String key) {
    return ok(dir, "inspect", "--format", "{{index .Config.Labels \"" + key + "\"}}", container)
        .trim();
  }

  static String state(Path dir, String container) {
    return ok(dir, "inspect", "--format", "{{.State.Status}}", container).trim();
  }

  static List<String> env(Path dir, String container) {
    String out =
        ok(dir, "inspect", "--format", "{{range .Config.Env}}{{println .}}{{end}}", container);
    return out.lines().filter(l -> !l.isBlank()).toList();
  }
}
