/** Machinery of the Compose and Swarm deployers: docker CLI runner, argv, files, labels. */
@NullMarked
package dev.doco.compose.internal;

import org.jspecify.annotations.NullMarked;
