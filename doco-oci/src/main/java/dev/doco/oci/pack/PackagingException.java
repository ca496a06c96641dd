package dev.doco.oci.pack;

import dev.doco.core.DocoException;

/** A directory cannot be packaged as it is; the message says what to change. */
public class PackagingException extends DocoException {
  private static final long serialVersionUID = 1L;

  public PackagingException(String message) {
    super(message);
  }
}
