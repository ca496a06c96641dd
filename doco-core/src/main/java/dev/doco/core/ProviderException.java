package dev.doco.core;

/**
 * No provider (or a broken one) for something that was asked for: a reference scheme, a deployer, a
 * verifier. The message names the module to add to the class path.
 */
public class ProviderException extends DocoException {
  private static final long serialVersionUID = 1L;

  public ProviderException(String message) {
    super(message);
  }

  public ProviderException(String message, Throwable cause) {
    super(message, cause);
  }
}
