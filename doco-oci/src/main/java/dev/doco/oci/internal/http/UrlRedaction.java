package dev.doco.oci.internal.http;

import java.util.Set;
import okhttp3.HttpUrl;

/** URLs for events and logs: no user info, and query values hidden except harmless names. */
public final class UrlRedaction {
  private static final Set<String> SAFE =
      Set.of("n", "last", "service", "scope", "digest", "artifactType", "mount", "from");

  private UrlRedaction() {}

  /** {@code url} without user info, with unknown query parameter values replaced. */
  public static String redact(HttpUrl url) {
    HttpUrl.Builder b = url.newBuilder().username("").password("");
    if (url.querySize() > 0) {
      b.query(null);
      for (int i = 0; i < url.querySize(); i++) {
        String name = url.queryParameterName(i);
        String value = url.queryParameterValue(i);
        b.addQueryParameter(name, SAFE.contains(name) || value == null ? value : "REDACTED");
      }
    }
    return b.build().toString();
  }
}
