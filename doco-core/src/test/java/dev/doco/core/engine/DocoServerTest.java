package dev.doco.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.Doco;
import dev.doco.core.Providers;
import dev.doco.core.config.DeployConfig;
import dev.doco.core.config.PollConfig;
import dev.doco.core.config.TrustPolicy;
import dev.doco.core.engine.Fakes.FakeDeployer;
import dev.doco.core.engine.Fakes.FakeSource;
import dev.doco.core.engine.Fakes.FakeVerifier;
import dev.doco.core.engine.internal.Json;
import dev.doco.core.engine.internal.WebhookHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocoServerTest {
  static final String SECRET = "s3cret-for-tests";
  static final String POLLED = "fake://reg.example/acme/cfg:main";
  static final String ALLOWED = "fake://reg.example/team/app:v1";
  static final Pattern UUID_V7 =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

  @TempDir Path data;
  FakeSource source;
  FakeDeployer deployer;
  FakeVerifier verifier;
  Doco doco;
  DocoServer server;

  /** A response: status, body, headers. */
  record Response(int statusCode, String body, Map<String, List<String>> headers) {
    String header(String name) {
      for (var e : headers.entrySet()) {
        if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  static Response send(String method, URI uri, String body, String signature) throws IOException {
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    c.setRequestMethod(method);
    if (signature != null) {
      c.setRequestProperty(WebhookHandler.SIGNATURE_HEADER, signature);
    }
    if (body != null) {
      c.setDoOutput(true);
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      try (OutputStream out = c.getOutputStream()) {
        out.write(bytes);
      }
    }
    int status = c.getResponseCode();
    InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
    String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    return new Response(status, text, c.getHeaderFields());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.httpAddress().getPort() + path);
  }

  @BeforeEach
  void setUp() {
    source = new FakeSource();
    deployer = new FakeDeployer();
    verifier = new FakeVerifier();
    source.push(POLLED, Fakes.files("services: {web: {image: busybox}}\n"));
    source.push(ALLOWED, Fakes.files("services: {api: {image: busybox}}\n"));
    source.push("fake://reg.example/other/x:main", Fakes.files("services: {x: {image: x}}\n"));
  }

  void start(TrustPolicy policy, String secret, long maxPayload) {
    Providers p =
        Providers.builder()
            .discover(false)
            .register(source)
            .register(deployer)
            .register(verifier)
            .build();
    doco = Doco.builder().providers(p).dataDirectory(data).trustPolicy(policy).build();
    // interval 0 and not run_once: listed (so allowed) but never polled by this test
    PollConfig entry =
        new PollConfig(
            "oci",
            POLLED,
            "",
            Duration.ZERO,
            "",
            false,
            true,
            List.of(DeployConfig.defaults("inline-web")));
    ServerSettings settings =
        ServerSettings.defaults()
            .withBindAddress("127.0.0.1")
            .withPorts(0, 0)
            .withWebhookSecret(secret)
            .withMaxPayloadSize(maxPayload)
            .withAllowedArtifacts(List.of("fake://reg.example/team/*"))
            .withPolls(List.of(entry));
    server = DocoServer.start(doco, settings);
  }

  void start() {
    start(TrustPolicy.DISABLED, SECRET, ServerSettings.DEFAULT_MAX_PAYLOAD_SIZE);
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    if (doco != null) {
      doco.close();
    }
  }

  static String payload(String artifact, String digest) {
    return "{\"source\":\"oci\",\"digest\":\"" + digest + "\",\"artifact\":\"" + artifact + "\"}";
  }

  Response post(String path, String body, String signature) throws Exception {
    return send("POST", uri(path), body, signature);
  }

  Response signedPost(String path, String body) throws Exception {
    return post(path, body, WebhookHandler.sign(SECRET, body.getBytes(StandardCharsets.UTF_8)));
  }

  static Map<String, Object> json(Response r) {
    return Json.parseObject(r.body());
  }

  @Test
  void webhook_signedPayloadForPolledArtifact_waitTrue_deploysWithInlineConfigsAnd201()
      throws Exception {
    start();
    String body = payload(POLLED, source.digest(POLLED));

    Response r = signedPost("/v1/webhook?wait=true", body);

    assertEquals(201, r.statusCode(), r.body());
    assertEquals("job completed successfully", json(r).get("content"));
    assertTrue(UUID_V7.matcher((String) json(r).get("job_id")).matches(), r.body());
    assertEquals("application/json; charset=utf-8", r.header("Content-Type"));
    assertEquals("nosniff", r.header("X-Content-Type-Options"));
    assertEquals(source.digest(POLLED), deployer.running.get("inline-web").digest());
    assertEquals("webhook", deployer.running.get("inline-web").trigger());
  }

  @Test
  void webhook_async_answers202WithJobIdAndDeploysInTheBackground() throws Exception {
    start();
    Response r = signedPost("/v1/webhook", payload(ALLOWED, source.digest(ALLOWED)));

    assertEquals(202, r.statusCode(), r.body());
    assertEquals("job accepted", json(r).get("content"));
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!deployer.running.containsKey("app") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(source.digest(ALLOWED), deployer.running.get("app").digest());
  }

  @Test
  void webhook_signatureWithSha256Prefix_isAccepted() throws Exception {
    start();
    String body = payload(ALLOWED, "");
    String sig = "sha256=" + WebhookHandler.sign(SECRET, body.getBytes(StandardCharsets.UTF_8));

    assertEquals(201, post("/v1/webhook?wait=1", body, sig).statusCode());
  }

  @Test
  void webhook_wrongHmac_is401AndDeploysNothing() throws Exception {
    start();
    String body = payload(ALLOWED, "");

    Response r =
        post(
            "/v1/webhook?wait=true",
            body,
            WebhookHandler.sign("wrong", body.getBytes(StandardCharsets.UTF_8)));

    assertEquals(401, r.statusCode());
    assertEquals("incorrect secret key", json(r).get("error"));
    assertEquals(0, source.resolves.get());
    assertTrue(deployer.running.isEmpty());
  }

  @Test
  void webhook_missingSignatureHeader_is400() throws Exception {
    start();
    Response r = post("/v1/webhook", payload(ALLOWED, ""), null);
    assertEquals(400, r.statusCode());
    assertEquals("missing signature or token header", json(r).get("error"));
  }

  @Test
  void webhook_artifactOutsideTheAllowList_is403AndNeverResolved() throws Exception {
    start();
    Response r =
        signedPost("/v1/webhook?wait=true", payload("fake://reg.example/other/x:main", ""));

    assertEquals(403, r.statusCode(), r.body());
    assertEquals("artifact not allowed", json(r).get("error"));
    assertEquals(0, source.resolves.get());
  }

  @Test
  void webhook_getIs405() throws Exception {
    start();
    Response r = send("GET", uri("/v1/webhook"), null, null);
    assertEquals(405, r.statusCode());
    assertEquals("invalid http method", json(r).get("error"));
  }

  @Test
  void webhook_bodyOverMaxPayloadSize_is413() throws Exception {
    start(TrustPolicy.DISABLED, SECRET, 64);
    String body = payload(ALLOWED, "") + " ".repeat(100);

    Response r = signedPost("/v1/webhook", body);

    assertEquals(413, r.statusCode());
    assertEquals("payload too large", json(r).get("error"));
  }

  @Test
  void webhook_invalidPayloads_are400WithAStableErrorCode() throws Exception {
    start();
    for (String body :
        List.of(
            "",
            "not json",
            "{\"source\":\"git\",\"artifact\":\"x\"}",
            "{\"source\":\"oci\"}",
            "{\"source\":\"oci\",\"artifact\":\"" + ALLOWED + "\",\"digest\":\"md5:1\"}")) {
      Response r = signedPost("/v1/webhook", body);
      assertEquals(400, r.statusCode(), body + " -> " + r.body());
      assertEquals("failed to parse payload", json(r).get("error"), body);
    }
  }

  @Test
  void webhook_digestDifferentFromRegistry_waitTrue_is500WithResolveError() throws Exception {
    start();
    Response r = signedPost("/v1/webhook?wait=true", payload(ALLOWED, "sha256:" + "b".repeat(64)));

    assertEquals(500, r.statusCode());
    assertEquals("failed to resolve oci artifact digest", json(r).get("error"));
    assertTrue(((String) json(r).get("content")).contains("does not match expected digest"));
    assertTrue(deployer.running.isEmpty());
  }

  @Test
  void webhook_unsignedArtifactUnderPolicy_waitTrue_is500VerificationAndNothingDeployed()
      throws Exception {
    start(
        new TrustPolicy(true, List.of("good-key"), List.of(), true, null, null),
        SECRET,
        ServerSettings.DEFAULT_MAX_PAYLOAD_SIZE);

    Response r = signedPost("/v1/webhook?wait=true", payload(ALLOWED, ""));

    assertEquals(500, r.statusCode());
    assertEquals("failed OCI signature verification", json(r).get("error"));
    assertEquals(0, source.fetches.get());
  }

  @Test
  void webhook_customTargetInPath_isPassedOn() throws Exception {
    start();
    source.push(
        ALLOWED,
        Map.of(
            ".doco-cd.staging.yaml",
            "name: staged\n",
            "compose.yaml",
            "services: {api: {image: busybox}}\n"));

    Response r = signedPost("/v1/webhook/staging?wait=true", payload(ALLOWED, ""));

    assertEquals(201, r.statusCode(), r.body());
    assertTrue(deployer.running.containsKey("staged"));
  }

  @Test
  void webhook_withoutSecret_isNotRegistered() throws Exception {
    start(TrustPolicy.DISABLED, null, ServerSettings.DEFAULT_MAX_PAYLOAD_SIZE);
    Response r = post("/v1/webhook", payload(ALLOWED, ""), "x");
    assertEquals(404, r.statusCode());
  }

  @Test
  void health_reports200WhenTheEngineAnswersAnd503WhenNot() throws Exception {
    start();
    Response ok = send("GET", uri("/v1/health"), null, null);
    assertEquals(200, ok.statusCode());
    assertEquals("healthy", json(ok).get("content"));

    deployer.engineDown = true;
    Response down = send("GET", uri("/v1/health"), null, null);
    assertEquals(503, down.statusCode());
    assertEquals("unhealthy", json(down).get("error"));
    assertTrue(((String) json(down).get("content")).contains("Docker daemon"));
  }

  @Test
  void metrics_exposeDocoCdNamesAndCountWebhooksAndDeployments() throws Exception {
    start();
    signedPost("/v1/webhook?wait=true", payload(ALLOWED, ""));
    post("/v1/webhook?wait=true", payload(ALLOWED, ""), "0".repeat(64));

    URI uri =
        URI.create(
            "http://127.0.0.1:" + server.metricsAddress().orElseThrow().getPort() + "/metrics");
    Response r = send("GET", uri, null, null);

    assertEquals(200, r.statusCode());
    String text = r.body();
    assertTrue(text.contains("# TYPE doco_cd_polls_total counter"), text);
    assertTrue(
        text.contains(
            "doco_cd_webhook_requests_total{repository=\"fake://reg.example/team/app\"} 1"),
        text);
    assertTrue(
        text.contains(
            "doco_cd_deployments_total{repository=\"reg.example/team/app\",deployment=\"app\"} 1"),
        text);
    assertTrue(text.contains("doco_cd_webhook_duration_seconds_count"), text);
    // one job that ran in-process in well under a minute: the recorded seconds are its duration
    Matcher sum =
        Pattern.compile("doco_cd_webhook_duration_seconds_sum\\{[^}]*} (\\S+)").matcher(text);
    assertTrue(sum.find(), text);
    double seconds = Double.parseDouble(sum.group(1));
    assertTrue(seconds > 0 && seconds < 60, "webhook job duration " + seconds + " s");
    assertTrue(text.contains("doco_cd_info{"), text);
    assertFalse(text.contains(SECRET));
  }
}
