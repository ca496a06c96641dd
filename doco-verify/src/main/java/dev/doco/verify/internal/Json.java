package dev.doco.verify.internal;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A small strict JSON reader for signature material: objects become {@code Map<String,Object>},
 * arrays {@code List<Object>}, numbers {@link BigDecimal} (exact, so 64-bit log indexes survive),
 * {@code null} becomes {@link #NULL}. Duplicate keys and trailing content are errors, nesting is
 * capped: a parser that disagrees with the signer's about what a document says is a classic
 * signature bypass.
 */
public final class Json {
  /** The JSON {@code null} value. */
  public static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  private static final int MAX_DEPTH = 64;

  private final String s;
  private int pos;

  private Json(String s) {
    this.s = s;
  }

  /** Parses a whole JSON document. */
  public static Object parse(String text) throws SignatureCheckException {
    Json p = new Json(text);
    p.ws();
    Object v = p.value(0);
    p.ws();
    if (p.pos != text.length()) {
      throw p.error("trailing content");
    }
    return v;
  }

  public static Object parse(byte[] utf8) throws SignatureCheckException {
    return parse(new String(utf8, StandardCharsets.UTF_8));
  }

  /** Parses a document that must be an object. */
  public static Map<String, Object> parseObject(byte[] utf8, String what)
      throws SignatureCheckException {
    Object v = parse(utf8);
    if (!(v instanceof Map)) {
      throw new SignatureCheckException(what + " is not a JSON object");
    }
    return asMap(v);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object v) {
    return (Map<String, Object>) v;
  }

  // ------------------------------------------------------------------ accessors

  /** {@code o[key]} as an object, or null when absent or JSON null. */
  public static @Nullable Map<String, Object> object(Map<String, Object> o, String key)
      throws SignatureCheckException {
    Object v = o.get(key);
    if (v == null || v == NULL) {
      return null;
    }
    if (!(v instanceof Map)) {
      throw new SignatureCheckException("field " + key + " is not an object");
    }
    return asMap(v);
  }

  public static Map<String, Object> requireObject(Map<String, Object> o, String key)
      throws SignatureCheckException {
    Map<String, Object> v = object(o, key);
    if (v == null) {
      throw new SignatureCheckException("missing field " + key);
    }
    return v;
  }

  /** {@code o[key]} as an array (empty when absent). */
  @SuppressWarnings("unchecked")
  public static List<Object> array(Map<String, Object> o, String key)
      throws SignatureCheckException {
    Object v = o.get(key);
    if (v == null || v == NULL) {
      return List.of();
    }
    if (!(v instanceof List)) {
      throw new SignatureCheckException("field " + key + " is not an array");
    }
    return (List<Object>) v;
  }

  /** The array elements that must be objects. */
  public static List<Map<String, Object>> objects(Map<String, Object> o, String key)
      throws SignatureCheckException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object e : array(o, key)) {
      if (!(e instanceof Map)) {
        throw new SignatureCheckException("field " + key + " holds a non-object");
      }
      out.add(asMap(e));
    }
    return out;
  }

  /** {@code o[key]} as a string, or null when absent or JSON null. */
  public static @Nullable String string(Map<String, Object> o, String key)
      throws SignatureCheckException {
    Object v = o.get(key);
    if (v == null || v == NULL) {
      return null;
    }
    if (!(v instanceof String)) {
      throw new SignatureCheckException("field " + key + " is not a string");
    }
    return (String) v;
  }

  public static String requireString(Map<String, Object> o, String key)
      throws SignatureCheckException {
    String v = string(o, key);
    if (v == null) {
      throw new SignatureCheckException("missing field " + key);
    }
    return v;
  }

  /**
   * {@code o[key]} as an integer, given either as a JSON number or (protobuf JSON mapping of int64)
   * as a decimal string; null when absent.
   */
  public static @Nullable Long longValue(Map<String, Object> o, String key)
      throws SignatureCheckException {
    Object v = o.get(key);
    if (v == null || v == NULL) {
      return null;
    }
    try {
      if (v instanceof BigDecimal) {
        return ((BigDecimal) v).longValueExact();
      }
      if (v instanceof String && ((String) v).matches("-?[0-9]{1,19}")) {
        return Long.parseLong((String) v);
      }
    } catch (ArithmeticException | NumberFormatException e) {
      // fall through
    }
    throw new SignatureCheckException("field " + key + " is not an integer");
  }

  public static long requireLong(Map<String, Object> o, String key) throws SignatureCheckException {
    Long v = longValue(o, key);
    if (v == null) {
      throw new SignatureCheckException("missing field " + key);
    }
    return v;
  }

  // ------------------------------------------------------------------ parser

  private SignatureCheckException error(String what) {
    return new SignatureCheckException("invalid JSON (" + what + " at offset " + pos + ")");
  }

  private void ws() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else {
        break;
      }
    }
  }

  private Object value(int depth) throws SignatureCheckException {
    if (depth > MAX_DEPTH) {
      throw error("nesting too deep");
    }
    if (pos >= s.length()) {
      throw error("unexpected end");
    }
    char c = s.charAt(pos);
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", NULL);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected character '" + c + "'");
    }
  }

  private Object literal(String word, Object v) throws SignatureCheckException {
    if (!s.startsWith(word, pos)) {
      throw error("bad literal");
    }
    pos += word.length();
    return v;
  }

  private Map<String, Object> object(int depth) throws SignatureCheckException {
    pos++; // {
    Map<String, Object> m = new LinkedHashMap<>();
    ws();
    if (pos < s.length() && s.charAt(pos) == '}') {
      pos++;
      return Collections.unmodifiableMap(m);
    }
    while (true) {
      ws();
      if (pos >= s.length() || s.charAt(pos) != '"') {
        throw error("expected a key");
      }
      String key = string();
      ws();
      expect(':');
      ws();
      Object v = value(depth + 1);
      if (m.put(key, v) != null) {
        throw error("duplicate key \"" + key + "\"");
      }
      ws();
      if (pos < s.length() && s.charAt(pos) == ',') {
        pos++;
        continue;
      }
      expect('}');
      return Collections.unmodifiableMap(m);
    }
  }

  private List<Object> array(int depth) throws SignatureCheckException {
    pos++; // [
    List<Object> l = new ArrayList<>();
    ws();
    if (pos < s.length() && s.charAt(pos) == ']') {
      pos++;
      return Collections.unmodifiableList(l);
    }
    while (true) {
      ws();
      l.add(value(depth + 1));
      ws();
      if (pos < s.length() && s.charAt(pos) == ',') {
        pos++;
        continue;
      }
      expect(']');
      return Collections.unmodifiableList(l);
    }
  }

  private void expect(char c) throws SignatureCheckException {
    if (pos >= s.length() || s.charAt(pos) != c) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private String string() throws SignatureCheckException {
    pos++; // "
    StringBuilder b = new StringBuilder();
    while (true) {
      if (pos >= s.length()) {
        throw error("unterminated string");
      }
      char c = s.charAt(pos++);
      if (c == '"') {
        return b.toString();
      }
      if (c < 0x20) {
        throw error("control character in string");
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (pos >= s.length()) {
        throw error("unterminated escape");
      }
      char e = s.charAt(pos++);
      switch (e) {
        case '"':
        case '\\':
        case '/':
          b.append(e);
          break;
        case 'b':
          b.append('\b');
          break;
        case 'f':
          b.append('\f');
          break;
        case 'n':
          b.append('\n');
          break;
        case 'r':
          b.append('\r');
          break;
        case 't':
          b.append('\t');
          break;
        case 'u':
          if (pos + 4 > s.length()) {
            throw error("bad \\u escape");
          }
          try {
            b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
          } catch (NumberFormatException ex) {
            throw error("bad \\u escape");
          }
          pos += 4;
          break;
        default:
          throw error("bad escape");
      }
    }
  }

  private BigDecimal number() throws SignatureCheckException {
    int start = pos;
    if (s.charAt(pos) == '-') {
      pos++;
    }
    while (pos < s.length() && "0123456789.eE+-".indexOf(s.charAt(pos)) >= 0) {
      pos++;
    }
    String t = s.substring(start, pos);
    if (!t.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
      throw error("bad number");
    }
    return new BigDecimal(t);
  }
}
