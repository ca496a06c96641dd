/** doco-verify. */
@NullMarked
package dev.doco.verify;

import org.jspecify.annotations.NullMarked;
