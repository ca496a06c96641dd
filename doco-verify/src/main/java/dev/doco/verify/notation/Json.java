package dev.doco.verify.notation;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Strict JSON reading for envelopes, payloads and policies: one complete document, duplicate keys
 * rejected (Moshi's map adapter does so), typed accessors with precise messages.
 */
final class Json {
  private static final JsonAdapter<Object> ADAPTER =
      new Moshi.Builder().build().adapter(Object.class);

  private Json() {}

  /** Parses a JSON object (UTF-8). */
  static Map<String, Object> object(byte[] json, String what) throws Malformed {
    return object(new String(json, StandardCharsets.UTF_8), what);
  }

  /** Parses a JSON object. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> object(String json, String what) throws Malformed {
    Object value;
    try {
      value = ADAPTER.fromJson(json);
    } catch (IOException | RuntimeException e) {
      throw new Malformed(what + " is not valid JSON: " + e.getMessage(), e);
    }
    if (!(value instanceof Map)) {
      throw new Malformed(what + " is not a JSON object");
    }
    return (Map<String, Object>) value;
  }

  static String string(Map<String, Object> map, String key, String what) throws Malformed {
    String s = optString(map, key, what);
    if (s == null) {
      throw new Malformed(what + ": missing \"" + key + "\"");
    }
    return s;
  }

  static @Nullable String optString(Map<String, Object> map, String key, String what)
      throws Malformed {
    Object v = map.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new Malformed(what + ": \"" + key + "\" must be a string");
    }
    return s;
  }

  @SuppressWarnings("unchecked")
  static @Nullable Map<String, Object> optObject(Map<String, Object> map, String key, String what)
      throws Malformed {
    Object v = map.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Map)) {
      throw new Malformed(what + ": \"" + key + "\" must be an object");
    }
    return (Map<String, Object>) v;
  }

  static Map<String, Object> object(Map<String, Object> map, String key, String what)
      throws Malformed {
    Map<String, Object> o = optObject(map, key, what);
    if (o == null) {
      throw new Malformed(what + ": missing \"" + key + "\"");
    }
    return o;
  }

  /** A list of strings, or null when absent. */
  static @Nullable List<String> optStrings(Map<String, Object> map, String key, String what)
      throws Malformed {
    Object v = map.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof List<?> list)) {
      throw new Malformed(what + ": \"" + key + "\" must be an array of strings");
    }
    for (Object o : list) {
      if (!(o instanceof String)) {
        throw new Malformed(what + ": \"" + key + "\" must be an array of strings");
      }
    }
    @SuppressWarnings("unchecked")
    List<String> strings = (List<String>) list;
    return List.copyOf(strings);
  }

  /** A non-negative integer (JSON numbers arrive as doubles; reject fractions and overflow). */
  static long nonNegativeLong(Map<String, Object> map, String key, String what) throws Malformed {
    Object v = map.get(key);
    if (v == null) {
      throw new Malformed(what + ": missing \"" + key + "\"");
    }
    if (!(v instanceof Double d)
        || d < 0
        || d != Math.rint(d)
        || d >= 9.007199254740992E15 /* 2^53 */) {
      throw new Malformed(what + ": \"" + key + "\" must be a non-negative integer");
    }
    return d.longValue();
  }
}
