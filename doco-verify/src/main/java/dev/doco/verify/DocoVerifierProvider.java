package dev.doco.verify;

import dev.doco.core.spi.ProviderContext;
import dev.doco.core.spi.Verifier;
import dev.doco.core.spi.VerifierProvider;

/**
 * The {@code doco-verify} verifier provider (cosign, Sigstore bundles, Notation), registered for
 * {@link java.util.ServiceLoader}. It needs no settings: everything comes from the trust policy.
 */
public final class DocoVerifierProvider implements VerifierProvider {
  /** The provider id. */
  public static final String ID = "doco-verify";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Verifier create(ProviderContext context) {
    return new DocoVerifier();
  }
}
