package dev.doco.oci.internal.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import okhttp3.Credentials;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * Proxies from the environment like Go's {@code http.ProxyFromEnvironment}: {@code HTTPS_PROXY} for
 * https URLs, {@code HTTP_PROXY} for http URLs (lower-case names too), {@code NO_PROXY} as a comma
 * list of hosts, domain suffixes ({@code .example.com} or {@code example.com}), {@code host:port}
 * or {@code *}. Loopback is never proxied.
 */
public final class EnvProxySelector extends ProxySelector {
  private final @Nullable HttpUrl httpsProxy;
  private final @Nullable HttpUrl httpProxy;
  private final List<String> noProxy;

  private EnvProxySelector(
      @Nullable HttpUrl httpsProxy, @Nullable HttpUrl httpProxy, List<String> noProxy) {
    this.httpsProxy = httpsProxy;
    this.httpProxy = httpProxy;
    this.noProxy = noProxy;
  }

  /** Reads the variables from {@code env}; null when no proxy is configured. */
  public static @Nullable EnvProxySelector fromEnvironment(Map<String, String> env) {
    HttpUrl https = url(first(env, "HTTPS_PROXY", "https_proxy"));
    HttpUrl http = url(first(env, "HTTP_PROXY", "http_proxy"));
    if (https == null && http == null) {
      return null;
    }
    List<String> no = new ArrayList<>();
    String np = first(env, "NO_PROXY", "no_proxy");
    if (np != null) {
      for (String e : np.split(",", -1)) {
        String t = e.trim().toLowerCase(Locale.ROOT);
        if (!t.isEmpty()) {
          no.add(t);
        }
      }
    }
    return new EnvProxySelector(https, http, List.copyOf(no));
  }

  private static @Nullable String first(Map<String, String> env, String a, String b) {
    String v = env.get(a);
    if (v == null || v.isBlank()) {
      v = env.get(b);
    }
    return v == null || v.isBlank() ? null : v.trim();
  }

  private static @Nullable HttpUrl url(@Nullable String v) {
    if (v == null) {
      return null;
    }
    HttpUrl u = HttpUrl.parse(v.contains("://") ? v : "http://" + v);
    if (u == null) {
      throw new IllegalArgumentException("invalid proxy URL in the environment (not shown)");
    }
    return u;
  }

  /** The proxy authentication header value for {@code proxy}, when its URL carries a user. */
  public @Nullable String proxyAuthorization(boolean https) {
    HttpUrl p = https ? httpsProxy : httpProxy;
    if (p == null || p.username().isEmpty()) {
      return null;
    }
    return Credentials.basic(p.username(), p.password());
  }

  @Override
  public List<Proxy> select(URI uri) {
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    HttpUrl p = https ? httpsProxy : httpProxy;
    if (p == null || bypass(host, uri.getPort())) {
      return List.of(Proxy.NO_PROXY);
    }
    return List.of(
        new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(p.host(), p.port())));
  }

  boolean bypass(String host, int port) {
    if (InsecureRegistries.isLoopback(host)) {
      return true;
    }
    for (String e : noProxy) {
      if (e.equals("*")) {
        return true;
      }
      String eh = e;
      int ep = -1;
      int c = e.lastIndexOf(':');
      if (c > 0 && !e.endsWith("]") && e.indexOf(':') == c) {
        eh = e.substring(0, c);
        try {
          ep = Integer.parseInt(e.substring(c + 1));
        } catch (NumberFormatException ex) {
          continue;
        }
      }
      if (ep != -1 && ep != port) {
        continue;
      }
      String suffix = eh.startsWith(".") ? eh : "." + eh;
      if (host.equals(eh.startsWith(".") ? eh.substring(1) : eh) || host.endsWith(suffix)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
}
