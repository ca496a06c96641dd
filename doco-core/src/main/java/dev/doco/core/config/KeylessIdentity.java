package dev.doco.core.config;

/**
 * A keyless (Fulcio certificate) signer identity: an OIDC issuer plus either an exact subject or a
 * regular expression that must match the whole subject. Absent values are empty strings, as in
 * doco-cd.
 */
public record KeylessIdentity(String issuer, String subject, String subjectRegexp) {
  public KeylessIdentity {
    issuer = issuer.trim();
    subject = subject.trim();
    subjectRegexp = subjectRegexp.trim();
  }

  /** For messages: {@code subject@issuer} or {@code /regexp/@issuer}. */
  public String describe() {
    return (subject.isEmpty() ? "/" + subjectRegexp + "/" : subject) + "@" + issuer;
  }
}
