package dev.doco.core.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {
  @Test
  void parse_readsObjectsArraysStringsNumbersAndLiterals() {
    Map<String, Object> m =
        Json.parseObject("{\"a\":\"x\\u00e9\\n\",\"b\":[1,-2.5e3,true,false,null],\"c\":{}}");
    assertEquals("xé\n", m.get("a"));
    assertEquals(
        java.util.Arrays.asList(new BigDecimal("1"), new BigDecimal("-2.5e3"), true, false, null),
        m.get("b"));
    assertEquals(Map.of(), m.get("c"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "{",
        "{\"a\":1,}",
        "{\"a\":1}x",
        "{\"a\":1,\"a\":2}",
        "{'a':1}",
        "[01]",
        "{\"a\":\"\u0001\"}",
        "// c\n{}"
      })
  void parse_rejectsMalformedInput(String text) {
    assertThrows(Json.JsonException.class, () -> Json.parse(text));
  }

  @Test
  void parse_rejectsDeepNesting() {
    assertThrows(Json.JsonException.class, () -> Json.parse("[".repeat(100) + "]".repeat(100)));
  }

  @Test
  void write_thenParse_roundTrips() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("s", "quote \" backslash \\ tab \t ctl \u0002");
    m.put("n", 42);
    m.put("l", List.of("a", true));
    m.put("z", null);
    String text = Json.write(m);
    assertEquals(
        "{\"s\":\"quote \\\" backslash \\\\ tab \\t ctl \\u0002\",\"n\":42,\"l\":[\"a\",true],\"z\":null}",
        text);
    Map<String, Object> back = Json.parseObject(text);
    assertEquals(m.get("s"), back.get("s"));
    assertEquals(new BigDecimal(42), back.get("n"));
  }
}
