package dev.doco.oci.internal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChallengeTest {

  @Test
  void parse_bearerWithAllParams_inAnyOrderAndSpacing() {
    List<Challenge> c =
        Challenge.parseAll(
            List.of(
                "Bearer scope=\"repository:a/b:pull,push\" ,  service=\"reg\",realm=\"https://auth.example/token\""));
    assertEquals(1, c.size());
    assertEquals("bearer", c.get(0).scheme());
    assertEquals(
        Map.of(
            "realm", "https://auth.example/token",
            "service", "reg",
            "scope", "repository:a/b:pull,push"),
        c.get(0).params());
    assertEquals(List.of("repository:a/b:pull,push"), c.get(0).scopes());
  }

  @Test
  void parse_missingScopeAndService_isFine() {
    Challenge c = Challenge.parseAll(List.of("bearer realm=\"https://x/t\"")).get(0);
    assertEquals("https://x/t", c.param("realm"));
    assertNull(c.param("service"));
    assertEquals(List.of(), c.scopes());
  }

  @Test
  void parse_severalChallengesInOneHeader_prefersBearer() {
    List<Challenge> c =
        Challenge.parseAll(
            List.of(
                "Negotiate, Basic realm=\"Registry Realm\", Bearer realm=\"https://a/t\",service=\"s\""));
    assertEquals(
        List.of("negotiate", "basic", "bearer"), c.stream().map(Challenge::scheme).toList());
    assertEquals("Registry Realm", c.get(1).param("realm"));
    assertEquals("bearer", Challenge.preferred(c).scheme());
  }

  @Test
  void parse_basicOnly_isPreferredOverUnknownSchemes() {
    List<Challenge> c =
        Challenge.parseAll(List.of("Negotiate abc123==", "Basic realm=\"x\", charset=\"UTF-8\""));
    assertEquals("abc123==", c.get(0).param("token68"));
    assertEquals("UTF-8", c.get(1).param("charset"));
    assertEquals("basic", Challenge.preferred(c).scheme());
  }

  @Test
  void parse_quotedStringWithEscapesAndCommas() {
    Challenge c =
        Challenge.parseAll(List.of("Bearer realm=\"https://a/t?x=1,2\",error=\"say \\\"hi\\\"\""))
            .get(0);
    assertEquals("https://a/t?x=1,2", c.param("realm"));
    assertEquals("say \"hi\"", c.param("error"));
  }

  @Test
  void parse_unquotedValuesAndMultipleScopes() {
    Challenge c =
        Challenge.parseAll(
                List.of(
                    "BEARER realm=https://a/t, service=reg, scope=\"repository:a:pull repository:b:pull\""))
            .get(0);
    assertEquals("https://a/t", c.param("realm"));
    assertEquals("reg", c.param("service"));
    assertEquals(List.of("repository:a:pull", "repository:b:pull"), c.scopes());
  }

  @Test
  void preferred_whenNothingUsable_isNull() {
    assertNull(Challenge.preferred(Challenge.parseAll(List.of("Negotiate", ""))));
  }
}
