package dev.doco.oci.pack;

import dev.doco.core.spi.Descriptor;
import java.util.Map;
import java.util.TreeMap;

/** Byte-exact JSON for manifests we write (fixed key order, no whitespace). */
final class Json {
  private Json() {}

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }

  static String map(Map<String, String> m) {
    StringBuilder b = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, String> e : new TreeMap<>(m).entrySet()) {
      if (!first) {
        b.append(',');
      }
      first = false;
      b.append(quote(e.getKey())).append(':').append(quote(e.getValue()));
    }
    return b.append('}').toString();
  }

  static String descriptor(Descriptor d) {
    StringBuilder b = new StringBuilder("{\"mediaType\":");
    b.append(quote(d.mediaType()))
        .append(",\"digest\":")
        .append(quote(d.digest()))
        .append(",\"size\":")
        .append(d.size());
    if (!d.annotations().isEmpty()) {
      b.append(",\"annotations\":").append(map(d.annotations()));
    }
    return b.append('}').toString();
  }
}
