package dev.doco.core.config;

import java.nio.file.Path;

/** The {@code doco.v1} artifact layout check. */
public final class DocoLayout {
  /** The only supported layout version. */
  public static final String V1 = "doco.v1";

  private DocoLayout() {}

  /**
   * Checks that {@code root} holds {@code .doco-cd.yaml|yml} (or {@code .doco-cd.<target>.yaml|yml}
   * for a non-empty target, with no fallback) and that the first non-empty {@code version} in it is
   * {@code doco.v1} (absent means {@code doco.v1}).
   *
   * @throws dev.doco.core.ConfigException when it is not
   */
  public static void check(Path root, String target) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
