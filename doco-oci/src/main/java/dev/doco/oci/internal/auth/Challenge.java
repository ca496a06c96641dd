package dev.doco.oci.internal.auth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One authentication challenge from {@code WWW-Authenticate} (RFC 7235): a scheme (lower-cased) and
 * its parameters (names lower-cased, values unquoted).
 */
public record Challenge(String scheme, Map<String, String> params) {

  public Challenge {
    scheme = scheme.toLowerCase(Locale.ROOT);
    params = Map.copyOf(params);
  }

  public @Nullable String param(String name) {
    return params.get(name.toLowerCase(Locale.ROOT));
  }

  /** The space-separated {@code scope} parameter, split (empty when absent). */
  public List<String> scopes() {
    String s = param("scope");
    List<String> out = new ArrayList<>();
    if (s != null) {
      for (String p : s.split(" ")) {
        if (!p.isBlank()) {
          out.add(p);
        }
      }
    }
    return out;
  }

  /**
   * Parses every challenge in the given header values: several challenges per header, any parameter
   * order, optional whitespace, quoted strings with backslash escapes, token68.
   */
  public static List<Challenge> parseAll(List<String> headerValues) {
    List<Challenge> out = new ArrayList<>();
    for (String h : headerValues) {
      out.addAll(new Parser(h).parse());
    }
    return out;
  }

  /** The challenge to use: Bearer preferred, then Basic; null when neither is offered. */
  public static @Nullable Challenge preferred(List<Challenge> all) {
    for (Challenge c : all) {
      if (c.scheme.equals("bearer")) {
        return c;
      }
    }
    for (Challenge c : all) {
      if (c.scheme.equals("basic")) {
        return c;
      }
    }
    return null;
  }

  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    List<Challenge> parse() {
      List<Challenge> out = new ArrayList<>();
      while (true) {
        skipWsAndCommas();
        String scheme = token();
        if (scheme.isEmpty()) {
          break;
        }
        Map<String, String> params = new LinkedHashMap<>();
        skipWs();
        boolean first = true;
        while (pos < s.length()) {
          int save = pos;
          String name = token();
          if (name.isEmpty()) {
            if (peek() == ',') {
              pos++;
              skipWs();
              continue;
            }
            break;
          }
          skipWs();
          if (peek() == '=') {
            pos++;
            if (first && (peek() == '=' || peek() == ',' || pos >= s.length())) {
              // token68 ending in '=' padding
              StringBuilder t68 = new StringBuilder(name).append('=');
              while (peek() == '=') {
                pos++;
                t68.append('=');
              }
              params.put("token68", t68.toString());
              break;
            }
            skipWs();
            String value = peek() == '"' ? quoted() : bareValue();
            params.put(name.toLowerCase(Locale.ROOT), value);
            first = false;
            skipWs();
            if (peek() == ',') {
              pos++;
              skipWs();
            }
          } else if (first && (peek() == ',' || pos >= s.length())) {
            params.put("token68", name);
            break;
          } else {
            pos = save; // next challenge's scheme
            break;
          }
        }
        out.add(new Challenge(scheme, params));
      }
      return out;
    }

    private char peek() {
      return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private void skipWs() {
      while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
        pos++;
      }
    }

    private void skipWsAndCommas() {
      while (pos < s.length()
          && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t' || s.charAt(pos) == ',')) {
        pos++;
      }
    }

    private String token() {
      int start = pos;
      while (pos < s.length() && isTokenChar(s.charAt(pos))) {
        pos++;
      }
      return s.substring(start, pos);
    }

    private String bareValue() {
      int start = pos;
      while (pos < s.length() && s.charAt(pos) != ',' && s.charAt(pos) != ' ') {
        pos++;
      }
      return s.substring(start, pos);
    }

    private String quoted() {
      StringBuilder b = new StringBuilder();
      pos++; // opening quote
      while (pos < s.length()) {
        char c = s.charAt(pos++);
        if (c == '\\' && pos < s.length()) {
          b.append(s.charAt(pos++));
        } else if (c == '"') {
          break;
        } else {
          b.append(c);
        }
      }
      return b.toString();
    }

    private static boolean isTokenChar(char c) {
      return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={} \t".indexOf(c) < 0;
    }
  }
}
