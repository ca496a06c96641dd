package dev.doco.core.config;

import java.util.List;
import java.util.Map;

/** Reads {@code POLL_CONFIG} / {@code POLL_CONFIG_FILE} with doco-cd's rules. */
public final class PollConfigLoader {
  private PollConfigLoader() {}

  /**
   * The poll entries configured in {@code env} ({@code POLL_CONFIG} or the file named by {@code
   * POLL_CONFIG_FILE}); empty when neither is set.
   */
  public static List<PollConfig> fromEnvironment(Map<String, String> env) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Parses a poll config YAML list. */
  public static List<PollConfig> parse(String yaml, String origin) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
