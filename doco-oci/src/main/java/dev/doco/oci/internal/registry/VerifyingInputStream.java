package dev.doco.oci.internal.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Passes bytes through while hashing and counting them; at end of stream (before reporting it)
 * checks size and digest and throws {@link MismatchException} on a difference. Reading more bytes
 * than the expected size fails at once.
 */
public final class VerifyingInputStream extends FilterInputStream {
  private final String expectedDigest;
  private final long expectedSize;
  private final boolean sizeKnown;
  private final MessageDigest md;
  private long count;
  private boolean verified;

  /** Thrown (as an IOException, for stream readers) when the content does not match. */
  public static final class MismatchException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String expected;
    private final String actual;

    public MismatchException(String message, String expected, String actual) {
      super(message);
      this.expected = expected;
      this.actual = actual;
    }

    public String expected() {
      return expected;
    }

    public String actual() {
      return actual;
    }
  }

  /**
   * @param expectedSize the descriptor size, or -1 when unknown
   */
  public VerifyingInputStream(InputStream in, String expectedDigest, long expectedSize) {
    super(in);
    this.expectedDigest = expectedDigest;
    this.expectedSize = expectedSize;
    this.sizeKnown = expectedSize >= 0;
    this.md = Digests.forDigest(expectedDigest);
  }

  /** Bytes read so far. */
  public long count() {
    return count;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    // A conforming stream returns at least one byte or -1 for a one-byte read.
    return n == 1 ? one[0] & 0xff : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n == -1) {
      verify();
      return -1;
    }
    md.update(b, off, n);
    count += n;
    if (sizeKnown && count > expectedSize) {
      throw new MismatchException(
          "blob "
              + expectedDigest
              + " is longer than its descriptor size "
              + expectedSize
              + " (got at least "
              + count
              + " bytes)",
          expectedDigest,
          "more than " + expectedSize + " bytes");
    }
    if (count == expectedSize) {
      // (never true when the size is unknown: count is positive here.) A caller that reads exactly
      // the descriptor size and stops must not get unchecked bytes.
      verify();
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[8192];
    long done = 0;
    while (done < n) {
      int r = read(buf, 0, (int) Math.min(buf.length, n - done));
      if (r == -1) {
        break;
      }
      done += r;
    }
    return done;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readlimit) {}

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset not supported");
  }

  private void verify() throws IOException {
    if (verified) {
      return;
    }
    if (sizeKnown && count != expectedSize) {
      throw new MismatchException(
          "blob "
              + expectedDigest
              + " ended after "
              + count
              + " bytes, but its descriptor says "
              + expectedSize
              + " (truncated download?)",
          expectedDigest,
          count + " bytes");
    }
    String actual = Digests.format(md, md.digest());
    if (!actual.equals(expectedDigest)) {
      throw new MismatchException(
          "blob content does not match its digest: expected " + expectedDigest + ", got " + actual,
          expectedDigest,
          actual);
    }
    verified = true;
  }
}
