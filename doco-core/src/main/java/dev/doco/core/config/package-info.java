/**
 * doco-cd-compatible configuration: deploy configs ({@code .doco-cd.yaml}), poll configs ({@code
 * POLL_CONFIG}) and trust policies ({@code OCI_TRUST_POLICY}), as immutable records with their
 * loaders.
 */
@NullMarked
package dev.doco.core.config;

import org.jspecify.annotations.NullMarked;
