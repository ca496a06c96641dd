package dev.doco.oci.extract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces the content of a checkout directory with a new tree, never leaving a mix, and keeping
 * the directory itself (its inode), so Docker bind mounts into it stay valid.
 *
 * <p>The new tree is written into a hidden sibling staging directory (same file system) and
 * validated there. Only then are the old entries renamed into a hidden sibling backup directory and
 * the new entries renamed in, with a journal file beside the checkout. If anything fails before the
 * journal is removed, the old entries are put back; a process that dies mid-swap is repaired by the
 * next {@link #replace} or {@link #recover} on the same directory (old content restored). One
 * replacement at a time per directory (in-process lock plus a file lock).
 *
 * <pre>{@code
 * AtomicCheckout.replace(dir, staging -> {
 *   materializer.apply(ref, digest, layers, opener, staging);
 *   DocoLayout.check(staging, target);
 * });
 * }</pre>
 */
public final class AtomicCheckout {
  private static final Logger LOG = LoggerFactory.getLogger(AtomicCheckout.class);
  private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
  private static final String MOVING_IN = "moving-in";

  /** Writes and validates the new tree in {@code staging}; throws to abandon it. */
  @FunctionalInterface
  public interface Writer {
    void write(Path staging) throws IOException;
  }

  private AtomicCheckout() {}

  /**
   * Writes a new tree with {@code writer} and swaps it into {@code directory} (created if missing).
   * On any exception from the writer or the swap, {@code directory} holds exactly its previous
   * content and the exception is rethrown ({@link IOException} wrapped as {@link
   * UncheckedIOException}).
   */
  public static void replace(Path directory, Writer writer) {
    Path dest = directory.toAbsolutePath().normalize();
    Path parent = parentOf(dest);
    String name = dest.getFileName().toString();
    ReentrantLock lock = LOCKS.computeIfAbsent(dest, k -> new ReentrantLock());
    lock.lock();
    try {
      Files.createDirectories(parent);
      try (FileChannel ch =
              FileChannel.open(
                  parent.resolve("." + name + ".lock"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock ignored = ch.lock()) {
        recoverLocked(dest);
        Path staging = Files.createTempDirectory(parent, "." + name + ".new-");
        try {
          writer.write(staging);
          swap(dest, staging);
        } finally {
          Tree.delete(staging);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      lock.unlock();
    }
  }

  /** Repairs {@code directory} after a process died mid-swap: restores the previous content. */
  public static void recover(Path directory) throws IOException {
    Path dest = directory.toAbsolutePath().normalize();
    ReentrantLock lock = LOCKS.computeIfAbsent(dest, k -> new ReentrantLock());
    lock.lock();
    try {
      recoverLocked(dest);
    } finally {
      lock.unlock();
    }
  }

  static Path journal(Path dest) {
    return parentOf(dest).resolve("." + dest.getFileName() + ".swap");
  }

  private static void recoverLocked(Path dest) throws IOException {
    Path journal = journal(dest);
    if (!Files.exists(journal)) {
      return;
    }
    List<String> lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
    String backupName = lines.isEmpty() ? "" : lines.get(0).trim();
    boolean movingIn = lines.size() > 1 && lines.get(1).trim().equals(MOVING_IN);
    Path backup = parentOf(dest).resolve(backupName);
    LOG.warn(
        "{}: an earlier update was interrupted mid-swap; restoring the previous content", dest);
    if (Files.isDirectory(backup) && backupName.startsWith("." + dest.getFileName() + ".old-")) {
      rollBack(dest, backup, movingIn);
      Tree.delete(backup);
    }
    Files.deleteIfExists(journal);
  }

  private static void swap(Path dest, Path staging) throws IOException {
    if (!Files.isDirectory(dest)) {
      Files.createDirectories(dest);
    }
    Path parent = parentOf(dest);
    Path backup = Files.createTempDirectory(parent, "." + dest.getFileName() + ".old-");
    Path journal = journal(dest);
    Files.writeString(journal, backup.getFileName().toString() + "\n", StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    boolean movingIn = false;
    try {
      moveChildren(dest, backup);
      Files.writeString(
          journal, MOVING_IN + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      movingIn = true;
      moveChildren(staging, dest);
    } catch (IOException | RuntimeException e) {
      try {
        rollBack(dest, backup, movingIn);
        Files.deleteIfExists(journal);
        Tree.delete(backup);
      } catch (IOException r) {
        e.addSuppressed(r);
      }
      throw e;
    }
    Files.delete(journal);
    Tree.delete(backup);
  }

  /**
   * Moves {@code backup}'s entries back into {@code dest}; when the new entries were being moved in
   * (every old entry is in the backup by then), first removes what is in {@code dest}.
   */
  private static void rollBack(Path dest, Path backup, boolean movingIn) throws IOException {
    if (movingIn) {
      for (Path c : children(dest)) {
        Tree.delete(c);
      }
    }
    Files.createDirectories(dest); // someone may have removed the emptied checkout since the crash
    moveChildren(backup, dest);
  }

  private static void moveChildren(Path from, Path to) throws IOException {
    for (Path c : children(from)) {
      Files.move(c, to.resolve(c.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }
  }

  static Path parentOf(Path p) {
    Path parent = p.toAbsolutePath().getParent();
    if (parent == null) {
      throw new IllegalArgumentException("a checkout cannot be the file-system root: " + p);
    }
    return parent;
  }

  private static List<Path> children(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
        s.forEach(out::add);
      }
    }
    return out;
  }
}
