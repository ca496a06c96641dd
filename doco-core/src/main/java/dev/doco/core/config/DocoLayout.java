package dev.doco.core.config;

import dev.doco.core.ConfigException;
import dev.doco.core.config.Yaml.Entry;
import java.nio.file.Path;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * The {@code doco.v1} artifact layout check (doco-cd's {@code validateDocoLayoutV1}): required even
 * when inline {@code deployments} replace the artifact's configs.
 *
 * <pre>{@code
 * DocoLayout.check(extractedDir, pollConfig.target()); // throws ConfigException
 * }</pre>
 */
public final class DocoLayout {
  /** The only supported layout version. */
  public static final String V1 = "doco.v1";

  private DocoLayout() {}

  /**
   * Checks that {@code root} holds {@code .doco-cd.yaml|yml} (or {@code .doco-cd.<target>.yaml|yml}
   * for a non-empty target, with no fallback) as a regular file, and that the first document with a
   * non-empty {@code version} says {@code doco.v1} (no {@code version} at all means {@code
   * doco.v1}).
   *
   * @return the config file found
   * @throws ConfigException when it is not so
   */
  public static Path check(Path root, String target) {
    Path file =
        DeployConfigLoader.findConfigFile(root, target)
            .orElseThrow(
                () ->
                    new ConfigException(
                        target.isEmpty()
                            ? "invalid OCI artifact layout: expected .doco-cd.yml or .doco-cd.yaml"
                                + " at artifact root"
                            : "invalid OCI artifact layout: expected .doco-cd."
                                + target
                                + ".yml or .doco-cd."
                                + target
                                + ".yaml at artifact root (custom target '"
                                + target
                                + "'; the default .doco-cd.yaml is not used as a fallback)"));
    String name = file.getFileName().toString();
    String text = DeployConfigLoader.read(file, name);
    for (Yaml.Document d :
        Yaml.documents(text, name, "failed to read layout from " + name + ": ")) {
      if (!(d.root() instanceof MappingNode)) {
        continue;
      }
      Yaml.Ctx ctx = new Yaml.Ctx(name, d.index(), "", w -> {});
      Map<String, Entry> m = ctx.mapping(d.root(), "deploy configuration");
      Entry v = m.get("version");
      if (v == null || !(v.value() instanceof ScalarNode s) || Yaml.isNull(s)) {
        continue;
      }
      String version = s.getValue();
      if (version.isEmpty()) {
        continue;
      }
      if (!version.equals(V1)) {
        throw new ConfigException(
            "invalid OCI artifact layout: expected layout="
                + V1
                + " in "
                + name
                + " (found version \""
                + version
                + "\"); this doco supports "
                + V1,
            name,
            d.index(),
            Yaml.line(v.value()));
      }
      return file;
    }
    return file;
  }
}
