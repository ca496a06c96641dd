/** Internal: not API, may change without notice. */
@NullMarked
package dev.doco.oci.internal.http;

import org.jspecify.annotations.NullMarked;
