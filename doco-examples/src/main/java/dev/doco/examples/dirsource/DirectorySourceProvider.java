package dev.doco.examples.dirsource;

import dev.doco.core.spi.ProviderContext;
import dev.doco.core.spi.Source;
import dev.doco.core.spi.SourceProvider;
import java.util.Set;

/**
 * Provides {@link DirectorySource} for scheme {@code dir} ({@code dir:PATH} or {@code dir://PATH}).
 * Registered in this module's {@code META-INF/services/dev.doco.core.spi.SourceProvider} and its
 * {@code module-info} ({@code provides}), so a {@code Doco} built with the default {@code
 * Providers.discover()} finds it:
 *
 * <pre>{@code
 * try (Doco doco = Doco.builder().dataDirectory(data).build()) {
 *   doco.deploy("dir:/srv/stacks/web");
 * }
 * }</pre>
 */
public final class DirectorySourceProvider implements SourceProvider {
  @Override
  public String id() {
    return "dir";
  }

  @Override
  public Set<String> schemes() {
    return Set.of("dir");
  }

  @Override
  public Source create(ProviderContext context) {
    return new DirectorySource(context.listener());
  }
}
