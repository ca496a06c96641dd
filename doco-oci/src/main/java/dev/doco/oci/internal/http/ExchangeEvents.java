package dev.doco.oci.internal.http;

import dev.doco.core.DocoEvent;
import dev.doco.core.DocoListener;
import java.io.IOException;
import java.time.Duration;
import okhttp3.Call;
import okhttp3.EventListener;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each OkHttp call into one {@link DocoEvent.HttpExchange} (method, redacted URL, status,
 * response body bytes, retries before it, duration) and a debug log line.
 */
public final class ExchangeEvents implements EventListener.Factory {
  private static final Logger LOG = LoggerFactory.getLogger("dev.doco.oci.http");

  /** Attached to a request as a tag: how many retries preceded it. */
  public record Attempt(int retries) {}

  private final DocoListener listener;

  public ExchangeEvents(DocoListener listener) {
    this.listener = listener;
  }

  @Override
  public EventListener create(Call call) {
    return new PerCall();
  }

  private final class PerCall extends EventListener {
    private final long start = System.nanoTime();
    private int status;
    private long bytes;
    private boolean done;

    @Override
    public void responseHeadersEnd(Call call, Response response) {
      status = response.code();
    }

    @Override
    public void responseBodyEnd(Call call, long byteCount) {
      bytes = byteCount;
    }

    @Override
    public void callEnd(Call call) {
      finish(call, null);
    }

    @Override
    public void callFailed(Call call, IOException ioe) {
      finish(call, ioe);
    }

    private synchronized void finish(Call call, @Nullable IOException failure) {
      if (done) {
        return;
      }
      done = true;
      Attempt a = call.request().tag(Attempt.class);
      String url = UrlRedaction.redact(call.request().url());
      Duration d = Duration.ofNanos(System.nanoTime() - start);
      int s = status;
      LOG.debug(
          "{} {} -> {} ({} bytes, {} ms){}",
          call.request().method(),
          url,
          s,
          bytes,
          d.toMillis(),
          failure == null ? "" : " failed: " + failure.getMessage());
      try {
        listener.onEvent(
            new DocoEvent.HttpExchange(
                call.request().method(), url, s, bytes, a == null ? 0 : a.retries(), d));
      } catch (RuntimeException e) {
        LOG.warn("event listener failed", e);
      }
    }
  }
}
