package dev.doco.oci.internal.auth;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.JsonDataException;
import com.squareup.moshi.Moshi;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Lenient-free JSON reading into maps and lists (Moshi), with typed accessors. */
public final class Json {
  private static final JsonAdapter<Object> ADAPTER =
      new Moshi.Builder().build().adapter(Object.class);

  private Json() {}

  /** Parses a JSON document; objects become maps, arrays lists, numbers doubles. */
  public static @Nullable Object parse(byte[] bytes) throws IOException {
    try {
      return ADAPTER.fromJson(new String(bytes, StandardCharsets.UTF_8));
    } catch (JsonDataException e) {
      throw new IOException("invalid JSON: " + e.getMessage(), e);
    }
  }

  /** Parses a JSON object. */
  public static Map<?, ?> parseObject(byte[] bytes) throws IOException {
    Object o = parse(bytes);
    if (o instanceof Map<?, ?> m) {
      return m;
    }
    throw new IOException("expected a JSON object");
  }

  public static @Nullable String string(Map<?, ?> m, String key) {
    Object v = m.get(key);
    return v instanceof String s ? s : null;
  }

  public static @Nullable Map<?, ?> object(Map<?, ?> m, String key) {
    Object v = m.get(key);
    return v instanceof Map<?, ?> x ? x : null;
  }

  public static @Nullable List<?> list(Map<?, ?> m, String key) {
    Object v = m.get(key);
    return v instanceof List<?> x ? x : null;
  }

  /** A number as long, or {@code dflt} when absent or not a number. */
  public static long number(Map<?, ?> m, String key, long dflt) {
    Object v = m.get(key);
    return v instanceof Number n ? n.longValue() : dflt;
  }
}
