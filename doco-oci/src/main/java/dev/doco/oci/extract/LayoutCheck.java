package dev.doco.oci.extract;

import dev.doco.core.ConfigException;
import dev.doco.core.config.DocoLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code doco.v1} layout check of a staged tree: {@link DocoLayout#check} (the config module's,
 * the one definition). Until that is implemented, a minimal equivalent runs here: the deploy-config
 * file must exist at the root and its first top-level {@code version} must be {@code doco.v1}
 * (absent means {@code doco.v1}).
 */
public final class LayoutCheck {
  private LayoutCheck() {}

  /**
   * Checks that {@code root} is a doco.v1 artifact root for {@code target} ("" = default).
   *
   * @throws ConfigException when it is not
   */
  public static void check(Path root, String target) {
    try {
      DocoLayout.check(root, target);
    } catch (UnsupportedOperationException notYet) {
      fallback(root, target);
    }
  }

  private static void fallback(Path root, String target) {
    String stem = target.isEmpty() ? ".doco-cd" : ".doco-cd." + target;
    for (String name : List.of(stem + ".yaml", stem + ".yml")) {
      Path f = root.resolve(name);
      if (Files.isRegularFile(f)) {
        String text;
        try {
          text = Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new ConfigException("failed to read layout from " + name + ": " + e.getMessage());
        }
        for (String line : text.split("\n")) {
          if (line.startsWith("version:")) {
            String v =
                line.substring("version:".length()).trim().replace("\"", "").replace("'", "");
            if (v.isEmpty()) {
              continue;
            }
            if (!v.equals(DocoLayout.V1)) {
              throw new ConfigException(
                  "invalid OCI artifact layout: expected version: doco.v1 in "
                      + name
                      + ", found "
                      + v);
            }
            return;
          }
        }
        return;
      }
    }
    throw new ConfigException(
        "invalid OCI artifact layout: expected "
            + stem
            + ".yaml or "
            + stem
            + ".yml at the artifact root");
  }
}
