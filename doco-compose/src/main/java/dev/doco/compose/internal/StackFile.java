package dev.doco.compose.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Turns {@code docker compose config --format json} (interpolated, env files applied, paths
 * absolute) into a file {@code docker stack deploy} accepts, with the doco labels added: the full
 * set on the service ({@code deploy.labels}), the stable subset on containers ({@code labels}, so a
 * redeploy does not restart tasks).
 *
 * <p>Fixes for the stack loader's schema: no top-level {@code name}; no {@code null} service keys
 * (Compose writes {@code entrypoint: null}); {@code ports[].published} as a number; {@code
 * depends_on} as a list (Swarm ignores it anyway).
 */
public final class StackFile {
  private StackFile() {}

  /** Edits {@code project} in place and returns it; the service names, in order, are listed. */
  @SuppressWarnings("unchecked")
  public static List<String> prepare(
      Map<String, @Nullable Object> project,
      Map<String, String> serviceLabels,
      Map<String, String> containerLabels) {
    project.remove("name");
    List<String> names = new ArrayList<>();
    Object services = project.get("services");
    if (!(services instanceof Map)) {
      return names;
    }
    for (Map.Entry<String, Object> e : ((Map<String, Object>) services).entrySet()) {
      names.add(e.getKey());
      if (!(e.getValue() instanceof Map)) {
        continue;
      }
      Map<String, @Nullable Object> svc = (Map<String, @Nullable Object>) e.getValue();
      svc.values().removeIf(v -> v == null);
      if (svc.get("ports") instanceof List<?> ports) {
        for (Object p : ports) {
          if (p instanceof Map<?, ?> port
              && port.get("published") instanceof String s
              && s.matches("[0-9]+")) {
            ((Map<String, Object>) port).put("published", new BigDecimal(s));
          }
        }
      }
      if (svc.get("depends_on") instanceof Map<?, ?> deps) {
        svc.put("depends_on", new ArrayList<>(deps.keySet()));
      }
      Map<String, Object> deploy = childMap(svc, "deploy");
      Map<String, Object> dl = childMap(deploy, "labels");
      dl.putAll(serviceLabels);
      Map<String, Object> cl = childMap(svc, "labels");
      cl.putAll(containerLabels);
    }
    return names;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> childMap(Map<String, @Nullable Object> parent, String key) {
    Object v = parent.get(key);
    if (v instanceof Map) {
      return (Map<String, Object>) v;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    if (v instanceof List<?> list) {
      // "KEY=VALUE" list form
      for (Object o : list) {
        String s = String.valueOf(o);
        int eq = s.indexOf('=');
        m.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
      }
    }
    parent.put(key, m);
    return m;
  }
}
