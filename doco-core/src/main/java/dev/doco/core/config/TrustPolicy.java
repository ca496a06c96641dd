package dev.doco.core.config;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The global signature trust policy ({@code OCI_TRUST_POLICY} / {@code OCI_TRUST_POLICY_FILE}),
 * with doco-cd's keys plus doco's additions.
 *
 * @param enabled verification is off unless true
 * @param publicKeys PEM public keys for cosign key-based signatures (any one passing is enough)
 * @param keylessIdentities accepted keyless signer identities
 * @param ignoreTlog skip transparency-log checks (cosign {@code --insecure-ignore-tlog})
 * @param trustedRoot path to a Sigstore {@code trusted_root.json} replacing the bundled public-good
 *     root (doco addition, YAML key {@code trusted_root})
 * @param notation Notation trust policy and trust store (doco addition, YAML key {@code notation})
 */
public record TrustPolicy(
    boolean enabled,
    List<String> publicKeys,
    List<KeylessIdentity> keylessIdentities,
    boolean ignoreTlog,
    @Nullable String trustedRoot,
    @Nullable NotationTrust notation) {

  /** Verification disabled: doco-cd's default. */
  public static final TrustPolicy DISABLED =
      new TrustPolicy(false, List.of(), List.of(), false, null, null);

  public TrustPolicy {
    publicKeys = List.copyOf(publicKeys);
    keylessIdentities = List.copyOf(keylessIdentities);
  }

  public Optional<String> trustedRootFile() {
    return Optional.ofNullable(trustedRoot);
  }

  public Optional<NotationTrust> notationTrust() {
    return Optional.ofNullable(notation);
  }

  /**
   * True when no rule could accept anything (an enabled policy with no rules is an error at verify
   * time).
   */
  public boolean hasNoRules() {
    return publicKeys.isEmpty() && keylessIdentities.isEmpty() && notation == null;
  }
}
