package dev.doco.compose.internal;

import dev.doco.compose.DocoLabels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One container of a Compose project, as {@code docker ps} reports it (one call lists them all,
 * with the doco labels, through a Go template).
 *
 * @param state docker's state: running, exited, created, restarting, paused, dead
 * @param status docker's status text, e.g. {@code Up 3 minutes (healthy)}, {@code Exited (0) ...}
 * @param labels the {@code cd.doco.*} labels present (empty values dropped)
 */
public record ContainerInfo(
    String id,
    String state,
    String status,
    String service,
    boolean oneoff,
    Map<String, String> labels) {
  public ContainerInfo {
    labels = Map.copyOf(labels);
  }

  /** The fixed columns before the labels. */
  private static final List<String> COLUMNS =
      List.of(
          "{{.ID}}",
          "{{.State}}",
          "{{.Status}}",
          "{{.Label \"com.docker.compose.service\"}}",
          "{{.Label \"com.docker.compose.oneoff\"}}");

  /** The {@code docker ps --format} template: tab-separated columns, then each doco label. */
  public static String template() {
    List<String> cols = new ArrayList<>(COLUMNS);
    for (String k : DocoLabels.ALL) {
      cols.add("{{.Label \"" + k + "\"}}");
    }
    return String.join("\t", cols);
  }

  /** Parses {@code docker ps --format template()} output; malformed lines are skipped. */
  public static List<ContainerInfo> parse(String stdout) {
    List<ContainerInfo> out = new ArrayList<>();
    int n = COLUMNS.size() + DocoLabels.ALL.size();
    for (String line : stdout.split("\n", -1)) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      if (f.length != n) {
        continue;
      }
      Map<String, String> labels = new LinkedHashMap<>();
      for (int i = 0; i < DocoLabels.ALL.size(); i++) {
        String v = f[COLUMNS.size() + i];
        if (!v.isEmpty()) {
          labels.put(DocoLabels.ALL.get(i), v);
        }
      }
      out.add(
          new ContainerInfo(
              f[0].trim(),
              f[1].trim().toLowerCase(Locale.ROOT),
              f[2].trim(),
              f[3].trim(),
              f[4].trim().equalsIgnoreCase("true"),
              labels));
    }
    return out;
  }

  public String label(String key) {
    return labels.getOrDefault(key, "");
  }

  public boolean running() {
    return state.equals("running");
  }

  /** healthy, unhealthy, starting, or "" without a health check. */
  public String health() {
    String s = status.toLowerCase(Locale.ROOT);
    if (s.contains("(unhealthy)")) {
      return "unhealthy";
    }
    if (s.contains("(healthy)")) {
      return "healthy";
    }
    if (s.contains("(health: starting)")) {
      return "starting";
    }
    return "";
  }

  /** Exited with code 0 (a finished one-shot service). */
  public boolean completed() {
    return state.equals("exited") && status.startsWith("Exited (0)");
  }

  /** Whether doco or doco-cd manages this container. */
  public boolean managed() {
    return DocoLabels.MANAGERS.contains(label(DocoLabels.MANAGER));
  }
}
