package dev.doco.core.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void scrape_writesCountersHistogramsAndInfoInTextFormat() {
    Metrics m = new Metrics("1.0", "info", "2026-11-27T10:00:00Z");
    m.inc(Metrics.POLLS, "ghcr.io/a\"b");
    m.inc(Metrics.POLLS, "ghcr.io/a\"b");
    m.observe(Metrics.POLL_DURATION, 0.3, "r");

    String text = m.scrape();

    assertTrue(text.contains("# TYPE doco_cd_polls_total counter\n"), text);
    assertTrue(text.contains("doco_cd_polls_total{repository=\"ghcr.io/a\\\"b\"} 2\n"), text);
    assertTrue(
        text.contains("doco_cd_poll_duration_seconds_bucket{repository=\"r\",le=\"0.25\"} 0\n"),
        text);
    assertTrue(
        text.contains("doco_cd_poll_duration_seconds_bucket{repository=\"r\",le=\"0.5\"} 1\n"),
        text);
    assertTrue(
        text.contains("doco_cd_poll_duration_seconds_bucket{repository=\"r\",le=\"+Inf\"} 1\n"),
        text);
    assertTrue(text.contains("doco_cd_poll_duration_seconds_count{repository=\"r\"} 1\n"), text);
    assertTrue(
        text.contains(
            "doco_cd_info{log_level=\"info\",start_time=\"2026-11-27T10:00:00Z\",version=\"1.0\"} 1"),
        text);
    assertEquals(2, m.counter(Metrics.POLLS, "ghcr.io/a\"b"));
  }

  @Test
  void unknownMetricOrWrongLabels_isAnError() {
    Metrics m = new Metrics("1.0", "info", "t");
    assertThrows(IllegalArgumentException.class, () -> m.inc("nope"));
    assertThrows(IllegalArgumentException.class, () -> m.inc(Metrics.POLLS));
  }
}
