package dev.doco.oci;

import dev.doco.core.SourceException;

/** A reference string is not a valid OCI reference; the message names the bad part. */
public class InvalidReferenceException extends SourceException {
  private static final long serialVersionUID = 1L;

  public InvalidReferenceException(String reference, String problem) {
    super("invalid OCI reference '" + reference + "': " + problem, reference, null);
  }
}
