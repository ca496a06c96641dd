package dev.doco.core.spi;

import dev.doco.core.DocoListener;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a provider gets when it creates a service: settings (doco-cd's environment variable names,
 * such as {@code OCI_INSECURE_REGISTRIES} or {@code DOCKER_CONFIG}), the data directory and the
 * event listener.
 */
public record ProviderContext(
    Map<String, String> settings, Path dataDirectory, DocoListener listener) {

  public ProviderContext {
    settings = Map.copyOf(settings);
    Objects.requireNonNull(dataDirectory, "dataDirectory");
    Objects.requireNonNull(listener, "listener");
  }

  /** Settings from the process environment, data directory {@code dataDirectory}, no listener. */
  public static ProviderContext fromEnvironment(Path dataDirectory) {
    return new ProviderContext(System.getenv(), dataDirectory, DocoListener.NONE);
  }

  public Optional<String> setting(String key) {
    String v = settings.get(key);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  public ProviderContext withListener(DocoListener newListener) {
    return new ProviderContext(settings, dataDirectory, newListener);
  }

  public ProviderContext withSettings(Map<String, String> newSettings) {
    return new ProviderContext(newSettings, dataDirectory, listener);
  }
}
