package dev.doco.oci;

import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An OCI platform ({@code os/architecture[/variant]}), used to choose a child of an image index.
 *
 * @param os e.g. {@code linux}
 * @param architecture e.g. {@code amd64}, {@code arm64}
 * @param variant e.g. {@code v8}, or null
 */
public record Platform(String os, String architecture, @Nullable String variant) {

  public Platform {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(architecture, "architecture");
    if (variant != null && variant.isEmpty()) {
      variant = null;
    }
  }

  /** Parses {@code os/arch[/variant]}, e.g. {@code linux/arm64/v8}. */
  public static Platform parse(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new IllegalArgumentException(
          "invalid platform '" + text + "': expected os/architecture[/variant], e.g. linux/amd64");
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }

  /**
   * The platform containers run on here: {@code linux} and the JVM's architecture in Go's naming
   * ({@code amd64}, {@code arm64}, {@code arm}, ...).
   */
  public static Platform runtime() {
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String goArch =
        switch (arch) {
          case "amd64", "x86_64" -> "amd64";
          case "aarch64", "arm64" -> "arm64";
          case "x86", "i386", "i486", "i586", "i686" -> "386";
          case "ppc64le" -> "ppc64le";
          case "s390x" -> "s390x";
          case "riscv64" -> "riscv64";
          default -> arch.startsWith("arm") ? "arm" : arch;
        };
    return new Platform("linux", goArch, null);
  }

  /**
   * True when {@code candidate} can run here: same os and architecture, and same variant when both
   * name one ({@code arm64} treats a missing variant as {@code v8}).
   */
  public boolean matches(Platform candidate) {
    if (!os.equals(candidate.os) || !architecture.equals(candidate.architecture)) {
      return false;
    }
    String mine = normalVariant(this);
    String theirs = normalVariant(candidate);
    return mine == null || theirs == null || mine.equals(theirs);
  }

  private static @Nullable String normalVariant(Platform p) {
    if (p.variant == null && p.architecture.equals("arm64")) {
      return "v8";
    }
    return p.variant;
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant == null ? "" : "/" + variant);
  }
}
