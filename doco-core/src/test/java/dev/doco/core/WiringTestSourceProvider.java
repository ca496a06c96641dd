package dev.doco.core;

import dev.doco.core.spi.ProviderContext;
import dev.doco.core.spi.Source;
import dev.doco.core.spi.SourceProvider;
import java.util.Set;

/**
 * A test-scope provider registered in {@code src/test/resources/META-INF/services}, to test that
 * ServiceLoader discovery finds providers on the class path. Its scheme is one nobody uses.
 */
public final class WiringTestSourceProvider implements SourceProvider {
  public static final String ID = "doco-wiring-test";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<String> schemes() {
    return Set.of(ID);
  }

  @Override
  public Source create(ProviderContext context) {
    throw new UnsupportedOperationException("wiring test only");
  }
}
