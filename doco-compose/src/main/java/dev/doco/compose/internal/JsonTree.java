package dev.doco.compose.internal;

import com.squareup.moshi.JsonReader;
import com.squareup.moshi.JsonWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * JSON as plain Java values that survive a round trip unchanged: objects are insertion-ordered
 * {@link LinkedHashMap}s, arrays {@link ArrayList}s, numbers {@link BigDecimal}s (so {@code 8080}
 * stays {@code 8080}, not {@code 8080.0}), plus strings, booleans and {@code null}.
 */
public final class JsonTree {
  private JsonTree() {}

  /** Parses one JSON value. */
  public static @Nullable Object parse(String json) throws IOException {
    JsonReader reader = JsonReader.of(new Buffer().writeUtf8(json));
    reader.setLenient(false);
    Object value = read(reader);
    if (reader.peek() != JsonReader.Token.END_DOCUMENT) {
      throw new IOException("trailing data after JSON value at " + reader.getPath());
    }
    return value;
  }

  /** Parses a JSON object; anything else is an {@link IOException}. */
  @SuppressWarnings("unchecked")
  public static Map<String, @Nullable Object> parseObject(String json) throws IOException {
    Object value = parse(json);
    if (!(value instanceof Map)) {
      throw new IOException("expected a JSON object");
    }
    return (Map<String, @Nullable Object>) value;
  }

  /** Writes {@code value} as indented JSON. */
  public static String write(@Nullable Object value) {
    Buffer buffer = new Buffer();
    try (JsonWriter writer = JsonWriter.of(buffer)) {
      writer.setIndent("  ");
      writer.setSerializeNulls(true);
      write(writer, value);
    } catch (IOException e) {
      throw new IllegalStateException("writing JSON to memory failed", e);
    }
    return buffer.readUtf8() + "\n";
  }

  private static @Nullable Object read(JsonReader reader) throws IOException {
    switch (reader.peek()) {
      case BEGIN_OBJECT:
        {
          Map<String, @Nullable Object> map = new LinkedHashMap<>();
          reader.beginObject();
          while (reader.hasNext()) {
            map.put(reader.nextName(), read(reader));
          }
          reader.endObject();
          return map;
        }
      case BEGIN_ARRAY:
        {
          List<@Nullable Object> list = new ArrayList<>();
          reader.beginArray();
          while (reader.hasNext()) {
            list.add(read(reader));
          }
          reader.endArray();
          return list;
        }
      case STRING:
        return reader.nextString();
      case NUMBER:
        return new BigDecimal(reader.nextString());
      case BOOLEAN:
        return reader.nextBoolean();
      case NULL:
        return reader.nextNull();
      default:
        throw new IOException("unexpected JSON token " + reader.peek() + " at " + reader.getPath());
    }
  }

  private static void write(JsonWriter writer, @Nullable Object value) throws IOException {
    if (value == null) {
      writer.nullValue();
    } else if (value instanceof Map<?, ?> map) {
      writer.beginObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        writer.name(String.valueOf(e.getKey()));
        write(writer, e.getValue());
      }
      writer.endObject();
    } else if (value instanceof List<?> list) {
      writer.beginArray();
      for (Object o : list) {
        write(writer, o);
      }
      writer.endArray();
    } else if (value instanceof Boolean b) {
      writer.value(b);
    } else if (value instanceof Number n) {
      writer.value(n);
    } else {
      writer.value(value.toString());
    }
  }
}
