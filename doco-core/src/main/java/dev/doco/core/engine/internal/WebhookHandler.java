package dev.doco.core.engine.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.doco.core.DeployOptions;
import dev.doco.core.DocoEvent.Stage;
import dev.doco.core.config.PollConfig;
import dev.doco.core.spi.Trigger;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/webhook} and {@code POST /v1/webhook/{target}}: doco-cd's OCI webhook contract.
 *
 * <p>Order of checks: method (405) → body size (413) → signature header present (400) → HMAC-SHA256
 * of the raw body, constant-time (401) → payload (400) → artifact allowed (403) → job: 202 with a
 * {@code job_id} (UUIDv7), or with {@code ?wait=true|1} the job's outcome (201, or 500 with
 * doco-cd's error strings). Every response is JSON: {@code {"content":...,"job_id":...}} or {@code
 * {"error":...,"content":...,"job_id":...}}, where {@code error} is a stable code.
 */
public final class WebhookHandler implements HttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookHandler.class);

  /** doco-cd's signature header for OCI webhooks. */
  public static final String SIGNATURE_HEADER = "X-Doco-OCI-Signature-256";

  public static final String PATH = "/v1/webhook";

  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern TARGET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  private final Engine engine;
  private final byte[] secret;
  private final long maxPayloadSize;
  private final ArtifactAllowList allowList;
  private final ExecutorService jobs;

  public WebhookHandler(
      Engine engine,
      String secret,
      long maxPayloadSize,
      ArtifactAllowList allowList,
      ExecutorService jobs) {
    if (secret.isEmpty()) {
      throw new IllegalArgumentException("webhook secret is empty");
    }
    this.engine = engine;
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.maxPayloadSize = maxPayloadSize;
    this.allowList = allowList;
    this.jobs = jobs;
  }

  /** A parsed OCI payload. */
  record Payload(String artifact, @Nullable String digest) {}

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String jobId = UuidV7.next(engine.clock()).toString();
    try (exchange) {
      handle(exchange, jobId);
    } catch (IOException | RuntimeException e) {
      LOG.warn("webhook {} failed: {}", jobId, e.toString());
      throw e;
    }
  }

  private void handle(HttpExchange exchange, String jobId) throws IOException {
    URI uri = exchange.getRequestURI();
    String path = uri.getPath();
    String target;
    if (path.equals(PATH) || path.equals(PATH + "/")) {
      target = "";
    } else if (path.startsWith(PATH + "/")) {
      target = path.substring(PATH.length() + 1);
      if (!TARGET.matcher(target).matches()) {
        respondError(exchange, 400, "invalid target", "target must match " + TARGET, jobId);
        return;
      }
    } else {
      respondError(exchange, 404, "not found", "no such endpoint: " + path, jobId);
      return;
    }
    if (!exchange.getRequestMethod().equals("POST")) {
      exchange.getResponseHeaders().set("Allow", "POST");
      respondError(exchange, 405, "invalid http method", "use POST", jobId);
      return;
    }
    byte[] body = readLimited(exchange);
    if (body == null) {
      respondError(
          exchange,
          413,
          "payload too large",
          "the body exceeds MAX_PAYLOAD_SIZE (" + maxPayloadSize + " bytes)",
          jobId);
      return;
    }
    String signature = exchange.getRequestHeaders().getFirst(SIGNATURE_HEADER);
    if (signature == null || signature.isBlank()) {
      respondError(
          exchange,
          400,
          "missing signature or token header",
          "send the HMAC-SHA256 of the body in " + SIGNATURE_HEADER,
          jobId);
      return;
    }
    if (!signatureValid(body, signature)) {
      respondError(exchange, 401, "incorrect secret key", "HMAC verification failed", jobId);
      return;
    }
    Payload payload;
    try {
      payload = parse(body);
    } catch (IllegalArgumentException e) {
      engine.metrics().inc(Metrics.WEBHOOK_ERRORS, "");
      respondError(exchange, 400, "failed to parse payload", Engine.message(e), jobId);
      return;
    }
    String repository =
        ArtifactAllowList.repositoryOf(ArtifactAllowList.normalize(payload.artifact));
    if (payload.artifact.contains("..")) {
      engine.metrics().inc(Metrics.WEBHOOK_ERRORS, repository);
      respondError(exchange, 400, "invalid repository name", "the artifact contains '..'", jobId);
      return;
    }
    if (!allowList.allows(payload.artifact)) {
      engine.metrics().inc(Metrics.WEBHOOK_ERRORS, repository);
      LOG.warn("webhook {} refused: {} is not allowed", jobId, payload.artifact);
      respondError(
          exchange,
          403,
          "artifact not allowed",
          payload.artifact
              + " is neither a poll entry nor matched by WEBHOOK_ALLOWED_ARTIFACTS; add it to"
              + " one of them to let webhooks deploy it",
          jobId);
      return;
    }
    engine.metrics().inc(Metrics.WEBHOOKS, repository);
    Optional<PollConfig> poll = allowList.pollFor(payload.artifact, target);
    DeployOptions options =
        DeployOptions.DEFAULTS
            .withTrigger(Trigger.WEBHOOK)
            .withTarget(target)
            .withExpectedDigest(payload.digest)
            .withDeployments(poll.map(PollConfig::deployments).orElse(java.util.List.of()));
    Engine.Job job = new Engine.Job(jobId, payload.artifact, options);
    LOG.info("webhook {}: {} (target '{}')", jobId, payload.artifact, target);
    if (waitRequested(uri)) {
      RunOutcome outcome = runJob(job, repository);
      if (outcome.succeeded()) {
        respond(exchange, 201, body("content", "job completed successfully", jobId));
      } else {
        respondError(exchange, 500, errorCode(outcome.failedStage()), outcome.message(), jobId);
      }
      return;
    }
    try {
      jobs.execute(() -> runJob(job, repository));
    } catch (RejectedExecutionException e) {
      respondError(exchange, 503, "shutting down", "the server is stopping", jobId);
      return;
    }
    respond(exchange, 202, body("content", "job accepted", jobId));
  }

  private RunOutcome runJob(Engine.Job job, String repository) {
    long started = System.nanoTime();
    RunOutcome outcome;
    try {
      outcome = engine.run(job);
    } catch (RuntimeException e) {
      LOG.error("webhook job {} failed unexpectedly", job.id(), e);
      engine.metrics().inc(Metrics.WEBHOOK_ERRORS, repository);
      throw e;
    }
    engine
        .metrics()
        .observe(Metrics.WEBHOOK_DURATION, (System.nanoTime() - started) / 1e9, repository);
    if (!outcome.succeeded()) {
      engine.metrics().inc(Metrics.WEBHOOK_ERRORS, repository);
      LOG.warn("webhook job {} failed: {}", job.id(), outcome.message());
    }
    return outcome;
  }

  /** doco-cd's {@code error} strings per failed stage. */
  static String errorCode(@Nullable Stage stage) {
    if (stage == null) {
      return "deployment failed";
    }
    return switch (stage) {
      case RESOLVE -> "failed to resolve oci artifact digest";
      case VERIFY -> "failed OCI signature verification";
      case FETCH -> "failed to pull oci artifact";
      case CONFIG -> "failed to get deploy configuration";
      case DEPLOY, DESTROY -> "deployment failed";
    };
  }

  static boolean waitRequested(URI uri) {
    String q = uri.getRawQuery();
    if (q == null) {
      return false;
    }
    for (String pair : q.split("&")) {
      if (pair.equals("wait")) {
        return false; // the first wait decides; without a value it is not true
      }
      if (pair.startsWith("wait=")) {
        String v = pair.substring("wait=".length());
        return v.equals("true") || v.equals("1");
      }
    }
    return false;
  }

  /** The body, or null when it exceeds the limit. */
  private byte @Nullable [] readLimited(HttpExchange exchange) throws IOException {
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > maxPayloadSize) {
          return null;
        }
      } catch (NumberFormatException e) {
        // chunked or broken header: the read below enforces the limit
      }
    }
    try (InputStream in = exchange.getRequestBody()) {
      int limit = (int) Math.min(Integer.MAX_VALUE - 8, maxPayloadSize);
      byte[] body = in.readNBytes(limit + 1);
      return body.length > limit ? null : body;
    }
  }

  /** HMAC-SHA256 of {@code body}, compared in constant time with the hex in {@code header}. */
  boolean signatureValid(byte[] body, String header) {
    String hex = header.trim();
    if (hex.regionMatches(true, 0, "sha256=", 0, 7)) {
      hex = hex.substring(7);
    }
    byte[] given = decodeHex(hex);
    byte[] expected = hmac(secret, body);
    // MessageDigest.isEqual is constant-time in the content for equal lengths.
    return given != null && MessageDigest.isEqual(expected, given);
  }

  static byte[] hmac(byte[] key, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static byte @Nullable [] decodeHex(String hex) {
    if (hex.length() != 64) {
      return null;
    }
    byte[] out = new byte[32];
    for (int i = 0; i < 32; i++) {
      int hi = Character.digit(hex.charAt(2 * i), 16);
      int lo = Character.digit(hex.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0) {
        return null;
      }
      out[i] = (byte) ((hi << 4) | lo);
    }
    return out;
  }

  static Payload parse(byte[] body) {
    if (body.length == 0) {
      throw new IllegalArgumentException("failed to parse payload: request body is empty");
    }
    String text = new String(body, StandardCharsets.UTF_8);
    Map<String, @Nullable Object> json;
    try {
      json = Json.parseObject(text);
    } catch (Json.JsonException e) {
      throw new IllegalArgumentException("invalid JSON: " + Engine.message(e), e);
    }
    String source = Json.string(json, "source", "").trim();
    if (!source.equals("oci")) {
      throw new IllegalArgumentException(
          "\"source\" must be \"oci\" (doco accepts OCI artifact webhooks only), got \""
              + source
              + "\"");
    }
    String artifact = Json.string(json, "artifact", "").trim();
    if (artifact.isEmpty()) {
      throw new IllegalArgumentException("\"artifact\" is missing: name the artifact reference");
    }
    String digest = Json.string(json, "digest", "").trim();
    if (!digest.isEmpty() && !DIGEST.matcher(digest).matches()) {
      throw new IllegalArgumentException(
          "\"digest\" must look like sha256:<64 lower-case hex>, got \"" + digest + "\"");
    }
    return new Payload(artifact, digest.isEmpty() ? null : digest);
  }

  static String body(String key, String content, String jobId) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(key, content);
    m.put("job_id", jobId);
    return Json.write(m);
  }

  static void respondError(
      HttpExchange exchange, int status, String error, String content, String jobId)
      throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("error", error);
    m.put("content", content);
    m.put("job_id", jobId);
    respond(exchange, status, Json.write(m));
  }

  /** Writes a JSON response with doco-cd's headers. */
  public static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The lower-case hex HMAC-SHA256 of {@code body} with {@code secret}: what senders compute. */
  public static String sign(String secret, byte[] body) {
    return Canonical.hex(hmac(secret.getBytes(StandardCharsets.UTF_8), body))
        .toLowerCase(Locale.ROOT);
  }
}
