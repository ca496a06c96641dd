package dev.doco.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Edge cases of {@link Reference} found by mutation testing (PIT): the record constructor's own
 * validation, boundaries (port 65535, a 255-character name, a leading ':' or '@'), IPv6 registries
 * with and without a port, and which input an error message quotes.
 */
class ReferenceEdgeCasesTest {
  private static final String HEX = "a".repeat(64);

  private static String problem(String text) {
    return assertThrows(InvalidReferenceException.class, () -> Reference.parse(text)).getMessage();
  }

  @Test
  void constructor_withInvalidRegistry_isRefused() {
    assertThrows(
        InvalidReferenceException.class, () -> new Reference("bad_host!", "acme/cfg", "v1", null));
  }

  @Test
  void constructor_withInvalidRepository_isRefused() {
    assertThrows(
        InvalidReferenceException.class, () -> new Reference("ghcr.io", "Acme/Cfg", "v1", null));
  }

  @Test
  void constructor_withInvalidTag_isRefused() {
    assertThrows(
        InvalidReferenceException.class, () -> new Reference("ghcr.io", "acme/cfg", ".bad", null));
  }

  @Test
  void constructor_withInvalidDigest_isRefused() {
    assertThrows(
        InvalidReferenceException.class,
        () -> new Reference("ghcr.io", "acme/cfg", null, "sha256:1234"));
  }

  @Test
  void constructor_withValidParts_keepsThem() {
    Reference r = new Reference("ghcr.io", "acme/cfg", null, "sha256:" + HEX);
    assertEquals(Optional.empty(), r.tagValue());
    assertEquals(Optional.of("sha256:" + HEX), r.digestValue());
    assertEquals("sha256:" + HEX, r.identifier());
  }

  @Test
  void tagAndDigestValues_reflectTheParsedParts() {
    Reference tagged = Reference.parse("ghcr.io/acme/cfg:main");
    assertEquals(Optional.of("main"), tagged.tagValue());
    assertEquals(Optional.empty(), tagged.digestValue());
    Reference both = Reference.parse("ghcr.io/acme/cfg:main@sha256:" + HEX);
    assertEquals(Optional.of("main"), both.tagValue());
    assertEquals(Optional.of("sha256:" + HEX), both.digestValue());
  }

  @Test
  void digestOnly_withNothingBeforeTheAt_saysTheRepositoryIsEmpty() {
    assertTrue(problem("@sha256:" + HEX).contains("the repository name is empty"));
  }

  @Test
  void tagOnly_withNothingBeforeTheColon_saysTheRepositoryIsEmpty() {
    assertTrue(problem(":latest").contains("the repository name is empty"));
  }

  @Test
  void registryWithOnlyAPort_saysThereIsNoHost() {
    String message = problem(":5000/acme/cfg");
    assertTrue(message.contains("has no host before the ':'"), message);
  }

  @Test
  void digestWithEmptyAlgorithm_saysTheAlgorithmIsUnsupported() {
    String message = problem("ghcr.io/acme/cfg@:" + HEX);
    assertTrue(message.contains("digest algorithm '' is not supported"), message);
  }

  @Test
  void invalidRepository_messageQuotesTheWholeInputAsWritten() {
    String message = problem("ghcr.io/Acme/cfg:v1");
    assertTrue(message.contains("'ghcr.io/Acme/cfg:v1'"), message);
    String hub = problem("Cfg");
    assertTrue(hub.contains("'Cfg'"), hub);
    assertFalse(hub.contains("library/"), hub);
  }

  @Test
  void invalidRegistry_messageQuotesTheWholeInput() {
    String message = problem("bad_host.io/acme/cfg:v1");
    assertTrue(message.contains("'bad_host.io/acme/cfg:v1'"), message);
    assertTrue(message.contains("invalid host part 'bad_host'"), message);
  }

  @Test
  void port65535_isAccepted_and65536_isRefused() {
    assertEquals("ghcr.io:65535", Reference.parse("ghcr.io:65535/acme/cfg").registry());
    assertTrue(problem("ghcr.io:65536/acme/cfg").contains("port above 65535"));
  }

  @Test
  void ipv6Registry_withoutPort_isAccepted() {
    Reference r = Reference.parse("[::1]/acme/cfg:v1");
    assertEquals("[::1]", r.registry());
    assertEquals("acme/cfg", r.repository());
  }

  @Test
  void ipv6Registry_portIsValidated() {
    assertEquals("[::1]:5000", Reference.parse("[::1]:5000/acme/cfg").registry());
    assertTrue(problem("[::1]:99999/acme/cfg").contains("port above 65535"));
    assertTrue(problem("[::1]:0/acme/cfg").contains("invalid port"));
    assertTrue(problem("[::1]x/acme/cfg").contains("junk after the IPv6 address"));
  }

  @Test
  void nameOf255Characters_isAccepted_and256_isRefused() {
    String registry = "ghcr.io"; // 7 characters + '/' = 8
    String repo255 = "a".repeat(255 - 8);
    Reference r = Reference.parse(registry + "/" + repo255);
    assertEquals(255, r.name().length());
    assertTrue(problem(registry + "/" + repo255 + "b").contains("longer than 255 characters"));
  }
}
