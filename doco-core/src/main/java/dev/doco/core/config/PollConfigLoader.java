package dev.doco.core.config;

import dev.doco.core.ConfigException;
import dev.doco.core.config.Yaml.Ctx;
import dev.doco.core.config.Yaml.Entry;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads {@code POLL_CONFIG} (a YAML list) or the file named by {@code POLL_CONFIG_FILE}, with
 * doco-cd's keys, defaults and messages.
 *
 * <pre>{@code
 * List<PollConfig> polls = PollConfigLoader.fromEnvironment(System.getenv());
 * }</pre>
 *
 * <p>Entries with {@code source: git} (the default, as in doco-cd) load with their git meaning but
 * doco does not poll them (a warning says so). For OCI entries {@code reference} is the tag (or
 * digest) of {@code url}; a written {@code reference:} is ignored with a warning. Inline {@code
 * deployments} are trusted deploy configs (they may carry an {@code oci:} override).
 */
public final class PollConfigLoader {
  private static final Logger LOG = LoggerFactory.getLogger(PollConfigLoader.class);

  public static final String ENV = "POLL_CONFIG";
  public static final String ENV_FILE = "POLL_CONFIG_FILE";

  /** doco-cd's default git reference ({@code gitInternal.MainBranch}). */
  public static final String GIT_DEFAULT_REFERENCE = "refs/heads/main";

  static final String PREFIX = "invalid poll configuration: ";

  static final Set<String> KEYS =
      Set.of(
          "source", "url", "reference", "interval", "target", "run_once", "watch", "deployments");

  private PollConfigLoader() {}

  /**
   * The poll entries configured in {@code env} ({@code POLL_CONFIG} or the file named by {@code
   * POLL_CONFIG_FILE}); empty when neither is set. Warnings are logged.
   *
   * @throws ConfigException when both are set, the file cannot be read, or an entry is invalid
   */
  public static List<PollConfig> fromEnvironment(Map<String, String> env) {
    return fromEnvironment(env, w -> LOG.warn("{}", w));
  }

  /** As {@link #fromEnvironment(Map)}, with warnings sent to {@code warnings}. */
  public static List<PollConfig> fromEnvironment(
      Map<String, String> env, Consumer<String> warnings) {
    String inline = env.getOrDefault(ENV, "");
    String file = env.getOrDefault(ENV_FILE, "");
    if (!inline.isEmpty() && !file.isEmpty()) {
      throw new ConfigException(
          "both " + ENV + " and " + ENV_FILE + " are set, please use one or the other");
    }
    if (!file.isEmpty()) {
      return parse(DeployConfigLoader.read(Path.of(file), file), file, warnings);
    }
    return parse(inline, ENV, warnings);
  }

  /** Parses a poll config YAML (or JSON) list; empty text is an empty list. Warnings are logged. */
  public static List<PollConfig> parse(String yaml, String origin) {
    return parse(yaml, origin, w -> LOG.warn("{}", w));
  }

  /** As {@link #parse(String, String)}, with warnings sent to {@code warnings}. */
  public static List<PollConfig> parse(String yaml, String origin, Consumer<String> warnings) {
    List<Yaml.Document> docs = Yaml.documents(yaml, origin, "failed to decode yaml: ");
    List<PollConfig> out = new ArrayList<>();
    boolean seen = false;
    for (Yaml.Document d : docs) {
      Node root = d.root();
      if (root == null) {
        continue;
      }
      Ctx ctx = new Ctx(origin, d.index(), PREFIX, warnings);
      if (seen) {
        throw ctx.decodeError(
            root, "expected one YAML list of poll entries, found several documents");
      }
      seen = true;
      if (!(root instanceof SequenceNode seq)) {
        throw ctx.decodeError(
            root,
            "cannot unmarshal "
                + Yaml.describe(root)
                + " into a list of poll entries; write a YAML list, each entry starting with '- source: oci'");
      }
      for (Node item : seq.getValue()) {
        out.add(entry(item, ctx));
      }
    }
    return List.copyOf(out);
  }

  private static PollConfig entry(Node item, Ctx ctx) {
    Map<String, Entry> m = ctx.mapping(item, "poll entry (a mapping)");
    ctx.warnUnknown(m, KEYS, "poll entry");
    String source = "git";
    String url = "";
    String reference = "";
    Duration interval = PollConfig.DEFAULT_INTERVAL;
    String target = "";
    boolean runOnce = false;
    boolean watch = true;
    Node deployments = null;
    for (Entry e : m.values()) {
      Node v = e.value();
      switch (e.key()) {
        case "source" -> source = ctx.string(v, "source");
        case "url" -> url = ctx.string(v, "url");
        case "reference" -> reference = ctx.string(v, "reference");
        case "interval" -> {
          try {
            Duration d = intervalOf(v);
            if (d != null) {
              interval = d;
            }
          } catch (IllegalArgumentException ex) {
            throw ctx.error(v, String.valueOf(ex.getMessage()));
          }
        }
        case "target" -> target = ctx.string(v, "target").trim();
        case "run_once" -> runOnce = ctx.bool(v, "run_once");
        case "watch" -> watch = ctx.bool(v, "watch");
        case "deployments" -> deployments = v;
        default -> {
          // warned
        }
      }
    }
    String src = source.trim().toLowerCase(Locale.ROOT);
    if (!src.equals("git") && !src.equals("oci")) {
      throw ctx.error(
          at(m, "source", item),
          "invalid source type \"" + source + "\": must be \"git\" or \"oci\"");
    }
    if (url.isEmpty()) {
      throw ctx.error(item, "key not found: url");
    }
    if (!interval.isZero() && interval.compareTo(PollConfig.MIN_INTERVAL) < 0) {
      throw ctx.error(
          at(m, "interval", item),
          "poll interval too low: must be at least 10s (got "
              + interval.toSeconds()
              + "s; use 0 to disable polling)");
    }
    if (!target.isEmpty()) {
      try {
        DeployConfigLoader.fileNames(target);
      } catch (ConfigException ex) {
        throw ctx.error(at(m, "target", item), String.valueOf(ex.getMessage()));
      }
    }
    if (src.equals("oci")) {
      String u = url;
      ArtifactRefs.problem(u)
          .ifPresent(
              p -> {
                throw ctx.error(
                    at(m, "url", item), "invalid OCI artifact reference: '" + u + "': " + p);
              });
      if (!reference.isEmpty()) {
        ctx.warn(
            at(m, "reference", item),
            "reference is ignored for OCI entries: the tag of url ("
                + ArtifactRefs.identifier(url)
                + ") is used");
      }
      reference = ArtifactRefs.identifier(url);
    } else {
      if (reference.isEmpty()) {
        reference = GIT_DEFAULT_REFERENCE;
      }
      ctx.warn(
          item,
          "source git (the default when source is not set) is not supported by doco, which"
              + " deploys OCI artifacts: this entry ("
              + url
              + ") is not polled; set source: oci for an artifact");
    }
    List<DeployConfig> inline = inline(deployments, ctx, reference, src.equals("oci"));
    return new PollConfig(src, url, reference, interval, target, runOnce, watch, inline);
  }

  private static Node at(Map<String, Entry> m, String key, Node fallback) {
    Entry e = m.get(key);
    return e == null ? fallback : e.value();
  }

  private static List<DeployConfig> inline(
      @Nullable Node deployments, Ctx ctx, String reference, boolean oci) {
    if (deployments == null || Yaml.isNull(deployments)) {
      return List.of();
    }
    if (!(deployments instanceof SequenceNode seq)) {
      throw ctx.decodeError(
          deployments,
          "cannot unmarshal "
              + Yaml.describe(deployments)
              + " into deployments; write a YAML list of deploy configs, each item starting with '- name:'");
    }
    List<DeployConfig> out = new ArrayList<>();
    List<Node> at = new ArrayList<>();
    for (Node item : seq.getValue()) {
      Ctx dctx = new Ctx(ctx.origin, ctx.document, DeployConfigLoader.PREFIX, ctx.warnings);
      DeployConfigLoader.Parsed p = DeployConfigLoader.parseDocument(item, dctx, true);
      DeployConfig c = p.config();
      if (oci || c.reference().isEmpty()) {
        c = c.withReference(reference);
      }
      out.add(c);
      at.add(p.nameNode() == null ? item : p.nameNode());
    }
    DeployConfigLoader.checkUniqueNames(out, at, ctx.origin);
    return out;
  }

  /** The interval of a YAML node; null for a null value (keep the default). */
  static @Nullable Duration intervalOf(Node v) {
    if (!(v instanceof ScalarNode s)) {
      throw new IllegalArgumentException(
          "invalid interval type "
              + (Yaml.describe(v).equals("!!seq") ? "list" : "map")
              + ": expected number or string");
    }
    switch (Yaml.kind(s)) {
      case NULL:
        return null;
      case BOOL:
        return parseInterval(Boolean.valueOf(s.getValue().equalsIgnoreCase("true")));
      case INT:
        BigInteger big = Yaml.parseInt(s.getValue());
        if (big == null || big.bitLength() >= 64) {
          throw new IllegalArgumentException(
              "invalid interval value " + s.getValue() + ": out of range");
        }
        return parseInterval(big.longValue());
      case FLOAT:
        return parseInterval(Yaml.parseFloat(s.getValue()));
      case STR:
      default:
        return parseInterval(s.getValue());
    }
  }

  /**
   * doco-cd's {@code parsePollInterval}: a whole number of seconds (integer or whole float), or a
   * string holding seconds ({@code "300"}) or a Go duration ({@code "5m"}, {@code "1m30s"}) that
   * resolves to full seconds.
   *
   * @param value a {@link Number}, {@link String} or anything else (rejected by type)
   * @throws IllegalArgumentException with doco-cd's message
   */
  public static Duration parseInterval(Object value) {
    if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte) {
      return Duration.ofSeconds(((Number) value).longValue());
    }
    if (value instanceof BigInteger b) {
      if (b.bitLength() >= 64) {
        throw new IllegalArgumentException("invalid interval value " + b + ": out of range");
      }
      return Duration.ofSeconds(b.longValue());
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d) || d != Math.rint(d)) {
        throw new IllegalArgumentException(
            "invalid interval value " + value + ": must be a whole number of seconds");
      }
      if (Math.abs(d) > 9.2e18 / 1e9) {
        throw new IllegalArgumentException("invalid interval value " + value + ": out of range");
      }
      return Duration.ofSeconds((long) d);
    }
    if (value instanceof String str) {
      String s = str.trim();
      if (s.isEmpty()) {
        throw new IllegalArgumentException("invalid interval value: must not be empty");
      }
      if (s.matches("[-+]?[0-9]+")) {
        try {
          return Duration.ofSeconds(Long.parseLong(s));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("invalid interval value \"" + s + "\": out of range");
        }
      }
      BigInteger nanos = goDurationNanos(s);
      if (nanos == null) {
        throw new IllegalArgumentException(
            "invalid interval value \"" + s + "\": must be seconds or a Go duration");
      }
      if (nanos.bitLength() >= 64) {
        throw new IllegalArgumentException("invalid interval value \"" + s + "\": out of range");
      }
      BigInteger[] qr = nanos.divideAndRemainder(BigInteger.valueOf(1_000_000_000L));
      if (qr[1].signum() != 0) {
        throw new IllegalArgumentException(
            "invalid interval value \"" + s + "\": must resolve to full seconds");
      }
      return Duration.ofSeconds(qr[0].longValue());
    }
    String type =
        value instanceof Boolean
            ? "bool"
            : value == null ? "nil" : value.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    throw new IllegalArgumentException(
        "invalid interval type " + type + ": expected number or string");
  }

  /**
   * Go's {@code time.ParseDuration}, in nanoseconds (exact, possibly beyond int64); null when the
   * text is not a duration.
   */
  static @Nullable BigInteger goDurationNanos(String text) {
    String s = text;
    boolean neg = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      neg = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return BigInteger.ZERO;
    }
    if (s.isEmpty()) {
      return null;
    }
    BigDecimal total = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && Character.isDigit(s.charAt(i))) {
        i++;
      }
      String intPart = s.substring(start, i);
      String frac = "";
      if (i < s.length() && s.charAt(i) == '.') {
        i++;
        int fs = i;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
          i++;
        }
        frac = s.substring(fs, i);
        if (intPart.isEmpty() && frac.isEmpty()) {
          return null;
        }
      } else if (intPart.isEmpty()) {
        return null;
      }
      int us = i;
      while (i < s.length() && s.charAt(i) != '.' && !Character.isDigit(s.charAt(i))) {
        i++;
      }
      String unit = s.substring(us, i);
      long perUnit;
      switch (unit) {
        case "ns" -> perUnit = 1L;
        case "us", "µs", "μs" -> perUnit = 1_000L;
        case "ms" -> perUnit = 1_000_000L;
        case "s" -> perUnit = 1_000_000_000L;
        case "m" -> perUnit = 60_000_000_000L;
        case "h" -> perUnit = 3_600_000_000_000L;
        default -> {
          return null;
        }
      }
      BigDecimal number =
          new BigDecimal((intPart.isEmpty() ? "0" : intPart) + (frac.isEmpty() ? "" : "." + frac));
      // Go truncates fractional nanoseconds.
      total =
          total.add(
              number
                  .multiply(BigDecimal.valueOf(perUnit))
                  .setScale(0, java.math.RoundingMode.DOWN));
    }
    BigInteger n = total.toBigInteger();
    return neg ? n.negate() : n;
  }
}
