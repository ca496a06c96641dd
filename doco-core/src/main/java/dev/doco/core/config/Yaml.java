package dev.doco.core.config;

import dev.doco.core.ConfigException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * YAML reading on SnakeYAML Engine's node API, with Go {@code yaml.v3} decoding rules (what doco-cd
 * uses) and file / document / line for every error and warning.
 */
final class Yaml {
  private Yaml() {}

  /** The resolved kind of a scalar, as Go yaml.v3 resolves plain scalars. */
  enum Kind {
    NULL("!!null"),
    BOOL("!!bool"),
    INT("!!int"),
    FLOAT("!!float"),
    STR("!!str");

    final String tag;

    Kind(String tag) {
      this.tag = tag;
    }
  }

  private static final Pattern FLOAT =
      Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  private static final Pattern SPECIAL_FLOAT =
      Pattern.compile("[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");
  private static final Set<String> TRUE_11 =
      Set.of("y", "Y", "yes", "Yes", "YES", "on", "On", "ON");
  private static final Set<String> FALSE_11 =
      Set.of("n", "N", "no", "No", "NO", "off", "Off", "OFF");

  /** One YAML document of a stream: its zero-based index and its root node (null when empty). */
  record Document(int index, @Nullable Node root) {}

  /**
   * All documents of {@code text}.
   *
   * @param errorPrefix prefix of the detail of a syntax error (e.g. {@code "failed to decode yaml:
   *     "})
   */
  static List<Document> documents(String text, String origin, String errorPrefix) {
    LoadSettings settings = LoadSettings.builder().setLabel(origin).setUseMarks(true).build();
    List<Document> docs = new ArrayList<>();
    try {
      for (Node n : new Compose(settings).composeAllFromString(text)) {
        boolean empty =
            n instanceof ScalarNode s && s.getTag().equals(Tag.NULL) && s.getValue().isEmpty();
        docs.add(new Document(docs.size(), empty ? null : n));
      }
    } catch (MarkedYamlEngineException e) {
      int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(-1);
      String problem = e.getProblem();
      String context = e.getContext();
      String detail =
          (context == null || context.isEmpty() ? "" : context + ": ")
              + (problem == null ? e.getClass().getSimpleName() : problem);
      throw new ConfigException(errorPrefix + detail, origin, docs.size(), line, e);
    } catch (YamlEngineException e) {
      throw new ConfigException(
          errorPrefix + String.valueOf(e.getMessage()), origin, docs.size(), -1, e);
    }
    return docs;
  }

  /** One-based line of {@code node}, or -1. */
  static int line(@Nullable Node node) {
    if (node == null) {
      return -1;
    }
    Optional<Mark> m = node.getStartMark();
    return m.map(mark -> mark.getLine() + 1).orElse(-1);
  }

  /** "origin, document N, line L" (parts omitted when unknown). */
  static String where(String origin, int document, int line) {
    StringBuilder sb = new StringBuilder(origin);
    if (document >= 0) {
      sb.append(sb.length() > 0 ? ", " : "").append("document ").append(document + 1);
    }
    if (line > 0) {
      sb.append(sb.length() > 0 ? ", " : "").append("line ").append(line);
    }
    return sb.toString();
  }

  /** A key and its value in a mapping. */
  record Entry(String key, Node keyNode, Node value) {}

  /**
   * Where we are: origin, document, the prefix for validation messages, and the warning sink. All
   * reading helpers throw {@link ConfigException}s located at the offending node.
   */
  static final class Ctx {
    final String origin;
    final int document;
    final String prefix;
    final Consumer<String> warnings;
    final String decodePrefix;

    Ctx(String origin, int document, String prefix, Consumer<String> warnings) {
      this(origin, document, prefix, warnings, "failed to decode yaml: ");
    }

    Ctx(
        String origin,
        int document,
        String prefix,
        Consumer<String> warnings,
        String decodePrefix) {
      this.origin = origin;
      this.document = document;
      this.prefix = prefix;
      this.warnings = warnings;
      this.decodePrefix = decodePrefix;
    }

    /** A validation error: {@code prefix + detail}. */
    ConfigException error(@Nullable Node at, String detail) {
      return new ConfigException(prefix + detail, origin, document, line(at));
    }

    /** A decoding (type) error, as yaml.v3 words it. */
    ConfigException decodeError(@Nullable Node at, String detail) {
      return new ConfigException(decodePrefix + detail, origin, document, line(at));
    }

    void warn(@Nullable Node at, String detail) {
      warnings.accept(where(origin, document, line(at)) + ": " + detail);
    }

    /**
     * The entries of a mapping, in order, with merge keys ({@code <<}) applied; duplicate keys are
     * an error (as in yaml.v3).
     *
     * @param what the Go-ish type name for the error message
     */
    Map<String, Entry> mapping(Node node, String what) {
      if (!(node instanceof MappingNode m)) {
        throw decodeError(node, "cannot unmarshal " + describe(node) + " into " + what);
      }
      Map<String, Entry> explicit = new LinkedHashMap<>();
      Map<String, Entry> merged = new LinkedHashMap<>();
      for (NodeTuple t : m.getValue()) {
        Node k = t.getKeyNode();
        Node v = t.getValueNode();
        if (!(k instanceof ScalarNode ks)) {
          throw decodeError(k, "mapping keys must be strings in " + what);
        }
        String key = ks.getValue();
        if (ks.isPlain() && key.equals("<<")) {
          merge(v, merged);
          continue;
        }
        Entry previous = explicit.put(key, new Entry(key, k, v));
        if (previous != null) {
          throw decodeError(
              k,
              "mapping key \""
                  + key
                  + "\" already defined at line "
                  + line(previous.keyNode())
                  + "; remove one of them");
        }
      }
      Map<String, Entry> all = new LinkedHashMap<>(merged);
      all.putAll(explicit);
      return all;
    }

    private void merge(Node value, Map<String, Entry> into) {
      if (value instanceof MappingNode) {
        for (Entry e : mapping(value, "merge").values()) {
          into.putIfAbsent(e.key(), e);
        }
      } else if (value instanceof SequenceNode s) {
        for (Node item : s.getValue()) {
          merge(item, into);
        }
      } else {
        throw decodeError(value, "map merge requires map or sequence of maps as the value");
      }
    }

    /** Warns about each key not in {@code known}, suggesting the nearest known key. */
    void warnUnknown(Map<String, Entry> entries, Set<String> known, String section) {
      for (Entry e : entries.values()) {
        if (!known.contains(e.key())) {
          String hint = suggest(e.key(), known).map(s -> " (did you mean '" + s + "'?)").orElse("");
          warn(
              e.keyNode(),
              "unknown key '"
                  + e.key()
                  + "'"
                  + (section.isEmpty() ? "" : " in " + section)
                  + " is ignored"
                  + hint);
        }
      }
    }

    String string(Node v, String key) {
      if (v instanceof ScalarNode s) {
        return kind(s) == Kind.NULL ? "" : s.getValue();
      }
      throw decodeError(v, "cannot unmarshal " + describe(v) + " into string (key " + key + ")");
    }

    /** A Go {@code bool}: YAML 1.2 booleans, plus the YAML 1.1 words yaml.v3 accepts for bools. */
    boolean bool(Node v, String key) {
      Boolean b = boolOrNull(v);
      if (b == null) {
        throw decodeError(v, "cannot unmarshal " + describe(v) + " into bool (key " + key + ")");
      }
      return b;
    }

    /** A bool, or null when {@code v} is not one (a null scalar is false, like Go's zero value). */
    @Nullable Boolean boolOrNull(Node v) {
      if (!(v instanceof ScalarNode s)) {
        return null;
      }
      Kind k = kind(s);
      String val = s.getValue();
      if (k == Kind.NULL) {
        return false;
      }
      if (k == Kind.BOOL) {
        return val.equalsIgnoreCase("true");
      }
      if (k == Kind.STR) {
        if (TRUE_11.contains(val)) {
          return true;
        }
        if (FALSE_11.contains(val)) {
          return false;
        }
      }
      return null;
    }

    /** A Go {@code int}: an integer, or a float with a whole value. */
    long integer(Node v, String key) {
      if (v instanceof ScalarNode s) {
        Kind k = kind(s);
        if (k == Kind.NULL) {
          return 0;
        }
        if (k == Kind.INT) {
          BigInteger big = parseInt(s.getValue());
          if (big != null && big.bitLength() < 64) {
            return big.longValue();
          }
          throw decodeError(v, "value " + s.getValue() + " of key " + key + " is out of range");
        }
        if (k == Kind.FLOAT) {
          double d = parseFloat(s.getValue());
          if (d == Math.rint(d) && Math.abs(d) < 9.0e18) {
            return (long) d;
          }
        }
      }
      throw decodeError(v, "cannot unmarshal " + describe(v) + " into int (key " + key + ")");
    }

    int int32(Node v, String key) {
      long l = integer(v, key);
      if (l > Integer.MAX_VALUE || l < Integer.MIN_VALUE) {
        throw decodeError(v, "value " + l + " of key " + key + " is out of range");
      }
      return (int) l;
    }

    /** A {@code []string}; null is an empty list. */
    List<String> stringList(Node v, String key) {
      if (v instanceof ScalarNode s && kind(s) == Kind.NULL) {
        return List.of();
      }
      if (!(v instanceof SequenceNode seq)) {
        throw decodeError(
            v,
            "cannot unmarshal "
                + describe(v)
                + " into []string (key "
                + key
                + "); write a YAML list, e.g. "
                + key
                + ": [a, b]");
      }
      List<String> out = new ArrayList<>();
      for (Node item : seq.getValue()) {
        out.add(string(item, key + " item"));
      }
      return out;
    }

    /** A {@code map[string]string}; null is an empty map. Scalars keep their written text. */
    Map<String, String> stringMap(Node v, String key) {
      if (v instanceof ScalarNode s && kind(s) == Kind.NULL) {
        return Map.of();
      }
      Map<String, String> out = new LinkedHashMap<>();
      for (Entry e : mapping(v, "map[string]string (key " + key + ")").values()) {
        out.put(e.key(), string(e.value(), key + "." + e.key()));
      }
      return out;
    }

    /** A plain Java value: String (scalars as written), Map, List; null scalars become "". */
    Object plain(Node v) {
      if (v instanceof ScalarNode s) {
        return kind(s) == Kind.NULL ? "" : s.getValue();
      }
      if (v instanceof SequenceNode seq) {
        List<Object> out = new ArrayList<>();
        for (Node n : seq.getValue()) {
          out.add(plain(n));
        }
        return List.copyOf(out);
      }
      Map<String, Object> out = new LinkedHashMap<>();
      for (Entry e : mapping(v, "map").values()) {
        out.put(e.key(), plain(e.value()));
      }
      return java.util.Collections.unmodifiableMap(out);
    }
  }

  static boolean isNull(Node v) {
    return v instanceof ScalarNode s && kind(s) == Kind.NULL;
  }

  /** The resolved kind of a scalar (plain scalars resolved as yaml.v3 does; quoted are strings). */
  static Kind kind(ScalarNode s) {
    return s.isPlain() ? resolvePlain(s.getValue()) : Kind.STR;
  }

  static Kind resolvePlain(String v) {
    switch (v) {
      case "", "~", "null", "Null", "NULL":
        return Kind.NULL;
      case "true", "True", "TRUE", "false", "False", "FALSE":
        return Kind.BOOL;
      default:
        break;
    }
    if (v.isEmpty() || "+-0123456789.".indexOf(v.charAt(0)) < 0) {
      return Kind.STR;
    }
    if (parseInt(v) != null) {
      return Kind.INT;
    }
    if (FLOAT.matcher(v).matches() || SPECIAL_FLOAT.matcher(v).matches()) {
      return Kind.FLOAT;
    }
    return Kind.STR;
  }

  /** Go {@code strconv.ParseInt(s, 0, 64)} after removing underscores; null when not an integer. */
  static @Nullable BigInteger parseInt(String raw) {
    String s = raw.replace("_", "");
    boolean neg = false;
    if (s.startsWith("+") || s.startsWith("-")) {
      neg = s.charAt(0) == '-';
      s = s.substring(1);
    }
    int radix = 10;
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.startsWith("0x")) {
      radix = 16;
      s = s.substring(2);
    } else if (lower.startsWith("0o")) {
      radix = 8;
      s = s.substring(2);
    } else if (lower.startsWith("0b")) {
      radix = 2;
      s = s.substring(2);
    } else if (s.length() > 1 && s.startsWith("0")) {
      radix = 8;
      s = s.substring(1);
    }
    if (s.isEmpty()) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.digit(s.charAt(i), radix) < 0) {
        return null;
      }
    }
    BigInteger b = new BigInteger(s, radix);
    return neg ? b.negate() : b;
  }

  static double parseFloat(String v) {
    String s = v.replace("_", "");
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".inf")) {
      return s.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (lower.equals(".nan")) {
      return Double.NaN;
    }
    return Double.parseDouble(s);
  }

  /** "!!seq", "!!map", or "!!str `value`" etc., as yaml.v3 words a type error. */
  static String describe(Node n) {
    if (n instanceof MappingNode) {
      return "!!map";
    }
    if (n instanceof SequenceNode) {
      return "!!seq";
    }
    ScalarNode s = (ScalarNode) n;
    return kind(s).tag + " `" + s.getValue() + "`";
  }

  /** The known key closest to {@code key} (edit distance at most 2, or a prefix), if any. */
  static Optional<String> suggest(String key, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(key.toLowerCase(Locale.ROOT), k);
      if (d < bestDistance || (d == bestDistance && best != null && k.compareTo(best) < 0)) {
        best = k;
        bestDistance = d;
      }
    }
    if (best != null && (bestDistance <= 2 || best.startsWith(key) || key.startsWith(best))) {
      return Optional.of(best);
    }
    return Optional.empty();
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** Go's {@code path.Clean} for slash-separated paths. */
  static String clean(String path) {
    if (path.isEmpty()) {
      return ".";
    }
    boolean rooted = path.startsWith("/");
    List<String> out = new ArrayList<>();
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
          out.remove(out.size() - 1);
        } else if (!rooted) {
          out.add("..");
        }
        continue;
      }
      out.add(part);
    }
    String joined = String.join("/", out);
    if (rooted) {
      return "/" + joined;
    }
    return joined.isEmpty() ? "." : joined;
  }

  /** Go's {@code filepath.IsLocal} (Unix): not empty, not absolute, does not climb out. */
  static boolean isLocal(String path) {
    if (path.isEmpty() || path.startsWith("/")) {
      return false;
    }
    String c = clean(path);
    return !(c.equals("..") || c.startsWith("../"));
  }
}
