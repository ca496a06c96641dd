package dev.doco.core.engine;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.doco.core.Doco;
import dev.doco.core.engine.internal.ArtifactAllowList;
import dev.doco.core.engine.internal.Engine;
import dev.doco.core.engine.internal.EngineAccess;
import dev.doco.core.engine.internal.Json;
import dev.doco.core.engine.internal.UuidV7;
import dev.doco.core.engine.internal.WebhookHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code doco serve}: the poll watcher plus the HTTP endpoints, configured like doco-cd.
 *
 * <ul>
 *   <li>{@code HTTP_PORT}: {@code POST /v1/webhook[/{target}]} (only when a webhook secret is set)
 *       and {@code GET /v1/health} (200 when the container engine answers, else 503);
 *   <li>{@code METRICS_PORT}: {@code GET /metrics}, Prometheus text with doco-cd's metric names.
 * </ul>
 *
 * <pre>{@code
 * try (Doco doco = Doco.builder().settings(System.getenv()).build();
 *     DocoServer server = DocoServer.start(doco, ServerSettings.fromEnvironment(System.getenv()))) {
 *   server.awaitTermination();
 * }
 * }</pre>
 */
public final class DocoServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DocoServer.class);

  private final Engine engine;
  private final HttpServer http;
  private final @Nullable HttpServer metrics;
  private final ExecutorService requestThreads;
  private final ExecutorService jobThreads;
  private final PollWatcher watcher;
  private final CountDownLatch stopped = new CountDownLatch(1);

  private DocoServer(
      Engine engine,
      HttpServer http,
      @Nullable HttpServer metrics,
      ExecutorService requestThreads,
      ExecutorService jobThreads,
      PollWatcher watcher) {
    this.engine = engine;
    this.http = http;
    this.metrics = metrics;
    this.requestThreads = requestThreads;
    this.jobThreads = jobThreads;
    this.watcher = watcher;
  }

  /**
   * Binds the ports, registers the endpoints and starts the poll watcher.
   *
   * @throws UncheckedIOException when a port cannot be bound (the message names it)
   */
  public static DocoServer start(Doco doco, ServerSettings settings) {
    Engine engine = EngineAccess.engine(doco);
    ExecutorService requestThreads = Executors.newCachedThreadPool(daemon("doco-http-"));
    ExecutorService jobThreads = Executors.newCachedThreadPool(daemon("doco-webhook-job-"));
    HttpServer http = bind(settings.bindAddress(), settings.httpPort(), "HTTP_PORT");
    http.setExecutor(requestThreads);
    http.createContext("/v1/health", exchange -> health(engine, exchange));
    String secret = settings.webhookSecret();
    if (secret != null && !secret.isEmpty()) {
      http.createContext(
          WebhookHandler.PATH,
          new WebhookHandler(
              engine,
              secret,
              settings.maxPayloadSize(),
              new ArtifactAllowList(settings.polls(), settings.allowedArtifacts()),
              jobThreads));
    } else {
      LOG.info("WEBHOOK_SECRET is not set: the webhook endpoints are not registered");
    }
    HttpServer metricsServer = null;
    if (settings.metricsPort() >= 0) {
      metricsServer = bind(settings.bindAddress(), settings.metricsPort(), "METRICS_PORT");
      metricsServer.setExecutor(requestThreads);
      var m = engine.metrics();
      try {
        m.computedGauge(
            "doco_jvm_heap_used_bytes",
            "Heap in use",
            () -> Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());
      } catch (IllegalArgumentException alreadyRegistered) {
        // a second server on the same Doco
      }
      metricsServer.createContext(
          "/metrics",
          exchange -> {
            try (exchange) {
              byte[] text = m.scrape().getBytes(StandardCharsets.UTF_8);
              exchange
                  .getResponseHeaders()
                  .set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
              exchange.sendResponseHeaders(200, text.length);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(text);
              }
            }
          });
      metricsServer.start();
    }
    http.start();
    PollWatcher watcher = doco.watch(settings.polls());
    LOG.info(
        "doco {} serving on {} (metrics on {}), watching {} poll entr{}",
        Doco.VERSION,
        http.getAddress(),
        metricsServer == null ? "nothing" : metricsServer.getAddress(),
        settings.polls().size(),
        settings.polls().size() == 1 ? "y" : "ies");
    return new DocoServer(engine, http, metricsServer, requestThreads, jobThreads, watcher);
  }

  private static HttpServer bind(String address, int port, String variable) {
    try {
      return HttpServer.create(new InetSocketAddress(address, port), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot listen on "
              + address
              + ":"
              + port
              + " ("
              + variable
              + "): "
              + Engine.message(e)
              + "; choose a free port with "
              + variable,
          e);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static void health(Engine engine, HttpExchange exchange) throws IOException {
    try (exchange) {
      String jobId = UuidV7.next(engine.clock()).toString();
      Optional<String> problem = engine.health();
      Map<String, Object> body = new LinkedHashMap<>();
      if (problem.isEmpty()) {
        body.put("content", "healthy");
        body.put("job_id", jobId);
        WebhookHandler.respond(exchange, 200, Json.write(body));
      } else {
        body.put("error", "unhealthy");
        body.put("content", "the container engine does not answer: " + problem.get());
        body.put("job_id", jobId);
        WebhookHandler.respond(exchange, 503, Json.write(body));
      }
    }
  }

  /** Where {@code /v1/health} and {@code /v1/webhook} listen. */
  public InetSocketAddress httpAddress() {
    return http.getAddress();
  }

  /** Where {@code /metrics} listens, when enabled. */
  public Optional<InetSocketAddress> metricsAddress() {
    return metrics == null ? Optional.empty() : Optional.of(metrics.getAddress());
  }

  /** The poll watcher. */
  public PollWatcher watcher() {
    return watcher;
  }

  /** The current metrics text (as {@code /metrics} serves it). */
  public String metricsText() {
    return engine.metrics().scrape();
  }

  /** Blocks until {@link #close()} is called (e.g. by a shutdown hook). */
  public void awaitTermination() throws InterruptedException {
    stopped.await();
  }

  /** Stops the endpoints and the watcher; webhook jobs in progress get 10 s to finish. */
  @Override
  public void close() {
    watcher.close();
    http.stop(0);
    if (metrics != null) {
      metrics.stop(0);
    }
    jobThreads.shutdown();
    try {
      if (!jobThreads.awaitTermination(10, TimeUnit.SECONDS)) {
        jobThreads.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      jobThreads.shutdownNow();
    }
    requestThreads.shutdownNow();
    stopped.countDown();
  }
}
