package dev.doco.verify.internal;

import dev.doco.core.config.KeylessIdentity;
import java.security.PublicKey;

/** One trust rule of a policy: a public key or a keyless identity. */
public sealed interface Rule {

  /** How the rule is named in messages and results. */
  String describe();

  /** A cosign public key, the {@code number}-th (1-based) of the policy's {@code public_keys}. */
  record Key(int number, PublicKey key) implements Rule {
    @Override
    public String describe() {
      return "public key #" + number + " (" + Crypto.shortFingerprint(key) + ")";
    }
  }

  /** A keyless (certificate) identity. */
  record Identity(KeylessIdentity identity) implements Rule {
    @Override
    public String describe() {
      return "keyless " + identity.describe();
    }
  }
}
