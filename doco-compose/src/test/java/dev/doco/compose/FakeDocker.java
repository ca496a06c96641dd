package dev.doco.compose;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A {@link ProcessLauncher} that records every argv (and its environment) and answers from a
 * script, without Docker. Rules are tried in order; the first whose argv contains all of its words
 * (as a contiguous run) answers; unmatched commands succeed with empty output.
 */
final class FakeDocker implements ProcessLauncher {

  record Reply(int exit, String stdout, String stderr) {}

  record Started(List<String> argv, Map<String, String> env, Path dir) {}

  private final List<Function<List<String>, Reply>> rules = new CopyOnWriteArrayList<>();
  final List<Started> started = new CopyOnWriteArrayList<>();
  boolean missingExecutable;

  /** Answers commands containing {@code words} (contiguous) with {@code reply}. */
  FakeDocker on(List<String> words, Reply reply) {
    rules.add(argv -> containsRun(argv, words) ? reply : null);
    return this;
  }

  /** Answers successive matching commands with successive replies (the last one repeats). */
  FakeDocker onSequence(List<String> words, Reply... replies) {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    rules.add(
        argv ->
            containsRun(argv, words)
                ? replies[Math.min(n.getAndIncrement(), replies.length - 1)]
                : null);
    return this;
  }

  FakeDocker on(List<String> words, String stdout) {
    return on(words, new Reply(0, stdout, ""));
  }

  FakeDocker fail(List<String> words, int exit, String stderr) {
    return on(words, new Reply(exit, "", stderr));
  }

  List<List<String>> argvs() {
    List<List<String>> out = new ArrayList<>();
    for (Started s : started) {
      out.add(s.argv());
    }
    return out;
  }

  Started last(String word) {
    for (int i = started.size() - 1; i >= 0; i--) {
      if (started.get(i).argv().contains(word)) {
        return started.get(i);
      }
    }
    throw new AssertionError("no command with " + word + " in " + argvs());
  }

  static boolean containsRun(List<String> argv, List<String> words) {
    return java.util.Collections.indexOfSubList(argv, words) >= 0;
  }

  @Override
  public Process start(List<String> argv, Map<String, String> environment, Path directory)
      throws IOException {
    if (missingExecutable) {
      throw new IOException("Cannot run program \"" + argv.get(0) + "\": error=2, No such file");
    }
    started.add(new Started(List.copyOf(argv), Map.copyOf(environment), directory));
    Reply reply = new Reply(0, "", "");
    for (Function<List<String>, Reply> rule : rules) {
      Reply r = rule.apply(argv);
      if (r != null) {
        reply = r;
        break;
      }
    }
    return new FakeProcess(reply);
  }

  static final class FakeProcess extends Process {
    private final Reply reply;
    private final InputStream out;
    private final InputStream err;

    FakeProcess(Reply reply) {
      this.reply = reply;
      this.out = new ByteArrayInputStream(reply.stdout().getBytes(StandardCharsets.UTF_8));
      this.err = new ByteArrayInputStream(reply.stderr().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public OutputStream getOutputStream() {
      return new ByteArrayOutputStream();
    }

    @Override
    public InputStream getInputStream() {
      return out;
    }

    @Override
    public InputStream getErrorStream() {
      return err;
    }

    @Override
    public int waitFor() {
      return reply.exit();
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) {
      return true;
    }

    @Override
    public int exitValue() {
      return reply.exit();
    }

    @Override
    public void destroy() {}
  }
}
