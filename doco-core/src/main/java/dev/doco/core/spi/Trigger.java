package dev.doco.core.spi;

/** What started a deployment (label {@code cd.doco.deployment.trigger}). */
public enum Trigger {
  POLL,
  WEBHOOK,
  API,
  MANUAL;

  /** The lower-case label value. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
