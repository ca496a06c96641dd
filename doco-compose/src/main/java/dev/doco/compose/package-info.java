/** doco-compose. */
@NullMarked
package dev.doco.compose;

import org.jspecify.annotations.NullMarked;
