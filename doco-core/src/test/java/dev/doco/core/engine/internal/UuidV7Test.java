package dev.doco.core.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UuidV7Test {
  @Test
  void next_hasVersion7Variant2AndTheClockMillisInTheTopBits() {
    Instant t = Instant.parse("2026-11-27T10:00:00.123Z");
    UUID u = UuidV7.next(Clock.fixed(t, ZoneOffset.UTC));

    assertEquals(7, u.version());
    assertEquals(2, u.variant());
    assertEquals(t.toEpochMilli(), u.getMostSignificantBits() >>> 16);
    assertNotEquals(u, UuidV7.next(Clock.fixed(t, ZoneOffset.UTC)));
  }
}
