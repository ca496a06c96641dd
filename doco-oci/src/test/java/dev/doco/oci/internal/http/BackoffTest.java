package dev.doco.oci.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff b =
      new Backoff(5, Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofMinutes(1));

  @Test
  void delay_growsExponentiallyWithJitter_andIsCapped() {
    for (int i = 0; i < 50; i++) {
      long d0 = b.delay(0).toMillis();
      long d3 = b.delay(3).toMillis();
      long d10 = b.delay(10).toMillis();
      assertTrue(d0 >= 80 && d0 <= 120, "d0=" + d0);
      assertTrue(d3 >= 640 && d3 <= 960, "d3=" + d3);
      assertTrue(d10 >= 4000 && d10 <= 6000, "d10=" + d10);
    }
  }

  @Test
  void retryAfter_secondsAndHttpDate_cappedAtMax() {
    Instant now = Instant.parse("2026-11-27T10:00:00Z");
    assertEquals(Duration.ofSeconds(2), b.retryAfter("2", now));
    assertEquals(Duration.ofSeconds(5), b.retryAfter("120", now), "capped");
    assertEquals(Duration.ofSeconds(3), b.retryAfter("Fri, 27 Nov 2026 10:00:03 GMT", now));
    assertEquals(Duration.ZERO, b.retryAfter("Fri, 27 Nov 2026 09:00:00 GMT", now));
    assertNull(b.retryAfter("soon", now));
    assertNull(b.retryAfter(null, now));
  }
}
