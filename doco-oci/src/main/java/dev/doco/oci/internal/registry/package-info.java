/** Internal: not API, may change without notice. */
@NullMarked
package dev.doco.oci.internal.registry;

import org.jspecify.annotations.NullMarked;
