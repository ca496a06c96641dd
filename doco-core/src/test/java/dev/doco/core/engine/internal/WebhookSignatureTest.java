package dev.doco.core.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.DocoEvent.Stage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook's HMAC-SHA256 check and its small parsers, tested directly (found by mutation
 * testing): the signature header with and without its {@code sha256=} prefix (any case), wrong
 * secrets, wrong lengths and non-hex digits; the {@code wait} query flag; doco-cd's error strings.
 */
class WebhookSignatureTest {
  private static final String SECRET = "webhook-test-secret";
  private static final byte[] BODY =
      "{\"source\":\"oci\",\"artifact\":\"ghcr.io/acme/cfg:main\"}"
          .getBytes(StandardCharsets.UTF_8);

  private final ExecutorService jobs = Executors.newSingleThreadExecutor();

  @AfterEach
  void tearDown() {
    jobs.shutdownNow();
  }

  /** Only the secret matters for the signature check; the engine is never touched by it. */
  private WebhookHandler handler(String secret) {
    return new WebhookHandler(
        null, secret, 1024, new ArtifactAllowList(List.of(), List.of()), jobs);
  }

  private static String hmacHex(String secret, byte[] body) {
    return HexFormat.of()
        .formatHex(WebhookHandler.hmac(secret.getBytes(StandardCharsets.UTF_8), body));
  }

  @Test
  void hmac_matchesTheRfc4231TestVector() {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
    assertEquals(
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        HexFormat.of()
            .formatHex(
                WebhookHandler.hmac(
                    "Jefe".getBytes(StandardCharsets.UTF_8),
                    "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void sign_isTheLowercaseHexHmac() {
    assertEquals(hmacHex(SECRET, BODY), WebhookHandler.sign(SECRET, BODY));
  }

  @Test
  void signature_withOrWithoutPrefix_inAnyCase_isAccepted() {
    WebhookHandler h = handler(SECRET);
    String hex = hmacHex(SECRET, BODY);
    assertTrue(h.signatureValid(BODY, hex));
    assertTrue(h.signatureValid(BODY, "sha256=" + hex));
    assertTrue(h.signatureValid(BODY, "SHA256=" + hex.toUpperCase(Locale.ROOT)));
    assertTrue(h.signatureValid(BODY, "  sha256=" + hex + " "));
  }

  @Test
  void signature_withAnotherSecretOrBody_isRefused() {
    WebhookHandler h = handler(SECRET);
    assertFalse(h.signatureValid(BODY, hmacHex("another-secret", BODY)));
    byte[] tampered = BODY.clone();
    tampered[tampered.length - 2] ^= 1;
    assertFalse(h.signatureValid(tampered, hmacHex(SECRET, BODY)));
  }

  @Test
  void signature_ofTheWrongLengthOrNotHex_isRefused() {
    WebhookHandler h = handler(SECRET);
    String hex = hmacHex(SECRET, BODY);
    assertFalse(h.signatureValid(BODY, hex.substring(0, 62)));
    assertFalse(h.signatureValid(BODY, hex + "00"));
    assertFalse(h.signatureValid(BODY, "zz" + hex.substring(2)));
    assertFalse(h.signatureValid(BODY, hex.substring(0, 63) + "g"));
    assertFalse(h.signatureValid(BODY, "sha1=" + hex));
    assertFalse(h.signatureValid(BODY, ""));
  }

  @Test
  void emptySecret_isRefusedAtConstruction() {
    assertThrows(IllegalArgumentException.class, () -> handler(""));
  }

  @Test
  void waitFlag_isTrueOnlyForTrueOrOne() {
    assertTrue(WebhookHandler.waitRequested(URI.create("http://h/v1/webhook?wait=true")));
    assertTrue(WebhookHandler.waitRequested(URI.create("http://h/v1/webhook?x=1&wait=1")));
    assertFalse(WebhookHandler.waitRequested(URI.create("http://h/v1/webhook?wait=false")));
    assertFalse(WebhookHandler.waitRequested(URI.create("http://h/v1/webhook?wait")));
    assertFalse(WebhookHandler.waitRequested(URI.create("http://h/v1/webhook?=true")));
    assertFalse(WebhookHandler.waitRequested(URI.create("http://h/v1/webhook?nowait=true")));
    assertFalse(WebhookHandler.waitRequested(URI.create("http://h/v1/webhook")));
  }

  @Test
  void waitFlag_firstOccurrenceWins() {
    assertFalse(WebhookHandler.waitRequested(URI.create("http://h/v1/webhook?wait=0&wait=1")));
  }

  @Test
  void errorCodes_areDocoCdsStrings() {
    assertEquals("deployment failed", WebhookHandler.errorCode(null));
    assertEquals("failed to resolve oci artifact digest", WebhookHandler.errorCode(Stage.RESOLVE));
    assertEquals("failed OCI signature verification", WebhookHandler.errorCode(Stage.VERIFY));
    assertEquals("failed to pull oci artifact", WebhookHandler.errorCode(Stage.FETCH));
    assertEquals("failed to get deploy configuration", WebhookHandler.errorCode(Stage.CONFIG));
    assertEquals("deployment failed", WebhookHandler.errorCode(Stage.DEPLOY));
  }
}
