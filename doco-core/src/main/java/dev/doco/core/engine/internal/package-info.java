/**
 * The engine's machinery (pipeline, state store, locks, JSON, metrics, webhook handling). Not API:
 * not exported by the module; may change at any time.
 */
@NullMarked
package dev.doco.core.engine.internal;

import org.jspecify.annotations.NullMarked;
