package dev.doco.examples;

import dev.doco.core.testing.Exec;
import dev.doco.core.testing.Peers;
import dev.doco.examples.cli.DocoCli;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Helpers of the end-to-end tests: peers' CLIs, HTTP, stacks, waiting. */
final class E2e {
  static final Duration T = Duration.ofMinutes(3);

  private E2e() {}

  static String tool(String name) {
    return Peers.tool(name).toString();
  }

  static Exec.Result ok(Path dir, Map<String, String> env, String... argv) {
    return Exec.ok(T, dir, env, List.of(argv));
  }

  /** A free TCP port on loopback. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Writes a doco.v1 stack serving {@code page} with busybox httpd on host {@code port}. */
  static Path stack(Path dir, String name, int port, String page) throws IOException {
    Files.createDirectories(dir.resolve("www"));
    Files.writeString(dir.resolve(".doco-cd.yaml"), "name: " + name + "\n");
    Files.writeString(
        dir.resolve("compose.yaml"),
        "services:\n"
            + "  web:\n"
            + "    image: "
            + Peers.testImage()
            + "\n"
            + "    command: [\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]\n"
            + "    ports: [\""
            + port
            + ":8080\"]\n"
            + "    volumes: [\"./www:/www:ro\"]\n");
    Files.writeString(dir.resolve("www/index.html"), page);
    return dir;
  }

  /**
   * Pushes the stack directory with {@code oras push REF DIR} (one tar+gzip layer with oras' unpack
   * annotation, entries under {@code DIR/}).
   */
  static String orasPush(Path dir, String ref) {
    ok(
        dir.getParent(),
        Map.of(),
        tool("oras"),
        "push",
        "--plain-http",
        ref,
        dir.getFileName().toString());
    return resolve(ref);
  }

  /**
   * Pushes {@code dir} as a {@code FROM scratch} image with {@code docker build} + {@code push}.
   */
  static String dockerPush(Path dir, String ref) throws IOException {
    Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\nCOPY . /\n");
    Map<String, String> env = Map.of("DOCKER_BUILDKIT", "0");
    ok(dir, env, tool("docker"), "build", "-q", "-t", ref, ".");
    ok(dir, env, tool("docker"), "push", ref);
    return resolve(ref);
  }

  static String resolve(String ref) {
    return ok(null, Map.of(), tool("oras"), "resolve", "--plain-http", ref).stdout().trim();
  }

  /** {@code cosign generate-key-pair} in {@code dir}; returns the public key PEM. */
  static String cosignKeys(Path dir) throws IOException {
    ok(dir, Map.of("COSIGN_PASSWORD", ""), tool("cosign"), "generate-key-pair");
    return Files.readString(dir.resolve("cosign.pub"));
  }

  static void cosignSign(Path keyDir, String repository, String digest) {
    ok(
        keyDir,
        Map.of("COSIGN_PASSWORD", ""),
        tool("cosign"),
        "sign",
        "--yes",
        "--key",
        "cosign.key",
        "--tlog-upload=false",
        "--allow-insecure-registry",
        repository + "@" + digest);
  }

  static String trustPolicy(String publicKeyPem) {
    StringBuilder b = new StringBuilder("enabled: true\nignore_tlog: true\npublic_keys:\n  - |\n");
    for (String line : publicKeyPem.strip().split("\n")) {
      b.append("    ").append(line).append('\n');
    }
    return b.toString();
  }

  /** The labels {@code label} of the project's running containers. */
  static List<String> labels(String project, String label) {
    String out =
        ok(
                null,
                Map.of(),
                tool("docker"),
                "ps",
                "--filter",
                "label=com.docker.compose.project=" + project,
                "--format",
                "{{.Label \"" + label + "\"}}")
            .stdout();
    List<String> values = new ArrayList<>();
    for (String l : out.split("\n")) {
      if (!l.isBlank()) {
        values.add(l.trim());
      }
    }
    return values;
  }

  static List<String> containerIds(String project) {
    String out =
        ok(
                null,
                Map.of(),
                tool("docker"),
                "ps",
                "-q",
                "--filter",
                "label=com.docker.compose.project=" + project)
            .stdout();
    List<String> ids = new ArrayList<>();
    for (String l : out.split("\n")) {
      if (!l.isBlank()) {
        ids.add(l.trim());
      }
    }
    return ids;
  }

  static void down(String project) {
    Exec.run(T, null, Map.of(), List.of(tool("docker"), "compose", "-p", project, "down", "-v"));
  }

  static void await(String what, Duration max, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + max + " waiting for " + what);
      }
      Thread.sleep(250);
    }
  }

  record Response(int status, String body) {}

  static Response http(String method, String url, byte[] body, Map<String, String> headers)
      throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
    c.setRequestMethod(method);
    c.setConnectTimeout(5000);
    c.setReadTimeout(300_000);
    headers.forEach(c::setRequestProperty);
    if (body != null) {
      c.setDoOutput(true);
      try (OutputStream out = c.getOutputStream()) {
        out.write(body);
      }
    }
    int status = c.getResponseCode();
    InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
    String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    return new Response(status, text);
  }

  static String get(String url) {
    try {
      return http("GET", url, null, Map.of()).body();
    } catch (IOException e) {
      return "";
    }
  }

  /** Sends a doco-cd OCI webhook signed with {@code secret} (raw body bytes, like curl). */
  static Response webhook(String base, String secret, String artifact, String digest, boolean wait)
      throws IOException {
    byte[] body =
        ("{\"source\":\"oci\",\"digest\":\"" + digest + "\",\"artifact\":\"" + artifact + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    return http(
        "POST",
        base + "/v1/webhook" + (wait ? "?wait=true" : ""),
        body,
        Map.of(
            "X-Doco-OCI-Signature-256",
            "sha256=" + hmac(secret, body),
            "Content-Type",
            "application/json"));
  }

  static String hmac(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs the CLI in process. */
  static int cli(Map<String, String> env, String... args) {
    return DocoCli.run(args, env, System.out, System.err);
  }
}
