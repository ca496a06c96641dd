package dev.doco.core.config;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A per-deployment {@code oci:} block. Honoured only in trusted (inline poll) configs; see {@link
 * TrustPolicies#effective(TrustPolicy, TrustPolicyOverride)} for doco-cd's merge rules.
 */
public record TrustPolicyOverride(
    @Nullable Boolean verify,
    List<String> publicKeys,
    List<KeylessIdentity> keylessIdentities,
    @Nullable Boolean ignoreTlog) {

  public static final TrustPolicyOverride NONE =
      new TrustPolicyOverride(null, List.of(), List.of(), null);

  public TrustPolicyOverride {
    publicKeys = List.copyOf(publicKeys);
    keylessIdentities = List.copyOf(keylessIdentities);
  }

  public Optional<Boolean> verifyFlag() {
    return Optional.ofNullable(verify);
  }

  public Optional<Boolean> ignoreTlogFlag() {
    return Optional.ofNullable(ignoreTlog);
  }

  public boolean isEmpty() {
    return verify == null
        && publicKeys.isEmpty()
        && keylessIdentities.isEmpty()
        && ignoreTlog == null;
  }
}
