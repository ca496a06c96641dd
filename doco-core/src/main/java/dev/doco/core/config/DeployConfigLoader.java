package dev.doco.core.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Reads deploy configs ({@code .doco-cd.yaml}) with doco-cd's keys, defaults and validation.
 *
 * <pre>{@code
 * DeployConfigLoader.Result r = DeployConfigLoader.load(checkoutDir, "");
 * r.warnings().forEach(log::warn);
 * for (DeployConfig c : r.configs()) { ... }
 * }</pre>
 */
public final class DeployConfigLoader {
  private DeployConfigLoader() {}

  /**
   * Deploy configs plus non-fatal findings (unknown keys, ignored overrides), each naming file,
   * document and line.
   */
  public record Result(List<DeployConfig> configs, List<String> warnings) {
    public Result {
      configs = List.copyOf(configs);
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * Loads {@code .doco-cd.yaml} (then {@code .doco-cd.yml}) or, for a non-empty {@code target},
   * {@code .doco-cd.<target>.yaml|yml} from the artifact root. Configs read here are untrusted.
   *
   * @throws dev.doco.core.ConfigException when no file is found or a document is invalid
   */
  public static Result load(Path artifactRoot, String target) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /**
   * Parses a (multi-document) deploy config.
   *
   * @param origin file name or variable for messages
   * @param trusted true for inline configs from the poll config; only these may carry an {@code
   *     oci:} trust override
   */
  public static Result parse(String yaml, String origin, boolean trusted) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
