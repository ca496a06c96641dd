/**
 * Safe materialization of OCI artifacts into checkout directories: layer selection, decompression,
 * path safety, budgets, atomic swap, content cache.
 */
@NullMarked
package dev.doco.oci.extract;

import org.jspecify.annotations.NullMarked;
