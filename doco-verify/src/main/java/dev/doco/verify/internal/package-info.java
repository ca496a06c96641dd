/**
 * Private machinery of doco-verify: JSON reading, keys, the Sigstore trusted root, Rekor (SET,
 * inclusion proofs, checkpoints), Fulcio (chain, SCT, identity), cosign classic signatures and
 * Sigstore bundles. Not exported; use {@link dev.doco.verify.DocoVerifier}.
 */
@NullMarked
package dev.doco.verify.internal;

import org.jspecify.annotations.NullMarked;
