package dev.doco.compose.internal;

import java.time.Duration;
import java.util.List;

/**
 * A finished command.
 *
 * @param stdout the whole standard output (bounded)
 * @param stderrTail the last lines of standard error
 */
public record CommandResult(
    List<String> argv, int exitCode, String stdout, String stderrTail, Duration duration) {
  public CommandResult {
    argv = List.copyOf(argv);
  }

  public boolean ok() {
    return exitCode == 0;
  }

  /** The non-empty lines of stdout. */
  public List<String> lines() {
    return stdout.lines().filter(l -> !l.isBlank()).toList();
  }
}
