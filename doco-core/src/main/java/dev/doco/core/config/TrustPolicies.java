package dev.doco.core.config;

/** doco-cd's merge of the global trust policy with a per-deployment override. */
public final class TrustPolicies {
  private TrustPolicies() {}

  /**
   * The effective policy: {@code verify: true} enables, {@code verify: false} never disables an
   * enabled global policy, non-empty override lists replace the global ones, a set {@code
   * ignore_tlog} wins (either way); doco's {@code trusted_root} and {@code notation} come from the
   * global policy. The result is normalised (keys trimmed, empty keys dropped) when enabled.
   *
   * <p>Pass {@link TrustPolicyOverride#NONE} (or {@code config.trustedOverride()}'s empty case) for
   * configs read from an artifact: an artifact cannot choose the policy that verifies it.
   */
  public static TrustPolicy effective(TrustPolicy global, TrustPolicyOverride override) {
    boolean enabled = global.enabled() || Boolean.TRUE.equals(override.verify());
    return TrustPolicyLoader.normalise(
        new TrustPolicy(
            enabled,
            override.publicKeys().isEmpty() ? global.publicKeys() : override.publicKeys(),
            override.keylessIdentities().isEmpty()
                ? global.keylessIdentities()
                : override.keylessIdentities(),
            override.ignoreTlog() != null ? override.ignoreTlog() : global.ignoreTlog(),
            global.trustedRoot(),
            global.notation()));
  }

  /**
   * The effective policy for one deployment: its {@code oci:} override applies only when the config
   * is trusted (an inline poll config); otherwise the global policy as is.
   */
  public static TrustPolicy effective(TrustPolicy global, DeployConfig config) {
    return effective(global, config.trustedOverride().orElse(TrustPolicyOverride.NONE));
  }
}
