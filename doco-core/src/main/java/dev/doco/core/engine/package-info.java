/**
 * The long-running side of doco: the poll watcher and the HTTP endpoints (signed webhooks, health,
 * Prometheus metrics) around a {@link dev.doco.core.Doco}.
 *
 * <pre>{@code
 * try (Doco doco = Doco.builder().dataDirectory(Path.of("/data")).build();
 *     DocoServer server = DocoServer.fromEnvironment(doco, System.getenv()).start()) {
 *   server.awaitTermination();
 * }
 * }</pre>
 */
@NullMarked
package dev.doco.core.engine;

import org.jspecify.annotations.NullMarked;
