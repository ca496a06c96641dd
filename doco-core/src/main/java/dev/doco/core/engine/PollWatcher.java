package dev.doco.core.engine;

import dev.doco.core.DeployOptions;
import dev.doco.core.Doco;
import dev.doco.core.config.PollConfig;
import dev.doco.core.engine.internal.Engine;
import dev.doco.core.engine.internal.EngineAccess;
import dev.doco.core.engine.internal.Metrics;
import dev.doco.core.engine.internal.RunOutcome;
import dev.doco.core.engine.internal.UuidV7;
import dev.doco.core.spi.Trigger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls {@code POLL_CONFIG} entries: each runs at start, then {@code interval} after its previous
 * run completed (fixed delay, as doco-cd), or once with {@code run_once}; {@code interval: 0}
 * without {@code run_once} disables the entry.
 *
 * <p>Unlike doco-cd, a poll of an unchanged artifact costs one {@code HEAD} request: nothing is
 * downloaded or extracted. Start times are spread (jitter) so that hundreds of entries do not fire
 * together: the first runs are spread over {@code min(interval, entries × 50 ms)}, and every later
 * delay gets up to 5 % extra.
 */
public final class PollWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PollWatcher.class);

  /** Spread of first runs per entry. */
  private static final long SPREAD_PER_ENTRY_MILLIS = 50;

  private final Engine engine;
  private final List<PollConfig> polls;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService workers;
  private final AtomicLong completedRuns = new AtomicLong();
  private final Map<String, RunOutcome> lastOutcomes = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private PollWatcher(Engine engine, List<PollConfig> polls, int workerCount) {
    this.engine = engine;
    this.polls = List.copyOf(polls);
    AtomicInteger n = new AtomicInteger();
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "doco-poll-scheduler");
              t.setDaemon(true);
              return t;
            });
    this.workers =
        Executors.newFixedThreadPool(
            workerCount,
            r -> {
              Thread t = new Thread(r, "doco-poll-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts watching {@code polls} with {@code doco}. Prefer {@link Doco#watch(List)}, which also
   * stops the watcher when {@code doco} closes.
   */
  public static PollWatcher start(Doco doco, List<PollConfig> polls) {
    Engine engine = EngineAccess.engine(doco);
    int workers = Math.max(4, 2 * engine.settings().maxConcurrentDeployments());
    PollWatcher w = new PollWatcher(engine, polls, workers);
    w.scheduleAll();
    return w;
  }

  private void scheduleAll() {
    List<PollConfig> enabled = new ArrayList<>();
    for (PollConfig p : polls) {
      if (!p.source().trim().toLowerCase(Locale.ROOT).equals("oci")) {
        LOG.warn(
            "poll entry {} has source '{}': doco deploys OCI artifacts only; set source: oci",
            p.url(),
            p.source());
        continue;
      }
      if (!p.enabled()) {
        LOG.info("polling job disabled by config: {} (interval 0, run_once false)", p.url());
        continue;
      }
      enabled.add(p);
    }
    for (PollConfig p : enabled) {
      long spread = spreadMillis(p, enabled.size());
      long delay = spread <= 0 ? 0 : ThreadLocalRandom.current().nextLong(spread);
      schedule(p, delay);
    }
  }

  static long spreadMillis(PollConfig p, int entries) {
    if (entries <= 1) {
      return 0;
    }
    long byCount = entries * SPREAD_PER_ENTRY_MILLIS;
    long interval = p.interval().isZero() ? byCount : p.interval().toMillis();
    return Math.min(interval, byCount);
  }

  static long nextDelayMillis(Duration interval) {
    long base = interval.toMillis();
    long extra = base / 20;
    return base + (extra <= 0 ? 0 : ThreadLocalRandom.current().nextLong(extra + 1));
  }

  private void schedule(PollConfig p, long delayMillis) {
    if (closed) {
      return;
    }
    try {
      // dispatch() handles its own failures; the future has nothing more to report.
      ScheduledFuture<?> unused =
          scheduler.schedule(() -> dispatch(p), delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("watcher stopped; {} not rescheduled", p.url());
    }
  }

  private void dispatch(PollConfig p) {
    try {
      workers.execute(() -> runAndReschedule(p));
    } catch (RejectedExecutionException e) {
      LOG.debug("watcher stopped; {} not run", p.url());
    }
  }

  private void runAndReschedule(PollConfig p) {
    try {
      runOnce(p);
    } catch (RuntimeException e) {
      LOG.error("poll of {} failed unexpectedly", p.url(), e);
    } finally {
      completedRuns.incrementAndGet();
      if (!p.runOnce() && !p.interval().isZero()) {
        schedule(p, nextDelayMillis(p.interval()));
      }
    }
  }

  /** Runs one poll of {@code p} now, on the calling thread. */
  RunOutcome runOnce(PollConfig p) {
    long started = System.nanoTime();
    String jobId = UuidV7.next(engine.clock()).toString();
    DeployOptions options =
        DeployOptions.DEFAULTS
            .withTrigger(Trigger.POLL)
            .withTarget(p.target())
            .withDeployments(p.deployments());
    RunOutcome outcome = engine.run(new Engine.Job(jobId, p.url(), options));
    String repository = outcome.revision() != null ? outcome.revision().repository() : p.url();
    Metrics m = engine.metrics();
    m.inc(Metrics.POLLS, repository);
    m.observe(Metrics.POLL_DURATION, (System.nanoTime() - started) / 1e9, repository);
    if (!outcome.succeeded()) {
      m.inc(Metrics.POLL_ERRORS, repository);
      LOG.warn("poll {} of {} failed: {}", jobId, p.url(), outcome.message());
    } else if (!outcome.unchanged()) {
      LOG.info("poll {} of {}: {}", jobId, p.url(), summary(outcome));
    }
    lastOutcomes.put(p.url() + "#" + p.target(), outcome);
    return outcome;
  }

  private static String summary(RunOutcome o) {
    List<String> parts = new ArrayList<>();
    for (RunOutcome.DeploymentOutcome d : o.deployments()) {
      parts.add(d.name() + " " + d.action().name().toLowerCase(Locale.ROOT));
    }
    return String.join(", ", parts);
  }

  /** The entries watched. */
  public List<PollConfig> polls() {
    return polls;
  }

  /** How many poll runs have completed since start. */
  public long completedRuns() {
    return completedRuns.get();
  }

  /** Stops scheduling; runs in progress finish in the background. */
  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    workers.shutdown();
    try {
      if (!workers.awaitTermination(2, TimeUnit.SECONDS)) {
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      workers.shutdownNow();
    }
  }
}
