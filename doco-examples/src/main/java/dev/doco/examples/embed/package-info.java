/** Example: embedding doco in a Java program. */
@NullMarked
package dev.doco.examples.embed;

import org.jspecify.annotations.NullMarked;
