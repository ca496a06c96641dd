package dev.doco.verify.notation;

import dev.doco.core.spi.ArtifactAccess;
import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.Manifest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory repository for verifier tests: manifests and blobs by digest, referrers computed
 * from the manifests' {@code subject}, with the artifact type taken from {@code artifactType} or
 * else {@code config.mediaType}, as the OCI referrers API does.
 */
final class InMemoryArtifactAccess implements ArtifactAccess {
  private final String repository;
  private final Map<String, Manifest> manifests = new LinkedHashMap<>();
  private final Map<String, byte[]> blobs = new LinkedHashMap<>();
  private final Map<String, String> subjects = new LinkedHashMap<>();
  private final Map<String, @Nullable String> artifactTypes = new LinkedHashMap<>();
  int referrerCalls;

  InMemoryArtifactAccess(String repository) {
    this.repository = repository;
  }

  static String sha256(byte[] b) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stores a manifest under its own digest. */
  String putManifest(String mediaType, byte[] bytes) {
    String digest = sha256(bytes);
    manifests.put(digest, new Manifest(digest, mediaType, bytes));
    return digest;
  }

  /**
   * Stores a manifest under a given digest (for vectors that omit the signed manifest but name its
   * digest and size).
   */
  void putManifestAs(String digest, String mediaType, byte[] bytes) {
    manifests.put(digest, new Manifest(digest, mediaType, bytes));
  }

  String putBlob(byte[] bytes) {
    String digest = sha256(bytes);
    blobs.put(digest, bytes.clone());
    return digest;
  }

  /**
   * Attaches a Notation signature to {@code subjectDigest}: pushes the envelope blob and a
   * signature manifest (current form with {@code artifactType}, or the legacy form with the
   * signature type as {@code config.mediaType}).
   */
  String attachSignature(
      String subjectDigest, String envelopeMediaType, byte[] envelope, boolean legacy) {
    Manifest subject = manifests.get(subjectDigest);
    if (subject == null) {
      throw new NoSuchElementException(subjectDigest);
    }
    String envelopeDigest = putBlob(envelope);
    String config;
    if (legacy) {
      byte[] cfg = "{}".getBytes(StandardCharsets.UTF_8);
      config =
          "{\"mediaType\":\"application/vnd.cncf.notary.signature\",\"digest\":\""
              + putBlob(cfg)
              + "\",\"size\":2}";
    } else {
      config =
          "{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\""
              + putBlob("{}".getBytes(StandardCharsets.UTF_8))
              + "\",\"size\":2}";
    }
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + (legacy ? "" : "\"artifactType\":\"application/vnd.cncf.notary.signature\",")
            + "\"config\":"
            + config
            + ",\"layers\":[{\"mediaType\":\""
            + envelopeMediaType
            + "\",\"digest\":\""
            + envelopeDigest
            + "\",\"size\":"
            + envelope.length
            + "}],\"subject\":{\"mediaType\":\""
            + subject.mediaType()
            + "\",\"digest\":\""
            + subjectDigest
            + "\",\"size\":"
            + subject.bytes().length
            + "}}";
    // legacy: list it without an artifactType, as an old fallback-tag index would, so the
    // verifier must find it by listing all referrers and reading config.mediaType itself
    return attachManifest(
        subjectDigest, json, legacy ? null : "application/vnd.cncf.notary.signature");
  }

  /** Stores any referrer manifest for {@code subjectDigest} with the given artifact type. */
  String attachManifest(String subjectDigest, String json, @Nullable String artifactType) {
    String digest =
        putManifest(
            "application/vnd.oci.image.manifest.v1+json", json.getBytes(StandardCharsets.UTF_8));
    subjects.put(digest, subjectDigest);
    artifactTypes.put(digest, artifactType);
    return digest;
  }

  @Override
  public String repository() {
    return repository;
  }

  @Override
  public Manifest manifest(String digest) throws IOException {
    Manifest m = manifests.get(digest);
    if (m == null) {
      throw new IOException("manifest " + digest + " not found in " + repository);
    }
    return m;
  }

  @Override
  public InputStream blob(String digest) throws IOException {
    byte[] b = blobs.get(digest);
    if (b == null) {
      throw new IOException("blob " + digest + " not found in " + repository);
    }
    return new ByteArrayInputStream(b);
  }

  @Override
  public List<Descriptor> referrers(String digest, @Nullable String artifactType) {
    referrerCalls++;
    List<Descriptor> out = new ArrayList<>();
    for (Map.Entry<String, String> e : subjects.entrySet()) {
      String type = artifactTypes.get(e.getKey());
      if (e.getValue().equals(digest) && (artifactType == null || artifactType.equals(type))) {
        Manifest m = manifests.get(e.getKey());
        out.add(new Descriptor(m.mediaType(), m.digest(), m.bytes().length, type, Map.of()));
      }
    }
    return out;
  }

  @Override
  public Optional<Manifest> tag(String tag) {
    return Optional.empty();
  }
}
