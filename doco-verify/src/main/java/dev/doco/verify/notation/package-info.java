/**
 * Notation (Notary Project) signature verification, offline: JWS and COSE envelopes found as OCI
 * referrers, Notation's trust-policy JSON and trust-store layout, RFC 3161 countersignatures. Entry
 * point: {@link dev.doco.verify.notation.NotationVerifier}.
 */
@NullMarked
package dev.doco.verify.notation;

import org.jspecify.annotations.NullMarked;
