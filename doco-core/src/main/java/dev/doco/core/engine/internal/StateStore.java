package dev.doco.core.engine.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's embedded state: one JSON file per deployment under {@code <data>/state/}, each
 * replaced atomically (written to a temporary file in the same directory, forced to disk, then
 * moved over the old one with {@code ATOMIC_MOVE}). Reads are served from memory after the first
 * load; a corrupt file is logged, set aside as {@code *.corrupt} and treated as absent.
 */
public final class StateStore {
  private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);
  private static final String SUFFIX = ".json";

  private final Path directory;
  private final Map<String, StateRecord> cache = new ConcurrentHashMap<>();
  private volatile boolean loaded;

  public StateStore(Path directory) {
    this.directory = directory;
  }

  public Path directory() {
    return directory;
  }

  /**
   * The file holding {@code name}'s state. Names are escaped so they cannot leave the directory.
   */
  public Path fileFor(String name) {
    return directory.resolve(escape(name) + SUFFIX);
  }

  /** Escapes everything but {@code [A-Za-z0-9_-]} and inner dots as {@code %XX} (UTF-8). */
  static String escape(String name) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("deployment name is empty");
    }
    StringBuilder b = new StringBuilder();
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      int c = bytes[i] & 0xFF;
      boolean plain =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-'
              || (c == '.' && i > 0);
      if (plain) {
        b.append((char) c);
      } else {
        b.append('%').append(String.format(java.util.Locale.ROOT, "%02X", c));
      }
    }
    return b.toString();
  }

  private void ensureLoaded() {
    if (loaded) {
      return;
    }
    synchronized (this) {
      if (loaded) {
        return;
      }
      if (Files.isDirectory(directory)) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
          for (Path f : files) {
            read(f).ifPresent(r -> cache.put(r.name(), r));
          }
        } catch (IOException e) {
          throw new UncheckedIOException("cannot list the state directory " + directory, e);
        }
      }
      loaded = true;
    }
  }

  private Optional<StateRecord> read(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return Optional.of(StateRecord.fromJson(Json.parseObject(text)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
      LOG.warn(
          "state file {} is unreadable ({}); moved to {} and ignored: the deployment is treated as"
              + " new, and the container labels decide whether it runs",
          file,
          e.getMessage(),
          aside);
      try {
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException moveFailed) {
        LOG.warn("could not move {} aside: {}", file, moveFailed.getMessage());
      }
      return Optional.empty();
    }
  }

  public Optional<StateRecord> get(String name) {
    ensureLoaded();
    return Optional.ofNullable(cache.get(name));
  }

  /** Every record, by name. */
  public List<StateRecord> all() {
    ensureLoaded();
    List<StateRecord> list = new ArrayList<>(cache.values());
    list.sort(Comparator.comparing(StateRecord::name));
    return list;
  }

  /** Active records produced by {@code sourceKey}. */
  public List<StateRecord> bySource(String sourceKey) {
    ensureLoaded();
    List<StateRecord> list = new ArrayList<>();
    for (StateRecord r : cache.values()) {
      if (r.active() && r.sourceKey().equals(sourceKey)) {
        list.add(r);
      }
    }
    list.sort(Comparator.comparing(StateRecord::name));
    return list;
  }

  /** Writes {@code record} atomically and durably. */
  public synchronized void save(StateRecord record) {
    ensureLoaded();
    Path target = fileFor(record.name());
    byte[] bytes = (Json.write(record.toJson()) + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      Files.createDirectories(directory);
      Path tmp = Files.createTempFile(directory, ".tmp-", SUFFIX + ".part");
      try {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          ByteBuffer buf = ByteBuffer.wrap(bytes);
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
          ch.force(true);
        }
        try {
          Files.move(
              tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          throw new IOException(
              "the file system of "
                  + directory
                  + " cannot replace files atomically; put the data directory on a local file"
                  + " system",
              e);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
      forceDirectory();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write deployment state " + target, e);
    }
    cache.put(record.name(), record);
  }

  /** Removes {@code name}'s state (after a destroy). */
  public synchronized void delete(String name) {
    ensureLoaded();
    try {
      Files.deleteIfExists(fileFor(name));
      forceDirectory();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete deployment state " + fileFor(name), e);
    }
    cache.remove(name);
  }

  private void forceDirectory() {
    // Makes the rename durable on Linux; not supported everywhere, which is fine.
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.trace("directory fsync not supported for {}: {}", directory, e.getMessage());
    }
  }
}
