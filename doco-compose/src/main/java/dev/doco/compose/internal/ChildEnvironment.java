package dev.doco.compose.internal;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The environment of a docker child process. By default a minimal one ({@code PATH}, {@code HOME},
 * {@code DOCKER_*}), so the host's variables do not leak into Compose interpolation; the whole host
 * environment only when {@code PASS_ENV} is true (doco-cd's setting). The deployment's {@code
 * environment} map is added on top: Compose gives process variables precedence over {@code
 * --env-file}s, which is doco-cd's order ({@code environment} overrides {@code env_files}).
 */
public final class ChildEnvironment {
  private static final Logger LOG = LoggerFactory.getLogger(ChildEnvironment.class);

  static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private ChildEnvironment() {}

  /**
   * The base environment for every docker command.
   *
   * @param settings doco's settings (normally the process environment)
   * @param context the deployment's Docker context ("" = none); when set, {@code DOCKER_HOST} and
   *     {@code DOCKER_CONTEXT} are dropped so {@code --context} wins
   */
  public static Map<String, String> base(Map<String, String> settings, String context) {
    Map<String, String> env = new TreeMap<>();
    if (passEnv(settings)) {
      env.putAll(settings);
    } else {
      for (Map.Entry<String, String> e : settings.entrySet()) {
        if (e.getKey().startsWith("DOCKER_")) {
          env.put(e.getKey(), e.getValue());
        }
      }
    }
    env.put("PATH", firstNonBlank(settings.get("PATH"), System.getenv("PATH"), DEFAULT_PATH));
    env.put(
        "HOME", firstNonBlank(settings.get("HOME"), System.getenv("HOME"), userHome(), "/root"));
    // Compose reads COMPOSE_FILE, COMPOSE_PROFILES, COMPOSE_PROJECT_NAME...: the deployment
    // decides.
    env.keySet().removeIf(k -> k.startsWith("COMPOSE_"));
    // Our own settings are not the child's business.
    env.keySet().removeIf(k -> k.startsWith("DOCO_"));
    if (!context.isEmpty()) {
      env.remove("DOCKER_HOST");
      env.remove("DOCKER_CONTEXT");
    }
    return env;
  }

  /**
   * {@code base} plus the deployment's interpolation variables. Keys that would redirect the docker
   * CLI or Compose itself ({@code DOCKER_*}, {@code COMPOSE_*}, {@code PATH}) are ignored with a
   * warning.
   */
  public static Map<String, String> withInterpolation(
      Map<String, String> base, Map<String, String> environment, String deployment) {
    Map<String, String> env = new TreeMap<>(base);
    for (Map.Entry<String, String> e : environment.entrySet()) {
      String k = e.getKey();
      if (k.startsWith("DOCKER_") || k.startsWith("COMPOSE_") || k.equals("PATH")) {
        LOG.warn(
            "deployment {}: environment key {} ignored (it would change how docker runs, not the"
                + " project); use 'context' for another engine",
            deployment,
            k);
        continue;
      }
      env.put(k, e.getValue());
    }
    return env;
  }

  /** Whether {@code PASS_ENV} is true in {@code settings}. */
  public static boolean passEnv(Map<String, String> settings) {
    String v = settings.getOrDefault("PASS_ENV", "").trim().toLowerCase(Locale.ROOT);
    return v.equals("true") || v.equals("1") || v.equals("yes");
  }

  private static String userHome() {
    String h = System.getProperty("user.home");
    return h == null ? "" : h;
  }

  private static String firstNonBlank(@Nullable String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return "";
  }
}
