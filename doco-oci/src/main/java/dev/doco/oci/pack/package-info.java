/** Packaging a directory as a reproducible doco.v1 OCI artifact. */
@NullMarked
package dev.doco.oci.pack;

import org.jspecify.annotations.NullMarked;
