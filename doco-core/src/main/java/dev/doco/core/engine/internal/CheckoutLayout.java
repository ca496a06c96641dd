package dev.doco.core.engine.internal;

import dev.doco.core.Revision;
import dev.doco.core.SourceException;
import java.nio.file.Path;

/**
 * Where a revision's live checkout lives: {@code <data>/checkouts/<registry>/<repository>/<tag>},
 * the same naming as doco-oci's {@code CheckoutStore.checkoutDirectory} (so its revision history
 * and cache line up): an {@code oci-layout:/abs/path} repository becomes {@code
 * oci-layout/abs/path}; each segment keeps {@code [A-Za-z0-9._-]}, other characters become {@code
 * _} (as doco-cd does with {@code :}), a leading dot becomes {@code _}, and {@code .}/{@code ..}
 * cannot occur.
 *
 * <p>Unlike doco-cd (one directory per repository, shared by every tag), each tag gets its own
 * directory, so {@code cfg:production} and {@code cfg:staging} never overwrite each other's files
 * under running bind mounts. A custom target gets its own directory too ({@code <tag>.<target>}),
 * since it validates a different config file.
 */
public final class CheckoutLayout {
  private final Path root;

  public CheckoutLayout(Path dataDirectory) {
    this.root = dataDirectory.resolve("checkouts").toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** The live checkout directory of {@code revision} for {@code target}. */
  public Path directory(Revision revision, String target) {
    Path dir = root;
    String repository = revision.repository();
    if (repository.startsWith("oci-layout:")) {
      dir = dir.resolve("oci-layout");
      repository = repository.substring("oci-layout:".length());
    }
    for (String segment : repository.split("/")) {
      if (!segment.isEmpty()) {
        dir = dir.resolve(safe(segment));
      }
    }
    String leaf = revision.tag().isEmpty() ? revision.digest() : revision.tag();
    dir = dir.resolve(safe(leaf) + (target.isEmpty() ? "" : "." + safe(target))).normalize();
    if (!dir.startsWith(root) || dir.equals(root)) {
      throw new SourceException(
          "repository name " + revision.repository() + " would leave the checkout directory",
          revision.reference(),
          revision.digest());
    }
    return dir;
  }

  /** A file-name-safe form of one segment (doco-oci's {@code CheckoutStore.safe}). */
  static String safe(String segment) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '-'
              || c == '_';
      b.append(ok ? c : '_');
    }
    String s = b.toString();
    if (s.isEmpty() || s.equals(".") || s.equals("..")) {
      return "_" + s.replace('.', '_');
    }
    if (s.startsWith(".")) {
      s = "_" + s.substring(1);
    }
    return s;
  }
}
