package dev.doco.compose.internal;

import dev.doco.compose.DocoLabels;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Swarm service of a stack.
 *
 * @param name the full service name ({@code <stack>_<service>})
 * @param replicas {@code docker service ls}'s column, e.g. {@code 2/2}
 * @param labels the service's labels ({@code deploy.labels})
 * @param updateState {@code UpdateStatus.State} ("" when the service was never updated)
 */
public record SwarmService(
    String id, String name, String replicas, Map<String, String> labels, String updateState) {
  private static final Pattern REPLICAS = Pattern.compile("^(\\d+)/(\\d+)");

  public SwarmService {
    labels = Map.copyOf(labels);
  }

  public String label(String key) {
    return labels.getOrDefault(key, "");
  }

  public int running() {
    Matcher m = REPLICAS.matcher(replicas);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  public int desired() {
    Matcher m = REPLICAS.matcher(replicas);
    return m.find() ? Integer.parseInt(m.group(2)) : 0;
  }

  /** All desired tasks run and no rolling update is in progress. */
  public boolean converged() {
    return running() == desired()
        && !updateState.equals("updating")
        && !updateState.equals("rollback_started");
  }

  /** A rolling update that stopped or rolled back. */
  public boolean updateFailed() {
    return updateState.equals("paused")
        || updateState.equals("rollback_paused")
        || updateState.equals("rollback_completed");
  }

  public boolean managed() {
    return DocoLabels.MANAGERS.contains(label(DocoLabels.MANAGER));
  }

  /** The name without the {@code <stack>_} prefix. */
  public String shortName(String stack) {
    return name.startsWith(stack + "_") ? name.substring(stack.length() + 1) : name;
  }
}
