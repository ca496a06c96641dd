package dev.doco.core;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A configuration (deploy config, poll config, trust policy) is invalid.
 *
 * <p>Carries the file (or the environment variable) it was read from, the zero-based index of the
 * YAML document in that file, and the one-based line, when known. The message already names all
 * three.
 */
public class ConfigException extends DocoException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String file;
  private final int document;
  private final int line;

  /**
   * @param detail what is wrong and what to do, without location
   * @param file the file or variable name the configuration came from, or null
   * @param document zero-based YAML document index, or -1
   * @param line one-based line, or -1
   */
  public ConfigException(String detail, @Nullable String file, int document, int line) {
    this(detail, file, document, line, null);
  }

  public ConfigException(
      String detail, @Nullable String file, int document, int line, @Nullable Throwable cause) {
    super(locate(detail, file, document, line), cause);
    this.file = file;
    this.document = document;
    this.line = line;
  }

  public ConfigException(String detail) {
    this(detail, null, -1, -1, null);
  }

  private static String locate(String detail, @Nullable String file, int document, int line) {
    if (file == null && document < 0 && line < 0) {
      return detail;
    }
    StringBuilder where = new StringBuilder();
    if (file != null) {
      where.append(file);
    }
    if (document >= 0) {
      where.append(where.length() > 0 ? ", " : "").append("document ").append(document + 1);
    }
    if (line > 0) {
      where.append(where.length() > 0 ? ", " : "").append("line ").append(line);
    }
    return where + ": " + detail;
  }

  /** The file or environment variable the configuration came from. */
  public Optional<String> file() {
    return Optional.ofNullable(file);
  }

  /** Zero-based YAML document index in the file, or -1 when unknown. */
  public int document() {
    return document;
  }

  /** One-based line, or -1 when unknown. */
  public int line() {
    return line;
  }
}
