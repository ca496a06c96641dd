/**
 * doco's public API: values ({@link dev.doco.core.Revision}), events ({@link
 * dev.doco.core.DocoEvent}), the exception hierarchy rooted in {@link dev.doco.core.DocoException},
 * and the provider registry ({@link dev.doco.core.Providers}).
 */
@NullMarked
package dev.doco.core;

import org.jspecify.annotations.NullMarked;
