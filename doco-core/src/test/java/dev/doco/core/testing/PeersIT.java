package dev.doco.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the peers started by {@code .ci/peers.sh} work from Java: real registries, a real Docker
 * engine with Compose v2, and the cosign / oras CLIs, checked with plain HTTP calls.
 */
class PeersIT {
  private static final Duration CMD = Duration.ofMinutes(3);
  private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  private static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";

  @TempDir Path tmp;

  // ------------------------------------------------------------------------------------ oras

  @Test
  void orasPush_files_manifestReadableOverPlainHttpWithOneTitledLayerPerFile() throws Exception {
    Peers.require(Peer.REGISTRY, Peer.ORAS);
    Files.writeString(tmp.resolve(".doco-cd.yaml"), "version: doco.v1\nname: peers-it\n");
    Files.writeString(tmp.resolve("compose.yaml"), "services: {}\n");
    String repo = "doco-test/oras-it";
    String tag = uniqueTag();

    Exec.ok(
        CMD,
        tmp,
        Map.of(),
        List.of(
            Peers.tool("oras").toString(),
            "push",
            "--plain-http",
            Peers.registry() + "/" + repo + ":" + tag,
            ".doco-cd.yaml",
            "compose.yaml"));

    Http r =
        http(
            "GET",
            "http://" + Peers.registry() + "/v2/" + repo + "/manifests/" + tag,
            Map.of("Accept", OCI_MANIFEST));
    assertEquals(200, r.status, r.text());
    String manifest = r.text();
    assertEquals(
        "sha256:" + sha256Hex(r.body),
        r.header("Docker-Content-Digest"),
        "the registry's digest header is the digest of the bytes it served");
    assertTrue(manifest.contains("\"mediaType\":\"" + OCI_MANIFEST + "\""), manifest);
    assertEquals(
        List.of(".doco-cd.yaml", "compose.yaml"),
        all(manifest, "\"org.opencontainers.image.title\":\"([^\"]+)\""),
        manifest);
    // The first layer is the raw file: fetch it by digest and compare the bytes.
    String layer = all(manifest, "\"digest\":\"(sha256:[0-9a-f]{64})\"").get(1);
    Http blob =
        http("GET", "http://" + Peers.registry() + "/v2/" + repo + "/blobs/" + layer, Map.of());
    assertEquals(200, blob.status);
    assertEquals("version: doco.v1\nname: peers-it\n", blob.text());
  }

  // ------------------------------------------------------------------------------------ docker

  @Test
  void dockerBuildFromScratch_andPush_givesDockerV2ManifestWithOneGzipLayer() throws Exception {
    Peers.require(Peer.DOCKER, Peer.REGISTRY);
    String repo = "doco-test/build-it";
    String digest = buildAndPush(repo, uniqueTag());

    Http r =
        http(
            "GET",
            "http://" + Peers.registry() + "/v2/" + repo + "/manifests/" + digest,
            Map.of("Accept", DOCKER_MANIFEST));
    assertEquals(200, r.status, r.text());
    assertEquals(digest, "sha256:" + sha256Hex(r.body));
    String manifest = r.text();
    assertTrue(
        manifest.contains("\"mediaType\": \"" + DOCKER_MANIFEST + "\"")
            || manifest.contains("\"mediaType\":\"" + DOCKER_MANIFEST + "\""),
        manifest);
    assertEquals(
        List.of("application/vnd.docker.image.rootfs.diff.tar.gzip"),
        all(manifest, "\"(application/vnd\\.docker\\.image\\.rootfs[^\"]*)\""),
        manifest);
  }

  @Test
  void cosignSignWithKey_noTlog_writesSigTagThatCosignVerifies() throws Exception {
    Peers.require(Peer.DOCKER, Peer.REGISTRY, Peer.COSIGN);
    String repo = "doco-test/cosign-it";
    String digest = buildAndPush(repo, uniqueTag());
    String cosign = Peers.tool("cosign").toString();
    Map<String, String> env = Map.of("COSIGN_PASSWORD", "");
    Path keys = Files.createDirectories(tmp.resolve("keys"));
    Exec.ok(CMD, keys, env, List.of(cosign, "generate-key-pair"));
    String ref = Peers.registry() + "/" + repo + "@" + digest;

    Exec.ok(
        CMD,
        keys,
        env,
        List.of(
            cosign,
            "sign",
            "--yes",
            "--key",
            "cosign.key",
            "--tlog-upload=false",
            "--allow-insecure-registry",
            ref));

    Http tags = http("GET", "http://" + Peers.registry() + "/v2/" + repo + "/tags/list", Map.of());
    assertEquals(200, tags.status, tags.text());
    String sigTag = "sha256-" + digest.substring("sha256:".length()) + ".sig";
    assertTrue(tags.text().contains("\"" + sigTag + "\""), tags.text());
    Exec.ok(
        CMD,
        keys,
        env,
        List.of(
            cosign,
            "verify",
            "--key",
            "cosign.pub",
            "--insecure-ignore-tlog",
            "--allow-insecure-registry",
            ref));
    // A different key must not verify: the check above can fail.
    Path other = Files.createDirectories(tmp.resolve("other"));
    Exec.ok(CMD, other, env, List.of(cosign, "generate-key-pair"));
    Exec.Result wrong =
        Exec.run(
            CMD,
            other,
            env,
            List.of(
                cosign,
                "verify",
                "--key",
                "cosign.pub",
                "--insecure-ignore-tlog",
                "--allow-insecure-registry",
                ref));
    assertTrue(wrong.exitCode() != 0, wrong.describe());
  }

  @Test
  void composeUpAndDown_oneServiceOnTestImage_runsAndServesHttpThenIsGone() throws Exception {
    Peers.require(Peer.DOCKER, Peer.COMPOSE, Peer.TEST_IMAGE);
    String project = "doco-peers-it-" + uniqueTag();
    Files.writeString(
        tmp.resolve("compose.yaml"),
        "services:\n"
            + "  web:\n"
            + "    image: "
            + Peers.testImage()
            + "\n"
            + "    command: [\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/var/www\"]\n"
            + "    ports: [\"127.0.0.1::8080\"]\n");
    String docker = Peers.tool("docker").toString();
    Map<String, String> env = Map.of("DOCKER_HOST", Peers.dockerHost());
    List<String> compose = List.of(docker, "compose", "-p", project, "-f", "compose.yaml");
    try {
      Exec.ok(CMD, tmp, env, concat(compose, "up", "-d"));

      String state =
          Exec.ok(
                  CMD,
                  tmp,
                  env,
                  List.of(
                      docker,
                      "ps",
                      "-a",
                      "--filter",
                      "label=com.docker.compose.project=" + project,
                      "--format",
                      "{{.State}}"))
              .stdout();
      assertEquals("running", state.trim());
      String port = Exec.ok(CMD, tmp, env, concat(compose, "port", "web", "8080")).stdout().trim();
      assertTrue(port.startsWith("127.0.0.1:"), port);
      // busybox httpd answers (404: /var/www is empty), which proves the container really serves.
      Http r = http("GET", "http://" + port + "/", Map.of());
      assertEquals(404, r.status, r.text());
    } finally {
      Exec.ok(CMD, tmp, env, concat(compose, "down", "--timeout", "1"));
    }
    String left =
        Exec.ok(
                CMD,
                tmp,
                env,
                List.of(
                    docker, "ps", "-aq", "--filter", "label=com.docker.compose.project=" + project))
            .stdout();
    assertEquals("", left.trim(), "compose down removed the project's containers");
  }

  // ------------------------------------------------------------------------------------ auth

  @Test
  void basicRegistry_rejectsAnonymousAndWrongPassword_acceptsCredentials() throws Exception {
    Peers.require(Peer.BASIC_REGISTRY, Peer.ORAS);
    String base = "http://" + Peers.basicRegistry();

    Http anonymous = http("GET", base + "/v2/", Map.of());
    assertEquals(401, anonymous.status);
    assertTrue(
        anonymous.header("Www-Authenticate").startsWith("Basic realm="),
        anonymous.header("Www-Authenticate"));
    assertEquals(
        401, http("GET", base + "/v2/", basic(Peers.basicUser(), "wrong-password")).status);
    assertEquals(
        200, http("GET", base + "/v2/", basic(Peers.basicUser(), Peers.basicPassword())).status);

    Files.writeString(tmp.resolve("a.yaml"), "x: 1\n");
    String repo = "doco-test/basic-it";
    String tag = uniqueTag();
    Exec.ok(
        CMD,
        tmp,
        Map.of(),
        List.of(
            Peers.tool("oras").toString(),
            "push",
            "--plain-http",
            "-u",
            Peers.basicUser(),
            "-p",
            Peers.basicPassword(),
            Peers.basicRegistry() + "/" + repo + ":" + tag,
            "a.yaml"));
    String url = base + "/v2/" + repo + "/manifests/" + tag;
    assertEquals(401, http("GET", url, Map.of("Accept", OCI_MANIFEST)).status);
    Map<String, String> headers =
        new LinkedHashMap<>(basic(Peers.basicUser(), Peers.basicPassword()));
    headers.put("Accept", OCI_MANIFEST);
    Http ok = http("GET", url, headers);
    assertEquals(200, ok.status, ok.text());
    assertTrue(ok.text().contains("\"a.yaml\""), ok.text());
  }

  @Test
  void tokenRegistry_challengesAnonymous_thenTokenForCredentialsPullsWhatOrasPushed()
      throws Exception {
    Peers.require(Peer.TOKEN_REGISTRY, Peer.ORAS);
    TokenServer tokens = Peers.startTokenServer();
    assertEquals(tokens, Peers.startTokenServer(), "startTokenServer is idempotent");
    String repo = "doco-test/token-it";
    String tag = uniqueTag();
    Files.writeString(tmp.resolve("compose.yaml"), "services: {}\n");
    tokens.clearRequests();

    Exec.ok(
        CMD,
        tmp,
        Map.of(),
        List.of(
            Peers.tool("oras").toString(),
            "push",
            "--plain-http",
            "-u",
            Peers.basicUser(),
            "-p",
            Peers.basicPassword(),
            Peers.tokenRegistry() + "/" + repo + ":" + tag,
            "compose.yaml"));
    assertTrue(
        tokens.requests().stream()
            .anyMatch(
                r ->
                    r.authenticated()
                        && r.grantedScopes().stream()
                            .anyMatch(
                                s ->
                                    s.startsWith("repository:" + repo + ":")
                                        && s.contains("push"))),
        "oras got a push token from the test token server: " + tokens.requests());

    // Anonymous: a Bearer challenge naming the realm, the service and the scope.
    String url = "http://" + Peers.tokenRegistry() + "/v2/" + repo + "/manifests/" + tag;
    Http anonymous = http("GET", url, Map.of("Accept", OCI_MANIFEST));
    assertEquals(401, anonymous.status);
    String challenge = anonymous.header("Www-Authenticate");
    Map<String, String> params = challengeParams(challenge);
    assertTrue(challenge.startsWith("Bearer "), challenge);
    assertEquals(Peers.tokenRealm().toString(), params.get("realm"), challenge);
    assertEquals(Peers.tokenService(), params.get("service"), challenge);
    assertEquals("repository:" + repo + ":pull", params.get("scope"), challenge);

    String tokenUrl =
        params.get("realm")
            + "?service="
            + enc(params.get("service"))
            + "&scope="
            + enc(params.get("scope"));
    // An anonymous token carries no access: the registry still says 401.
    String anonToken = token(http("GET", tokenUrl, Map.of()));
    assertEquals(
        401,
        http("GET", url, Map.of("Accept", OCI_MANIFEST, "Authorization", "Bearer " + anonToken))
            .status);
    // Wrong credentials get no token at all.
    assertEquals(401, http("GET", tokenUrl, basic(Peers.basicUser(), "wrong")).status);
    // The credentials get a pull token that works.
    String pullToken =
        token(http("GET", tokenUrl, basic(Peers.basicUser(), Peers.basicPassword())));
    Http ok =
        http("GET", url, Map.of("Accept", OCI_MANIFEST, "Authorization", "Bearer " + pullToken));
    assertEquals(200, ok.status, ok.text());
    String layer = all(ok.text(), "\"digest\":\"(sha256:[0-9a-f]{64})\"").get(1);
    Http blob =
        http(
            "GET",
            "http://" + Peers.tokenRegistry() + "/v2/" + repo + "/blobs/" + layer,
            Map.of("Authorization", "Bearer " + pullToken));
    assertEquals(200, blob.status);
    assertEquals("services: {}\n", blob.text());
  }

  @Test
  void tokenServer_oauthPasswordGrantPost_issuesTokenTheRegistryAccepts() throws Exception {
    Peers.require(Peer.TOKEN_REGISTRY);
    TokenServer tokens = Peers.startTokenServer();
    String body =
        "grant_type=password&client_id=doco-it&service="
            + enc(tokens.service())
            + "&scope="
            + enc("registry:catalog:*")
            + "&username="
            + enc(Peers.basicUser())
            + "&password="
            + enc(Peers.basicPassword());
    Http r =
        http(
            "POST",
            tokens.realm().toString(),
            Map.of("Content-Type", "application/x-www-form-urlencoded"),
            body);
    assertEquals(200, r.status, r.text());
    String accessToken = all(r.text(), "\"access_token\":\"([^\"]+)\"").get(0);

    String catalog = "http://" + Peers.tokenRegistry() + "/v2/_catalog";
    assertEquals(401, http("GET", catalog, Map.of()).status);
    assertEquals(
        200, http("GET", catalog, Map.of("Authorization", "Bearer " + accessToken)).status);
    // A wrong password in the form gets no token.
    Http wrong =
        http(
            "POST",
            tokens.realm().toString(),
            Map.of("Content-Type", "application/x-www-form-urlencoded"),
            body.replace(enc(Peers.basicPassword()), "nope"));
    assertEquals(401, wrong.status, wrong.text());
  }

  // ------------------------------------------------------------------------------------ helpers

  /** Builds a FROM scratch artifact with the legacy builder, pushes it, returns its digest. */
  private String buildAndPush(String repo, String tag) throws IOException {
    Path ctx = Files.createDirectories(tmp.resolve("build-" + tag));
    Files.writeString(ctx.resolve("Dockerfile"), "FROM scratch\nCOPY . /\n");
    Files.writeString(ctx.resolve(".doco-cd.yaml"), "version: doco.v1\nname: " + tag + "\n");
    Files.writeString(ctx.resolve("compose.yaml"), "services: {}\n");
    String docker = Peers.tool("docker").toString();
    String image = Peers.registry() + "/" + repo + ":" + tag;
    Map<String, String> env = Map.of("DOCKER_BUILDKIT", "0", "DOCKER_HOST", Peers.dockerHost());
    Exec.ok(CMD, ctx, env, List.of(docker, "build", "-t", image, "."));
    try {
      String out = Exec.ok(CMD, ctx, env, List.of(docker, "push", image)).stdout();
      Matcher m = Pattern.compile("digest: (sha256:[0-9a-f]{64})").matcher(out);
      assertTrue(m.find(), "docker push printed the digest: " + out);
      return m.group(1);
    } finally {
      Exec.run(CMD, ctx, env, List.of(docker, "rmi", image));
    }
  }

  private static String uniqueTag() {
    return "t" + UUID.randomUUID().toString().substring(0, 12);
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }

  private static List<String> all(String text, String regex) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile(regex).matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  private static String token(Http r) {
    assertEquals(200, r.status, r.text());
    List<String> t = all(r.text(), "\"token\":\"([^\"]+)\"");
    assertFalse(t.isEmpty(), r.text());
    return t.get(0);
  }

  private static Map<String, String> challengeParams(String challenge) {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher(challenge);
    while (m.find()) {
      out.put(m.group(1), m.group(2));
    }
    return out;
  }

  private static String enc(@Nullable String s) {
    assertNotNull(s);
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static Map<String, String> basic(String user, String password) {
    return Map.of(
        "Authorization",
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
  }

  private static String sha256Hex(byte[] b) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  /** A response of a plain HTTP call. */
  private record Http(int status, Map<String, List<String>> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return e.getValue().get(0);
        }
      }
      return "";
    }
  }

  /** A plain HTTP call with the JDK's own client (no redirects, 30 s timeouts). */
  private static Http http(String method, String url, Map<String, String> headers)
      throws IOException {
    return http(method, url, headers, null);
  }

  private static Http http(
      String method, String url, Map<String, String> headers, @Nullable String body)
      throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
    try {
      c.setRequestMethod(method);
      c.setInstanceFollowRedirects(false);
      c.setConnectTimeout(30_000);
      c.setReadTimeout(30_000);
      headers.forEach(c::setRequestProperty);
      if (body != null) {
        c.setDoOutput(true);
        try (java.io.OutputStream out = c.getOutputStream()) {
          out.write(body.getBytes(StandardCharsets.UTF_8));
        }
      }
      int status = c.getResponseCode();
      byte[] responseBody;
      try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
        responseBody = in == null ? new byte[0] : in.readAllBytes();
      }
      return new Http(status, c.getHeaderFields(), responseBody);
    } finally {
      c.disconnect();
    }
  }
}
