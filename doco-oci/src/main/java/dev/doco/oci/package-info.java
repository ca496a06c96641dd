/** doco-oci. */
@NullMarked
package dev.doco.oci;

import org.jspecify.annotations.NullMarked;
