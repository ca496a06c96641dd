package dev.doco.verify.notation;

/** Input (an envelope, a payload, a policy) that does not have the required shape. */
final class Malformed extends Exception {
  private static final long serialVersionUID = 1L;

  Malformed(String message) {
    super(message);
  }

  Malformed(String message, Throwable cause) {
    super(message, cause);
  }
}
