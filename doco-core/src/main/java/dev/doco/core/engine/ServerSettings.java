package dev.doco.core.engine;

import dev.doco.core.ConfigException;
import dev.doco.core.config.PollConfig;
import dev.doco.core.config.PollConfigLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Settings of {@link DocoServer}, with doco-cd's environment variable names and defaults.
 *
 * @param bindAddress address to listen on ({@code 0.0.0.0} by default)
 * @param httpPort {@code HTTP_PORT} (default 80): webhooks and health; 0 picks a free port
 * @param metricsPort {@code METRICS_PORT} (default 9120): Prometheus {@code /metrics}; 0 picks a
 *     free port; -1 disables
 * @param webhookSecret {@code WEBHOOK_SECRET} or the content of {@code WEBHOOK_SECRET_FILE}; null
 *     means the webhook endpoints are not registered
 * @param maxPayloadSize {@code MAX_PAYLOAD_SIZE} (default 1 MiB): larger webhook bodies get 413
 * @param allowedArtifacts {@code WEBHOOK_ALLOWED_ARTIFACTS}: references or prefixes (ending in
 *     {@code /} or {@code *}) that webhooks may trigger besides the poll entries
 * @param polls {@code POLL_CONFIG} / {@code POLL_CONFIG_FILE} entries to watch
 */
public record ServerSettings(
    String bindAddress,
    int httpPort,
    int metricsPort,
    @Nullable String webhookSecret,
    long maxPayloadSize,
    List<String> allowedArtifacts,
    List<PollConfig> polls) {

  public static final int DEFAULT_HTTP_PORT = 80;
  public static final int DEFAULT_METRICS_PORT = 9120;
  public static final long DEFAULT_MAX_PAYLOAD_SIZE = 1024 * 1024;

  public ServerSettings {
    allowedArtifacts = List.copyOf(allowedArtifacts);
    polls = List.copyOf(polls);
    checkPort("HTTP_PORT", httpPort, false);
    checkPort("METRICS_PORT", metricsPort, true);
    if (httpPort != 0 && httpPort == metricsPort) {
      throw new ConfigException(
          "HTTP_PORT and METRICS_PORT must differ (both are " + httpPort + ")",
          "METRICS_PORT",
          -1,
          -1);
    }
    if (maxPayloadSize < 1) {
      throw new ConfigException(
          "MAX_PAYLOAD_SIZE must be a positive number of bytes", "MAX_PAYLOAD_SIZE", -1, -1);
    }
  }

  private static void checkPort(String name, int port, boolean allowDisabled) {
    if (port > 65535 || port < (allowDisabled ? -1 : 0)) {
      throw new ConfigException(name + " must be between 1 and 65535, got " + port, name, -1, -1);
    }
  }

  /** Defaults: port 80 and 9120, no webhook secret, 1 MiB payloads, no polls. */
  public static ServerSettings defaults() {
    return new ServerSettings(
        "0.0.0.0",
        DEFAULT_HTTP_PORT,
        DEFAULT_METRICS_PORT,
        null,
        DEFAULT_MAX_PAYLOAD_SIZE,
        List.of(),
        List.of());
  }

  /**
   * Reads {@code HTTP_PORT}, {@code METRICS_PORT}, {@code WEBHOOK_SECRET(_FILE)}, {@code
   * MAX_PAYLOAD_SIZE}, {@code WEBHOOK_ALLOWED_ARTIFACTS(_FILE)} and {@code POLL_CONFIG(_FILE)}.
   *
   * @throws ConfigException naming the variable when one is invalid
   */
  public static ServerSettings fromEnvironment(Map<String, String> env) {
    String secret = fileOrValue(env, "WEBHOOK_SECRET").orElse(null);
    String allowed = fileOrValue(env, "WEBHOOK_ALLOWED_ARTIFACTS").orElse("");
    List<String> allowList = new ArrayList<>();
    for (String s : allowed.split("[,\\s]+")) {
      if (!s.isBlank()) {
        allowList.add(s.trim());
      }
    }
    return new ServerSettings(
        env.getOrDefault("HTTP_BIND_ADDRESS", "0.0.0.0"),
        (int) number(env, "HTTP_PORT", DEFAULT_HTTP_PORT),
        (int) number(env, "METRICS_PORT", DEFAULT_METRICS_PORT),
        secret,
        number(env, "MAX_PAYLOAD_SIZE", DEFAULT_MAX_PAYLOAD_SIZE),
        allowList,
        PollConfigLoader.fromEnvironment(env));
  }

  private static long number(Map<String, String> env, String name, long fallback) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(name + " must be a whole number, got '" + v + "'", name, -1, -1);
    }
  }

  /**
   * {@code NAME} or the content of the file named by {@code NAME_FILE} (trailing newlines removed);
   * both set is an error, as in doco-cd.
   */
  static Optional<String> fileOrValue(Map<String, String> env, String name) {
    String value = env.get(name);
    String file = env.get(name + "_FILE");
    boolean hasValue = value != null && !value.isEmpty();
    if (hasValue && file != null && !file.isBlank()) {
      throw new ConfigException(
          "both " + name + " and " + name + "_FILE are set, please use one or the other",
          name,
          -1,
          -1);
    }
    if (file != null && !file.isBlank()) {
      try {
        String content = Files.readString(Path.of(file.trim()), StandardCharsets.UTF_8);
        content = content.replaceAll("[\\r\\n]+$", "");
        return content.isEmpty() ? Optional.empty() : Optional.of(content);
      } catch (IOException e) {
        throw new ConfigException(
            "cannot read "
                + name
                + "_FILE "
                + file
                + " ("
                + e.getClass().getSimpleName()
                + "); check that the path exists and is readable, or set "
                + name
                + " instead",
            name + "_FILE",
            -1,
            -1,
            e);
      }
    }
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  public ServerSettings withPorts(int newHttpPort, int newMetricsPort) {
    return new ServerSettings(
        bindAddress,
        newHttpPort,
        newMetricsPort,
        webhookSecret,
        maxPayloadSize,
        allowedArtifacts,
        polls);
  }

  public ServerSettings withWebhookSecret(@Nullable String newSecret) {
    return new ServerSettings(
        bindAddress, httpPort, metricsPort, newSecret, maxPayloadSize, allowedArtifacts, polls);
  }

  public ServerSettings withMaxPayloadSize(long newMaxPayloadSize) {
    return new ServerSettings(
        bindAddress,
        httpPort,
        metricsPort,
        webhookSecret,
        newMaxPayloadSize,
        allowedArtifacts,
        polls);
  }

  public ServerSettings withAllowedArtifacts(List<String> newAllowed) {
    return new ServerSettings(
        bindAddress, httpPort, metricsPort, webhookSecret, maxPayloadSize, newAllowed, polls);
  }

  public ServerSettings withPolls(List<PollConfig> newPolls) {
    return new ServerSettings(
        bindAddress,
        httpPort,
        metricsPort,
        webhookSecret,
        maxPayloadSize,
        allowedArtifacts,
        newPolls);
  }

  public ServerSettings withBindAddress(String newBindAddress) {
    return new ServerSettings(
        newBindAddress,
        httpPort,
        metricsPort,
        webhookSecret,
        maxPayloadSize,
        allowedArtifacts,
        polls);
  }

  /** Never prints the secret. */
  @Override
  public String toString() {
    return "ServerSettings[bind="
        + bindAddress
        + ", httpPort="
        + httpPort
        + ", metricsPort="
        + metricsPort
        + ", webhookSecret="
        + (webhookSecret == null ? "unset" : "***")
        + ", maxPayloadSize="
        + maxPayloadSize
        + ", allowedArtifacts="
        + allowedArtifacts
        + ", polls="
        + polls.size()
        + "]";
  }
}
