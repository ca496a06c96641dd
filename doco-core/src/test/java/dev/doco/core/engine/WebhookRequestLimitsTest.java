package dev.doco.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.Doco;
import dev.doco.core.Providers;
import dev.doco.core.config.TrustPolicy;
import dev.doco.core.engine.Fakes.FakeDeployer;
import dev.doco.core.engine.Fakes.FakeSource;
import dev.doco.core.engine.Fakes.FakeVerifier;
import dev.doco.core.engine.internal.WebhookHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook endpoint's request checks before any work is done (found by mutation testing): the
 * route and target, the method (405 with {@code Allow: POST}), the body-size limit exactly at and
 * one byte over {@code MAX_PAYLOAD_SIZE} with and without a Content-Length, unparseable payloads
 * and {@code ..} in the artifact, and the error counter for each refusal.
 */
class WebhookRequestLimitsTest {
  private static final String SECRET = "limits-test-secret";
  private static final String ALLOWED = "fake://reg.example/team/app:v1";
  private static final int MAX = 512;

  @TempDir Path data;
  private FakeSource source;
  private FakeDeployer deployer;
  private Doco doco;
  private DocoServer server;

  private record Response(int status, String body, String allow) {}

  @BeforeEach
  void setUp() {
    source = new FakeSource();
    deployer = new FakeDeployer();
    source.push(ALLOWED, Fakes.files("services: {api: {image: busybox}}\n"));
    Providers providers =
        Providers.builder()
            .discover(false)
            .register(source)
            .register(deployer)
            .register(new FakeVerifier())
            .build();
    doco =
        Doco.builder()
            .providers(providers)
            .dataDirectory(data)
            .trustPolicy(TrustPolicy.DISABLED)
            .build();
    ServerSettings settings =
        ServerSettings.defaults()
            .withBindAddress("127.0.0.1")
            .withPorts(0, 0)
            .withWebhookSecret(SECRET)
            .withMaxPayloadSize(MAX)
            .withAllowedArtifacts(List.of("fake://reg.example/team/*"));
    server = DocoServer.start(doco, settings);
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

  private Response send(String method, String path, byte[] body, boolean sign, boolean chunked)
      throws IOException {
    URI uri = URI.create("http://127.0.0.1:" + server.httpAddress().getPort() + path);
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    c.setRequestMethod(method);
    if (sign) {
      c.setRequestProperty(WebhookHandler.SIGNATURE_HEADER, WebhookHandler.sign(SECRET, body));
    }
    if (body.length > 0 || method.equals("POST")) {
      c.setDoOutput(true);
      if (chunked) {
        c.setChunkedStreamingMode(64);
      } else {
        c.setFixedLengthStreamingMode(body.length);
      }
      try (OutputStream out = c.getOutputStream()) {
        out.write(body);
      }
    }
    int status = c.getResponseCode();
    InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
    String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    return new Response(status, text, c.getHeaderField("Allow"));
  }

  private Response post(String path, byte[] body) throws IOException {
    return send("POST", path, body, true, false);
  }

  /** A signed, well-formed payload of exactly {@code size} bytes (padded with spaces). */
  private static byte[] payloadOfSize(int size) {
    String json = "{\"source\":\"oci\",\"digest\":\"\",\"artifact\":\"" + ALLOWED + "\"}";
    return (json + " ".repeat(size - json.length())).getBytes(StandardCharsets.UTF_8);
  }

  private String errors() {
    return server.metricsText();
  }

  @Test
  void invalidTarget_is400() throws Exception {
    Response r = post("/v1/webhook/bad!target", payloadOfSize(100));
    assertEquals(400, r.status());
    assertTrue(r.body().contains("invalid target"), r.body());
  }

  @Test
  void pathBesideTheWebhook_is404() throws Exception {
    Response r = post("/v1/webhookx", payloadOfSize(100));
    assertEquals(404, r.status(), r.body());
    assertTrue(r.body().contains("not found"), r.body());
  }

  @Test
  void get_is405WithAllowPost() throws Exception {
    Response r = send("GET", "/v1/webhook", new byte[0], false, false);
    assertEquals(405, r.status());
    assertEquals("POST", r.allow());
    assertTrue(r.body().contains("invalid http method"), r.body());
  }

  @Test
  void bodyOfExactlyTheLimit_isAccepted_withContentLength() throws Exception {
    Response r = post("/v1/webhook?wait=true", payloadOfSize(MAX));
    assertEquals(201, r.status(), r.body());
  }

  @Test
  void bodyOfExactlyTheLimit_isAccepted_whenChunked() throws Exception {
    Response r = send("POST", "/v1/webhook?wait=true", payloadOfSize(MAX), true, true);
    assertEquals(201, r.status(), r.body());
  }

  @Test
  void bodyOneByteOverTheLimit_is413_withContentLength() throws Exception {
    Response r = post("/v1/webhook?wait=true", payloadOfSize(MAX + 1));
    assertEquals(413, r.status(), r.body());
    assertEquals(0, source.resolves.get());
  }

  @Test
  void bodyOneByteOverTheLimit_is413_whenChunked() throws Exception {
    Response r = send("POST", "/v1/webhook?wait=true", payloadOfSize(MAX + 1), true, true);
    assertEquals(413, r.status(), r.body());
    assertEquals(0, source.resolves.get());
  }

  @Test
  void unparseablePayload_is400_andCountsAnError() throws Exception {
    Response r = post("/v1/webhook", "not json".getBytes(StandardCharsets.UTF_8));
    assertEquals(400, r.status());
    assertTrue(r.body().contains("failed to parse payload"), r.body());
    assertTrue(errors().contains("doco_cd_webhook_errors_total{repository=\"\"} 1"), errors());
  }

  @Test
  void dotDotInTheArtifact_is400_andCountsAnError() throws Exception {
    byte[] body =
        "{\"source\":\"oci\",\"digest\":\"\",\"artifact\":\"fake://reg.example/team/../app:v1\"}"
            .getBytes(StandardCharsets.UTF_8);
    Response r = post("/v1/webhook", body);
    assertEquals(400, r.status());
    assertTrue(r.body().contains("invalid repository name"), r.body());
    assertTrue(errors().contains("doco_cd_webhook_errors_total{repository="), errors());
    assertEquals(0, source.resolves.get());
  }

  @Test
  void artifactNotAllowed_is403_andCountsAnError() throws Exception {
    byte[] body =
        "{\"source\":\"oci\",\"digest\":\"\",\"artifact\":\"fake://reg.example/other/x:main\"}"
            .getBytes(StandardCharsets.UTF_8);
    Response r = post("/v1/webhook", body);
    assertEquals(403, r.status());
    assertTrue(
        errors()
            .contains("doco_cd_webhook_errors_total{repository=\"fake://reg.example/other/x\"} 1"),
        errors());
  }

  @Test
  void failedJobWithWait_is500_andCountsAnError() throws Exception {
    deployer.failing.add("app");
    Response r = post("/v1/webhook?wait=true", payloadOfSize(200));
    assertEquals(500, r.status(), r.body());
    assertTrue(
        errors()
            .contains("doco_cd_webhook_errors_total{repository=\"fake://reg.example/team/app\"} 1"),
        errors());
  }
}
