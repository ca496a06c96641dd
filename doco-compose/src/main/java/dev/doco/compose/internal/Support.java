package dev.doco.compose.internal;

import dev.doco.core.DeployException;
import dev.doco.core.spi.DeploymentPlan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Helpers shared by the Compose and Swarm deployers. */
public final class Support {
  private static final Logger LOG = LoggerFactory.getLogger(Support.class);

  /** Compose's rule for project names (Swarm stack names are a subset in practice). */
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");

  private static final Pattern CONTEXT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]*");

  private Support() {}

  /** Checks a project / stack name (it is used in argv and in paths). */
  public static String checkName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new DeployException(
          "invalid deployment name '"
              + name
              + "': Compose project and stack names use only lower-case letters, digits, '-' and"
              + " '_', starting with a letter or digit; fix 'name' in the deploy config",
          name);
    }
    return name;
  }

  /** Checks a Docker context name ("" = none). */
  public static String checkContext(String context, String name) {
    if (!context.isEmpty() && !CONTEXT.matcher(context).matches()) {
      throw new DeployException(
          "invalid Docker context '" + context + "'; list contexts with 'docker context ls'", name);
    }
    return context;
  }

  /** {@code [docker]} or {@code [docker, --context, X]}. */
  public static List<String> docker(String executable, String context) {
    return context.isEmpty() ? List.of(executable) : List.of(executable, "--context", context);
  }

  /**
   * doco's own directory for one deployment's generated files: {@code
   * <data>/<kind>/<context|default>/<name>}.
   */
  public static Path stateDir(Path dataDirectory, String kind, String context, String name) {
    return dataDirectory
        .toAbsolutePath()
        .normalize()
        .resolve(kind)
        .resolve(context.isEmpty() ? "default" : context)
        .resolve(name);
  }

  /** Writes {@code content} to {@code file} atomically (temp file + rename). */
  public static void writeAtomically(Path file, String content, String deployment) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), ".tmp-", ".json");
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new DeployException(
          "cannot write " + file + ": " + e.getMessage() + "; check the data directory",
          deployment,
          List.of(),
          -1,
          "",
          e);
    }
  }

  /**
   * {@code remove_dir}: deletes the checkout of {@code plan} when it lies under {@code
   * dataDirectory} (and its parent too when that is left empty), and doco's state dir.
   */
  public static void removeCheckout(DeploymentPlan plan, Path dataDirectory, Path stateDir) {
    deleteTree(stateDir, plan.name());
    Path checkout = plan.checkout().toAbsolutePath().normalize();
    if (!Files.exists(checkout)) {
      return;
    }
    Path data;
    Path real;
    try {
      data = dataDirectory.toAbsolutePath().toRealPath();
      real = checkout.toRealPath();
    } catch (IOException e) {
      LOG.warn("deployment {}: not removing {}: {}", plan.name(), checkout, e.getMessage());
      return;
    }
    if (!real.startsWith(data) || real.equals(data)) {
      LOG.warn(
          "deployment {}: not removing {}: it is not inside the data directory {}",
          plan.name(),
          real,
          data);
      return;
    }
    deleteTree(real, plan.name());
    Path parent = real.getParent();
    if (parent != null && parent.startsWith(data) && !parent.equals(data) && isEmptyDir(parent)) {
      try {
        Files.deleteIfExists(parent);
      } catch (IOException e) {
        LOG.debug("could not remove empty {}", parent, e);
      }
    }
  }

  private static boolean isEmptyDir(Path dir) {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      return !s.iterator().hasNext();
    } catch (IOException e) {
      return false;
    }
  }

  /** Deletes a directory tree (symbolic links are deleted, never followed). */
  public static void deleteTree(Path dir, String deployment) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new DeployException(
          "cannot remove " + dir + ": " + e.getMessage(), deployment, List.of(), -1, "", e);
    }
  }

  /** A timeout from a setting in seconds, or {@code fallback}. */
  public static Duration seconds(Map<String, String> settings, String key, Duration fallback) {
    String v = settings.get(key);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      long s = Long.parseLong(v.trim());
      return s > 0 ? Duration.ofSeconds(s) : fallback;
    } catch (NumberFormatException e) {
      LOG.warn("setting {}={} is not a number of seconds; using {}", key, v, fallback);
      return fallback;
    }
  }
}
