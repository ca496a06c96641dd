package dev.doco.compose.internal;

import dev.doco.core.DeployException;
import dev.doco.core.config.DeployConfig;
import dev.doco.core.spi.DeploymentPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of one deployment, resolved and checked against the checkout: the working directory
 * (inside the checkout), the compose files (doco-cd's rules: only the exact default list skips
 * missing files) and the env files (the default {@code .env} may be absent).
 */
public record ProjectFiles(Path workingDir, List<Path> composeFiles, List<Path> envFiles) {
  public ProjectFiles {
    composeFiles = List.copyOf(composeFiles);
    envFiles = List.copyOf(envFiles);
  }

  /**
   * Resolves the files of {@code plan}.
   *
   * @throws DeployException naming the offending setting and file
   */
  public static ProjectFiles resolve(DeploymentPlan plan) {
    DeployConfig config = plan.config();
    String name = plan.name();
    Path root = plan.checkout().toAbsolutePath().normalize();
    Path rootReal = realDir(root, name, "checkout directory " + root + " does not exist");
    String wdSetting = config.workingDir().isEmpty() ? "." : config.workingDir();
    Path wd = root.resolve(wdSetting).normalize();
    if (Path.of(wdSetting).isAbsolute() || !wd.startsWith(root)) {
      throw new DeployException(
          "invalid working_dir '"
              + wdSetting
              + "' in "
              + origin(config)
              + ": it resolves outside the artifact ("
              + root
              + "); use a path relative to the artifact root",
          name);
    }
    Path wdReal =
        realDir(
            wd,
            name,
            "working_dir '"
                + wdSetting
                + "' ("
                + wd
                + ") is not a directory in the artifact; fix working_dir in "
                + origin(config));
    if (!wdReal.startsWith(rootReal)) {
      throw new DeployException(
          "invalid working_dir '"
              + wdSetting
              + "': it leads outside the artifact through a symbolic link",
          name);
    }

    List<Path> compose = new ArrayList<>();
    if (config.composeFiles().isEmpty()) {
      throw new DeployException(
          "no compose_files in " + origin(config) + "; list at least one compose file", name);
    }
    for (String f : config.composeFiles()) {
      Path p = inside(wd, rootReal, wd, f, "compose file", name, config);
      if (Files.isRegularFile(p)) {
        compose.add(p);
      } else if (!config.usesDefaultComposeFiles()) {
        throw new DeployException(
            "could not find compose file: "
                + p
                + " (compose_files in "
                + origin(config)
                + "); add it to the artifact or fix compose_files",
            name);
      }
    }
    if (compose.isEmpty()) {
      throw new DeployException(
          "no compose files found in "
              + wd
              + " (looked for "
              + String.join(", ", config.composeFiles())
              + "); add a compose.yaml to the artifact or set compose_files in "
              + origin(config),
          name);
    }

    List<Path> env = new ArrayList<>();
    boolean defaults = config.envFiles().equals(DeployConfig.DEFAULT_ENV_FILES);
    for (String f : config.envFiles()) {
      if (f.startsWith("remote:")) {
        throw new DeployException(
            "env file '"
                + f
                + "' in "
                + origin(config)
                + ": 'remote:' env files come from a git repository_url, which OCI deployments do"
                + " not have; put the file in the artifact",
            name);
      }
      Path p = inside(root, rootReal, wd, f, "env file", name, config);
      if (Files.isRegularFile(p)) {
        env.add(p);
      } else if (!(defaults && f.equals(".env"))) {
        throw new DeployException(
            "env file not found: "
                + p
                + " (env_files in "
                + origin(config)
                + "); add it to the artifact or remove it from env_files",
            name);
      }
    }
    return new ProjectFiles(wd, compose, env);
  }

  private static Path inside(
      Path allowed, Path rootReal, Path wd, String file, String what, String name, DeployConfig c) {
    Path p = wd;
    boolean escapes = file.isBlank();
    if (!escapes) {
      Path rel = Path.of(file);
      p = wd.resolve(rel).normalize();
      escapes = rel.isAbsolute() || !p.startsWith(allowed);
    }
    if (!escapes && Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      try {
        escapes = !p.toRealPath().startsWith(rootReal);
      } catch (IOException e) {
        escapes = true;
      }
    }
    if (escapes) {
      throw new DeployException(
          "invalid file path: "
              + file
              + " ("
              + what
              + " in "
              + origin(c)
              + ": must be a relative path inside "
              + (allowed.equals(wd) ? "working_dir" : "the artifact")
              + ")",
          name);
    }
    return p;
  }

  private static Path realDir(Path p, String name, String message) {
    try {
      if (!Files.isDirectory(p)) {
        throw new DeployException(message, name);
      }
      return p.toRealPath();
    } catch (IOException e) {
      throw new DeployException(message + ": " + e.getMessage(), name, List.of(), -1, "", e);
    }
  }

  private static String origin(DeployConfig config) {
    return config.origin().isEmpty() ? "the deploy config" : config.origin();
  }
}
