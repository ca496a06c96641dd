package dev.doco.core.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;

/**
 * The Bearer-token issuer of the token-auth registry ({@link Peers#tokenRegistry()}), run inside
 * the test JVM: a Docker/distribution token server (GET {@code realm?service=..&scope=..} with
 * Basic credentials, and the OAuth2 {@code grant_type=password} POST) that signs ES256 JWTs with
 * the key whose self-signed certificate the registry trusts ({@code auth.token.rootcertbundle}).
 *
 * <p>Policy: the {@link Peers#basicUser()} / {@link Peers#basicPassword()} credentials get every
 * action they ask for on every repository; an anonymous request gets a token with no access (so the
 * registry answers 401 again); wrong credentials get 401; a {@code service} other than the
 * registry's gets 400. Every request is recorded ({@link #requests()}) for tests to assert on.
 *
 * <p>Note: the registry (distribution 2.8) accepts a token up to 60 s past its {@code exp} (clock
 * leeway), so a short {@link #tokenLifetime(Duration)} makes tokens report a short {@code
 * expires_in} but not get rejected sooner.
 */
public final class TokenServer implements AutoCloseable {
  /** One request the server answered. */
  public record TokenRequest(
      String method,
      @Nullable String user,
      boolean authenticated,
      @Nullable String service,
      List<String> scopes,
      int status,
      List<String> grantedScopes) {}

  private static final Set<String> KNOWN_ACTIONS = Set.of("pull", "push", "delete", "*");

  private final ServerSocket server;
  private final ExecutorService executor;
  private final URI realm;
  private final String service;
  private final String issuer;
  private final String user;
  private final String password;
  private final PrivateKey key;
  private final String x5c;
  private final List<TokenRequest> requests = new CopyOnWriteArrayList<>();
  private volatile Duration lifetime = Duration.ofMinutes(5);

  private TokenServer(
      ServerSocket server,
      ExecutorService executor,
      URI realm,
      String service,
      String issuer,
      String user,
      String password,
      PrivateKey key,
      X509Certificate cert)
      throws GeneralSecurityException {
    this.server = server;
    this.executor = executor;
    this.realm = realm;
    this.service = service;
    this.issuer = issuer;
    this.user = user;
    this.password = password;
    this.key = key;
    this.x5c = Base64.getEncoder().encodeToString(cert.getEncoded());
  }

  /**
   * Starts a token server bound to the realm's host and port; retries a busy port for a few seconds
   * (the previous test JVM may still be exiting).
   */
  static TokenServer start(
      URI realm,
      String service,
      String issuer,
      String user,
      String password,
      Path keyPem,
      Path certPem) {
    try {
      PrivateKey key = readKey(keyPem);
      X509Certificate cert;
      try (InputStream in = Files.newInputStream(certPem)) {
        cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      }
      ServerSocket socket = bind(InetAddress.getByName(realm.getHost()), realm.getPort());
      ExecutorService executor =
          Executors.newFixedThreadPool(
              4,
              r -> {
                Thread t = new Thread(r, "token-server");
                t.setDaemon(true);
                return t;
              });
      TokenServer ts =
          new TokenServer(socket, executor, realm, service, issuer, user, password, key, cert);
      Thread acceptor = new Thread(ts::acceptLoop, "token-server-accept");
      acceptor.setDaemon(true);
      acceptor.start();
      return ts;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the token server at " + realm, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot load the token signing key "
              + keyPem
              + " / cert "
              + certPem
              + " (written by .ci/peers.sh start): "
              + e.getMessage(),
          e);
    }
  }

  private static ServerSocket bind(InetAddress host, int port) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        return new ServerSocket(port, 50, host);
      } catch (BindException e) {
        if (System.nanoTime() > deadline) {
          throw new BindException(
              "port "
                  + port
                  + " stays busy: is another test JVM running a token server? Run ITs one JVM at"
                  + " a time ("
                  + e.getMessage()
                  + ")");
        }
        try {
          Thread.sleep(250);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static PrivateKey readKey(Path pem) throws IOException, GeneralSecurityException {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    if (!text.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new GeneralSecurityException(pem + " is not a PKCS#8 PEM private key");
    }
    String b64 =
        text.replace("-----BEGIN PRIVATE KEY-----", "")
            .replace("-----END PRIVATE KEY-----", "")
            .replaceAll("\\s", "");
    return KeyFactory.getInstance("EC")
        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
  }

  /** The realm URL, as the registry's challenge names it. */
  public URI realm() {
    return realm;
  }

  /** The registry's service name (the JWT audience). */
  public String service() {
    return service;
  }

  /** Every request answered so far, oldest first. */
  public List<TokenRequest> requests() {
    return List.copyOf(requests);
  }

  /** Forgets the recorded requests. */
  public void clearRequests() {
    requests.clear();
  }

  /** Sets the lifetime of tokens issued from now on (default 5 minutes; see the class note). */
  public void tokenLifetime(Duration lifetime) {
    this.lifetime = lifetime;
  }

  /**
   * Mints a token directly (no HTTP), granting exactly the given scopes, e.g. {@code
   * "repository:acme/app:pull"}.
   */
  public String issue(String subject, List<String> scopes) {
    return jwt(subject, scopes, Instant.now(), lifetime);
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    executor.shutdownNow();
  }

  // ---------------------------------------------------------------------------------- HTTP

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        executor.execute(() -> serve(socket));
      } catch (IOException | java.util.concurrent.RejectedExecutionException e) {
        if (server.isClosed()) {
          return;
        }
      }
    }
  }

  /** The parts of an HTTP request the token server looks at. */
  private record Request(String method, String target, Map<String, String> headers, String body) {}

  private void serve(Socket socket) {
    try (socket) {
      socket.setSoTimeout(10_000);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      Request req = readRequest(in);
      if (req == null) {
        return;
      }
      Response resp = handle(req);
      StringBuilder head =
          new StringBuilder("HTTP/1.1 ")
              .append(resp.status)
              .append(' ')
              .append(reason(resp.status));
      head.append("\r\nContent-Type: application/json");
      byte[] body = resp.body.getBytes(StandardCharsets.UTF_8);
      head.append("\r\nContent-Length: ").append(body.length);
      head.append("\r\nConnection: close");
      if (resp.status == 401) {
        head.append("\r\nWWW-Authenticate: Basic realm=\"doco-test-token-server\"");
      }
      head.append("\r\n\r\n");
      out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
      if (!req.method().equals("HEAD")) {
        out.write(body);
      }
      out.flush();
    } catch (IOException | RuntimeException e) {
      // a client that went away or sent garbage; nothing to answer
    }
  }

  private static @Nullable Request readRequest(InputStream in) throws IOException {
    String requestLine = readLine(in);
    if (requestLine == null || requestLine.isEmpty()) {
      return null;
    }
    String[] parts = requestLine.split(" ");
    if (parts.length < 2) {
      return null;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    String line;
    while ((line = readLine(in)) != null && !line.isEmpty()) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.put(
            line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim());
      }
    }
    String body = "";
    String length = headers.get("content-length");
    if (length != null) {
      int n = Integer.parseInt(length);
      if (n < 0 || n > 1 << 20) {
        return null;
      }
      body = new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }
    return new Request(parts[0], parts[1], headers, body);
  }

  private static @Nullable String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        String s = buf.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      if (buf.size() > 16 * 1024) {
        throw new IOException("header line too long");
      }
      buf.write(c);
    }
    return buf.size() == 0 ? null : buf.toString(StandardCharsets.ISO_8859_1);
  }

  private static String reason(int status) {
    switch (status) {
      case 200:
        return "OK";
      case 400:
        return "Bad Request";
      case 401:
        return "Unauthorized";
      case 404:
        return "Not Found";
      default:
        return "Method Not Allowed";
    }
  }

  /** A status and a JSON body. */
  private record Response(int status, String body) {}

  private Response handle(Request req) {
    String method = req.method();
    String target = req.target();
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    List<String[]> params = new ArrayList<>();
    if (q >= 0) {
      params.addAll(parseForm(target.substring(q + 1)));
    }
    if (!path.equals(realm.getPath())) {
      return record(method, null, params, false, 404, "{\"error\":\"not found\"}");
    }
    @Nullable String reqUser = null;
    @Nullable String reqPassword = null;
    if (method.equals("POST")) {
      List<String[]> form = parseForm(req.body());
      params.addAll(form);
      String grant = first(form, "grant_type");
      if (grant != null && !grant.equals("password")) {
        return record(method, null, params, false, 400, "{\"error\":\"unsupported_grant_type\"}");
      }
      reqUser = first(form, "username");
      reqPassword = first(form, "password");
    } else if (!method.equals("GET")) {
      return record(method, null, params, false, 405, "{\"error\":\"method not allowed\"}");
    }
    String auth = req.headers().get("authorization");
    if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
      String decoded;
      try {
        decoded =
            new String(
                Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        decoded = "";
      }
      int colon = decoded.indexOf(':');
      reqUser = colon < 0 ? decoded : decoded.substring(0, colon);
      reqPassword = colon < 0 ? "" : decoded.substring(colon + 1);
    }
    String reqService = first(params, "service");
    if (reqService == null || !reqService.equals(service)) {
      return record(
          method,
          reqUser,
          params,
          false,
          400,
          "{\"error\":\"invalid_request\",\"error_description\":\"service must be "
              + service
              + "\"}");
    }
    boolean authenticated = false;
    if (reqUser != null) {
      authenticated = reqUser.equals(user) && password.equals(reqPassword);
      if (!authenticated) {
        return record(
            method,
            reqUser,
            params,
            false,
            401,
            "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad credentials\"}]}");
      }
    }
    List<String> scopes = scopes(params);
    List<String> granted = authenticated ? scopes : List.of();
    Instant now = Instant.now();
    Duration life = lifetime;
    String token = jwt(authenticated ? user : "", granted, now, life);
    requests.add(
        new TokenRequest(method, reqUser, authenticated, reqService, scopes, 200, granted));
    return new Response(
        200,
        "{\"token\":\""
            + token
            + "\",\"access_token\":\""
            + token
            + "\",\"expires_in\":"
            + life.toSeconds()
            + ",\"issued_at\":\""
            + now
            + "\"}");
  }

  private Response record(
      String method,
      @Nullable String reqUser,
      List<String[]> params,
      boolean authenticated,
      int status,
      String body) {
    requests.add(
        new TokenRequest(
            method,
            reqUser,
            authenticated,
            first(params, "service"),
            scopes(params),
            status,
            List.of()));
    return new Response(status, body);
  }

  private static List<String> scopes(List<String[]> params) {
    List<String> scopes = new ArrayList<>();
    for (String[] kv : params) {
      if (kv[0].equals("scope")) {
        for (String s : kv[1].split(" ")) {
          if (!s.isEmpty()) {
            scopes.add(s);
          }
        }
      }
    }
    return List.copyOf(scopes);
  }

  private static List<String[]> parseForm(String s) {
    List<String[]> out = new ArrayList<>();
    for (String pair : s.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.add(
          new String[] {
            URLDecoder.decode(k, StandardCharsets.UTF_8),
            URLDecoder.decode(v, StandardCharsets.UTF_8)
          });
    }
    return out;
  }

  private static @Nullable String first(List<String[]> params, String key) {
    for (String[] kv : params) {
      if (kv[0].equals(key)) {
        return kv[1];
      }
    }
    return null;
  }

  // ---------------------------------------------------------------------------------- JWT

  private String jwt(String subject, List<String> scopes, Instant now, Duration life) {
    String header = "{\"typ\":\"JWT\",\"alg\":\"ES256\",\"x5c\":[\"" + x5c + "\"]}";
    StringBuilder access = new StringBuilder("[");
    for (String scope : scopes) {
      // type:name:actions, where the name may itself hold colons (e.g. a registry host:port).
      int first = scope.indexOf(':');
      int last = scope.lastIndexOf(':');
      if (first < 0 || last == first) {
        continue;
      }
      List<String> actions = new ArrayList<>();
      for (String a : scope.substring(last + 1).split(",")) {
        if (KNOWN_ACTIONS.contains(a) && !actions.contains(a)) {
          actions.add(a);
        }
      }
      if (access.length() > 1) {
        access.append(',');
      }
      access
          .append("{\"type\":")
          .append(json(scope.substring(0, first)))
          .append(",\"name\":")
          .append(json(scope.substring(first + 1, last)))
          .append(",\"actions\":[");
      for (int i = 0; i < actions.size(); i++) {
        access.append(i == 0 ? "" : ",").append(json(actions.get(i)));
      }
      access.append("]}");
    }
    access.append(']');
    long iat = now.getEpochSecond();
    String claims =
        "{\"iss\":"
            + json(issuer)
            + ",\"sub\":"
            + json(subject)
            + ",\"aud\":"
            + json(service)
            + ",\"exp\":"
            + (iat + Math.max(1, life.toSeconds()))
            + ",\"nbf\":"
            + (iat - 5)
            + ",\"iat\":"
            + iat
            + ",\"jti\":"
            + json(UUID.randomUUID().toString())
            + ",\"access\":"
            + access
            + "}";
    String signingInput = b64url(header) + "." + b64url(claims);
    try {
      Signature sig = Signature.getInstance("SHA256withECDSAinP1363Format");
      sig.initSign(key);
      sig.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput
          + "."
          + Base64.getUrlEncoder().withoutPadding().encodeToString(sig.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
    }
  }

  private static String b64url(String s) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        default:
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
      }
    }
    return b.append('"').toString();
  }
}
