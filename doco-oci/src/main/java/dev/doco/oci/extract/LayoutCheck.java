package dev.doco.oci.extract;

import dev.doco.core.config.DocoLayout;
import java.nio.file.Path;

/**
 * The {@code doco.v1} layout check of a staged tree or of a directory to package: {@link
 * DocoLayout#check} (the config module's, the one definition), in one place for this module.
 */
public final class LayoutCheck {
  private LayoutCheck() {}

  /**
   * Checks that {@code root} is a doco.v1 artifact root for {@code target} ("" = default).
   *
   * @throws dev.doco.core.ConfigException when it is not
   */
  public static void check(Path root, String target) {
    DocoLayout.check(root, target);
  }
}
