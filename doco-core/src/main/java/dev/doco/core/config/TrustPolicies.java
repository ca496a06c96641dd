package dev.doco.core.config;

/** doco-cd's merge of the global trust policy with a per-deployment override. */
public final class TrustPolicies {
  private TrustPolicies() {}

  /**
   * The effective policy: {@code verify: true} enables, {@code verify: false} never disables an
   * enabled global policy, non-empty override lists replace the global ones, a set {@code
   * ignore_tlog} wins.
   */
  public static TrustPolicy effective(TrustPolicy global, TrustPolicyOverride override) {
    boolean enabled = global.enabled() || Boolean.TRUE.equals(override.verify());
    return new TrustPolicy(
        enabled,
        override.publicKeys().isEmpty() ? global.publicKeys() : override.publicKeys(),
        override.keylessIdentities().isEmpty()
            ? global.keylessIdentities()
            : override.keylessIdentities(),
        override.ignoreTlog() != null ? override.ignoreTlog() : global.ignoreTlog(),
        global.trustedRoot(),
        global.notation());
  }
}
