package dev.doco.core.spi;

/**
 * Options for {@link Source#fetch}.
 *
 * @param target custom deploy-config target ({@code ""} for the default {@code .doco-cd.y(a)ml});
 *     the layout check requires {@code .doco-cd.<target>.y(a)ml} at the root when set
 */
public record FetchOptions(String target) {
  public static final FetchOptions DEFAULT = new FetchOptions("");
}
