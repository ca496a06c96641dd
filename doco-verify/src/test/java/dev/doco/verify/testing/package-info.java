/** Test fixtures: in-memory artifact access, the copied vectors, openssl and registry helpers. */
@NullMarked
package dev.doco.verify.testing;

import org.jspecify.annotations.NullMarked;
