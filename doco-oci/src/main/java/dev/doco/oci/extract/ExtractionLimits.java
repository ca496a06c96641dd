package dev.doco.oci.extract;

import java.util.Map;

/**
 * Budgets for materialising one artifact, counted on decompressed bytes across all its layers, so a
 * compression bomb stops at the budget, not at the disk.
 *
 * <p>Defaults: 1 GiB in total, 100,000 entries, 512 MiB per file, 1,024 bytes per path. Override
 * with {@link #fromSettings} keys {@code DOCO_EXTRACT_MAX_BYTES}, {@code DOCO_EXTRACT_MAX_ENTRIES},
 * {@code DOCO_EXTRACT_MAX_FILE_BYTES}, {@code DOCO_EXTRACT_MAX_PATH_LENGTH}, or with the {@code
 * withX} copies.
 *
 * @param maxTotalBytes the most file content bytes written for one artifact
 * @param maxEntries the most tar entries (files, directories, links, whiteouts) of one artifact
 * @param maxFileBytes the largest single file
 * @param maxPathLength the longest entry path, in UTF-8 bytes, relative to the checkout root
 */
public record ExtractionLimits(
    long maxTotalBytes, long maxEntries, long maxFileBytes, int maxPathLength) {

  /** 1 GiB, 100,000 entries, 512 MiB per file, 1,024-byte paths. */
  public static final ExtractionLimits DEFAULT =
      new ExtractionLimits(1L << 30, 100_000, 512L << 20, 1024);

  public ExtractionLimits {
    if (maxTotalBytes <= 0 || maxEntries <= 0 || maxFileBytes <= 0 || maxPathLength <= 0) {
      throw new IllegalArgumentException("extraction limits must be positive");
    }
  }

  /**
   * The limits named in {@code settings} (values in bytes or counts), others from {@link #DEFAULT}.
   *
   * @throws IllegalArgumentException when a value is not a positive number
   */
  public static ExtractionLimits fromSettings(Map<String, String> settings) {
    return new ExtractionLimits(
        number(settings, "DOCO_EXTRACT_MAX_BYTES", DEFAULT.maxTotalBytes),
        number(settings, "DOCO_EXTRACT_MAX_ENTRIES", DEFAULT.maxEntries),
        number(settings, "DOCO_EXTRACT_MAX_FILE_BYTES", DEFAULT.maxFileBytes),
        (int) number(settings, "DOCO_EXTRACT_MAX_PATH_LENGTH", DEFAULT.maxPathLength));
  }

  private static long number(Map<String, String> settings, String key, long fallback) {
    String v = settings.get(key);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          key + "=" + v + " is not a positive whole number; remove it to use the default", e);
    }
  }

  public ExtractionLimits withMaxTotalBytes(long v) {
    return new ExtractionLimits(v, maxEntries, maxFileBytes, maxPathLength);
  }

  public ExtractionLimits withMaxEntries(long v) {
    return new ExtractionLimits(maxTotalBytes, v, maxFileBytes, maxPathLength);
  }

  public ExtractionLimits withMaxFileBytes(long v) {
    return new ExtractionLimits(maxTotalBytes, maxEntries, v, maxPathLength);
  }

  public ExtractionLimits withMaxPathLength(int v) {
    return new ExtractionLimits(maxTotalBytes, maxEntries, maxFileBytes, v);
  }

  /**
   * The most decompressed bytes read from all layers: file content plus tar headers and padding
   * (1.5 KiB per entry at most) plus 1 MiB of slack for trailing zero blocks.
   */
  long maxStreamBytes() {
    try {
      long overhead = Math.addExact(Math.multiplyExact(maxEntries, 1536L), 1L << 20);
      return Math.addExact(maxTotalBytes, overhead);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE; // budgets that large are no budget
    }
  }
}
