package dev.doco.core.config;

/**
 * {@code destroy:} (bool or object). Defaults: disabled, remove volumes, images and the directory.
 */
public record DestroyConfig(
    boolean enabled, boolean removeVolumes, boolean removeImages, boolean removeDir) {
  public static final DestroyConfig DEFAULT = new DestroyConfig(false, true, true, true);
}
