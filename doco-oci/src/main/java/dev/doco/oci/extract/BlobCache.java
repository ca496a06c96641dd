package dev.doco.oci.extract;

import dev.doco.core.DocoEvent;
import dev.doco.core.DocoListener;
import dev.doco.oci.internal.registry.VerifyingInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Content-addressed blob store: {@code <dir>/<algorithm>/<hex>} (for example {@code
 * <data>/blobs/sha256/<hex>}). A blob enters only after its bytes matched its digest, and is
 * checked again whenever it is read, so a damaged cache is noticed (and the entry dropped).
 * Thread-safe: writers use private temporary files and an atomic rename.
 */
public final class BlobCache {
  private static final Pattern DIGEST =
      Pattern.compile("(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})");
  private static final long PROGRESS_STEP = 1 << 20;

  private final Path dir;

  public BlobCache(Path dir) {
    this.dir = dir;
  }

  /** The cache root, e.g. {@code <data>/blobs}. */
  public Path directory() {
    return dir;
  }

  /**
   * Where {@code digest} lives (whether or not it is there).
   *
   * @throws IllegalArgumentException when {@code digest} is not a sha256 or sha512 digest
   */
  public Path path(String digest) {
    checkDigest(digest);
    int colon = digest.indexOf(':');
    return dir.resolve(digest.substring(0, colon)).resolve(digest.substring(colon + 1));
  }

  public boolean contains(String digest) {
    return Files.isRegularFile(path(digest));
  }

  /**
   * Stores {@code in} as {@code digest}, verifying digest and (when not negative) size while
   * copying, and reporting {@link DocoEvent.DownloadProgress}. Closes {@code in}.
   *
   * @throws BlobMismatchException when the bytes do not match; nothing is kept
   */
  public Path put(String digest, long size, InputStream in, DocoListener listener)
      throws IOException {
    Path target = path(digest);
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), ".in-", ".tmp");
    try (InputStream verified = verifying(in, digest, size);
        OutputStream out = Files.newOutputStream(tmp)) {
      byte[] buf = new byte[65536];
      long done = 0;
      long next = PROGRESS_STEP;
      int n;
      while ((n = verified.read(buf)) != -1) {
        out.write(buf, 0, n);
        done += n;
        if (done >= next) {
          listener.onEvent(new DocoEvent.DownloadProgress(digest, done, size));
          next = done + PROGRESS_STEP;
        }
      }
      // verified: done is the declared size, when there is one
      listener.onEvent(new DocoEvent.DownloadProgress(digest, done, done));
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  /** Stores bytes already in memory (manifests). */
  public Path put(String digest, byte[] bytes) throws IOException {
    return put(digest, bytes.length, new java.io.ByteArrayInputStream(bytes), DocoListener.NONE);
  }

  /**
   * Opens a cached blob, verified against {@code digest} while read; a mismatch deletes the entry
   * and throws {@link BlobMismatchException} at the end of the stream.
   */
  public InputStream open(String digest) throws IOException {
    Path p = path(digest);
    InputStream in = Files.newInputStream(p);
    return new FilterInputStream(verifying(in, digest, -1)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          return super.read(b, off, len);
        } catch (BlobMismatchException e) {
          Files.deleteIfExists(p);
          throw new BlobMismatchException(
              e.getMessage() + " (cached copy " + p + " was damaged and has been removed; retry)");
        }
      }
    };
  }

  /** Reads a small cached blob (a manifest) whole, verified. */
  public byte[] read(String digest) throws IOException {
    try (InputStream in = open(digest)) {
      return in.readAllBytes();
    }
  }

  /**
   * Deletes every cached blob not in {@code keep}. Callers must include digests in use by fetches
   * in progress.
   *
   * @return how many blobs were deleted
   */
  public int retainOnly(Set<String> keep) throws IOException {
    int deleted = 0;
    for (String alg : new String[] {"sha256", "sha512"}) {
      Path d = dir.resolve(alg);
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (DirectoryStream<Path> s = Files.newDirectoryStream(d)) {
        for (Path p : s) {
          String name = p.getFileName().toString();
          if (name.startsWith(".")) {
            continue; // a write in progress
          }
          if (!keep.contains(alg + ":" + name)) {
            try {
              Files.delete(p);
              deleted++;
            } catch (NoSuchFileException e) {
              // raced with another cleaner
            }
          }
        }
      }
    }
    return deleted;
  }

  /**
   * Wraps {@code in} so that reading it to the end checks {@code digest} (and {@code size} when not
   * negative), throwing {@link BlobMismatchException} instead of reporting the end when the bytes
   * differ.
   */
  public static InputStream verifying(InputStream in, String digest, long size) {
    checkDigest(digest);
    return new Verifying(in, digest, size);
  }

  static void checkDigest(String digest) {
    if (!DIGEST.matcher(digest).matches()) {
      throw new IllegalArgumentException(
          "'" + digest + "' is not a sha256 or sha512 digest (algorithm:lowercase-hex)");
    }
  }

  /**
   * The module's {@link VerifyingInputStream} (digest and size checked while read, and as soon as
   * the declared size is reached), reporting a mismatch as {@link BlobMismatchException}.
   */
  private static final class Verifying extends FilterInputStream {
    Verifying(InputStream in, String digest, long size) {
      super(new VerifyingInputStream(in, digest, size));
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (VerifyingInputStream.MismatchException e) {
        throw mismatch(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (VerifyingInputStream.MismatchException e) {
        throw mismatch(e);
      }
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        return super.skip(n);
      } catch (VerifyingInputStream.MismatchException e) {
        throw mismatch(e);
      }
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    private static BlobMismatchException mismatch(VerifyingInputStream.MismatchException e) {
      return new BlobMismatchException(
          e.getMessage() + "; the registry or layout holds damaged or substituted data");
    }
  }
}
