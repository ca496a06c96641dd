package dev.doco.oci.internal.registry;

import dev.doco.oci.internal.http.Backoff;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A blob body that survives a broken connection: when a read fails, it asks for the rest with
 * {@code Range: bytes=N-} (N = the bytes already delivered) and goes on from there, so a large
 * layer is not downloaded again from its first byte. A {@code 206} must start exactly at N; a
 * {@code 200} (the registry or its storage ignored the range) is read past its first N bytes, so
 * the caller sees one uninterrupted stream either way. Anything else ends the stream with the
 * original error. Resumes are bounded by the backoff's attempts and wait its delays.
 *
 * <p>It sits under {@link VerifyingInputStream}: the digest covers every delivered byte, whichever
 * response it came from.
 */
public final class ResumingInputStream extends InputStream {
  private static final Logger LOG = LoggerFactory.getLogger(ResumingInputStream.class);

  /** Asks for the blob again from byte {@code offset} (no Range header when 0). */
  @FunctionalInterface
  public interface Reopener {
    Response open(long offset) throws IOException;
  }

  private final String digest;
  private final Reopener reopener;
  private final Backoff backoff;
  private Response response;
  private InputStream in;
  private long position;
  private int resumes;
  private boolean closed;

  public ResumingInputStream(Response response, String digest, Reopener reopener, Backoff backoff) {
    this.response = response;
    this.in = body(response).byteStream();
    this.digest = digest;
    this.reopener = reopener;
    this.backoff = backoff;
  }

  /** How many times the stream was resumed after a broken read. */
  public int resumes() {
    return resumes;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n == -1 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    while (true) {
      try {
        int n = in.read(b, off, len);
        if (n > 0) {
          position += n;
        }
        return n;
      } catch (IOException e) {
        resume(e);
      }
    }
  }

  /** Replaces the broken response with one that continues at {@link #position}, or throws. */
  private void resume(IOException cause) throws IOException {
    if (closed) {
      throw cause;
    }
    while (true) {
      if (resumes + 1 >= backoff.maxAttempts()) {
        throw cause;
      }
      Duration delay = backoff.delay(resumes);
      resumes++;
      response.close();
      try {
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        InterruptedIOException ie = new InterruptedIOException("interrupted while resuming");
        ie.addSuppressed(cause);
        throw ie;
      }
      Response next;
      try {
        next = reopener.open(position);
      } catch (IOException | RuntimeException e) {
        cause.addSuppressed(e);
        throw cause;
      }
      response = next;
      String refused = accept(next);
      if (refused != null) {
        next.close();
        cause.addSuppressed(new IOException(refused));
        throw cause;
      }
      InputStream body = body(next).byteStream();
      try {
        if (next.code() == 200) {
          skipFully(body, position);
        }
      } catch (IOException again) {
        cause = again;
        continue;
      }
      in = body;
      LOG.info(
          "blob {}: the connection broke after {} bytes; resumed ({} {})",
          digest,
          position,
          next.code(),
          next.code() == 206 ? "partial content" : "full body, first bytes skipped");
      return;
    }
  }

  /** Why {@code r} cannot continue the stream at {@link #position}, or null when it can. */
  private @Nullable String accept(Response r) {
    if (r.code() == 200) {
      return null;
    }
    if (r.code() != 206) {
      return "resuming blob " + digest + " at byte " + position + " failed: HTTP " + r.code();
    }
    String range = r.header("Content-Range");
    if (range == null || !range.startsWith("bytes " + position + "-")) {
      return "resuming blob "
          + digest
          + ": asked for bytes "
          + position
          + "- but the registry sent Content-Range "
          + range;
    }
    return null;
  }

  private static void skipFully(InputStream body, long n) throws IOException {
    byte[] buf = new byte[8192];
    long left = n;
    while (left > 0) {
      int r = body.read(buf, 0, (int) Math.min(buf.length, left));
      if (r == -1) {
        throw new IOException("the blob ended before the " + n + " bytes already read");
      }
      left -= r;
    }
  }

  private static ResponseBody body(Response r) {
    return r.body();
  }

  @Override
  public void close() {
    closed = true;
    response.close();
  }
}
