package dev.doco.core.config;

import java.util.Map;

/** {@code build:} compose build options. */
public record BuildConfig(
    boolean forceImagePull, boolean quiet, Map<String, String> args, boolean noCache) {
  public static final BuildConfig DEFAULT = new BuildConfig(false, false, Map.of(), false);

  public BuildConfig {
    args = Map.copyOf(args);
  }
}
