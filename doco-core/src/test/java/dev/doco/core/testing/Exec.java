package dev.doco.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Runs a peer's command-line tool (docker, cosign, oras, skopeo) for a test: argv as a list, both
 * streams captured (to temp files, so neither can block), always a timeout, the peers' tools dir
 * first on {@code PATH}.
 *
 * <pre>{@code
 * Exec.Result r = Exec.ok(Duration.ofMinutes(1), null, Map.of(),
 *     List.of(Peers.tool("oras").toString(), "push", "--plain-http", ref, "a.yaml"));
 * }</pre>
 */
public final class Exec {
  private Exec() {}

  /** What a finished command left: its exit code and its whole stdout and stderr (UTF-8). */
  public record Result(List<String> argv, int exitCode, String stdout, String stderr) {
    /** A one-paragraph description for assertion messages. */
    public String describe() {
      return "command "
          + argv
          + " exited with "
          + exitCode
          + "\n--- stdout ---\n"
          + tail(stdout)
          + "\n--- stderr ---\n"
          + tail(stderr);
    }

    private static String tail(String s) {
      return s.length() <= 4000 ? s : "..." + s.substring(s.length() - 4000);
    }
  }

  /**
   * Runs {@code argv} in {@code dir} (or the current directory) with {@code env} added to this
   * JVM's environment, waiting at most {@code timeout}; the process is destroyed on timeout, which
   * throws {@link AssertionError}.
   */
  public static Result run(
      Duration timeout, @Nullable Path dir, Map<String, String> env, List<String> argv) {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("doco-exec", ".out");
      err = Files.createTempFile("doco-exec", ".err");
      ProcessBuilder pb =
          new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      if (dir != null) {
        pb.directory(dir.toFile());
      }
      Map<String, String> environment = pb.environment();
      environment.putAll(defaultEnv(environment));
      environment.putAll(env);
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
        }
        throw new AssertionError(
            "command "
                + argv
                + " did not finish within "
                + timeout
                + "\n--- stderr ---\n"
                + Files.readString(err, StandardCharsets.UTF_8));
      }
      return new Result(
          List.copyOf(argv),
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + argv + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + argv, e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /** Like {@link #run}, but fails the test (with the command's output) when it exits non-zero. */
  public static Result ok(
      Duration timeout, @Nullable Path dir, Map<String, String> env, List<String> argv) {
    Result r = run(timeout, dir, env, argv);
    if (r.exitCode() != 0) {
      throw new AssertionError(r.describe());
    }
    return r;
  }

  private static Map<String, String> defaultEnv(Map<String, String> inherited) {
    Map<String, String> env = new LinkedHashMap<>();
    String tools = Peers.toolsDir();
    if (tools != null) {
      String path = inherited.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
      env.put("PATH", tools + ":" + path);
    }
    return env;
  }

  private static void deleteQuietly(@Nullable Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a temp file; the OS cleans up eventually
      }
    }
  }
}
