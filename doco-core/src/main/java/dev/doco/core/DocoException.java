package dev.doco.core;

import org.jspecify.annotations.Nullable;

/**
 * Root of every exception doco throws on purpose.
 *
 * <p>Subclasses carry structured context (the file and line of a configuration error, the reference
 * and digest of a source error, the command and exit code of a deployment error). Messages say what
 * happened and what to do about it. {@link java.io.IOException} stays for plain I/O failures of the
 * caller's own files.
 */
public class DocoException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DocoException(String message) {
    super(message);
  }

  public DocoException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
