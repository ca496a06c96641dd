package dev.doco.verify.internal;

/**
 * One signature did not pass one rule. The message is the short reason shown to the user after the
 * rule, e.g. {@code signature does not match}.
 */
public class SignatureCheckException extends Exception {
  private static final long serialVersionUID = 1L;

  public SignatureCheckException(String message) {
    super(message);
  }

  public SignatureCheckException(String message, Throwable cause) {
    super(message, cause);
  }
}
