package dev.doco.verify.testing;

import dev.doco.core.spi.ArtifactAccess;
import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.Manifest;
import dev.doco.verify.internal.Crypto;
import dev.doco.verify.internal.Json;
import dev.doco.verify.internal.SignatureCheckException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A tiny test-only {@link ArtifactAccess} (plus push helpers) over plain HTTP for the anonymous
 * loopback registry, on the JDK's {@code HttpURLConnection} (doco-verify must not depend on
 * doco-oci; {@code java.net.http} is not readable by the patched test module). Referrers use the
 * OCI 1.1 API and fall back to the {@code sha256-<hex>} tag schema (registry 2.8 has no API). Every
 * manifest and blob is checked against its digest.
 */
public final class LoopbackRegistry implements ArtifactAccess {
  private static final String ACCEPT =
      String.join(
          ",",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.docker.distribution.manifest.list.v2+json");

  private final String registry;
  private final String repository;

  /**
   * @param registry {@code host:port}
   * @param repository the repository path, e.g. {@code doco-verify/it}
   */
  public LoopbackRegistry(String registry, String repository) {
    this.registry = registry;
    this.repository = repository;
  }

  /** {@code registry/repository}, as cosign and the verifier name it. */
  @Override
  public String repository() {
    return registry + "/" + repository;
  }

  private URI uri(String path) {
    return URI.create("http://" + registry + "/v2/" + repository + path);
  }

  /** A finished exchange. */
  private record Response(int statusCode, Map<String, String> headers, byte[] body) {
    Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
    }
  }

  private static Response exchange(
      URI uri, String method, Map<String, String> headers, byte @Nullable [] body)
      throws IOException {
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    c.setConnectTimeout(5000);
    c.setReadTimeout(30000);
    c.setInstanceFollowRedirects(true);
    c.setRequestMethod(method);
    headers.forEach(c::setRequestProperty);
    if (body != null) {
      c.setDoOutput(true);
      c.setFixedLengthStreamingMode(body.length);
      try (var out = c.getOutputStream()) {
        out.write(body);
      }
    }
    int code = c.getResponseCode();
    InputStream in = code >= 400 ? c.getErrorStream() : c.getInputStream();
    byte[] data = in == null ? new byte[0] : in.readAllBytes();
    if (in != null) {
      in.close();
    }
    Map<String, String> h = new HashMap<>();
    c.getHeaderFields()
        .forEach(
            (k, v) -> {
              if (k != null && !v.isEmpty()) {
                h.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0));
              }
            });
    c.disconnect();
    return new Response(code, h, data);
  }

  private Response get(String path, String accept) throws IOException {
    return exchange(uri(path), "GET", Map.of("Accept", accept), null);
  }

  private static IOException failure(String what, Response r) {
    return new IOException(
        what + ": HTTP " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
  }

  private static String mediaType(Response r, byte[] body) {
    String header = r.header("Content-Type").orElse("");
    try {
      String mt = Json.string(Json.parseObject(body, "manifest"), "mediaType");
      if (mt != null) {
        return mt;
      }
    } catch (SignatureCheckException e) {
      // fall back to the header
    }
    return header;
  }

  @Override
  public Manifest manifest(String digest) throws IOException {
    Response r = get("/manifests/" + digest, ACCEPT);
    if (r.statusCode() != 200) {
      throw failure("manifest " + digest, r);
    }
    if (!Crypto.digestOf(r.body()).equals(digest)) {
      throw new IOException("manifest " + digest + " content does not match its digest");
    }
    return new Manifest(digest, mediaType(r, r.body()), r.body());
  }

  @Override
  public InputStream blob(String digest) throws IOException {
    Response r = get("/blobs/" + digest, "*/*");
    if (r.statusCode() != 200) {
      throw failure("blob " + digest, r);
    }
    if (!Crypto.digestOf(r.body()).equals(digest)) {
      throw new IOException("blob " + digest + " content does not match its digest");
    }
    return new ByteArrayInputStream(r.body());
  }

  @Override
  public List<Descriptor> referrers(String digest, @Nullable String artifactType)
      throws IOException {
    String q =
        artifactType == null
            ? ""
            : "?artifactType=" + URLEncoder.encode(artifactType, StandardCharsets.UTF_8);
    Response r = get("/referrers/" + digest + q, "application/vnd.oci.image.index.v1+json");
    byte[] index;
    if (r.statusCode() == 200) {
      index = r.body();
    } else if (r.statusCode() == 404) {
      Optional<Manifest> fallback = tag(digest.replace(':', '-'));
      if (fallback.isEmpty()) {
        return List.of();
      }
      index = fallback.get().bytes();
    } else {
      throw failure("referrers of " + digest, r);
    }
    List<Descriptor> out = new ArrayList<>();
    try {
      for (Map<String, Object> d :
          Json.objects(Json.parseObject(index, "referrers index"), "manifests")) {
        String type = Json.string(d, "artifactType");
        if (artifactType != null && !artifactType.equals(type)) {
          continue;
        }
        Map<String, String> ann = new HashMap<>();
        Map<String, Object> a = Json.object(d, "annotations");
        if (a != null) {
          a.forEach((k, v) -> ann.put(k, String.valueOf(v)));
        }
        out.add(
            new Descriptor(
                Json.requireString(d, "mediaType"),
                Json.requireString(d, "digest"),
                Json.requireLong(d, "size"),
                type,
                ann));
      }
    } catch (SignatureCheckException e) {
      throw new IOException("referrers index of " + digest + ": " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public Optional<Manifest> tag(String tag) throws IOException {
    Response r = get("/manifests/" + tag, ACCEPT);
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    if (r.statusCode() != 200) {
      throw failure("tag " + tag, r);
    }
    String digest = Crypto.digestOf(r.body());
    return Optional.of(new Manifest(digest, mediaType(r, r.body()), r.body()));
  }

  // ---------------------------------------------------------------------------------- push

  /** Uploads a blob (monolithic POST + PUT) and returns its digest. */
  public String pushBlob(byte[] data) throws IOException {
    String digest = Crypto.digestOf(data);
    Response start = exchange(uri("/blobs/uploads/"), "POST", Map.of(), new byte[0]);
    if (start.statusCode() != 202) {
      throw failure("blob upload start", start);
    }
    String location = start.header("Location").orElseThrow();
    URI put = URI.create("http://" + registry).resolve(location);
    String sep = put.toString().contains("?") ? "&" : "?";
    Response done =
        exchange(
            URI.create(put + sep + "digest=" + digest),
            "PUT",
            Map.of("Content-Type", "application/octet-stream"),
            data);
    if (done.statusCode() != 201) {
      throw failure("blob upload", done);
    }
    return digest;
  }

  /** Pushes manifest bytes at {@code reference} (a tag or the digest); returns the digest. */
  public String pushManifest(byte[] bytes, String mediaType, String reference) throws IOException {
    Response r =
        exchange(uri("/manifests/" + reference), "PUT", Map.of("Content-Type", mediaType), bytes);
    if (r.statusCode() != 201) {
      throw failure("manifest push " + reference, r);
    }
    return Crypto.digestOf(bytes);
  }

  /**
   * Pushes a small doco-style artifact (an OCI image manifest with one tar-ish layer and an empty
   * config) at {@code tag}; returns its digest.
   */
  public String pushArtifact(String tag, String content) throws IOException {
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    byte[] layer = content.getBytes(StandardCharsets.UTF_8);
    String c = pushBlob(config);
    String l = pushBlob(layer);
    String manifest =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
            + c
            + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
            + l
            + "\",\"size\":"
            + layer.length
            + ",\"annotations\":{\"org.opencontainers.image.title\":\".doco-cd.yaml\"}}]}";
    return pushManifest(
        manifest.getBytes(StandardCharsets.UTF_8),
        "application/vnd.oci.image.manifest.v1+json",
        tag);
  }

  /**
   * Pushes every manifest and blob of an in-memory access's signature material: the manifest at
   * {@code manifestDigest} with its config and layers, at {@code reference}.
   */
  public void copyManifest(InMemoryArtifactAccess from, String manifestDigest, String reference)
      throws IOException {
    Manifest m = from.manifest(manifestDigest);
    try {
      Map<String, Object> json = Json.parseObject(m.bytes(), "manifest");
      List<Map<String, Object>> blobs = new ArrayList<>(Json.objects(json, "layers"));
      Map<String, Object> config = Json.object(json, "config");
      if (config != null) {
        blobs.add(config);
      }
      for (Map<String, Object> d : blobs) {
        try (InputStream in = from.blob(Json.requireString(d, "digest"))) {
          pushBlob(in.readAllBytes());
        }
      }
    } catch (SignatureCheckException e) {
      throw new IOException(e.getMessage(), e);
    }
    pushManifest(m.bytes(), m.mediaType(), reference);
  }
}
