package dev.doco.examples.dirsource;

import dev.doco.core.DocoEvent;
import dev.doco.core.DocoListener;
import dev.doco.core.Revision;
import dev.doco.core.SourceException;
import dev.doco.core.config.DocoLayout;
import dev.doco.core.spi.ArtifactAccess;
import dev.doco.core.spi.Checkout;
import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.FetchOptions;
import dev.doco.core.spi.Manifest;
import dev.doco.core.spi.Source;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Source} for a plain directory holding a {@code doco.v1} tree (a {@code .doco-cd.yaml}
 * and compose files): the "digest" is a SHA-256 over the sorted relative paths and contents of its
 * regular files, so an unchanged directory is an unchanged revision and doco deploys nothing.
 * Symbolic links and special files are skipped. There are no signatures: with verification enabled
 * doco refuses such a source (fail closed).
 */
public final class DirectorySource implements Source {
  private static final String SCHEME = "dir:";

  private final DocoListener listener;

  public DirectorySource(DocoListener listener) {
    this.listener = listener;
  }

  static Path pathOf(String reference) {
    String rest = reference.substring(SCHEME.length());
    if (rest.startsWith("//")) {
      rest = rest.substring(2);
    }
    if (rest.isEmpty()) {
      throw new SourceException("expected dir:PATH, got " + reference, reference, null);
    }
    return Path.of(rest).toAbsolutePath().normalize();
  }

  @Override
  public Revision resolve(String reference) {
    if (!reference.startsWith(SCHEME)) {
      throw new SourceException("not a dir: reference: " + reference, reference, null);
    }
    Path dir = pathOf(reference);
    if (!Files.isDirectory(dir)) {
      throw new SourceException(dir + " is not a directory", reference, null);
    }
    String digest = digest(dir, reference);
    listener.onEvent(new DocoEvent.Resolved(reference, digest));
    return new Revision(reference, SCHEME + dir, "dir", digest, "inode/directory", Map.of());
  }

  private static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .sorted(Comparator.comparing(p -> dir.relativize(p).toString()))
          .toList();
    }
  }

  private static String digest(Path dir, String reference) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Path f : files(dir)) {
        sha.update(
            dir.relativize(f).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
      }
      return "sha256:" + HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new SourceException("cannot read " + dir + ": " + e.getMessage(), reference, null, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Checkout fetch(Revision revision, Path directory, FetchOptions options) {
    Path from = pathOf(revision.reference());
    try {
      Path parent = directory.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path staging = Files.createTempDirectory(parent, ".dir-staging-");
      try {
        long bytes = 0;
        List<Path> files = files(from);
        for (Path f : files) {
          Path target = staging.resolve(from.relativize(f).toString());
          Files.createDirectories(target.getParent());
          Files.copy(f, target);
          bytes += Files.size(target);
        }
        DocoLayout.check(staging, options.target());
        if (!digest(staging, revision.reference()).equals(revision.digest())) {
          throw new SourceException(
              from + " changed while it was copied; the next trigger will pick up the new content",
              revision.reference(),
              revision.digest());
        }
        swap(staging, directory);
        listener.onEvent(
            new DocoEvent.Extracted(revision.digest(), directory, files.size(), bytes));
        return new Checkout(revision, directory, files.size(), bytes);
      } finally {
        deleteTree(staging);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("copying " + from + " failed", e);
    }
  }

  /** Replaces the content of {@code live} with {@code staging}'s, keeping {@code live} itself. */
  private static void swap(Path staging, Path live) throws IOException {
    Files.createDirectories(live);
    try (Stream<Path> old = Files.list(live)) {
      for (Path p : old.toList()) {
        deleteTree(p);
      }
    }
    try (Stream<Path> fresh = Files.list(staging)) {
      for (Path p : fresh.toList()) {
        Files.move(p, live.resolve(p.getFileName().toString()));
      }
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(x);
      }
    }
  }

  @Override
  public ArtifactAccess access(Revision revision) {
    return new ArtifactAccess() {
      @Override
      public String repository() {
        return revision.repository();
      }

      @Override
      public Manifest manifest(String digest) throws IOException {
        throw new IOException("a plain directory has no manifests (and no signatures)");
      }

      @Override
      public InputStream blob(String digest) throws IOException {
        throw new IOException("a plain directory has no blobs");
      }

      @Override
      public List<Descriptor> referrers(String digest, @Nullable String artifactType) {
        return List.of();
      }

      @Override
      public Optional<Manifest> tag(String tag) {
        return Optional.empty();
      }
    };
  }
}
