package dev.doco.core.engine.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/** UUID version 7 (RFC 9562): 48-bit Unix milliseconds, then random bits; sortable by time. */
public final class UuidV7 {
  private static final SecureRandom RANDOM = new SecureRandom();

  private UuidV7() {}

  /** A new UUIDv7 for the current time of {@code clock}. */
  public static UUID next(Clock clock) {
    long millis = clock.millis();
    byte[] rand = new byte[10];
    RANDOM.nextBytes(rand);
    long msb = (millis & 0xFFFF_FFFF_FFFFL) << 16;
    msb |= 0x7000L; // version 7
    msb |= ((rand[0] & 0x0FL) << 8) | (rand[1] & 0xFFL); // rand_a (12 bits)
    long lsb = 0x8000_0000_0000_0000L; // variant 10
    lsb |= (rand[2] & 0x3FL) << 56;
    for (int i = 3; i < 10; i++) {
      lsb |= (rand[i] & 0xFFL) << (8 * (9 - i));
    }
    return new UUID(msb, lsb);
  }
}
