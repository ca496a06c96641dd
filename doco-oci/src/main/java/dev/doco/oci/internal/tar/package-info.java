/**
 * Streaming tar reading and writing (USTAR, PAX, GNU long names), bounded by the caller's limits.
 */
@NullMarked
package dev.doco.oci.internal.tar;

import org.jspecify.annotations.NullMarked;
