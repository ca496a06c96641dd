package dev.doco.verify.testing;

import dev.doco.core.spi.ArtifactAccess;
import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.Manifest;
import dev.doco.verify.internal.Crypto;
import dev.doco.verify.internal.Json;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * An {@link ArtifactAccess} over manifests and blobs held in memory (or loaded from an OCI image
 * layout directory). Referrers are every stored manifest whose {@code subject} names the digest,
 * filtered by artifact type ({@code artifactType}, else {@code config.mediaType}), as a registry's
 * referrers API would answer. Records every call, so tests can assert what was asked.
 */
public final class InMemoryArtifactAccess implements ArtifactAccess {
  private final String repository;
  private final Map<String, Manifest> manifests = new LinkedHashMap<>();
  private final Map<String, byte[]> blobs = new HashMap<>();
  private final Map<String, String> tags = new HashMap<>();
  private final List<String> calls = new CopyOnWriteArrayList<>();

  public InMemoryArtifactAccess(String repository) {
    this.repository = repository;
  }

  /** Loads every manifest listed in {@code index.json} and every blob of an OCI layout. */
  public static InMemoryArtifactAccess ofLayout(String repository, Path layout) throws IOException {
    InMemoryArtifactAccess a = new InMemoryArtifactAccess(repository);
    try (var files = Files.list(layout.resolve("blobs/sha256"))) {
      for (Path p : (Iterable<Path>) files::iterator) {
        a.blobs.put("sha256:" + p.getFileName(), Files.readAllBytes(p));
      }
    }
    try {
      Map<String, Object> index =
          Json.parseObject(Files.readAllBytes(layout.resolve("index.json")), "index.json");
      for (Map<String, Object> d : Json.objects(index, "manifests")) {
        String digest = Json.requireString(d, "digest");
        byte[] bytes = a.blobs.get(digest);
        if (bytes != null) {
          a.manifests.put(digest, new Manifest(digest, Json.requireString(d, "mediaType"), bytes));
        }
        Map<String, Object> ann = Json.object(d, "annotations");
        String tag = ann == null ? null : Json.string(ann, "org.opencontainers.image.ref.name");
        if (tag != null) {
          a.tags.put(tag, digest);
        }
      }
    } catch (dev.doco.verify.internal.SignatureCheckException e) {
      throw new IOException(e.getMessage(), e);
    }
    return a;
  }

  public String putBlob(byte[] data) {
    String d = Crypto.digestOf(data);
    blobs.put(d, data.clone());
    return d;
  }

  public String putManifest(String json) {
    return putManifest(json.getBytes(StandardCharsets.UTF_8));
  }

  public String putManifest(byte[] bytes) {
    String d = Crypto.digestOf(bytes);
    String mediaType = "application/vnd.oci.image.manifest.v1+json";
    try {
      String mt = Json.string(Json.parseObject(bytes, "manifest"), "mediaType");
      if (mt != null) {
        mediaType = mt;
      }
    } catch (dev.doco.verify.internal.SignatureCheckException e) {
      // not JSON: keep the default (tests use raw bytes as "artifacts" too)
    }
    manifests.put(d, new Manifest(d, mediaType, bytes));
    return d;
  }

  public void tag(String tag, String digest) {
    tags.put(tag, digest);
  }

  public void untag(String tag) {
    tags.remove(tag);
  }

  /** Every call made, e.g. {@code tag sha256-...sig}, {@code referrers sha256:... type}. */
  public List<String> calls() {
    return List.copyOf(calls);
  }

  @Override
  public String repository() {
    return repository;
  }

  @Override
  public Manifest manifest(String digest) throws IOException {
    calls.add("manifest " + digest);
    Manifest m = manifests.get(digest);
    if (m == null) {
      throw new FileNotFoundException("no manifest " + digest);
    }
    return m;
  }

  @Override
  public InputStream blob(String digest) throws IOException {
    calls.add("blob " + digest);
    byte[] b = blobs.get(digest);
    if (b == null) {
      throw new FileNotFoundException("no blob " + digest);
    }
    return new ByteArrayInputStream(b);
  }

  @Override
  public List<Descriptor> referrers(String digest, @Nullable String artifactType)
      throws IOException {
    calls.add("referrers " + digest + " " + artifactType);
    List<Descriptor> out = new ArrayList<>();
    for (Manifest m : manifests.values()) {
      try {
        Map<String, Object> json = Json.parseObject(m.bytes(), "manifest");
        Map<String, Object> subject = Json.object(json, "subject");
        if (subject == null || !digest.equals(Json.string(subject, "digest"))) {
          continue;
        }
        String type = Json.string(json, "artifactType");
        if (type == null) {
          Map<String, Object> config = Json.object(json, "config");
          type = config == null ? null : Json.string(config, "mediaType");
        }
        if (artifactType != null && !artifactType.equals(type)) {
          continue;
        }
        Map<String, String> ann = new HashMap<>();
        Map<String, Object> a = Json.object(json, "annotations");
        if (a != null) {
          a.forEach((k, v) -> ann.put(k, String.valueOf(v)));
        }
        out.add(new Descriptor(m.mediaType(), m.digest(), m.bytes().length, type, ann));
      } catch (dev.doco.verify.internal.SignatureCheckException e) {
        // not a JSON manifest: not a referrer
      }
    }
    return out;
  }

  @Override
  public Optional<Manifest> tag(String tag) throws IOException {
    calls.add("tag " + tag);
    String d = tags.get(tag);
    return d == null ? Optional.empty() : Optional.of(manifest(d));
  }
}
