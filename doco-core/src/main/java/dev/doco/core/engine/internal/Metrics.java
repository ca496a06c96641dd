package dev.doco.core.engine.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * Prometheus metrics in the text exposition format (version 0.0.4), with doco-cd's metric names
 * where doco-cd has one ({@code doco_cd_polls_total}, {@code doco_cd_webhook_requests_total}, ...)
 * and {@code doco_*} names for what only doco measures (skipped polls, registry requests and
 * bytes). No client library: counters, gauges and histograms are a few adders.
 */
public final class Metrics {
  /** Histogram buckets in seconds: Prometheus' defaults plus minutes, for deployments. */
  static final double[] BUCKETS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300
  };

  public static final String POLLS = "doco_cd_polls_total";
  public static final String POLL_ERRORS = "doco_cd_poll_errors_total";
  public static final String POLL_DURATION = "doco_cd_poll_duration_seconds";
  public static final String WEBHOOKS = "doco_cd_webhook_requests_total";
  public static final String WEBHOOK_ERRORS = "doco_cd_webhook_errors_total";
  public static final String WEBHOOK_DURATION = "doco_cd_webhook_duration_seconds";
  public static final String DEPLOYMENTS = "doco_cd_deployments_total";
  public static final String DEPLOYMENT_ERRORS = "doco_cd_deployment_errors_total";
  public static final String DEPLOYMENT_DURATION = "doco_cd_deployment_duration_seconds";
  public static final String DEPLOYMENTS_ACTIVE = "doco_cd_deployments_active";
  public static final String DEPLOYMENTS_QUEUED = "doco_cd_deployments_queued";
  public static final String SKIPPED = "doco_triggers_unchanged_total";
  public static final String REGISTRY_REQUESTS = "doco_registry_requests_total";
  public static final String BYTES_PULLED = "doco_registry_bytes_total";
  public static final String VERIFICATIONS = "doco_verifications_total";

  private enum Type {
    COUNTER,
    GAUGE,
    HISTOGRAM
  }

  private record Family(String name, Type type, String help, List<String> labelNames) {}

  private final Map<String, Family> families = new LinkedHashMap<>();
  private final Map<String, Map<List<String>, LongAdder>> counters = new ConcurrentHashMap<>();
  private final Map<String, Map<List<String>, AtomicLong>> gauges = new ConcurrentHashMap<>();
  private final Map<String, Map<List<String>, Histogram>> histograms = new ConcurrentHashMap<>();
  private final Map<String, DoubleSupplier> computed = new LinkedHashMap<>();
  private final Map<String, String> info;

  public Metrics(String version, String logLevel, String startTime) {
    info =
        new TreeMap<>(Map.of("version", version, "log_level", logLevel, "start_time", startTime));
    family("doco_cd_info", Type.GAUGE, "Application information", List.of());
    family(POLLS, Type.COUNTER, "Number of poll runs (successful or not)", List.of("repository"));
    family(POLL_ERRORS, Type.COUNTER, "Number of failed poll runs", List.of("repository"));
    family(POLL_DURATION, Type.HISTOGRAM, "Duration of poll runs", List.of("repository"));
    family(WEBHOOKS, Type.COUNTER, "Number of accepted webhook requests", List.of("repository"));
    family(
        WEBHOOK_ERRORS, Type.COUNTER, "Number of failed webhook requests", List.of("repository"));
    family(WEBHOOK_DURATION, Type.HISTOGRAM, "Duration of webhook jobs", List.of("repository"));
    family(
        DEPLOYMENTS,
        Type.COUNTER,
        "Number of deployments run",
        List.of("repository", "deployment"));
    family(
        DEPLOYMENT_ERRORS,
        Type.COUNTER,
        "Number of failed deployments",
        List.of("repository", "deployment"));
    family(
        DEPLOYMENT_DURATION,
        Type.HISTOGRAM,
        "Duration of deployments",
        List.of("repository", "deployment"));
    family(DEPLOYMENTS_ACTIVE, Type.GAUGE, "Deployments running now", List.of());
    family(
        DEPLOYMENTS_QUEUED,
        Type.GAUGE,
        "Deployments waiting for a free slot (MAX_CONCURRENT_DEPLOYMENTS)",
        List.of("repository"));
    family(
        SKIPPED,
        Type.COUNTER,
        "Triggers that stopped after the digest check: nothing changed, nothing downloaded",
        List.of("repository"));
    family(
        REGISTRY_REQUESTS,
        Type.COUNTER,
        "HTTP requests sent to registries",
        List.of("method", "status"));
    family(BYTES_PULLED, Type.COUNTER, "Response bytes received from registries", List.of());
    family(
        VERIFICATIONS,
        Type.COUNTER,
        "Signature verifications by outcome",
        List.of("repository", "result"));
  }

  private void family(String name, Type type, String help, List<String> labels) {
    families.put(name, new Family(name, type, help, labels));
  }

  private Family require(String name, int labelCount) {
    Family f = families.get(name);
    if (f == null || f.labelNames.size() != labelCount) {
      throw new IllegalArgumentException("unknown metric or wrong label count: " + name);
    }
    return f;
  }

  public void inc(String name, String... labels) {
    add(name, 1, labels);
  }

  public void add(String name, long amount, String... labels) {
    require(name, labels.length);
    counters
        .computeIfAbsent(name, k -> new ConcurrentHashMap<>())
        .computeIfAbsent(List.of(labels), k -> new LongAdder())
        .add(amount);
  }

  public void gaugeAdd(String name, long delta, String... labels) {
    require(name, labels.length);
    gauges
        .computeIfAbsent(name, k -> new ConcurrentHashMap<>())
        .computeIfAbsent(List.of(labels), k -> new AtomicLong())
        .addAndGet(delta);
  }

  public void observe(String name, double seconds, String... labels) {
    require(name, labels.length);
    histograms
        .computeIfAbsent(name, k -> new ConcurrentHashMap<>())
        .computeIfAbsent(List.of(labels), k -> new Histogram())
        .observe(seconds);
  }

  /** A gauge computed at scrape time (e.g. heap use); {@code name} must be a new metric name. */
  public synchronized void computedGauge(String name, String help, DoubleSupplier value) {
    family(name, Type.GAUGE, help, List.of());
    computed.put(name, value);
  }

  /** The current value of a counter, for tests and the benchmark. */
  public long counter(String name, String... labels) {
    Map<List<String>, LongAdder> m = counters.get(name);
    LongAdder a = m == null ? null : m.get(List.of(labels));
    return a == null ? 0 : a.sum();
  }

  /** The sum of a counter over all label values. */
  public long counterTotal(String name) {
    Map<List<String>, LongAdder> m = counters.get(name);
    if (m == null) {
      return 0;
    }
    long sum = 0;
    for (LongAdder a : m.values()) {
      sum += a.sum();
    }
    return sum;
  }

  /** The text exposition of every metric. */
  public synchronized String scrape() {
    StringBuilder b = new StringBuilder();
    for (Family f : families.values()) {
      b.append("# HELP ").append(f.name).append(' ').append(f.help).append('\n');
      b.append("# TYPE ")
          .append(f.name)
          .append(' ')
          .append(f.type.name().toLowerCase(java.util.Locale.ROOT))
          .append('\n');
      if (f.name.equals("doco_cd_info")) {
        b.append(f.name)
            .append(labels(new ArrayList<>(info.keySet()), info.values()))
            .append(" 1\n");
        continue;
      }
      DoubleSupplier supplier = computed.get(f.name);
      if (supplier != null) {
        b.append(f.name).append(' ').append(number(supplier.getAsDouble())).append('\n');
        continue;
      }
      switch (f.type) {
        case COUNTER -> {
          var m = counters.getOrDefault(f.name, Map.of());
          sorted(m).forEach(e -> appendSample(b, f, e.getKey(), e.getValue().sum()));
        }
        case GAUGE -> {
          var m = gauges.getOrDefault(f.name, Map.of());
          if (m.isEmpty() && f.labelNames.isEmpty()) {
            b.append(f.name).append(" 0\n");
          }
          sorted(m).forEach(e -> appendSample(b, f, e.getKey(), e.getValue().get()));
        }
        case HISTOGRAM -> {
          var m = histograms.getOrDefault(f.name, Map.of());
          sorted(m).forEach(e -> e.getValue().append(b, f, e.getKey()));
        }
      }
    }
    return b.toString();
  }

  /** Samples ordered by their label values, so scrapes are stable. */
  private static <V> List<Map.Entry<List<String>, V>> sorted(Map<List<String>, V> m) {
    List<Map.Entry<List<String>, V>> out = new ArrayList<>(m.entrySet());
    out.sort(Map.Entry.comparingByKey(Comparator.comparing(k -> String.join("\u0000", k))));
    return out;
  }

  private static void appendSample(StringBuilder b, Family f, List<String> values, long v) {
    b.append(f.name).append(labels(f.labelNames, values)).append(' ').append(v).append('\n');
  }

  static String labels(List<String> names, java.util.Collection<String> values) {
    if (names.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("{");
    int i = 0;
    for (String v : values) {
      if (i > 0) {
        b.append(',');
      }
      b.append(names.get(i++)).append("=\"").append(escape(v)).append('"');
    }
    return b.append('}').toString();
  }

  private static String escape(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  static String number(double d) {
    if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }

  private static final class Histogram {
    private final LongAdder[] buckets = new LongAdder[BUCKETS.length];
    private final LongAdder count = new LongAdder();
    private final DoubleAdder sum = new DoubleAdder();

    Histogram() {
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = new LongAdder();
      }
    }

    void observe(double v) {
      for (int i = 0; i < BUCKETS.length; i++) {
        if (v <= BUCKETS[i]) {
          buckets[i].increment();
        }
      }
      count.increment();
      sum.add(v);
    }

    void append(StringBuilder b, Family f, List<String> values) {
      List<String> names = new ArrayList<>(f.labelNames);
      names.add("le");
      for (int i = 0; i < BUCKETS.length; i++) {
        List<String> vs = new ArrayList<>(values);
        vs.add(number(BUCKETS[i]));
        b.append(f.name)
            .append("_bucket")
            .append(labels(names, vs))
            .append(' ')
            .append(buckets[i].sum())
            .append('\n');
      }
      List<String> vs = new ArrayList<>(values);
      vs.add("+Inf");
      long n = count.sum();
      b.append(f.name).append("_bucket").append(labels(names, vs)).append(' ').append(n);
      b.append('\n');
      String l = labels(f.labelNames, values);
      b.append(f.name).append("_sum").append(l).append(' ').append(number(sum.sum())).append('\n');
      b.append(f.name).append("_count").append(l).append(' ').append(n).append('\n');
    }
  }
}
