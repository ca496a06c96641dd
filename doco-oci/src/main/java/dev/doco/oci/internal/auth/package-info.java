/** Internal: not API, may change without notice. */
@NullMarked
package dev.doco.oci.internal.auth;

import org.jspecify.annotations.NullMarked;
