/** The {@code doco} command-line app ({@code java -jar doco.jar}). */
@NullMarked
package dev.doco.examples.cli;

import org.jspecify.annotations.NullMarked;
