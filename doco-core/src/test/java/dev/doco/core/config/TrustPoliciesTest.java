package dev.doco.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrustPoliciesTest {
  private static final KeylessIdentity GLOBAL_ID = new KeylessIdentity("https://g", "g@x", "");
  private static final KeylessIdentity OVERRIDE_ID = new KeylessIdentity("https://o", "", "^o$");
  private static final NotationTrust NOTATION = new NotationTrust("/p.json", "/store");

  private static TrustPolicy global(boolean enabled, boolean ignoreTlog) {
    return new TrustPolicy(
        enabled, List.of("GLOBAL"), List.of(GLOBAL_ID), ignoreTlog, "/root.json", NOTATION);
  }

  private static TrustPolicyOverride override(Boolean verify, List<String> keys, Boolean tlog) {
    return new TrustPolicyOverride(verify, keys, List.of(), tlog);
  }

  // TestEffectiveOciTrustPolicy_GlobalEnabledCannotBeDisabled
  @Test
  void verifyFalse_neverDowngradesAnEnabledGlobal() {
    assertTrue(
        TrustPolicies.effective(global(true, false), override(false, List.of(), null)).enabled());
  }

  // TestEffectiveOciTrustPolicy_OverrideCanEnableWhenGlobalDisabled
  @Test
  void verifyTrue_enablesWhenGlobalDisabled() {
    TrustPolicy p = TrustPolicies.effective(global(false, false), override(true, List.of(), null));
    assertTrue(p.enabled());
    assertEquals(List.of("GLOBAL"), p.publicKeys());
    assertEquals(List.of(GLOBAL_ID), p.keylessIdentities());
  }

  @Test
  void verifyUnset_inherits() {
    assertFalse(TrustPolicies.effective(global(false, false), TrustPolicyOverride.NONE).enabled());
    assertTrue(TrustPolicies.effective(global(true, false), TrustPolicyOverride.NONE).enabled());
    assertFalse(
        TrustPolicies.effective(global(false, false), override(false, List.of(), null)).enabled());
  }

  // TestEffectiveOciTrustPolicy_IgnoreTlogOverride / _IgnoreTlogGlobalDefault
  @Test
  void ignoreTlog_overrideWinsWhenSet_inEitherDirection() {
    assertTrue(
        TrustPolicies.effective(global(true, false), override(null, List.of(), true)).ignoreTlog());
    assertFalse(
        TrustPolicies.effective(global(true, true), override(null, List.of(), false)).ignoreTlog());
    assertTrue(TrustPolicies.effective(global(true, true), TrustPolicyOverride.NONE).ignoreTlog());
  }

  // TestEffectiveOciTrustPolicy (override replaces keys/identities while global enabled stays)
  @Test
  void lists_replaceOnlyWhenNonEmpty_andResultIsNormalised() {
    TrustPolicy p =
        TrustPolicies.effective(
            global(true, false),
            new TrustPolicyOverride(null, List.of(" K1 ", ""), List.of(OVERRIDE_ID), true));
    assertTrue(p.enabled());
    assertEquals(List.of("K1"), p.publicKeys());
    assertEquals(List.of(OVERRIDE_ID), p.keylessIdentities());
    assertTrue(p.ignoreTlog());
    // doco additions always come from the global policy
    assertEquals("/root.json", p.trustedRoot());
    assertEquals(NOTATION, p.notation());

    TrustPolicy keysOnly =
        TrustPolicies.effective(global(true, false), override(null, List.of("K2"), null));
    assertEquals(List.of("K2"), keysOnly.publicKeys());
    assertEquals(List.of(GLOBAL_ID), keysOnly.keylessIdentities());
  }

  // TestSelectTrustPolicyOverride_TrustBoundary
  @Test
  void untrustedConfig_overrideIsDropped_trustedIsKept() {
    DeployConfig untrusted =
        DeployConfig.defaults("a")
            .withOci(override(false, List.of("EVIL"), true))
            .withTrusted(false);
    TrustPolicy g = global(true, false);
    TrustPolicy fromArtifact = TrustPolicies.effective(g, untrusted);
    assertTrue(fromArtifact.enabled());
    assertEquals(List.of("GLOBAL"), fromArtifact.publicKeys());
    assertFalse(fromArtifact.ignoreTlog());
    assertTrue(untrusted.trustedOverride().isEmpty());

    DeployConfig trusted =
        DeployConfig.defaults("a").withOci(override(true, List.of(), null)).withTrusted(true);
    assertTrue(TrustPolicies.effective(global(false, false), trusted).enabled());
    assertEquals(Boolean.TRUE, trusted.trustedOverride().orElseThrow().verify());
  }
}
