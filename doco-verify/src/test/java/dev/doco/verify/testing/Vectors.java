package dev.doco.verify.testing;

import dev.doco.core.Revision;
import dev.doco.verify.internal.Crypto;
import dev.doco.verify.internal.Json;
import dev.doco.verify.internal.SignatureCheckException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The copied test vectors ({@code src/test/resources/vectors/}, provenance in its README) and
 * helpers that turn them into registry content.
 */
public final class Vectors {
  private Vectors() {}

  /** A file under {@code src/test/resources/vectors/}. */
  public static Path path(String relative) {
    try {
      Path root = Path.of(Vectors.class.getResource("/vectors/README.md").toURI()).getParent();
      return root.resolve(relative);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] bytes(String relative) {
    try {
      return Files.readAllBytes(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String text(String relative) {
    return new String(bytes(relative), StandardCharsets.UTF_8);
  }

  /**
   * One cosign layer in containers/image's on-disk form ({@code \0sigstore-json\n} + JSON with
   * mimeType, base64 payload and annotations).
   */
  public record SignatureFile(String mimeType, byte[] payload, Map<String, String> annotations) {
    public SignatureFile withAnnotation(String key, String value) {
      Map<String, String> a = new LinkedHashMap<>(annotations);
      a.put(key, value);
      return new SignatureFile(mimeType, payload, a);
    }

    public SignatureFile withoutAnnotation(String key) {
      Map<String, String> a = new LinkedHashMap<>(annotations);
      a.remove(key);
      return new SignatureFile(mimeType, payload, a);
    }

    public SignatureFile withPayload(byte[] p) {
      return new SignatureFile(mimeType, p, annotations);
    }
  }

  public static SignatureFile signatureFile(String relative) {
    byte[] raw = bytes(relative);
    String prefix = "\0sigstore-json\n";
    String s = new String(raw, StandardCharsets.UTF_8);
    if (!s.startsWith(prefix)) {
      throw new IllegalArgumentException(relative + " is not a sigstore-json signature file");
    }
    try {
      Map<String, Object> json =
          Json.parseObject(s.substring(prefix.length()).getBytes(StandardCharsets.UTF_8), "sig");
      Map<String, String> ann = new LinkedHashMap<>();
      Map<String, Object> a = Json.object(json, "annotations");
      if (a != null) {
        a.forEach((k, v) -> ann.put(k, (String) v));
      }
      return new SignatureFile(
          Json.requireString(json, "mimeType"),
          Base64.getDecoder().decode(Json.requireString(json, "payload")),
          ann);
    } catch (SignatureCheckException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * Builds a cosign signature manifest (one layer per signature, as cosign writes it), stores its
   * blobs and returns the manifest JSON. With {@code subject} non-null it is the OCI 1.1 referrer
   * form.
   */
  public static String signatureManifest(
      InMemoryArtifactAccess access,
      List<SignatureFile> sigs,
      String subjectDigest,
      boolean asReferrer) {
    String config =
        "{\"architecture\":\"\",\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"config\":{}}";
    String configDigest = access.putBlob(config.getBytes(StandardCharsets.UTF_8));
    List<String> layers = new ArrayList<>();
    for (SignatureFile s : sigs) {
      String d = access.putBlob(s.payload());
      StringBuilder ann = new StringBuilder();
      for (Map.Entry<String, String> e : s.annotations().entrySet()) {
        if (ann.length() > 0) {
          ann.append(',');
        }
        ann.append(quote(e.getKey())).append(':').append(quote(e.getValue()));
      }
      layers.add(
          "{\"mediaType\":"
              + quote(s.mimeType())
              + ",\"size\":"
              + s.payload().length
              + ",\"digest\":\""
              + d
              + "\",\"annotations\":{"
              + ann
              + "}}");
    }
    String configType =
        asReferrer
            ? "application/vnd.dev.cosign.artifact.sig.v1+json"
            : "application/vnd.oci.image.config.v1+json";
    return "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + (asReferrer
            ? "\"artifactType\":\"application/vnd.dev.cosign.artifact.sig.v1+json\","
            : "")
        + "\"config\":{\"mediaType\":\""
        + configType
        + "\",\"size\":"
        + config.length()
        + ",\"digest\":\""
        + configDigest
        + "\"},\"layers\":["
        + String.join(",", layers)
        + "]"
        + (asReferrer
            ? ",\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":1,\"digest\":\""
                + subjectDigest
                + "\"}"
            : "")
        + "}";
  }

  /** Stores the signatures at the {@code sha256-<hex>.sig} tag of {@code digest}. */
  public static void putSigTag(
      InMemoryArtifactAccess access, String digest, SignatureFile... sigs) {
    String m = signatureManifest(access, List.of(sigs), digest, false);
    access.tag(digest.replace(':', '-') + ".sig", access.putManifest(m));
  }

  /** Stores the signatures as an OCI 1.1 referrer of {@code digest}. */
  public static String putSigReferrer(
      InMemoryArtifactAccess access, String digest, SignatureFile... sigs) {
    return access.putManifest(signatureManifest(access, List.of(sigs), digest, true));
  }

  /** Stores a Sigstore bundle as a referrer of {@code digest} (cosign --new-bundle-format form). */
  public static String putBundleReferrer(
      InMemoryArtifactAccess access, String digest, byte[] bundle) {
    String type = "application/vnd.dev.sigstore.bundle.v0.3+json";
    String empty = access.putBlob("{}".getBytes(StandardCharsets.UTF_8));
    String layer = access.putBlob(bundle);
    return access.putManifest(
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"artifactType\":\""
            + type
            + "\",\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"size\":2,\"digest\":\""
            + empty
            + "\"},\"layers\":[{\"mediaType\":\""
            + type
            + "\",\"size\":"
            + bundle.length
            + ",\"digest\":\""
            + layer
            + "\"}],\"subject\":{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":1,\"digest\":\""
            + digest
            + "\"}}");
  }

  public static Revision revision(String repository, String digest) {
    return new Revision(
        repository + ":latest",
        repository,
        "latest",
        digest,
        "application/vnd.oci.image.manifest.v1+json",
        Map.of());
  }

  public static String digestOf(byte[] b) {
    return Crypto.digestOf(b);
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
