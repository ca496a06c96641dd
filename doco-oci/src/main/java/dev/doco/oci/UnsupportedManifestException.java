package dev.doco.oci;

import org.jspecify.annotations.Nullable;

/**
 * A manifest cannot be used: Docker schema 1, too large, malformed, or an index with no single
 * content manifest for this platform (the message lists the candidates).
 */
public class UnsupportedManifestException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public UnsupportedManifestException(
      String message, String registry, String repository, @Nullable String digest) {
    super(message, registry, repository, digest, 0, null, null);
  }
}
