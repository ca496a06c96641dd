package dev.doco.oci.internal.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Retry policy: exponential backoff with jitter, {@code Retry-After} honoured with a cap, bounded
 * by an overall deadline.
 *
 * @param maxAttempts attempts in total (1 = no retry)
 * @param initial the first backoff
 * @param max the largest backoff (and the cap for {@code Retry-After})
 * @param deadline the overall time budget of one operation, retries included
 */
public record Backoff(int maxAttempts, Duration initial, Duration max, Duration deadline) {

  /** Statuses worth retrying (ggcr's list plus 429). */
  public static final Set<Integer> RETRYABLE = Set.of(408, 429, 499, 500, 502, 503, 504, 522);

  /** 4 attempts, 200 ms doubling to at most 10 s, 2 minutes overall. */
  public static Backoff defaults() {
    return new Backoff(4, Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofMinutes(2));
  }

  /** The wait before attempt {@code attempt + 1} (attempt counts from 0): ±20% jitter. */
  public Duration delay(int attempt) {
    double base = initial.toMillis() * Math.pow(2, attempt);
    double capped = Math.min(base, (double) max.toMillis());
    double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
    return Duration.ofMillis(Math.max(0, (long) (capped * jitter)));
  }

  /**
   * Parses {@code Retry-After} (delta-seconds or HTTP-date) relative to {@code now}, capped at
   * {@link #max()}; null when absent or unparseable.
   */
  public @Nullable Duration retryAfter(@Nullable String header, Instant now) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String h = header.trim();
    Duration d;
    try {
      d = Duration.ofSeconds(Math.max(0, Long.parseLong(h)));
    } catch (NumberFormatException e) {
      try {
        Instant at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        d = Duration.between(now, at);
        if (d.isNegative()) {
          d = Duration.ZERO;
        }
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
    return d.compareTo(max) > 0 ? max : d;
  }
}
