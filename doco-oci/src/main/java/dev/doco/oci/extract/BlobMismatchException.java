package dev.doco.oci.extract;

import java.io.IOException;

/** A blob's bytes do not match the digest or size it was requested by. Nothing of it was kept. */
public final class BlobMismatchException extends IOException {
  private static final long serialVersionUID = 1L;

  public BlobMismatchException(String message) {
    super(message);
  }
}
