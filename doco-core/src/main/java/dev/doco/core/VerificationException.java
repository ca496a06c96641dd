package dev.doco.core;

import java.util.List;

/**
 * An artifact was refused by the trust policy. {@link #attempts()} lists every rule tried and why
 * it failed, in the order tried; the message contains the same list.
 */
public class VerificationException extends DocoException {
  private static final long serialVersionUID = 1L;

  private final String subject;
  private final List<String> attempts;

  /**
   * @param subject the {@code repository@digest} that was verified
   * @param attempts one line per rule tried, e.g. {@code public key #2 (sha256:ab12...): signature
   *     does not match}
   */
  public VerificationException(String subject, List<String> attempts) {
    super(message(subject, attempts));
    this.subject = subject;
    this.attempts = List.copyOf(attempts);
  }

  public VerificationException(String subject, String reason) {
    this(subject, List.of(reason));
  }

  private static String message(String subject, List<String> attempts) {
    StringBuilder b = new StringBuilder("signature verification failed for ").append(subject);
    for (String a : attempts) {
      b.append("\n  - ").append(a);
    }
    return b.toString();
  }

  /** The {@code repository@digest} that was verified. */
  public String subject() {
    return subject;
  }

  /** Every rule tried and why it failed. */
  public List<String> attempts() {
    return attempts;
  }
}
