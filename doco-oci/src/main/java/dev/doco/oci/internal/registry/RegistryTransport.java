package dev.doco.oci.internal.registry;

import dev.doco.oci.ArtifactNotFoundException;
import dev.doco.oci.Credential;
import dev.doco.oci.CredentialProvider;
import dev.doco.oci.Reference;
import dev.doco.oci.RegistryAuthException;
import dev.doco.oci.RegistryException;
import dev.doco.oci.internal.auth.Challenge;
import dev.doco.oci.internal.auth.Json;
import dev.doco.oci.internal.http.Backoff;
import dev.doco.oci.internal.http.ExchangeEvents;
import dev.doco.oci.internal.http.InsecureRegistries;
import dev.doco.oci.internal.http.UrlRedaction;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.FormBody;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends registry requests: one ping per registry (scheme and challenge cached), Bearer tokens per
 * (registry, scope set) until they expire, Basic only after the registry asked for it and only to
 * its own origin, one re-authentication on 401, retries with backoff, and redirects followed by
 * hand (no Authorization across origins, no https-to-http downgrade, no redirect from a public
 * registry to an internal IP literal).
 */
public final class RegistryTransport {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryTransport.class);
  private static final int MAX_REDIRECTS = 10;
  private static final int MAX_TOKEN_BODY = 64 * 1024;
  private static final Duration CREDENTIAL_TTL = Duration.ofMinutes(5);

  private final OkHttpClient http;
  private final CredentialProvider credentials;
  private final InsecureRegistries insecure;
  private final Set<String> plainHttp;
  private final Backoff backoff;
  private final String userAgent;
  private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();

  public RegistryTransport(
      OkHttpClient http,
      CredentialProvider credentials,
      InsecureRegistries insecure,
      Set<String> plainHttp,
      Backoff backoff,
      String userAgent) {
    this.http = http;
    this.credentials = credentials;
    this.insecure = insecure;
    this.plainHttp = Set.copyOf(plainHttp);
    this.backoff = backoff;
    this.userAgent = userAgent;
  }

  public Backoff backoff() {
    return backoff;
  }

  /** What one registry call needs. */
  public record Call(
      String method,
      String path,
      Map<String, String> query,
      Headers headers,
      @Nullable RequestBody body,
      boolean idempotent,
      List<String> scopes,
      @Nullable HttpUrl absolute) {

    public static Call get(String path, List<String> scopes) {
      return new Call("GET", path, Map.of(), Headers.of(), null, true, scopes, null);
    }

    public Call withHeaders(Headers h) {
      return new Call(method, path, query, h, body, idempotent, scopes, absolute);
    }

    public Call withMethod(String m, @Nullable RequestBody b, boolean idem) {
      return new Call(m, path, query, headers, b, idem, scopes, absolute);
    }

    public Call withQuery(Map<String, String> q) {
      return new Call(method, path, q, headers, body, idempotent, scopes, absolute);
    }

    public Call withUrl(HttpUrl url) {
      return new Call(method, path, query, headers, body, idempotent, scopes, url);
    }
  }

  private static final class Session {
    final String registry;
    final String apiHost;
    volatile @Nullable HttpUrl base;
    volatile @Nullable Challenge challenge;
    volatile @Nullable Credential refreshed;
    final ConcurrentHashMap<String, Token> tokens = new ConcurrentHashMap<>();
    final ConcurrentHashMap<String, CachedCredential> creds = new ConcurrentHashMap<>();

    Session(String registry, String apiHost) {
      this.registry = registry;
      this.apiHost = apiHost;
    }
  }

  private record Token(String value, Instant expires) {}

  private record CachedCredential(Optional<Credential> credential, Instant expires) {}

  /** The base URL of the registry ({@code scheme://host[:port]/}), pinging it if needed. */
  public HttpUrl base(Reference ref) {
    Session s = session(ref);
    ensurePinged(s, ref);
    return java.util.Objects.requireNonNull(s.base);
  }

  /**
   * Sends {@code call} for {@code ref}'s repository. The caller owns (closes) the response; error
   * statuses are returned, not thrown (see {@link #failure}).
   */
  public Response send(Reference ref, Call call) {
    Session s = session(ref);
    ensurePinged(s, ref);
    Instant deadline = Instant.now().plus(backoff.deadline());
    List<String> scopes = new ArrayList<>(call.scopes());
    boolean reauthenticated = false;
    int attempt = 0;
    while (true) {
      HttpUrl base = java.util.Objects.requireNonNull(s.base);
      HttpUrl url = call.absolute() != null ? call.absolute() : url(base, call);
      String auth = authorization(s, ref, scopes);
      Response r;
      try {
        r = sendRedirecting(url, call.method(), call.headers(), call.body(), auth, base, attempt);
      } catch (IOException e) {
        Duration d = backoff.delay(attempt);
        if (call.idempotent() && canRetry(attempt, deadline, d)) {
          LOG.debug("{} {} failed ({}); retrying in {} ms", call.method(), url, e, d.toMillis());
          sleep(d);
          attempt++;
          continue;
        }
        throw new RegistryException(
            "cannot reach registry "
                + ref.registry()
                + " ("
                + call.method()
                + " "
                + UrlRedaction.redact(url)
                + "): "
                + e.getMessage()
                + (attempt > 0 ? " after " + (attempt + 1) + " attempts" : "")
                + "; check the network, proxy settings (HTTPS_PROXY, NO_PROXY) and the registry"
                + " address",
            ref.registry(),
            ref.repository(),
            ref.digest(),
            0,
            null,
            e);
      }
      if (r.code() == 401 && !reauthenticated && sameOrigin(r.request().url(), base)) {
        Challenge c = Challenge.preferred(Challenge.parseAll(r.headers("WWW-Authenticate")));
        r.close();
        reauthenticated = true;
        if (c != null) {
          List<String> merged = new ArrayList<>(new LinkedHashSet<>(concat(c.scopes(), scopes)));
          s.tokens.remove(key(scopes));
          s.tokens.remove(key(merged));
          s.challenge = c;
          scopes = merged;
        }
        s.creds.remove(ref.repository());
        continue;
      }
      if (Backoff.RETRYABLE.contains(r.code()) && call.idempotent()) {
        Duration d = backoff.retryAfter(r.header("Retry-After"), Instant.now());
        if (d == null) {
          d = backoff.delay(attempt);
        }
        if (canRetry(attempt, deadline, d)) {
          LOG.debug("{} {} -> {}; retrying in {} ms", call.method(), url, r.code(), d.toMillis());
          r.close();
          sleep(d);
          attempt++;
          continue;
        }
      }
      return r;
    }
  }

  private boolean canRetry(int attempt, Instant deadline, Duration delay) {
    return attempt + 1 < backoff.maxAttempts() && Instant.now().plus(delay).isBefore(deadline);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted", "", "", null, 0, null, e);
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static HttpUrl url(HttpUrl base, Call call) {
    HttpUrl.Builder b = base.newBuilder().encodedPath("/");
    for (String seg : call.path().split("/")) {
      if (!seg.isEmpty()) {
        b.addPathSegment(seg);
      }
    }
    if (call.path().endsWith("/")) {
      b.addPathSegment("");
    }
    for (Map.Entry<String, String> q : call.query().entrySet()) {
      b.addQueryParameter(q.getKey(), q.getValue());
    }
    return b.build();
  }

  /** Follows redirects by hand; Authorization only to {@code origin}. */
  Response sendRedirecting(
      HttpUrl start,
      String method,
      Headers headers,
      @Nullable RequestBody body,
      @Nullable String auth,
      HttpUrl origin,
      int attempt)
      throws IOException {
    HttpUrl url = start;
    String m = method;
    RequestBody b = body;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      Request.Builder rb =
          new Request.Builder()
              .url(url)
              .method(m, b)
              .headers(headers)
              .header("User-Agent", userAgent)
              .tag(ExchangeEvents.Attempt.class, new ExchangeEvents.Attempt(attempt));
      if (auth != null && sameOrigin(url, origin)) {
        rb.header("Authorization", auth);
      }
      Response r = http.newCall(rb.build()).execute();
      if (!isRedirect(r.code())) {
        return r;
      }
      String location = r.header("Location");
      if (location == null) {
        return r;
      }
      int code = r.code();
      r.close();
      HttpUrl next = url.resolve(location);
      if (next == null) {
        throw new RegistryException(
            "registry sent an invalid redirect Location from " + UrlRedaction.redact(url),
            origin.host(),
            "",
            null,
            code,
            null,
            null);
      }
      if (url.isHttps() && !next.isHttps()) {
        throw new RegistryException(
            "refused a redirect from https to plain http ("
                + UrlRedaction.redact(url)
                + " -> "
                + UrlRedaction.redact(next)
                + "): a downgrade would expose the content to tampering; fix the registry's"
                + " storage redirect to use https",
            origin.host(),
            "",
            null,
            code,
            null,
            null);
      }
      if (!next.host().equals(url.host())
          && InsecureRegistries.IpLiterals.isInternal(next.host())
          && !InsecureRegistries.IpLiterals.isInternal(origin.host())
          && !InsecureRegistries.isLoopback(origin.host())) {
        throw new RegistryException(
            "refused a redirect from "
                + origin.host()
                + " to the internal address "
                + next.host()
                + " (server-side request forgery guard)",
            origin.host(),
            "",
            null,
            code,
            null,
            null);
      }
      if (code == 303 && !m.equals("HEAD")) {
        m = "GET";
        b = null;
      }
      url = next;
    }
    throw new IOException("more than " + MAX_REDIRECTS + " redirects from " + start.host());
  }

  private static boolean isRedirect(int code) {
    return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
  }

  /** Same scheme, host and port. */
  public static boolean sameOrigin(HttpUrl a, HttpUrl b) {
    return a.scheme().equals(b.scheme()) && a.host().equals(b.host()) && a.port() == b.port();
  }

  private Session session(Reference ref) {
    return sessions.computeIfAbsent(ref.apiHost(), h -> new Session(ref.registry(), h));
  }

  private void ensurePinged(Session s, Reference ref) {
    if (s.base != null) {
      return;
    }
    synchronized (s) {
      if (s.base != null) {
        return;
      }
      List<String> schemes;
      if (plainHttp.contains(s.apiHost) || plainHttp.contains(s.registry)) {
        schemes = List.of("http");
      } else if (insecure.allows(s.apiHost)) {
        schemes = List.of("https", "http");
      } else {
        schemes = List.of("https");
      }
      Instant deadline = Instant.now().plus(backoff.deadline());
      IOException last = null;
      for (int attempt = 0; ; attempt++) {
        for (String scheme : schemes) {
          HttpUrl base = HttpUrl.get(scheme + "://" + s.apiHost + "/");
          HttpUrl ping = base.resolve("/v2/");
          try (Response r =
              sendRedirecting(
                  java.util.Objects.requireNonNull(ping),
                  "GET",
                  Headers.of(),
                  null,
                  null,
                  base,
                  attempt)) {
            drain(r);
            if (Backoff.RETRYABLE.contains(r.code())) {
              last = new IOException("registry answered /v2/ with HTTP " + r.code());
              continue;
            }
            if (r.code() == 401) {
              s.challenge = Challenge.preferred(Challenge.parseAll(r.headers("WWW-Authenticate")));
            } else if (!r.isSuccessful()) {
              LOG.debug(
                  "{} answered /v2/ with {}; assuming no authentication", s.apiHost, r.code());
            }
            s.base = base;
            return;
          } catch (IOException e) {
            last = e;
            LOG.debug("ping {} over {} failed: {}", s.apiHost, scheme, e.toString());
          }
        }
        Duration d = backoff.delay(attempt);
        if (!canRetry(attempt, deadline, d)) {
          break;
        }
        sleep(d);
      }
      String hint =
          schemes.contains("http")
              ? ""
              : " (plain HTTP is only used for loopback registries and those listed in "
                  + InsecureRegistries.SETTING
                  + ")";
      throw new RegistryException(
          "cannot reach registry "
              + s.apiHost
              + " over "
              + String.join(" or ", schemes)
              + ": "
              + (last == null ? "no answer" : last.getMessage())
              + hint,
          ref.registry(),
          ref.repository(),
          ref.digest(),
          0,
          null,
          last);
    }
  }

  private static void drain(Response r) {
    ResponseBody b = r.body();
    try (InputStream in = b.byteStream()) {
      in.skip(64 * 1024);
    } catch (IOException ignored) {
      // only for keep-alive
    }
  }

  private Optional<Credential> credential(Session s, Reference ref) {
    Credential refreshed = s.refreshed;
    if (refreshed != null) {
      return Optional.of(refreshed);
    }
    CachedCredential c = s.creds.get(ref.repository());
    if (c != null && Instant.now().isBefore(c.expires())) {
      return c.credential();
    }
    Optional<Credential> found = credentials.find(ref.registry(), ref.repository());
    s.creds.put(ref.repository(), new CachedCredential(found, Instant.now().plus(CREDENTIAL_TTL)));
    return found;
  }

  private @Nullable String authorization(Session s, Reference ref, List<String> scopes) {
    Challenge c = s.challenge;
    if (c == null) {
      return null;
    }
    Optional<Credential> cred = credential(s, ref);
    if (cred.isPresent() && cred.get().registryToken() != null) {
      return "Bearer " + cred.get().registryToken();
    }
    if (c.scheme().equals("basic")) {
      if (cred.isPresent() && cred.get().isBasic()) {
        return okhttp3.Credentials.basic(
            java.util.Objects.requireNonNull(cred.get().username()),
            java.util.Objects.requireNonNull(cred.get().password()),
            java.nio.charset.StandardCharsets.UTF_8);
      }
      return null;
    }
    if (!c.scheme().equals("bearer")) {
      return null;
    }
    String key = key(scopes);
    Token t = s.tokens.get(key);
    if (t != null && Instant.now().isBefore(t.expires())) {
      return "Bearer " + t.value();
    }
    synchronized (s) {
      t = s.tokens.get(key);
      if (t != null && Instant.now().isBefore(t.expires())) {
        return "Bearer " + t.value();
      }
      t = fetchToken(s, ref, c, scopes, cred.orElse(null));
      s.tokens.put(key, t);
      return "Bearer " + t.value();
    }
  }

  private static String key(List<String> scopes) {
    return String.join(" ", new TreeSet<>(scopes));
  }

  private Token fetchToken(
      Session s, Reference ref, Challenge c, List<String> scopes, @Nullable Credential cred) {
    String realmText = c.param("realm");
    HttpUrl realm = realmText == null ? null : HttpUrl.parse(realmText);
    if (realm == null) {
      throw new RegistryAuthException(
          "registry "
              + ref.registry()
              + " asked for a Bearer token but its challenge has no valid realm URL",
          ref.registry(),
          ref.repository(),
          ref.digest(),
          401,
          null,
          null);
    }
    validateRealm(realm, s, ref);
    String service = c.param("service");
    Instant deadline = Instant.now().plus(backoff.deadline());
    for (int attempt = 0; ; attempt++) {
      try (Response r = tokenRequest(realm, service, scopes, cred, attempt)) {
        if (Backoff.RETRYABLE.contains(r.code())) {
          Duration d = backoff.retryAfter(r.header("Retry-After"), Instant.now());
          d = d == null ? backoff.delay(attempt) : d;
          if (canRetry(attempt, deadline, d)) {
            sleep(d);
            continue;
          }
        }
        byte[] body = readCapped(r, MAX_TOKEN_BODY);
        if (r.code() == 401 || r.code() == 403) {
          throw new RegistryAuthException(
              "the token service of "
                  + ref.registry()
                  + " refused "
                  + (cred == null ? "anonymous access" : "the credentials from " + cred.source())
                  + " for "
                  + String.join(" ", scopes)
                  + " (HTTP "
                  + r.code()
                  + ErrorBody.parse(body).suffix()
                  + "); "
                  + loginHint(ref),
              ref.registry(),
              ref.repository(),
              ref.digest(),
              r.code(),
              ErrorBody.parse(body).code(),
              null);
        }
        if (!r.isSuccessful()) {
          throw new RegistryAuthException(
              "the token service of "
                  + ref.registry()
                  + " answered HTTP "
                  + r.code()
                  + ErrorBody.parse(body).suffix(),
              ref.registry(),
              ref.repository(),
              ref.digest(),
              r.code(),
              ErrorBody.parse(body).code(),
              null);
        }
        Map<?, ?> json = Json.parseObject(body);
        String token = Json.string(json, "token");
        if (token == null || token.isEmpty()) {
          token = Json.string(json, "access_token");
        }
        if (token == null || token.isEmpty()) {
          throw new IOException("the token response has neither 'token' nor 'access_token'");
        }
        String refresh = Json.string(json, "refresh_token");
        if (refresh != null && !refresh.isEmpty() && cred != null && cred.identityToken() != null) {
          s.refreshed = Credential.identityToken(refresh, cred.source() + " (refreshed)");
        }
        long expiresIn = Json.number(json, "expires_in", 60);
        long lifetimeMs = Math.max(1000, Math.max(expiresIn, 1) * 900);
        return new Token(token, Instant.now().plusMillis(lifetimeMs));
      } catch (IOException e) {
        Duration d = backoff.delay(attempt);
        if (canRetry(attempt, deadline, d)) {
          sleep(d);
          continue;
        }
        throw new RegistryAuthException(
            "cannot get a token for "
                + ref.registry()
                + " from "
                + UrlRedaction.redact(realm)
                + ": "
                + e.getMessage(),
            ref.registry(),
            ref.repository(),
            ref.digest(),
            0,
            null,
            e);
      }
    }
  }

  private Response tokenRequest(
      HttpUrl realm,
      @Nullable String service,
      List<String> scopes,
      @Nullable Credential cred,
      int attempt)
      throws IOException {
    if (cred != null && cred.identityToken() != null) {
      FormBody.Builder form =
          new FormBody.Builder()
              .add("grant_type", "refresh_token")
              .add("refresh_token", cred.identityToken())
              .add("client_id", "doco");
      if (service != null) {
        form.add("service", service);
      }
      if (!scopes.isEmpty()) {
        form.add("scope", String.join(" ", scopes));
      }
      Response r = sendRedirecting(realm, "POST", Headers.of(), form.build(), null, realm, attempt);
      if (r.code() != 404 && r.code() != 405) {
        return r;
      }
      r.close();
      // the realm has no OAuth2 endpoint: GET with the token as a Basic password
      return tokenGet(
          realm,
          service,
          scopes,
          okhttp3.Credentials.basic("<token>", cred.identityToken()),
          attempt);
    }
    String basic =
        cred != null && cred.isBasic()
            ? okhttp3.Credentials.basic(
                java.util.Objects.requireNonNull(cred.username()),
                java.util.Objects.requireNonNull(cred.password()),
                java.nio.charset.StandardCharsets.UTF_8)
            : null;
    return tokenGet(realm, service, scopes, basic, attempt);
  }

  private Response tokenGet(
      HttpUrl realm,
      @Nullable String service,
      List<String> scopes,
      @Nullable String basic,
      int attempt)
      throws IOException {
    HttpUrl.Builder u = realm.newBuilder();
    if (service != null) {
      u.addQueryParameter("service", service);
    }
    for (String sc : scopes) {
      u.addQueryParameter("scope", sc);
    }
    return sendRedirecting(u.build(), "GET", Headers.of(), null, basic, realm, attempt);
  }

  private void validateRealm(HttpUrl realm, Session s, Reference ref) {
    String regHost = InsecureRegistries.hostOf(s.apiHost);
    if (!realm.isHttps()) {
      boolean allowed =
          insecure.allows(s.apiHost)
              || plainHttp.contains(s.apiHost)
              || insecure.allows(realm.host() + ":" + realm.port());
      if (!allowed) {
        throw new RegistryAuthException(
            "registry "
                + ref.registry()
                + " names a plain-http token realm ("
                + UrlRedaction.redact(realm)
                + "); credentials are only sent over http to registries listed in "
                + InsecureRegistries.SETTING,
            ref.registry(),
            ref.repository(),
            ref.digest(),
            401,
            null,
            null);
      }
    }
    String rh = realm.host();
    String regBare = regHost.startsWith("[") ? regHost.substring(1, regHost.length() - 1) : regHost;
    if (InsecureRegistries.IpLiterals.isInternal(rh) && !rh.equalsIgnoreCase(regBare)) {
      throw new RegistryAuthException(
          "registry "
              + ref.registry()
              + " names a token realm on the internal address "
              + rh
              + "; refused (server-side request forgery guard)",
          ref.registry(),
          ref.repository(),
          ref.digest(),
          401,
          null,
          null);
    }
  }

  /** Reads at most {@code cap} bytes of the body; longer bodies fail. */
  public static byte[] readCapped(Response r, long cap) throws IOException {
    ResponseBody b = r.body();
    long len = b.contentLength();
    if (len > cap) {
      throw new IOException("response body of " + len + " bytes exceeds the cap of " + cap);
    }
    okio.BufferedSource src = b.source();
    okio.Buffer buf = new okio.Buffer();
    while (buf.size() <= cap) {
      long n = src.read(buf, 8192);
      if (n < 0) {
        return buf.readByteArray();
      }
    }
    throw new IOException("response body exceeds the cap of " + cap + " bytes");
  }

  /** A friendly exception for an unsuccessful response (the body is read, capped). */
  public RegistryException failure(
      Response r, Reference ref, String what, @Nullable String digest) {
    byte[] body;
    try {
      body = readCapped(r, 64 * 1024);
    } catch (IOException e) {
      body = new byte[0];
    }
    ErrorBody err = ErrorBody.parse(body);
    int code = r.code();
    String base = what + " on " + ref.registry() + "/" + ref.repository() + " failed: HTTP " + code;
    return switch (code) {
      case 401 ->
          new RegistryAuthException(
              base + err.suffix() + ": authentication required or refused; " + loginHint(ref),
              ref.registry(),
              ref.repository(),
              digest,
              code,
              err.code(),
              null);
      case 403 ->
          new RegistryAuthException(
              base
                  + err.suffix()
                  + ": access denied; check that the credentials for "
                  + ref.registry()
                  + " may "
                  + (what.startsWith("push") || what.startsWith("upload") ? "push to" : "read")
                  + " this repository ("
                  + loginHint(ref)
                  + ")",
              ref.registry(),
              ref.repository(),
              digest,
              code,
              err.code(),
              null);
      case 404 ->
          new ArtifactNotFoundException(
              base
                  + err.suffix()
                  + ": not found; check the repository name and tag (a private repository can"
                  + " also answer 404 without credentials: "
                  + loginHint(ref)
                  + ")",
              ref.registry(),
              ref.repository(),
              digest,
              err.code());
      case 429 ->
          new RegistryException(
              base
                  + err.suffix()
                  + ": rate limited by the registry; poll less often or log in (docker login "
                  + ref.registry()
                  + ") for a higher limit",
              ref.registry(),
              ref.repository(),
              digest,
              code,
              err.code(),
              null);
      default ->
          new RegistryException(
              base + err.suffix(),
              ref.registry(),
              ref.repository(),
              digest,
              code,
              err.code(),
              null);
    };
  }

  /** "run `docker login REGISTRY`, or check DOCKER_CONFIG and DOCKER_AUTH_CONFIG". */
  public static String loginHint(Reference ref) {
    String host = ref.registry().equals(Reference.DOCKER_HUB) ? "" : " " + ref.registry();
    return "run `docker login" + host + "`, or check DOCKER_CONFIG and DOCKER_AUTH_CONFIG";
  }
}
