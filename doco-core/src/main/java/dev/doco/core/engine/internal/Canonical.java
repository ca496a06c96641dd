package dev.doco.core.engine.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A stable text form of configuration values (records, maps, lists, scalars) for hashing: record
 * components in declaration order, map keys sorted. Adding a component to a config record changes
 * the hash only when its value is set (a record's new component is part of the text).
 */
public final class Canonical {
  /** Components that say where a value was read from, not what it means. */
  private static final Set<String> LOCATION_COMPONENTS = Set.of("origin", "document");

  private Canonical() {}

  /** The canonical text of {@code value}. */
  public static String text(@Nullable Object value) {
    StringBuilder b = new StringBuilder();
    append(b, value);
    return b.toString();
  }

  /** {@code sha256:<hex>} of the canonical text of all {@code values}, in order. */
  public static String hash(@Nullable Object... values) {
    StringBuilder b = new StringBuilder();
    for (Object v : values) {
      append(b, v);
      b.append('\n');
    }
    return "sha256:" + sha256Hex(b.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Lower-case hex SHA-256 of {@code bytes}. */
  public static String sha256Hex(byte[] bytes) {
    try {
      return hex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Lower-case hex of {@code bytes}. */
  public static String hex(byte[] bytes) {
    StringBuilder b = new StringBuilder(bytes.length * 2);
    for (byte x : bytes) {
      b.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
    }
    return b.toString();
  }

  private static void append(StringBuilder b, @Nullable Object value) {
    if (value == null) {
      b.append("null");
    } else if (value instanceof String s) {
      Json.quote(b, s);
    } else if (value instanceof Optional<?> o) {
      append(b, o.orElse(null));
    } else if (value instanceof Record r) {
      b.append(r.getClass().getSimpleName()).append('{');
      boolean first = true;
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        if (LOCATION_COMPONENTS.contains(c.getName())) {
          continue;
        }
        if (!first) {
          b.append(',');
        }
        first = false;
        b.append(c.getName()).append('=');
        try {
          append(b, c.getAccessor().invoke(r));
        } catch (IllegalAccessException | InvocationTargetException e) {
          throw new IllegalStateException("cannot read " + c.getName() + " of " + r.getClass(), e);
        }
      }
      b.append('}');
    } else if (value instanceof Map<?, ?> m) {
      Map<String, @Nullable Object> sorted = new TreeMap<>();
      m.forEach((k, v) -> sorted.put(String.valueOf(k), v));
      b.append('{');
      boolean first = true;
      for (Map.Entry<String, @Nullable Object> e : sorted.entrySet()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        Json.quote(b, e.getKey());
        b.append('=');
        append(b, e.getValue());
      }
      b.append('}');
    } else if (value instanceof Collection<?> c) {
      b.append('[');
      boolean first = true;
      for (Object o : c) {
        if (!first) {
          b.append(',');
        }
        first = false;
        append(b, o);
      }
      b.append(']');
    } else if (value instanceof Enum<?> e) {
      b.append(e.name());
    } else {
      b.append(value);
    }
  }
}
