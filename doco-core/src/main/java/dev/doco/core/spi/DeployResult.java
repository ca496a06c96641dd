package dev.doco.core.spi;

import java.time.Duration;
import java.util.List;

/**
 * Outcome of {@link Deployer#deploy}.
 *
 * @param skipped true when nothing was done because the same digest and config hash already run
 * @param commands the commands that ran (argv), in order
 */
public record DeployResult(
    String name,
    String digest,
    boolean skipped,
    String message,
    List<List<String>> commands,
    Duration duration) {
  public DeployResult {
    commands = commands.stream().map(List::copyOf).toList();
  }
}
