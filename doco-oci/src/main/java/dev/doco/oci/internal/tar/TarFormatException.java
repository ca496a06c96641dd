package dev.doco.oci.internal.tar;

import java.io.IOException;

/** The stream is not a well-formed tar archive (bad checksum, truncated entry, bad PAX record). */
public final class TarFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public TarFormatException(String message) {
    super(message);
  }
}
