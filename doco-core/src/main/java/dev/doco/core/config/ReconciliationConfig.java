package dev.doco.core.config;

import java.util.List;

/** {@code reconciliation:} (bool or object): Docker-event-driven restarts. */
public record ReconciliationConfig(
    boolean enabled,
    List<String> events,
    int restartTimeout,
    String restartSignal,
    int restartLimit,
    int restartWindow) {
  public static final ReconciliationConfig DEFAULT =
      new ReconciliationConfig(true, List.of("unhealthy"), 10, "", 5, 300);

  public ReconciliationConfig {
    events = List.copyOf(events);
  }
}
