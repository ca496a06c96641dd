package dev.doco.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.DocoEvent;
import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.Manifest;
import dev.doco.oci.internal.registry.Digests;
import dev.doco.oci.internal.registry.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registry edge cases against MockWebServer: script responses, run the client, verify the recorded
 * requests.
 */
class RegistryClientTest {
  static final String CONFIG = "{}";
  static final String LAYER = "hello layer";
  static final Credential USER = Credential.basic("alice", "s3cret-pw", "test");

  MockWebServer server;
  MockWebServer other;
  final List<DocoEvent> events = new CopyOnWriteArrayList<>();
  @TempDir Path tmp;

  @BeforeEach
  void start() throws IOException {
    server = new MockWebServer();
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    if (System.getenv("DEBUG_EVENTS") != null) {
      events.forEach(System.err::println);
    }
    server.close();
    if (other != null) {
      other.close();
    }
  }

  String reg() {
    return "127.0.0.1:" + server.getPort();
  }

  Reference ref(String s) {
    return Reference.parse(reg() + "/" + s);
  }

  RegistryClient.Builder builder(CredentialProvider creds) {
    return RegistryClient.builder()
        .environment(Map.of())
        .credentials(creds)
        .plainHttp(List.of(reg()))
        .platform(new Platform("linux", "amd64", null))
        .retries(4, Duration.ofMillis(5), Duration.ofSeconds(3), Duration.ofSeconds(30))
        .listener(events::add);
  }

  RegistryClient client() {
    return builder(CredentialProvider.anonymous()).build();
  }

  static MockResponse ok() {
    return new MockResponse.Builder().code(200).build();
  }

  static MockResponse status(int code, String... headers) {
    MockResponse.Builder b = new MockResponse.Builder().code(code);
    for (int i = 0; i < headers.length; i += 2) {
      b.addHeader(headers[i], headers[i + 1]);
    }
    return b.build();
  }

  static MockResponse body(int code, String body, String... headers) {
    MockResponse.Builder b = new MockResponse.Builder().code(code).body(body);
    for (int i = 0; i < headers.length; i += 2) {
      b.addHeader(headers[i], headers[i + 1]);
    }
    return b.build();
  }

  static String manifest() {
    return "{\"schemaVersion\":2,\"mediaType\":\""
        + MediaTypes.OCI_MANIFEST
        + "\",\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
        + sha(CONFIG)
        + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
        + sha(LAYER)
        + "\",\"size\":"
        + LAYER.length()
        + ",\"annotations\":{\"org.opencontainers.image.title\":\"a.yaml\"}}],\"annotations\":{\"k\":\"v\"}}";
  }

  static String sha(String s) {
    return Digests.sha256(s.getBytes(StandardCharsets.UTF_8));
  }

  static MockResponse manifestResponse(String json, String type) {
    return body(200, json, "Content-Type", type, "Docker-Content-Digest", sha(json));
  }

  static MockResponse head(String json, String type) {
    return new MockResponse.Builder()
        .code(200)
        .addHeader("Content-Type", type)
        .addHeader("Docker-Content-Digest", sha(json))
        .addHeader("Content-Length", json.length())
        .build();
  }

  RecordedRequest take() throws InterruptedException {
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertTrue(r != null, "expected another request");
    return r;
  }

  List<DocoEvent.HttpExchange> exchanges() {
    return events.stream()
        .filter(e -> e instanceof DocoEvent.HttpExchange)
        .map(e -> (DocoEvent.HttpExchange) e)
        .toList();
  }

  // ------------------------------------------------------------------------------------ resolve

  @Test
  void resolve_unchangedTag_costsOneHeadWithoutBodyAfterPing() throws Exception {
    String m = manifest();
    server.enqueue(ok());
    server.enqueue(head(m, MediaTypes.OCI_MANIFEST));
    server.enqueue(head(m, MediaTypes.OCI_MANIFEST));
    try (RegistryClient c = client()) {
      Descriptor d1 = c.resolve(ref("app:main"));
      Descriptor d2 = c.resolve(ref("app:main"));
      assertEquals(sha(m), d1.digest());
      assertEquals(MediaTypes.OCI_MANIFEST, d1.mediaType());
      assertEquals(m.length(), d1.size());
      assertEquals(d1, d2);
    }
    assertEquals("GET /v2/", take().getRequestLine().replace(" HTTP/1.1", ""));
    for (int i = 0; i < 2; i++) {
      RecordedRequest h = take();
      assertEquals("HEAD", h.getMethod());
      assertEquals("/v2/app/manifests/main", h.getUrl().encodedPath());
      assertEquals(MediaTypes.MANIFEST_ACCEPT, h.getHeaders().get("Accept"));
    }
    assertEquals(3, server.getRequestCount());
    List<DocoEvent.HttpExchange> ex = exchanges();
    assertEquals(3, ex.size());
    assertEquals("HEAD", ex.get(2).method());
    assertEquals(200, ex.get(2).status());
    assertEquals(0, ex.get(2).bytes());
    assertTrue(
        events.stream()
            .anyMatch(e -> e instanceof DocoEvent.Resolved r && r.digest().equals(sha(m))));
  }

  @Test
  void resolve_whenHeadLacksDigest_fallsBackToGetWithTheSameAccept() throws Exception {
    String m = manifest();
    server.enqueue(ok());
    server.enqueue(status(200, "Content-Type", MediaTypes.OCI_MANIFEST));
    server.enqueue(body(200, m, "Content-Type", MediaTypes.OCI_MANIFEST));
    try (RegistryClient c = client()) {
      assertEquals(sha(m), c.resolve(ref("app:1")).digest());
    }
    take();
    assertEquals("HEAD", take().getMethod());
    RecordedRequest get = take();
    assertEquals("GET", get.getMethod());
    assertEquals(MediaTypes.MANIFEST_ACCEPT, get.getHeaders().get("Accept"));
  }

  @Test
  void resolve_missingTag_saysNotFound() {
    server.enqueue(ok());
    server.enqueue(status(404));
    try (RegistryClient c = client()) {
      ArtifactNotFoundException e =
          assertThrows(ArtifactNotFoundException.class, () -> c.resolve(ref("app:nope")));
      assertEquals(404, e.status());
      assertTrue(e.getMessage().contains("not found"), e.getMessage());
    }
  }

  @Test
  void manifest_schema1_isRefusedClearly() {
    String s1 = "{\"schemaVersion\":1,\"name\":\"app\",\"tag\":\"old\",\"fsLayers\":[]}";
    server.enqueue(ok());
    server.enqueue(body(200, s1, "Content-Type", MediaTypes.DOCKER_SCHEMA1_SIGNED));
    try (RegistryClient c = client()) {
      UnsupportedManifestException e =
          assertThrows(UnsupportedManifestException.class, () -> c.manifest(ref("app:old")));
      assertTrue(e.getMessage().contains("schema 1"), e.getMessage());
      assertTrue(e.getMessage().contains("push it again"), e.getMessage());
    }
  }

  // ---------------------------------------------------------------------------------- manifests

  @Test
  void manifest_byDigest_wrongBytes_failsWithBothDigests() {
    String m = manifest();
    String wanted = sha(m + " ");
    server.enqueue(ok());
    server.enqueue(body(200, m, "Content-Type", MediaTypes.OCI_MANIFEST));
    try (RegistryClient c = client()) {
      DigestMismatchException e =
          assertThrows(DigestMismatchException.class, () -> c.manifest(ref("app@" + wanted)));
      assertEquals(wanted, e.expected());
      assertEquals(sha(m), e.actual());
      assertTrue(e.getMessage().contains(wanted) && e.getMessage().contains(sha(m)));
    }
  }

  @Test
  void manifest_byTag_headerDigestDisagreeingWithBody_fails() {
    String m = manifest();
    server.enqueue(ok());
    server.enqueue(
        body(200, m, "Content-Type", MediaTypes.OCI_MANIFEST, "Docker-Content-Digest", sha("x")));
    try (RegistryClient c = client()) {
      DigestMismatchException e =
          assertThrows(DigestMismatchException.class, () -> c.manifest(ref("app:t")));
      assertEquals(sha("x"), e.expected());
      assertEquals(sha(m), e.actual());
    }
  }

  @Test
  void manifest_keepsExactBytes_andParses() {
    String m = manifest();
    server.enqueue(ok());
    server.enqueue(manifestResponse(m, MediaTypes.OCI_MANIFEST));
    try (RegistryClient c = client()) {
      Manifest got = c.manifest(ref("app:t"));
      assertArrayEquals(m.getBytes(StandardCharsets.UTF_8), got.bytes());
      ImageManifest im = ImageManifest.parse(got);
      assertEquals(1, im.layers().size());
      assertEquals(
          "a.yaml", im.layers().get(0).annotations().get("org.opencontainers.image.title"));
      assertEquals("application/vnd.oci.empty.v1+json", im.effectiveArtifactType());
      assertEquals("v", im.annotations().get("k"));
    }
  }

  @Test
  void manifest_oversized_isRefusedByContentLength() {
    String big = "{\"pad\":\"" + "x".repeat(3000) + "\"}";
    server.enqueue(ok());
    server.enqueue(body(200, big, "Content-Type", MediaTypes.OCI_MANIFEST));
    try (RegistryClient c =
        builder(CredentialProvider.anonymous()).maxManifestBytes(1024).build()) {
      UnsupportedManifestException e =
          assertThrows(UnsupportedManifestException.class, () -> c.manifest(ref("app:big")));
      assertTrue(e.getMessage().contains("larger than the cap of 1024"), e.getMessage());
    }
  }

  @Test
  void manifest_oversizedChunkedWithoutLength_isRefusedWhileReading() {
    String big = "{\"pad\":\"" + "x".repeat(3000) + "\"}";
    server.enqueue(ok());
    server.enqueue(
        new MockResponse.Builder()
            .code(200)
            .addHeader("Content-Type", MediaTypes.OCI_MANIFEST)
            .chunkedBody(big, 100)
            .build());
    try (RegistryClient c =
        builder(CredentialProvider.anonymous()).maxManifestBytes(1024).build()) {
      UnsupportedManifestException e =
          assertThrows(UnsupportedManifestException.class, () -> c.manifest(ref("app:big")));
      assertTrue(e.getMessage().contains("cap of 1024"), e.getMessage());
    }
  }

  @Test
  void manifest_mediaTypeConflictBetweenHeaderAndBody_isRefused() {
    String m = manifest();
    server.enqueue(ok());
    server.enqueue(body(200, m, "Content-Type", MediaTypes.DOCKER_MANIFEST));
    try (RegistryClient c = client()) {
      UnsupportedManifestException e =
          assertThrows(UnsupportedManifestException.class, () -> c.manifest(ref("app:t")));
      assertTrue(e.getMessage().contains("declares media type"), e.getMessage());
    }
  }

  // -------------------------------------------------------------------------------------- auth

  static String bearer(String realm, String extra) {
    return "Bearer realm=\"" + realm + "\",service=\"test-registry\"" + extra;
  }

  String realm() {
    return "http://127.0.0.1:" + server.getPort() + "/token";
  }

  @Test
  void bearer_fetchesTokenWithServiceAndScope_sendsBasicOnlyToRealm_andCachesIt() throws Exception {
    String m = manifest();
    server.enqueue(status(401, "WWW-Authenticate", bearer(realm(), "")));
    server.enqueue(body(200, "{\"token\":\"tok-1\",\"expires_in\":300}"));
    server.enqueue(head(m, MediaTypes.OCI_MANIFEST));
    server.enqueue(head(m, MediaTypes.OCI_MANIFEST));
    try (RegistryClient c = builder(CredentialProvider.of(Map.of(reg(), USER))).build()) {
      c.resolve(ref("org/app:1"));
      c.resolve(ref("org/app:1"));
    }
    RecordedRequest ping = take();
    assertNull(ping.getHeaders().get("Authorization"), "no credentials before a challenge");
    RecordedRequest token = take();
    assertEquals("/token", token.getUrl().encodedPath());
    assertEquals("test-registry", token.getUrl().queryParameter("service"));
    assertEquals(List.of("repository:org/app:pull"), token.getUrl().queryParameterValues("scope"));
    assertEquals(
        "Basic "
            + Base64.getEncoder()
                .encodeToString("alice:s3cret-pw".getBytes(StandardCharsets.UTF_8)),
        token.getHeaders().get("Authorization"));
    for (int i = 0; i < 2; i++) {
      RecordedRequest h = take();
      assertEquals("Bearer tok-1", h.getHeaders().get("Authorization"));
    }
    assertEquals(4, server.getRequestCount(), "one token for both resolves");
    assertFalse(events.toString().contains("s3cret-pw"), "no secret in events");
    assertFalse(events.toString().contains("tok-1"), "no token in events");
  }

  @Test
  void bearer_acceptsAccessTokenField_andAnonymousTokens() throws Exception {
    String m = manifest();
    server.enqueue(status(401, "WWW-Authenticate", bearer(realm(), ",scope=\"x\"")));
    server.enqueue(body(200, "{\"access_token\":\"anon-tok\"}"));
    server.enqueue(head(m, MediaTypes.OCI_MANIFEST));
    try (RegistryClient c = client()) {
      c.resolve(ref("app:1"));
    }
    take();
    assertNull(take().getHeaders().get("Authorization"), "anonymous token request");
    assertEquals("Bearer anon-tok", take().getHeaders().get("Authorization"));
  }

  @Test
  void pull_whenTokenExpires_fetchesANewOne() throws Exception {
    String m = manifest();
    server.enqueue(status(401, "WWW-Authenticate", bearer(realm(), "")));
    server.enqueue(body(200, "{\"token\":\"short\",\"expires_in\":1}"));
    server.enqueue(head(m, MediaTypes.OCI_MANIFEST));
    server.enqueue(body(200, "{\"token\":\"fresh\",\"expires_in\":300}"));
    server.enqueue(head(m, MediaTypes.OCI_MANIFEST));
    try (RegistryClient c = client()) {
      c.resolve(ref("app:1"));
      Thread.sleep(1100);
      c.resolve(ref("app:1"));
    }
    take();
    take();
    assertEquals("Bearer short", take().getHeaders().get("Authorization"));
    assertEquals("/token", take().getUrl().encodedPath());
    assertEquals("Bearer fresh", take().getHeaders().get("Authorization"));
  }

  @Test
  void pull_when401_reauthenticatesWithMergedScopesAndRetriesOnce() throws Exception {
    String m = manifest();
    server.enqueue(status(401, "WWW-Authenticate", bearer(realm(), "")));
    server.enqueue(body(200, "{\"token\":\"t1\"}"));
    server.enqueue(
        status(
            401,
            "WWW-Authenticate",
            bearer(realm(), ",scope=\"repository:app:pull repository:base:pull\"")));
    server.enqueue(body(200, "{\"token\":\"t2\"}"));
    server.enqueue(head(m, MediaTypes.OCI_MANIFEST));
    try (RegistryClient c = client()) {
      assertEquals(sha(m), c.resolve(ref("app:1")).digest());
    }
    take();
    take();
    assertEquals("Bearer t1", take().getHeaders().get("Authorization"));
    RecordedRequest second = take();
    assertEquals(
        List.of("repository:app:pull", "repository:base:pull"),
        second.getUrl().queryParameterValues("scope"),
        "challenge scopes first, deduplicated");
    assertEquals("Bearer t2", take().getHeaders().get("Authorization"));
  }

  @Test
  void pull_when401Persists_failsWithLoginHint() {
    server.enqueue(status(401, "WWW-Authenticate", bearer(realm(), "")));
    server.enqueue(body(200, "{\"token\":\"t1\"}"));
    server.enqueue(status(401, "WWW-Authenticate", bearer(realm(), "")));
    server.enqueue(body(200, "{\"token\":\"t2\"}"));
    server.enqueue(
        body(
            401,
            "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}",
            "WWW-Authenticate",
            bearer(realm(), "")));
    try (RegistryClient c = client()) {
      RegistryAuthException e =
          assertThrows(RegistryAuthException.class, () -> c.manifest(ref("app:1")));
      assertEquals(401, e.status());
      assertEquals("UNAUTHORIZED", e.errorCode().orElseThrow());
      assertTrue(
          e.getMessage()
              .contains(
                  "run `docker login "
                      + reg()
                      + "`, or check DOCKER_CONFIG and DOCKER_AUTH_CONFIG"),
          e.getMessage());
    }
    assertEquals(5, server.getRequestCount(), "exactly one re-authentication");
  }

  @Test
  void token_refusedByRealm_namesCredentialSourceButNotSecret() {
    server.enqueue(status(401, "WWW-Authenticate", bearer(realm(), "")));
    server.enqueue(status(401));
    try (RegistryClient c = builder(CredentialProvider.of(Map.of(reg(), USER))).build()) {
      RegistryAuthException e =
          assertThrows(RegistryAuthException.class, () -> c.resolve(ref("app:1")));
      assertTrue(e.getMessage().contains("credentials from test"), e.getMessage());
      assertTrue(e.getMessage().contains("docker login"), e.getMessage());
      assertFalse(e.getMessage().contains("s3cret-pw"));
    }
  }

  @Test
  void identityToken_usesOAuth2RefreshPost_andKeepsReturnedRefreshToken() throws Exception {
    String m = manifest();
    server.enqueue(status(401, "WWW-Authenticate", bearer(realm(), "")));
    server.enqueue(
        body(200, "{\"access_token\":\"acc\",\"refresh_token\":\"rotated\",\"expires_in\":1}"));
    server.enqueue(head(m, MediaTypes.OCI_MANIFEST));
    server.enqueue(body(200, "{\"access_token\":\"acc2\",\"expires_in\":300}"));
    server.enqueue(head(m, MediaTypes.OCI_MANIFEST));
    Credential idt = Credential.identityToken("refresh-me", "test");
    try (RegistryClient c = builder(CredentialProvider.of(Map.of(reg(), idt))).build()) {
      c.resolve(ref("app:1"));
      Thread.sleep(1100);
      c.resolve(ref("app:1"));
    }
    take();
    RecordedRequest post = take();
    assertEquals("POST", post.getMethod());
    String form = post.getBody().utf8();
    assertTrue(form.contains("grant_type=refresh_token"), form);
    assertTrue(form.contains("refresh_token=refresh-me"), form);
    assertTrue(form.contains("service=test-registry"), form);
    assertTrue(form.contains("scope=repository%3Aapp%3Apull"), form);
    assertNull(post.getHeaders().get("Authorization"));
    take();
    String form2 = take().getBody().utf8();
    assertTrue(form2.contains("refresh_token=rotated"), form2);
  }

  @Test
  void basicChallenge_sendsCredentialsOnlyAfterTheChallenge() throws Exception {
    String m = manifest();
    server.enqueue(status(401, "WWW-Authenticate", "Basic realm=\"Registry\""));
    server.enqueue(head(m, MediaTypes.OCI_MANIFEST));
    try (RegistryClient c = builder(CredentialProvider.of(Map.of(reg(), USER))).build()) {
      c.resolve(ref("app:1"));
    }
    assertNull(take().getHeaders().get("Authorization"));
    assertTrue(take().getHeaders().get("Authorization").startsWith("Basic "));
  }

  @Test
  void realmOnPrivateAddressOfAnotherHost_isRefused() {
    server.enqueue(status(401, "WWW-Authenticate", bearer("https://10.0.0.1/token", "")));
    try (RegistryClient c = client()) {
      RegistryAuthException e =
          assertThrows(RegistryAuthException.class, () -> c.resolve(ref("app:1")));
      assertTrue(e.getMessage().contains("internal address"), e.getMessage());
    }
  }

  // ---------------------------------------------------------------------------------- retries

  @Test
  void pull_when429WithRetryAfter_waitsThenSucceeds() throws Exception {
    String m = manifest();
    server.enqueue(ok());
    server.enqueue(status(429, "Retry-After", "1"));
    server.enqueue(head(m, MediaTypes.OCI_MANIFEST));
    long start = System.nanoTime();
    try (RegistryClient c = client()) {
      assertEquals(sha(m), c.resolve(ref("app:1")).digest());
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(ms >= 950, "honoured Retry-After: " + ms + " ms");
    List<DocoEvent.HttpExchange> ex = exchanges();
    assertEquals(429, ex.get(1).status());
    assertEquals(0, ex.get(1).retries());
    assertEquals(200, ex.get(2).status());
    assertEquals(1, ex.get(2).retries());
  }

  @Test
  void pull_when503ThenSuccess_retries() throws Exception {
    String m = manifest();
    server.enqueue(ok());
    server.enqueue(status(503));
    server.enqueue(status(502));
    server.enqueue(manifestResponse(m, MediaTypes.OCI_MANIFEST));
    try (RegistryClient c = client()) {
      assertEquals(sha(m), c.manifest(ref("app:1")).digest());
    }
    assertEquals(4, server.getRequestCount());
  }

  @Test
  void pull_when503Persists_givesUpAfterMaxAttemptsWithStatus() {
    server.enqueue(ok());
    for (int i = 0; i < 4; i++) {
      server.enqueue(body(503, "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"down\"}]}"));
    }
    try (RegistryClient c = client()) {
      RegistryException e = assertThrows(RegistryException.class, () -> c.manifest(ref("app:1")));
      assertEquals(503, e.status());
      assertTrue(e.getMessage().contains("UNAVAILABLE: down"), e.getMessage());
    }
    assertEquals(5, server.getRequestCount());
  }

  @Test
  void retryAfterBeyondDeadline_isNotWaitedFor() {
    server.enqueue(ok());
    server.enqueue(status(429, "Retry-After", "30"));
    try (RegistryClient c =
        builder(CredentialProvider.anonymous())
            .retries(4, Duration.ofMillis(5), Duration.ofSeconds(60), Duration.ofSeconds(2))
            .build()) {
      long start = System.nanoTime();
      RegistryException e = assertThrows(RegistryException.class, () -> c.manifest(ref("app:1")));
      assertEquals(429, e.status());
      assertTrue(e.getMessage().contains("rate limited"), e.getMessage());
      assertTrue((System.nanoTime() - start) / 1_000_000 < 1500, "did not sleep 30 s");
    }
  }

  // -------------------------------------------------------------------------------------- blobs

  @Test
  void fetchBlob_streamsVerifiesAndSendsIdentityEncoding() throws Exception {
    server.enqueue(ok());
    server.enqueue(body(200, LAYER));
    Path target = tmp.resolve("out/layer");
    try (RegistryClient c = client()) {
      long n =
          c.fetchBlob(
              ref("app"), new Descriptor("x", sha(LAYER), LAYER.length(), null, Map.of()), target);
      assertEquals(LAYER.length(), n);
    }
    assertEquals(LAYER, Files.readString(target));
    take();
    RecordedRequest get = take();
    assertEquals("/v2/app/blobs/" + sha(LAYER), get.getUrl().encodedPath());
    assertEquals("identity", get.getHeaders().get("Accept-Encoding"));
  }

  @Test
  void fetchBlob_wrongDigest_deletesPartialFileAndNamesBothDigests() throws Exception {
    String evil = "hello layeR";
    server.enqueue(ok());
    server.enqueue(body(200, evil));
    Path target = tmp.resolve("layer");
    try (RegistryClient c = client()) {
      DigestMismatchException e =
          assertThrows(
              DigestMismatchException.class,
              () ->
                  c.fetchBlob(
                      ref("app"),
                      new Descriptor("x", sha(LAYER), LAYER.length(), null, Map.of()),
                      target));
      assertEquals(sha(LAYER), e.expected());
      assertEquals(sha(evil), e.actual());
      assertTrue(e.getMessage().contains(sha(LAYER)) && e.getMessage().contains(sha(evil)));
    }
    try (Stream<Path> files = Files.list(tmp)) {
      assertEquals(List.of(), files.toList(), "no partial file left");
    }
  }

  /** 300,000 bytes that differ from position to position (so a spliced stream is caught). */
  static final byte[] BIG = bigBlob();

  static byte[] bigBlob() {
    byte[] b = new byte[300_000];
    new java.util.Random(42).nextBytes(b);
    return b;
  }

  static String sha(byte[] b) {
    return Digests.sha256(b);
  }

  static MockResponse broken(byte[] body) {
    return new MockResponse.Builder()
        .code(200)
        .body(new Buffer().write(body))
        .onResponseBody(SocketEffect.ShutdownConnection.INSTANCE)
        .build();
  }

  static MockResponse partial(byte[] body, long from) {
    return new MockResponse.Builder()
        .code(206)
        .addHeader("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length)
        .body(new Buffer().write(body, (int) from, body.length - (int) from))
        .build();
  }

  /** Pings answer 200; blob GETs are answered by {@code blob} (request number from 0, request). */
  void serveBlob(java.util.function.BiFunction<Integer, RecordedRequest, MockResponse> blob) {
    java.util.concurrent.atomic.AtomicInteger gets =
        new java.util.concurrent.atomic.AtomicInteger();
    server.setDispatcher(
        new mockwebserver3.Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest r) {
            return r.getUrl().encodedPath().equals("/v2/")
                ? ok()
                : blob.apply(gets.getAndIncrement(), r);
          }
        });
  }

  List<RecordedRequest> blobRequests() throws InterruptedException {
    List<RecordedRequest> out = new java.util.ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(1, TimeUnit.SECONDS)) != null) {
      if (r.getUrl().encodedPath().contains("/blobs/")) {
        out.add(r);
      }
    }
    return out;
  }

  static long rangeStart(RecordedRequest r) {
    String range = r.getHeaders().get("Range");
    assertTrue(range != null && range.matches("bytes=[0-9]+-"), "Range header: " + range);
    return Long.parseLong(range.substring("bytes=".length(), range.length() - 1));
  }

  Descriptor big() {
    return new Descriptor("x", sha(BIG), BIG.length, null, Map.of());
  }

  @Test
  void fetchBlob_brokenConnection_resumesWithRangeFromTheFirstMissingByte() throws Exception {
    serveBlob((i, r) -> i == 0 ? broken(BIG) : partial(BIG, rangeStart(r)));
    Path target = tmp.resolve("layer");
    try (RegistryClient c = client()) {
      assertEquals(BIG.length, c.fetchBlob(ref("app"), big(), target));
    }
    assertArrayEquals(BIG, Files.readAllBytes(target));
    List<RecordedRequest> gets = blobRequests();
    assertEquals(2, gets.size());
    assertNull(gets.get(0).getHeaders().get("Range"));
    long from = rangeStart(gets.get(1));
    assertTrue(from > 0 && from < BIG.length, "resumed at " + from + ", not restarted");
    assertEquals("identity", gets.get(1).getHeaders().get("Accept-Encoding"));
  }

  @Test
  void fetchBlob_registryIgnoringRange_isReadPastTheBytesAlreadyDelivered() throws Exception {
    serveBlob(
        (i, r) ->
            i == 0
                ? broken(BIG)
                : new MockResponse.Builder().code(200).body(new Buffer().write(BIG)).build());
    Path target = tmp.resolve("layer");
    try (RegistryClient c = client()) {
      c.fetchBlob(ref("app"), big(), target);
    }
    assertArrayEquals(BIG, Files.readAllBytes(target));
    List<RecordedRequest> gets = blobRequests();
    assertEquals(2, gets.size(), "the 200 continued the same stream (no third request)");
    assertTrue(rangeStart(gets.get(1)) > 0);
  }

  @Test
  void openBlob_resumedBytesThatDifferFromTheBlob_failDigestVerification() throws Exception {
    byte[] evil = BIG.clone();
    evil[evil.length - 1] ^= 1;
    serveBlob((i, r) -> i == 0 ? broken(BIG) : partial(evil, rangeStart(r)));
    try (RegistryClient c = client();
        InputStream in = c.openBlob(ref("app"), sha(BIG), BIG.length)) {
      IOException e = assertThrows(IOException.class, in::readAllBytes);
      assertTrue(
          e.getMessage().contains(sha(BIG)) && e.getMessage().contains(sha(evil)), e.getMessage());
    }
  }

  @Test
  void openBlob_partialContentStartingElsewhere_isNotSpliced() throws Exception {
    serveBlob((i, r) -> i == 0 ? broken(BIG) : partial(BIG, 0));
    try (RegistryClient c = client();
        InputStream in = c.openBlob(ref("app"), sha(BIG), BIG.length)) {
      IOException e = assertThrows(IOException.class, in::readAllBytes);
      String suppressed = e.getSuppressed().length == 0 ? "" : e.getSuppressed()[0].getMessage();
      assertTrue(
          suppressed.matches(
              "resuming blob sha256:[0-9a-f]{64}: asked for bytes [1-9][0-9]*- but the registry sent"
                  + " Content-Range bytes 0-299999/300000"),
          suppressed);
    }
  }

  @Test
  void fetchBlob_resumeRefused_restartsFromTheFirstByte() throws Exception {
    serveBlob(
        (i, r) ->
            i == 0
                ? broken(BIG)
                : i == 1
                    ? status(404)
                    : new MockResponse.Builder().code(200).body(new Buffer().write(BIG)).build());
    Path target = tmp.resolve("layer");
    try (RegistryClient c = client()) {
      c.fetchBlob(ref("app"), big(), target);
    }
    assertArrayEquals(BIG, Files.readAllBytes(target));
    List<RecordedRequest> gets = blobRequests();
    assertEquals(3, gets.size());
    assertTrue(rangeStart(gets.get(1)) > 0);
    assertNull(gets.get(2).getHeaders().get("Range"), "a restart asks for the whole blob");
  }

  @Test
  void fetchBlob_alwaysBroken_failsAfterBoundedResumesAndRestarts_andLeavesNothing()
      throws Exception {
    serveBlob((i, r) -> broken(BIG));
    try (RegistryClient c = client()) {
      RegistryException e =
          assertThrows(
              RegistryException.class, () -> c.fetchBlob(ref("app"), big(), tmp.resolve("layer")));
      assertTrue(e.getMessage().contains("downloading blob"), e.getMessage());
    }
    try (Stream<Path> files = Files.list(tmp)) {
      assertEquals(List.of(), files.toList());
    }
    // retries(4): each of the 4 attempts is one request plus at most 3 resumes
    assertEquals(16, blobRequests().size());
  }

  @Test
  void openBlob_sizeLargerThanDescriptor_failsAtOnce() throws Exception {
    server.enqueue(ok());
    server.enqueue(body(200, LAYER + "extra"));
    try (RegistryClient c = client()) {
      assertThrows(
          DigestMismatchException.class,
          () -> c.openBlob(ref("app"), sha(LAYER), LAYER.length()).close());
    }
  }

  @Test
  void openBlob_chunkedWithWrongContent_throwsIOExceptionBeforeEof() throws Exception {
    server.enqueue(ok());
    server.enqueue(new MockResponse.Builder().code(200).chunkedBody("nope nope", 3).build());
    try (RegistryClient c = client();
        InputStream in = c.openBlob(ref("app"), sha(LAYER), -1)) {
      IOException e = assertThrows(IOException.class, in::readAllBytes);
      assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }
  }

  // ---------------------------------------------------------------------------------- redirects

  @Test
  void blobRedirectToAnotherHost_dropsAuthorization() throws Exception {
    other = new MockWebServer();
    other.start(InetAddress.getByName("127.0.0.1"), 0);
    String signed = "http://127.0.0.1:" + other.getPort() + "/blob?X-Amz-Signature=topsecret&n=1";
    server.enqueue(status(401, "WWW-Authenticate", "Basic realm=\"r\""));
    server.enqueue(status(307, "Location", signed));
    other.enqueue(body(200, LAYER));
    try (RegistryClient c = builder(CredentialProvider.of(Map.of(reg(), USER))).build()) {
      c.fetchBlob(
          ref("app"),
          new Descriptor("x", sha(LAYER), LAYER.length(), null, Map.of()),
          tmp.resolve("l"));
    }
    take();
    assertTrue(take().getHeaders().get("Authorization").startsWith("Basic "), "first hop has auth");
    RecordedRequest atStorage = other.takeRequest(5, TimeUnit.SECONDS);
    assertNull(atStorage.getHeaders().get("Authorization"), "no Authorization at the second host");
    assertEquals("topsecret", atStorage.getUrl().queryParameter("X-Amz-Signature"), "raw URL kept");
    assertFalse(events.toString().contains("topsecret"), "signed URL redacted in events");
  }

  @Test
  void redirectFromHttpsToHttp_isRefused() throws Exception {
    TestTls tls = TestTls.create(tmp);
    MockWebServer https = new MockWebServer();
    https.useHttps(tls.serverContext().getSocketFactory());
    https.start(InetAddress.getByName("127.0.0.1"), 0);
    try (https) {
      String reg = "127.0.0.1:" + https.getPort();
      https.enqueue(ok());
      https.enqueue(status(302, "Location", "http://127.0.0.1:" + server.getPort() + "/blob"));
      server.enqueue(body(200, LAYER));
      try (RegistryClient c =
          RegistryClient.builder()
              .environment(Map.of())
              .credentials(CredentialProvider.anonymous())
              .caBundle(tls.caPem())
              .retries(2, Duration.ofMillis(5), Duration.ofSeconds(1), Duration.ofSeconds(10))
              .build()) {
        RegistryException e =
            assertThrows(
                RegistryException.class,
                () -> c.openBlob(Reference.parse(reg + "/app"), sha(LAYER), LAYER.length()));
        assertTrue(
            e.getMessage().contains("refused a redirect from https to plain http"), e.getMessage());
      }
      assertEquals(
          "https", https.takeRequest().getUrl().scheme(), "https tried first, CA bundle trusted");
      assertEquals(0, server.getRequestCount(), "the http host was never contacted");
    }
  }

  @Test
  void loopbackRegistry_fallsBackToHttpWhenHttpsFails() throws Exception {
    String m = manifest();
    server.enqueue(ok());
    server.enqueue(head(m, MediaTypes.OCI_MANIFEST));
    try (RegistryClient c =
        RegistryClient.builder()
            .environment(Map.of())
            .credentials(CredentialProvider.anonymous())
            .retries(2, Duration.ofMillis(5), Duration.ofSeconds(1), Duration.ofSeconds(10))
            .build()) {
      assertEquals(sha(m), c.resolve(ref("app:1")).digest());
    }
  }

  @Test
  void nonLoopbackRegistry_isNeverSpokenToOverHttp() {
    assertThrows(
        IllegalArgumentException.class,
        () -> RegistryClient.builder().environment(Map.of()).plainHttp(List.of("ghcr.io")));
    RegistryClient.builder()
        .environment(Map.of("OCI_INSECURE_REGISTRIES", "reg.lan:5000"))
        .plainHttp(List.of("reg.lan:5000"));
  }

  // ------------------------------------------------------------------------------------- index

  static String index(String... entries) {
    return "{\"schemaVersion\":2,\"mediaType\":\""
        + MediaTypes.OCI_INDEX
        + "\",\"manifests\":["
        + String.join(",", entries)
        + "]}";
  }

  static String entry(String digest, String platform, String extra) {
    String p = "";
    if (platform != null) {
      String[] parts = platform.split("/");
      p =
          ",\"platform\":{\"os\":\""
              + parts[0]
              + "\",\"architecture\":\""
              + parts[1]
              + "\""
              + (parts.length > 2 ? ",\"variant\":\"" + parts[2] + "\"" : "")
              + "}";
    }
    return "{\"mediaType\":\""
        + MediaTypes.OCI_MANIFEST
        + "\",\"digest\":\""
        + digest
        + "\",\"size\":10"
        + p
        + extra
        + "}";
  }

  @Test
  void content_index_skipsAttestationAndPicksRuntimePlatform() throws Exception {
    String m = manifest();
    String idx =
        index(
            entry(sha("arm"), "linux/arm64", ""),
            entry(sha(m), "linux/amd64", ""),
            entry(
                sha("att"),
                "unknown/unknown",
                ",\"annotations\":{\"vnd.docker.reference.type\":\"attestation-manifest\"}"));
    server.enqueue(ok());
    server.enqueue(manifestResponse(idx, MediaTypes.OCI_INDEX));
    server.enqueue(manifestResponse(m, MediaTypes.OCI_MANIFEST));
    try (RegistryClient c = client()) {
      ResolvedContent rc = c.content(ref("app:1"));
      assertEquals(sha(idx), rc.top().digest());
      assertEquals(sha(m), rc.content().digest());
      assertEquals(new Platform("linux", "amd64", null), rc.platform());
    }
    take();
    take();
    assertEquals("/v2/app/manifests/" + sha(m), take().getUrl().encodedPath(), "child by digest");
  }

  @Test
  void content_indexWithOneContentChildForAnotherPlatform_picksIt() throws Exception {
    String m = manifest();
    String idx =
        index(
            entry(sha(m), "linux/arm64", ""),
            entry(sha("att"), "unknown/unknown", ""),
            "{\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST
                + "\",\"digest\":\""
                + sha("sig")
                + "\",\"size\":3,\"artifactType\":\"application/vnd.dev.cosign.artifact.sig.v1+json\"}");
    server.enqueue(ok());
    server.enqueue(manifestResponse(idx, MediaTypes.OCI_INDEX));
    server.enqueue(manifestResponse(m, MediaTypes.OCI_MANIFEST));
    try (RegistryClient c = client()) {
      assertEquals(sha(m), c.content(ref("app:1")).content().digest());
    }
  }

  @Test
  void content_ambiguousIndex_listsCandidatesInsteadOfPickingAmd64() {
    String idx = index(entry(sha("a"), "linux/arm64", ""), entry(sha("b"), "linux/s390x", ""));
    String noPlatform = index(entry(sha("a"), null, ""), entry(sha("b"), null, ""));
    server.enqueue(ok());
    server.enqueue(manifestResponse(idx, MediaTypes.OCI_INDEX));
    server.enqueue(manifestResponse(noPlatform, MediaTypes.OCI_INDEX));
    try (RegistryClient c = client()) {
      UnsupportedManifestException e =
          assertThrows(UnsupportedManifestException.class, () -> c.content(ref("app:1")));
      assertTrue(e.getMessage().contains(sha("a") + " (linux/arm64)"), e.getMessage());
      assertTrue(e.getMessage().contains(sha("b") + " (linux/s390x)"), e.getMessage());
      assertTrue(e.getMessage().contains("reference one of them by digest"), e.getMessage());
      UnsupportedManifestException e2 =
          assertThrows(UnsupportedManifestException.class, () -> c.content(ref("app:2")));
      assertTrue(e2.getMessage().contains("no platform"), e2.getMessage());
    }
  }

  // ------------------------------------------------------------------------- tags, referrers

  @Test
  void tags_followLinkPages() throws Exception {
    server.enqueue(ok());
    server.enqueue(
        body(
            200,
            "{\"name\":\"app\",\"tags\":[\"a\",\"b\"]}",
            "Link",
            "</v2/app/tags/list?n=2&last=b>; rel=\"next\""));
    server.enqueue(body(200, "{\"name\":\"app\",\"tags\":[\"c\"]}"));
    try (RegistryClient c = client()) {
      assertEquals(List.of("a", "b", "c"), c.tags(ref("app"), 2, 10));
    }
    take();
    assertEquals("2", take().getUrl().queryParameter("n"));
    assertEquals("b", take().getUrl().queryParameter("last"));
  }

  @Test
  void referrers_api_filtersClientSideWhenRegistryDidNot() throws Exception {
    String subject = sha("subject");
    String idx =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_INDEX
            + "\",\"manifests\":["
            + "{\"mediaType\":\""
            + MediaTypes.OCI_MANIFEST
            + "\",\"digest\":\""
            + sha("s1")
            + "\",\"size\":1,\"artifactType\":\"application/vnd.cncf.notary.signature\"},"
            + "{\"mediaType\":\""
            + MediaTypes.OCI_MANIFEST
            + "\",\"digest\":\""
            + sha("s2")
            + "\",\"size\":1,\"artifactType\":\"application/spdx+json\"}]}";
    server.enqueue(ok());
    server.enqueue(body(200, idx, "Content-Type", MediaTypes.OCI_INDEX));
    try (RegistryClient c = client()) {
      List<Descriptor> got =
          c.referrers(ref("app"), subject, "application/vnd.cncf.notary.signature");
      assertEquals(List.of(sha("s1")), got.stream().map(Descriptor::digest).toList());
    }
    take();
    RecordedRequest r = take();
    assertEquals("/v2/app/referrers/" + subject, r.getUrl().encodedPath());
    assertEquals(
        "application/vnd.cncf.notary.signature", r.getUrl().queryParameter("artifactType"));
  }

  @Test
  void referrers_whenApiMissing_usesFallbackTag() throws Exception {
    String subject = sha("subject");
    String idx =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_INDEX
            + "\",\"manifests\":["
            + "{\"mediaType\":\""
            + MediaTypes.OCI_MANIFEST
            + "\",\"digest\":\""
            + sha("sig")
            + "\",\"size\":1,\"artifactType\":\"application/vnd.dev.cosign.artifact.sig.v1+json\"}]}";
    server.enqueue(ok());
    server.enqueue(status(404));
    server.enqueue(manifestResponse(idx, MediaTypes.OCI_INDEX));
    server.enqueue(status(404));
    server.enqueue(status(404));
    try (RegistryClient c = client()) {
      assertEquals(
          List.of(sha("sig")),
          c.referrers(ref("app"), subject, null).stream().map(Descriptor::digest).toList());
      assertEquals(List.of(), c.referrers(ref("app"), sha("other"), null));
    }
    take();
    take();
    assertEquals("/v2/app/manifests/sha256-" + subject.substring(7), take().getUrl().encodedPath());
  }

  // ------------------------------------------------------------------------------------ upload

  @Test
  void pushBlob_monolithic_checksExistenceThenPostsAndPuts() throws Exception {
    Path f = tmp.resolve("blob");
    Files.writeString(f, LAYER);
    server.enqueue(ok());
    server.enqueue(status(404));
    server.enqueue(status(202, "Location", "/v2/app/blobs/uploads/uuid-1?_state=abc"));
    server.enqueue(status(201));
    server.enqueue(status(200));
    try (RegistryClient c = client()) {
      c.pushBlob(ref("app"), sha(LAYER), f);
      c.pushBlob(ref("app"), sha(LAYER), f); // exists now: HEAD only
    }
    take();
    assertEquals("HEAD", take().getMethod());
    RecordedRequest post = take();
    assertEquals("POST", post.getMethod());
    assertEquals("/v2/app/blobs/uploads/", post.getUrl().encodedPath());
    RecordedRequest put = take();
    assertEquals("PUT", put.getMethod());
    assertEquals("abc", put.getUrl().queryParameter("_state"));
    assertEquals(sha(LAYER), put.getUrl().queryParameter("digest"));
    assertEquals(LAYER, put.getBody().utf8());
    assertEquals("HEAD", take().getMethod());
    assertEquals(5, server.getRequestCount());
  }

  @Test
  void pushBlobChunked_patchesWithContentRangeFollowingLocations() throws Exception {
    String data = "0123456789";
    Path f = tmp.resolve("blob");
    Files.writeString(f, data);
    server.enqueue(ok());
    server.enqueue(status(404));
    server.enqueue(status(202, "Location", "/up/1", "OCI-Chunk-Min-Length", "4"));
    server.enqueue(status(202, "Location", "/up/2"));
    server.enqueue(status(202, "Location", "/up/3"));
    server.enqueue(status(202, "Location", "/up/4"));
    server.enqueue(status(201));
    try (RegistryClient c = client()) {
      c.pushBlobChunked(ref("app"), sha(data), f, 2);
    }
    take();
    take();
    take();
    RecordedRequest p1 = take();
    assertEquals("PATCH", p1.getMethod());
    assertEquals("/up/1", p1.getUrl().encodedPath());
    assertEquals("0-3", p1.getHeaders().get("Content-Range"));
    assertEquals("0123", p1.getBody().utf8());
    RecordedRequest p2 = take();
    assertEquals("/up/2", p2.getUrl().encodedPath());
    assertEquals("4-7", p2.getHeaders().get("Content-Range"));
    RecordedRequest p3 = take();
    assertEquals("8-9", p3.getHeaders().get("Content-Range"));
    assertEquals("89", p3.getBody().utf8());
    RecordedRequest put = take();
    assertEquals("PUT", put.getMethod());
    assertEquals("/up/4", put.getUrl().encodedPath());
    assertEquals(sha(data), put.getUrl().queryParameter("digest"));
    assertEquals(0, put.getBodySize());
  }

  @Test
  void mountBlob_reportsWhetherTheRegistryMounted() throws Exception {
    server.enqueue(ok());
    server.enqueue(status(201));
    server.enqueue(status(202, "Location", "/up/x"));
    try (RegistryClient c = client()) {
      assertTrue(c.mountBlob(ref("app"), ref("base"), sha(LAYER)));
      assertFalse(c.mountBlob(ref("app"), ref("base"), sha(LAYER)));
    }
    take();
    RecordedRequest r = take();
    assertEquals(sha(LAYER), r.getUrl().queryParameter("mount"));
    assertEquals("base", r.getUrl().queryParameter("from"));
  }

  @Test
  void pushManifest_sendsExactBytesWithMediaType() throws Exception {
    String m = manifest();
    server.enqueue(ok());
    server.enqueue(status(201, "Docker-Content-Digest", sha(m)));
    try (RegistryClient c = client()) {
      assertEquals(
          sha(m),
          c.pushManifest(
              ref("app:v1"), MediaTypes.OCI_MANIFEST, m.getBytes(StandardCharsets.UTF_8)));
    }
    take();
    RecordedRequest put = take();
    assertEquals("PUT", put.getMethod());
    assertEquals("/v2/app/manifests/v1", put.getUrl().encodedPath());
    assertEquals(MediaTypes.OCI_MANIFEST, put.getHeaders().get("Content-Type"));
    assertEquals(m, put.getBody().utf8());
  }

  @Test
  void artifactAccess_tagMissing_isEmpty_andBlobIsVerified() throws Exception {
    server.enqueue(ok());
    server.enqueue(status(404));
    server.enqueue(body(200, LAYER));
    try (RegistryClient c = client()) {
      RegistryArtifactAccess a = c.access(ref("app:1"));
      assertEquals(reg() + "/app", a.repository());
      assertTrue(a.tag("nope").isEmpty());
      try (InputStream in = a.blob(sha(LAYER))) {
        assertEquals(LAYER, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void unreachableRegistry_failsWithActionableMessage() {
    server.close();
    try (RegistryClient c =
        builder(CredentialProvider.anonymous())
            .retries(2, Duration.ofMillis(5), Duration.ofMillis(50), Duration.ofSeconds(5))
            .build()) {
      RegistryException e = assertThrows(RegistryException.class, () -> c.resolve(ref("app:1")));
      assertEquals(0, e.status());
      assertTrue(e.getMessage().contains("cannot reach registry " + reg()), e.getMessage());
    }
  }

  static Buffer buffer(String s) {
    return new Buffer().writeUtf8(s);
  }
}
