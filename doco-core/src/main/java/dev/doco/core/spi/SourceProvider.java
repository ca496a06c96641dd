package dev.doco.core.spi;

import java.util.Set;

/**
 * Creates {@link Source}s for some reference schemes. Registered in {@code
 * META-INF/services/dev.doco.core.spi.SourceProvider} (and {@code provides} in {@code
 * module-info}).
 *
 * <p>A reference {@code scheme://rest} or {@code scheme:rest} (for a scheme some provider declares)
 * goes to that provider; a bare registry reference such as {@code ghcr.io/org/cfg:main} goes to
 * scheme {@code oci}.
 */
public interface SourceProvider {

  /** A stable, unique id, e.g. {@code oci}. */
  String id();

  /** The schemes this provider handles, lower case, e.g. {@code oci} and {@code oci-layout}. */
  Set<String> schemes();

  /** Higher wins when two discovered providers claim the same scheme. Default 0. */
  default int priority() {
    return 0;
  }

  Source create(ProviderContext context);
}
