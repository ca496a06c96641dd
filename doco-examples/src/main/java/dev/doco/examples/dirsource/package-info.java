/**
 * Example plugin: a {@link dev.doco.core.spi.Source} for plain directories ({@code dir:PATH}),
 * registered through this jar's {@code META-INF/services/dev.doco.core.spi.SourceProvider}.
 */
@NullMarked
package dev.doco.examples.dirsource;

import org.jspecify.annotations.NullMarked;
