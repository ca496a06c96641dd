package dev.doco.oci.extract;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Budgets must be positive; settings override them one by one; the stream budget saturates. */
class ExtractionLimitsTest {
  private static final String POSITIVE = "extraction limits must be positive";

  @Test
  void zeroForAnyBudget_isRefused_oneIsAccepted() {
    assertEquals(
        POSITIVE,
        assertThrows(IllegalArgumentException.class, () -> new ExtractionLimits(0, 1, 1, 1))
            .getMessage());
    assertEquals(
        POSITIVE,
        assertThrows(IllegalArgumentException.class, () -> new ExtractionLimits(1, 0, 1, 1))
            .getMessage());
    assertEquals(
        POSITIVE,
        assertThrows(IllegalArgumentException.class, () -> new ExtractionLimits(1, 1, 0, 1))
            .getMessage());
    assertEquals(
        POSITIVE,
        assertThrows(IllegalArgumentException.class, () -> new ExtractionLimits(1, 1, 1, 0))
            .getMessage());
    assertEquals(1, new ExtractionLimits(1, 1, 1, 1).maxPathLength());
  }

  @Test
  void withCopies_changeOneBudgetEach() {
    ExtractionLimits d = ExtractionLimits.DEFAULT;
    assertEquals(new ExtractionLimits(7, 100_000, 512L << 20, 1024), d.withMaxTotalBytes(7));
    assertEquals(new ExtractionLimits(1L << 30, 7, 512L << 20, 1024), d.withMaxEntries(7));
    assertEquals(new ExtractionLimits(1L << 30, 100_000, 7, 1024), d.withMaxFileBytes(7));
    assertEquals(new ExtractionLimits(1L << 30, 100_000, 512L << 20, 7), d.withMaxPathLength(7));
  }

  @Test
  void settings_overrideEachBudget_trimmed_andBlankMeansTheDefault() {
    assertEquals(ExtractionLimits.DEFAULT, ExtractionLimits.fromSettings(Map.of()));
    assertEquals(
        ExtractionLimits.DEFAULT,
        ExtractionLimits.fromSettings(Map.of("DOCO_EXTRACT_MAX_BYTES", "  ")));
    assertEquals(
        new ExtractionLimits(42, 7, 5, 9),
        ExtractionLimits.fromSettings(
            Map.of(
                "DOCO_EXTRACT_MAX_BYTES", " 42 ",
                "DOCO_EXTRACT_MAX_ENTRIES", "7",
                "DOCO_EXTRACT_MAX_FILE_BYTES", "5",
                "DOCO_EXTRACT_MAX_PATH_LENGTH", "9")));
    assertEquals(
        1, ExtractionLimits.fromSettings(Map.of("DOCO_EXTRACT_MAX_ENTRIES", "1")).maxEntries());
  }

  @Test
  void settings_thatAreNotPositiveWholeNumbers_areRefusedNamingTheKey() {
    for (String bad : new String[] {"0", "-1", "abc", "1.5"}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> ExtractionLimits.fromSettings(Map.of("DOCO_EXTRACT_MAX_ENTRIES", bad)));
      assertEquals(
          "DOCO_EXTRACT_MAX_ENTRIES="
              + bad
              + " is not a positive whole number; remove it to use the default",
          e.getMessage());
    }
  }

  @Test
  void streamBudget_isContentPlusHeaderRoomPerEntryPlusOneMiB() {
    assertEquals(
        1000 + 2 * 1536 + (1 << 20), new ExtractionLimits(1000, 2, 10, 10).maxStreamBytes());
  }

  @Test
  void streamBudget_ofHugeBudgets_saturatesInsteadOfOverflowing() {
    assertEquals(Long.MAX_VALUE, new ExtractionLimits(Long.MAX_VALUE, 1, 1, 1).maxStreamBytes());
    // DOCO_EXTRACT_MAX_ENTRIES=9223372036854775807 used to overflow into an ArithmeticException
    assertEquals(
        Long.MAX_VALUE,
        ExtractionLimits.fromSettings(Map.of("DOCO_EXTRACT_MAX_ENTRIES", "9223372036854775807"))
            .maxStreamBytes());
    long overhead = 1536 + (1 << 20);
    assertEquals(
        Long.MAX_VALUE, new ExtractionLimits(Long.MAX_VALUE - overhead, 1, 1, 1).maxStreamBytes());
    assertEquals(
        Long.MAX_VALUE - 1,
        new ExtractionLimits(Long.MAX_VALUE - overhead - 1, 1, 1, 1).maxStreamBytes());
  }
}
