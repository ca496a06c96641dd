package dev.doco.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.DocoEvent;
import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.Manifest;
import dev.doco.core.testing.Peer;
import dev.doco.core.testing.Peers;
import dev.doco.oci.internal.registry.Digests;
import dev.doco.oci.internal.registry.MediaTypes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against real registries (CNCF Distribution 2.8: anonymous, htpasswd, Bearer token)
 * with content pushed by {@code docker push}, {@code oras push} and {@code cosign sign}.
 */
class RegistryClientIT {
  static final String RUN = Long.toString(System.currentTimeMillis(), 36);
  static final String CONTENT = "services:\n  web:\n    image: busybox\n";

  @TempDir Path tmp;
  final List<DocoEvent> events = new CopyOnWriteArrayList<>();

  static String run(List<String> argv, Path cwd, Map<String, String> env) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread t =
        new Thread(
            () -> {
              try (InputStream in = p.getErrorStream()) {
                in.transferTo(err);
              } catch (IOException ignored) {
                // process ended
              }
            });
    t.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + argv);
    }
    t.join(5000);
    if (p.exitValue() != 0) {
      throw new AssertionError(
          argv + " failed with " + p.exitValue() + ": " + err.toString(StandardCharsets.UTF_8));
    }
    return new String(out, StandardCharsets.UTF_8).trim();
  }

  String orasPush(String ref, String... extra) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("push-" + Math.abs(ref.hashCode())));
    Files.writeString(dir.resolve("compose.yaml"), CONTENT);
    Files.writeString(dir.resolve(".doco-cd.yaml"), "name: app\n");
    List<String> argv =
        new ArrayList<>(List.of(Peers.tool("oras").toString(), "push", "--plain-http"));
    argv.addAll(List.of(extra));
    argv.addAll(List.of(ref, "compose.yaml", ".doco-cd.yaml"));
    run(argv, dir, Map.of("HOME", tmp.toString()));
    List<String> resolve =
        new ArrayList<>(List.of(Peers.tool("oras").toString(), "resolve", "--plain-http"));
    resolve.addAll(List.of(extra));
    resolve.add(ref);
    return run(resolve, dir, Map.of("HOME", tmp.toString()));
  }

  RegistryClient.Builder builder(Map<String, String> env) {
    return RegistryClient.builder()
        .environment(env)
        .retries(3, Duration.ofMillis(50), Duration.ofSeconds(2), Duration.ofSeconds(60))
        .listener(events::add);
  }

  Path dockerConfig(String json) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("docker-config"));
    Files.writeString(dir.resolve("config.json"), json);
    return dir;
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Fetches every layer of the content manifest and returns file title -> content. */
  Map<String, String> pullTitled(RegistryClient c, Reference ref) throws IOException {
    ResolvedContent rc = c.content(ref);
    Map<String, String> files = new HashMap<>();
    for (Descriptor l : rc.manifest().layers()) {
      Path f = tmp.resolve("blobs").resolve(l.digest().substring(7));
      c.fetchBlob(ref, l, f);
      files.put(
          l.annotations().getOrDefault("org.opencontainers.image.title", l.digest()),
          Files.readString(f));
    }
    return files;
  }

  // --------------------------------------------------------------------------------- anonymous

  @Test
  void anonymous_orasPushedArtifact_resolvesLikeOras_andPullsVerified() throws Exception {
    Peers.require(Peer.REGISTRY, Peer.ORAS);
    String ref = Peers.registry() + "/doco-it/oras-" + RUN + ":v1";
    String orasDigest = orasPush(ref);
    try (RegistryClient c = builder(Map.of()).credentials(CredentialProvider.anonymous()).build()) {
      Reference r = Reference.parse(ref);
      Descriptor d = c.resolve(r);
      assertEquals(orasDigest, d.digest(), "same digest as oras resolve");
      assertEquals(MediaTypes.OCI_MANIFEST, d.mediaType());
      Map<String, String> files = pullTitled(c, r.withDigest(d.digest()));
      assertEquals(CONTENT, files.get("compose.yaml"));
      assertEquals("name: app\n", files.get(".doco-cd.yaml"));
      assertTrue(c.tags(r.withTag("x")).contains("v1"));
    }
    assertTrue(
        events.stream()
            .anyMatch(
                e ->
                    e instanceof DocoEvent.HttpExchange h
                        && h.method().equals("HEAD")
                        && h.status() == 200));
  }

  /**
   * Forwards to the real registry; the first GET of {@code blobPath} is cut off part-way through
   * its body. Records each blob GET's Range header and the registry's status and Content-Range.
   */
  static final class CuttingProxy extends mockwebserver3.Dispatcher {
    final okhttp3.OkHttpClient http =
        new okhttp3.OkHttpClient.Builder().followRedirects(false).build();
    final String upstream;
    final String blobPath;
    final List<String> blobExchanges = new CopyOnWriteArrayList<>();

    CuttingProxy(String upstream, String blobPath) {
      this.upstream = upstream;
      this.blobPath = blobPath;
    }

    @Override
    public mockwebserver3.MockResponse dispatch(mockwebserver3.RecordedRequest in) {
      okhttp3.Request.Builder req =
          new okhttp3.Request.Builder()
              .url("http://" + upstream + in.getTarget())
              .method(in.getMethod(), null)
              .header("Accept-Encoding", "identity");
      for (String h : List.of("Accept", "Range")) {
        String v = in.getHeaders().get(h);
        if (v != null) {
          req.header(h, v);
        }
      }
      try (okhttp3.Response r = http.newCall(req.build()).execute()) {
        byte[] body = r.body().bytes();
        mockwebserver3.MockResponse.Builder out =
            new mockwebserver3.MockResponse.Builder().code(r.code());
        for (String h :
            List.of("Content-Type", "Docker-Content-Digest", "Content-Range", "Accept-Ranges")) {
          if (r.header(h) != null) {
            out.addHeader(h, r.header(h));
          }
        }
        boolean blob = in.getMethod().equals("GET") && in.getTarget().equals(blobPath);
        if (in.getMethod().equals("HEAD")) {
          out.addHeader("Content-Length", r.header("Content-Length", "0"));
        } else {
          out.body(new okio.Buffer().write(body));
        }
        if (blob) {
          blobExchanges.add(
              in.getHeaders().get("Range") + " -> " + r.code() + " " + r.header("Content-Range"));
          if (blobExchanges.size() == 1) {
            out.onResponseBody(mockwebserver3.SocketEffect.ShutdownConnection.INSTANCE);
          }
        }
        return out.build();
      } catch (IOException e) {
        return new mockwebserver3.MockResponse.Builder().code(502).body(e.toString()).build();
      }
    }
  }

  @Test
  void anonymous_blobDownloadCutMidway_resumesWithARangeTheRealRegistryHonours() throws Exception {
    Peers.require(Peer.REGISTRY, Peer.ORAS);
    Path dir = Files.createDirectories(tmp.resolve("big"));
    byte[] data = new byte[2 << 20];
    new java.util.Random(7).nextBytes(data);
    Files.write(dir.resolve("big.bin"), data);
    String repo = "doco-it/resume-" + RUN;
    run(
        List.of(
            Peers.tool("oras").toString(),
            "push",
            "--plain-http",
            Peers.registry() + "/" + repo + ":v1",
            "big.bin"),
        dir,
        Map.of("HOME", tmp.toString()));
    String digest = Digests.sha256(data);
    CuttingProxy proxy = new CuttingProxy(Peers.registry(), "/v2/" + repo + "/blobs/" + digest);
    try (mockwebserver3.MockWebServer server = new mockwebserver3.MockWebServer()) {
      server.setDispatcher(proxy);
      server.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
      Reference ref = Reference.parse("127.0.0.1:" + server.getPort() + "/" + repo + ":v1");
      try (RegistryClient c =
          builder(Map.of()).credentials(CredentialProvider.anonymous()).build()) {
        Descriptor layer = c.content(ref).manifest().layers().get(0);
        assertEquals(digest, layer.digest());
        Path target = tmp.resolve("big.out");
        assertEquals(data.length, c.fetchBlob(ref, layer, target));
        assertArrayEquals(data, Files.readAllBytes(target));
      }
    }
    assertEquals(2, proxy.blobExchanges.size(), proxy.blobExchanges.toString());
    assertEquals("null -> 200 null", proxy.blobExchanges.get(0));
    String resumed = proxy.blobExchanges.get(1);
    assertTrue(
        resumed.matches(
            "bytes=([1-9][0-9]*)- -> 206 bytes \\1-" + (data.length - 1) + "/" + data.length),
        "the registry answered the resume with " + resumed);
  }

  @Test
  void anonymous_dockerPushedImage_resolvesAndFetchesItsLayers() throws Exception {
    Peers.require(Peer.REGISTRY, Peer.DOCKER);
    Reference image = Reference.parse(Peers.testImage());
    try (RegistryClient c = builder(Map.of()).credentials(CredentialProvider.anonymous()).build()) {
      ResolvedContent rc = c.content(image);
      assertTrue(MediaTypes.isImageManifest(rc.content().mediaType()), rc.content().mediaType());
      assertFalse(rc.manifest().layers().isEmpty());
      byte[] config = c.blobBytes(image, rc.manifest().config(), 1 << 20);
      assertTrue(new String(config, StandardCharsets.UTF_8).contains("\"architecture\""));
      Descriptor layer = rc.manifest().layers().get(0);
      long n = c.fetchBlob(image, layer, tmp.resolve("layer.tgz"));
      assertEquals(layer.size(), n);
      assertEquals(layer.digest(), Digests.sha256(Files.readAllBytes(tmp.resolve("layer.tgz"))));
    }
  }

  @Test
  void cosignSignatures_visibleAsSigTagAndThroughReferrersFallback() throws Exception {
    Peers.require(Peer.REGISTRY, Peer.ORAS, Peer.COSIGN);
    String ref = Peers.registry() + "/doco-it/signed-" + RUN + ":v1";
    String digest = orasPush(ref);
    Path keys = Files.createDirectories(tmp.resolve("keys"));
    Map<String, String> env = Map.of("COSIGN_PASSWORD", "", "HOME", tmp.toString());
    String cosign = Peers.tool("cosign").toString();
    run(List.of(cosign, "generate-key-pair"), keys, env);
    String subject = Peers.registry() + "/doco-it/signed-" + RUN + "@" + digest;
    run(
        List.of(
            cosign,
            "sign",
            "--yes",
            "--key",
            "cosign.key",
            "--tlog-upload=false",
            "--allow-insecure-registry",
            subject),
        keys,
        env);
    Map<String, String> env11 = new HashMap<>(env);
    env11.put("COSIGN_EXPERIMENTAL", "1");
    run(
        List.of(
            cosign,
            "sign",
            "--yes",
            "--key",
            "cosign.key",
            "--tlog-upload=false",
            "--allow-insecure-registry",
            "--registry-referrers-mode=oci-1-1",
            subject),
        keys,
        env11);
    try (RegistryClient c = builder(Map.of()).credentials(CredentialProvider.anonymous()).build()) {
      Reference repo = Reference.parse(ref);
      RegistryArtifactAccess access = c.access(repo);
      String sigTag = RegistryClient.fallbackTag(digest) + ".sig";
      Manifest sig = access.tag(sigTag).orElseThrow();
      ImageManifest sm = ImageManifest.parse(sig);
      assertEquals(
          "application/vnd.dev.cosign.simplesigning.v1+json", sm.layers().get(0).mediaType());
      assertTrue(
          sm.layers().get(0).annotations().containsKey("dev.cosignproject.cosign/signature"));
      List<Descriptor> referrers =
          access.referrers(digest, "application/vnd.dev.cosign.artifact.sig.v1+json");
      assertEquals(1, referrers.size(), "one OCI 1.1 signature found via the sha256-<hex> tag");
      Manifest referrer = access.manifest(referrers.get(0).digest());
      assertEquals(digest, ImageManifest.parse(referrer).subject().digest());
      assertEquals(List.of(), access.referrers(digest, "application/none"));
      assertTrue(access.tag("no-such-tag").isEmpty());
    }
  }

  // --------------------------------------------------------------------------------- htpasswd

  @Test
  void basicRegistry_withConfigJsonAuths_pulls_andWithoutCredentialsSaysDockerLogin()
      throws Exception {
    Peers.require(Peer.BASIC_REGISTRY, Peer.ORAS);
    String ref = Peers.basicRegistry() + "/doco-it/basic-" + RUN + ":v1";
    orasPush(ref, "-u", Peers.basicUser(), "-p", Peers.basicPassword());
    Path cfg =
        dockerConfig(
            "{\"auths\":{\""
                + Peers.basicRegistry()
                + "\":{\"auth\":\""
                + b64(Peers.basicUser() + ":" + Peers.basicPassword())
                + "\"}}}");
    Reference r = Reference.parse(ref);
    try (RegistryClient c = builder(Map.of("DOCKER_CONFIG", cfg.toString())).build()) {
      assertEquals(CONTENT, pullTitled(c, r).get("compose.yaml"));
    }
    try (RegistryClient anon =
        builder(Map.of()).credentials(CredentialProvider.anonymous()).build()) {
      RegistryAuthException e = assertThrows(RegistryAuthException.class, () -> anon.resolve(r));
      assertEquals(401, e.status());
      assertTrue(e.getMessage().contains("docker login " + Peers.basicRegistry()), e.getMessage());
    }
    assertFalse(events.toString().contains(Peers.basicPassword()), "no secret in events");
  }

  @Test
  void basicRegistry_withDockerAuthConfigEnv_pulls_andTheEnvWinsOverConfigJson() throws Exception {
    Peers.require(Peer.BASIC_REGISTRY, Peer.ORAS);
    String ref = Peers.basicRegistry() + "/doco-it/basic-env-" + RUN + ":v1";
    orasPush(ref, "-u", Peers.basicUser(), "-p", Peers.basicPassword());
    String good = b64(Peers.basicUser() + ":" + Peers.basicPassword());
    String inline = "{\"auths\":{\"" + Peers.basicRegistry() + "\":{\"auth\":\"" + good + "\"}}}";
    Reference r = Reference.parse(ref);
    try (RegistryClient c = builder(Map.of("DOCKER_AUTH_CONFIG", inline)).build()) {
      assertEquals(CONTENT, pullTitled(c, r).get("compose.yaml"));
    }
    // config.json is right, DOCKER_AUTH_CONFIG is stale: the docker CLI (28.3+) uses the env, so do
    // we
    Path cfg =
        dockerConfig("{\"auths\":{\"" + Peers.basicRegistry() + "\":{\"auth\":\"" + good + "\"}}}");
    String stale =
        "{\"auths\":{\""
            + Peers.basicRegistry()
            + "\":{\"auth\":\""
            + b64(Peers.basicUser() + ":wrong-password")
            + "\"}}}";
    try (RegistryClient c =
        builder(Map.of("DOCKER_CONFIG", cfg.toString(), "DOCKER_AUTH_CONFIG", stale)).build()) {
      RegistryAuthException e = assertThrows(RegistryAuthException.class, () -> c.resolve(r));
      assertEquals(401, e.status());
      assertTrue(e.getMessage().contains("DOCKER_AUTH_CONFIG"), e.getMessage());
    }
    assertFalse(events.toString().contains(Peers.basicPassword()), "no secret in events");
  }

  @Test
  void basicRegistry_withCredHelperScript_pulls() throws Exception {
    Peers.require(Peer.BASIC_REGISTRY, Peer.ORAS);
    String ref = Peers.basicRegistry() + "/doco-it/helper-" + RUN + ":v1";
    orasPush(ref, "-u", Peers.basicUser(), "-p", Peers.basicPassword());
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path helper = bin.resolve("docker-credential-doco-it");
    Path seen = tmp.resolve("helper-stdin");
    Files.writeString(
        helper,
        "#!/bin/sh\n[ \"$1\" = get ] || exit 3\ncat > '"
            + seen
            + "'\nprintf '{\"ServerURL\":\"%s\",\"Username\":\"%s\",\"Secret\":\"%s\"}' \""
            + Peers.basicRegistry()
            + "\" \""
            + Peers.basicUser()
            + "\" \""
            + Peers.basicPassword()
            + "\"\n");
    Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
    Path cfg = dockerConfig("{\"credHelpers\":{\"" + Peers.basicRegistry() + "\":\"doco-it\"}}");
    Map<String, String> env =
        Map.of("DOCKER_CONFIG", cfg.toString(), "PATH", bin + ":" + System.getenv("PATH"));
    try (RegistryClient c = builder(env).build()) {
      assertEquals(CONTENT, pullTitled(c, Reference.parse(ref)).get("compose.yaml"));
    }
    assertEquals(Peers.basicRegistry(), Files.readString(seen), "server URL on stdin, no newline");
  }

  // ------------------------------------------------------------------------------ bearer token

  @Test
  void tokenRegistry_withConfigJson_pullsAndPushes() throws Exception {
    Peers.require(Peer.TOKEN_REGISTRY, Peer.ORAS);
    Peers.startTokenServer();
    String ref = Peers.tokenRegistry() + "/doco-it/token-" + RUN + ":v1";
    orasPush(ref, "-u", Peers.basicUser(), "-p", Peers.basicPassword());
    Path cfg =
        dockerConfig(
            "{\"auths\":{\""
                + Peers.tokenRegistry()
                + "\":{\"username\":\""
                + Peers.basicUser()
                + "\",\"password\":\""
                + Peers.basicPassword()
                + "\"}}}");
    Reference r = Reference.parse(ref);
    try (RegistryClient c = builder(Map.of("DOCKER_CONFIG", cfg.toString())).build()) {
      assertEquals(CONTENT, pullTitled(c, r).get("compose.yaml"));
      events.clear();
      c.resolve(r);
      assertEquals(
          1,
          events.stream().filter(e -> e instanceof DocoEvent.HttpExchange).count(),
          "token cached: one HEAD");

      // push with our client (monolithic and chunked blobs, then the manifest), read back by oras
      Reference pushed = r.withRepository("doco-it/pushed-" + RUN).withTag("v2");
      byte[] cfgBlob = "{}".getBytes(StandardCharsets.UTF_8);
      Descriptor config = c.pushBlob(pushed, cfgBlob, "application/vnd.oci.empty.v1+json");
      Path layerFile = tmp.resolve("layer.bin");
      Files.writeString(layerFile, CONTENT.repeat(50));
      String layerDigest = Digests.sha256(Files.readAllBytes(layerFile));
      c.pushBlobChunked(pushed, layerDigest, layerFile, 700);
      assertTrue(c.blobExists(pushed, layerDigest));
      String manifest =
          "{\"schemaVersion\":2,\"mediaType\":\""
              + MediaTypes.OCI_MANIFEST
              + "\","
              + "\"artifactType\":\"application/vnd.doco.test\","
              + "\"config\":{\"mediaType\":\""
              + config.mediaType()
              + "\",\"digest\":\""
              + config.digest()
              + "\",\"size\":2},"
              + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
              + layerDigest
              + "\",\"size\":"
              + Files.size(layerFile)
              + ",\"annotations\":{\"org.opencontainers.image.title\":\"big.yaml\"}}]}";
      byte[] mbytes = manifest.getBytes(StandardCharsets.UTF_8);
      String digest = c.pushManifest(pushed, MediaTypes.OCI_MANIFEST, mbytes);
      assertEquals(digest, c.resolve(pushed).digest());
      assertArrayEquals(mbytes, c.manifest(pushed.withDigest(digest)).bytes());
      Path out = Files.createDirectories(tmp.resolve("oras-pull"));
      run(
          List.of(
              Peers.tool("oras").toString(),
              "pull",
              "--plain-http",
              "-u",
              Peers.basicUser(),
              "-p",
              Peers.basicPassword(),
              pushed.toString()),
          out,
          Map.of("HOME", tmp.toString()));
      assertEquals(CONTENT.repeat(50), Files.readString(out.resolve("big.yaml")));
    }
  }

  @Test
  void tokenRegistry_wrongPassword_failsWithLoginHint() throws Exception {
    Peers.require(Peer.TOKEN_REGISTRY);
    Peers.startTokenServer();
    Reference r = Reference.parse(Peers.tokenRegistry() + "/doco-it/nothing:v1");
    try (RegistryClient c =
        builder(Map.of())
            .credentials(
                CredentialProvider.of(
                    Map.of(
                        Peers.tokenRegistry(),
                        Credential.basic(Peers.basicUser(), "wrong-password", "test"))))
            .build()) {
      RegistryAuthException e = assertThrows(RegistryAuthException.class, () -> c.resolve(r));
      assertTrue(e.getMessage().contains("docker login"), e.getMessage());
      assertFalse(e.getMessage().contains("wrong-password"));
    }
  }
}
