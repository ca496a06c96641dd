package dev.doco.core.spi;

/**
 * Creates a {@link Verifier}. Registered in {@code
 * META-INF/services/dev.doco.core.spi.VerifierProvider}.
 */
public interface VerifierProvider {
  String id();

  default int priority() {
    return 0;
  }

  Verifier create(ProviderContext context);
}
