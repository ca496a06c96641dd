package dev.doco.core.config;

/**
 * Where Notation verification material lives: Notation's own trust-policy JSON ({@code
 * trustpolicy.oci.json} or {@code trustpolicy.json}) and a trust store directory laid out as {@code
 * x509/{ca,signingAuthority,tsa}/NAME/}.
 */
public record NotationTrust(String trustPolicyFile, String trustStoreDirectory) {}
