package dev.doco.core.engine.internal;

import dev.doco.core.Revision;
import dev.doco.core.SourceException;
import java.nio.file.Path;

/**
 * Where a revision's live checkout lives: {@code <data>/checkouts/<registry>/<repository>/<tag>}.
 *
 * <p>Unlike doco-cd (one directory per repository, shared by every tag), each tag gets its own
 * directory, so {@code cfg:production} and {@code cfg:staging} never overwrite each other's files
 * under running bind mounts. A custom target gets its own directory too ({@code <tag>.<target>}),
 * since it validates a different config file. Every path segment is reduced to {@code
 * [A-Za-z0-9._-]} (other characters become {@code _}, as doco-cd does with {@code :}); segments
 * {@code .} and {@code ..} are refused.
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
    for (String segment : repository.split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      dir = dir.resolve(segment(segment, revision));
    }
    String leaf = revision.tag().isEmpty() ? revision.digest() : revision.tag();
    if (!target.isEmpty()) {
      leaf = leaf + "." + target;
    }
    dir = dir.resolve(segment(leaf, revision)).normalize();
    if (!dir.startsWith(root) || dir.equals(root)) {
      throw new SourceException(
          "repository name " + repository + " would leave the checkout directory; refusing it",
          revision.reference(),
          revision.digest());
    }
    return dir;
  }

  private static String segment(String raw, Revision revision) {
    StringBuilder b = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      b.append(ok ? c : '_');
    }
    String s = b.toString();
    if (s.equals(".") || s.equals("..")) {
      throw new SourceException(
          "invalid repository name: path segment '" + raw + "' is not allowed",
          revision.reference(),
          revision.digest());
    }
    return s;
  }
}
