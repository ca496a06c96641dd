/** doco-examples. */
@NullMarked
package dev.doco.examples;

import org.jspecify.annotations.NullMarked;
