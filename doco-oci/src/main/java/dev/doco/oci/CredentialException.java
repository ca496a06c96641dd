package dev.doco.oci;

import dev.doco.core.SourceException;
import org.jspecify.annotations.Nullable;

/** A credential source failed (a credential helper crashed or timed out, a config is invalid). */
public class CredentialException extends SourceException {
  private static final long serialVersionUID = 1L;

  public CredentialException(String message, String registry, @Nullable Throwable cause) {
    super(message, registry, null, cause);
  }
}
