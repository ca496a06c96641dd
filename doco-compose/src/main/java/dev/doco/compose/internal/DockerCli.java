package dev.doco.compose.internal;

import dev.doco.compose.ProcessLauncher;
import dev.doco.core.DeployException;
import dev.doco.core.DocoEvent;
import dev.doco.core.DocoListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs docker CLI commands: argv as a list, an explicit environment, both streams drained
 * concurrently and delivered line by line as {@link DocoEvent.DeployOutput}, a timeout ({@code
 * destroy}, then {@code destroyForcibly}), and a {@link DeployException} carrying the command, exit
 * code and stderr tail on failure.
 */
public final class DockerCli {
  private static final Logger LOG = LoggerFactory.getLogger(DockerCli.class);

  /** Lines of stderr kept for messages. */
  static final int STDERR_TAIL_LINES = 40;

  /** Bound on the captured stdout (characters); more is dropped (but still streamed). */
  static final int MAX_STDOUT_CHARS = 32 * 1024 * 1024;

  private static final Duration GRACE = Duration.ofSeconds(5);

  private final String executable;
  private final ProcessLauncher launcher;
  private final DocoListener listener;
  private final Path directory;
  private final List<List<String>> history = Collections.synchronizedList(new ArrayList<>());

  public DockerCli(
      String executable, ProcessLauncher launcher, DocoListener listener, Path directory) {
    this.executable = executable;
    this.launcher = launcher;
    this.listener = listener;
    this.directory = directory;
  }

  /** The docker executable (argv[0]), as configured. */
  public String executable() {
    return executable;
  }

  /** What a command is for, and how to run it. */
  public record Call(
      String deployment,
      List<String> argv,
      Map<String, String> environment,
      Duration timeout,
      boolean streamStdout) {
    public Call {
      argv = List.copyOf(argv);
      environment = Map.copyOf(environment);
    }
  }

  /** Runs {@code call}; a non-zero exit is returned, not thrown. */
  public CommandResult run(Call call) {
    List<String> argv = call.argv();
    history.add(argv);
    deliver(new DocoEvent.CommandStarted(call.deployment(), argv));
    LOG.debug("running {}", argv);
    long start = System.nanoTime();
    Process process;
    try {
      process = launcher.start(argv, call.environment(), directory);
    } catch (IOException e) {
      throw new DeployException(
          "cannot run '"
              + argv.get(0)
              + "': "
              + e.getMessage()
              + ". Install the Docker CLI (e.g. apt-get install docker.io, or Docker's docker-ce-cli)"
              + " or set DOCO_DOCKER to the docker executable's path",
          call.deployment(),
          argv,
          -1,
          "",
          e);
    }
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      LOG.debug("closing stdin of {} failed", argv, e);
    }
    StringBuilder out = new StringBuilder();
    Deque<String> errTail = new ArrayDeque<>();
    Thread outReader =
        drain(
            process.getInputStream(),
            line -> {
              synchronized (out) {
                if (out.length() + line.length() < MAX_STDOUT_CHARS) {
                  out.append(line).append('\n');
                }
              }
              if (call.streamStdout()) {
                emit(call.deployment(), DocoEvent.Stream.STDOUT, line);
              }
            },
            "stdout");
    Thread errReader =
        drain(
            process.getErrorStream(),
            line -> {
              synchronized (errTail) {
                errTail.addLast(line);
                if (errTail.size() > STDERR_TAIL_LINES) {
                  errTail.removeFirst();
                }
              }
              emit(call.deployment(), DocoEvent.Stream.STDERR, line);
            },
            "stderr");
    boolean finished;
    try {
      finished = process.waitFor(call.timeout().toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        List<ProcessHandle> children = descendants(process);
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
        children.forEach(ProcessHandle::destroyForcibly);
      }
      outReader.join(GRACE.toMillis());
      errReader.join(GRACE.toMillis());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new DeployException(
          "interrupted while running " + String.join(" ", argv),
          call.deployment(),
          argv,
          -1,
          tail(errTail),
          e);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    if (!finished) {
      throw new DeployException(
          "'"
              + summary(argv)
              + "' did not finish within "
              + call.timeout().toSeconds()
              + " s and was stopped; check the engine ('docker info') or raise the timeout",
          call.deployment(),
          argv,
          -1,
          tail(errTail),
          null);
    }
    String stdout;
    synchronized (out) {
      stdout = out.toString();
    }
    int exit = process.exitValue();
    LOG.debug("{} exited {} in {} ms", argv, exit, took.toMillis());
    return new CommandResult(argv, exit, stdout, tail(errTail), took);
  }

  /** Runs {@code call} and throws a {@link DeployException} ({@code what} failed) on non-zero. */
  public CommandResult check(Call call, String what) {
    CommandResult r = run(call);
    if (!r.ok()) {
      throw failure(call.deployment(), what, r, "");
    }
    return r;
  }

  /** A typed failure for {@code r}: what failed, the last stderr line, and a hint. */
  public static DeployException failure(
      String deployment, String what, CommandResult r, String hint) {
    String last = lastLine(r.stderrTail());
    StringBuilder m = new StringBuilder();
    m.append(what).append(" (exit ").append(r.exitCode()).append(")");
    if (!last.isEmpty()) {
      m.append(": ").append(last);
    }
    if (!hint.isEmpty()) {
      m.append(". ").append(hint);
    }
    return new DeployException(
        m.toString(), deployment, r.argv(), r.exitCode(), r.stderrTail(), null);
  }

  /** Commands run so far by this runner (argv), oldest first. */
  public List<List<String>> history() {
    synchronized (history) {
      return List.copyOf(history);
    }
  }

  /** Drops {@link #history()} (for a fresh count). */
  public void clearHistory() {
    history.clear();
  }

  /**
   * Checks that {@code docker compose} exists (the Compose v2 plugin) and that the context, if any,
   * is known: one {@code docker [--context C] compose version} call. Returns its argv.
   */
  public List<String> requireCompose(
      String deployment, String context, Map<String, String> environment) {
    List<String> argv = new ArrayList<>(Support.docker(executable, context));
    argv.addAll(List.of("compose", "version", "--short"));
    CommandResult r = run(new Call(deployment, argv, environment, Duration.ofSeconds(30), false));
    if (r.ok()) {
      return argv;
    }
    String err = r.stderrTail().toLowerCase(Locale.ROOT);
    if (err.contains("is not a docker command") || err.contains("unknown command")) {
      throw failure(
          deployment,
          "the Docker Compose v2 plugin is missing ('docker compose' is not a docker command)",
          r,
          "Install it: 'apt-get install docker-compose-plugin' (Docker's apt repository) or"
              + " 'docker-compose' (Debian 13), or copy the docker-compose binary to"
              + " ~/.docker/cli-plugins/docker-compose or /usr/local/lib/docker/cli-plugins/");
    }
    throw failure(
        deployment,
        "'docker compose version' failed",
        r,
        "Check that the Docker CLI and its Compose plugin work: run 'docker compose version'");
  }

  /** The process's descendants (e.g. the Compose plugin under the docker CLI), if knowable. */
  private static List<ProcessHandle> descendants(Process process) {
    try {
      return process.toHandle().descendants().toList();
    } catch (UnsupportedOperationException e) {
      return List.of();
    }
  }

  private void deliver(DocoEvent event) {
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      LOG.warn("event listener failed on {}", event.getClass().getSimpleName(), e);
    }
  }

  private void emit(String deployment, DocoEvent.Stream stream, String line) {
    deliver(new DocoEvent.DeployOutput(deployment, stream, line));
  }

  private static Thread drain(InputStream in, Consumer<String> sink, String name) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  sink.accept(line);
                }
              } catch (IOException e) {
                LOG.debug("reading {} failed", name, e);
              }
            },
            "docker-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static String tail(Deque<String> lines) {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  static String lastLine(String text) {
    List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }

  private static String summary(List<String> argv) {
    return String.join(" ", argv.subList(0, Math.min(argv.size(), 12)))
        + (argv.size() > 12 ? " ..." : "");
  }
}
