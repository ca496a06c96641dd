package dev.doco.examples.cli;

import java.util.Locale;
import java.util.Optional;

/** {@code LOG_LEVEL} (doco-cd's values) for the app's SLF4J backend, set before any logger. */
final class Logging {
  private Logging() {}

  /** Configures slf4j-simple; returns doco-cd's error message when {@code level} is invalid. */
  static Optional<String> configure(String level) {
    String l = level.trim().toLowerCase(Locale.ROOT);
    if (!l.equals("debug") && !l.equals("info") && !l.equals("warn") && !l.equals("error")) {
      return Optional.of("invalid log level, must be one of debug, info, warn, error");
    }
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", l);
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
    return Optional.empty();
  }
}
