package dev.doco.oci.internal.registry;

import dev.doco.core.spi.Descriptor;
import dev.doco.oci.ImageIndex;
import dev.doco.oci.ImageManifest;
import dev.doco.oci.Platform;
import dev.doco.oci.internal.auth.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Parses manifest JSON (already digest-checked) into the public records; unknown fields ignored.
 */
public final class ManifestParser {
  private ManifestParser() {}

  /** The {@code mediaType} field of the JSON, or null (also null when not JSON). */
  public static @Nullable String declaredMediaType(byte[] bytes) {
    try {
      Object o = Json.parse(bytes);
      return o instanceof Map<?, ?> m ? Json.string(m, "mediaType") : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The {@code schemaVersion} field, or -1. */
  public static long schemaVersion(byte[] bytes) {
    try {
      Object o = Json.parse(bytes);
      return o instanceof Map<?, ?> m ? Json.number(m, "schemaVersion", -1) : -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  public static ImageManifest parseImage(byte[] bytes, String mediaType) {
    Map<?, ?> m = object(bytes);
    Map<?, ?> config = Json.object(m, "config");
    if (config == null) {
      throw new IllegalArgumentException("manifest has no config descriptor (is it an index?)");
    }
    List<Descriptor> layers = new ArrayList<>();
    List<?> ls = Json.list(m, "layers");
    if (ls != null) {
      for (Object l : ls) {
        if (l instanceof Map<?, ?> lm) {
          layers.add(descriptor(lm));
        }
      }
    }
    String mt = Json.string(m, "mediaType");
    return new ImageManifest(
        mt != null ? mt : mediaType,
        Json.string(m, "artifactType"),
        descriptor(config),
        layers,
        subject(m),
        strings(Json.object(m, "annotations")));
  }

  public static ImageIndex parseIndex(byte[] bytes, String mediaType) {
    Map<?, ?> m = object(bytes);
    List<?> ms = Json.list(m, "manifests");
    if (ms == null) {
      throw new IllegalArgumentException("index has no manifests list (is it an image manifest?)");
    }
    List<ImageIndex.Entry> entries = new ArrayList<>();
    for (Object e : ms) {
      if (e instanceof Map<?, ?> em) {
        Map<?, ?> p = Json.object(em, "platform");
        Platform platform = null;
        if (p != null) {
          String os = Json.string(p, "os");
          String arch = Json.string(p, "architecture");
          if (os != null && arch != null) {
            platform = new Platform(os, arch, Json.string(p, "variant"));
          }
        }
        entries.add(new ImageIndex.Entry(descriptor(em), platform));
      }
    }
    String mt = Json.string(m, "mediaType");
    return new ImageIndex(
        mt != null ? mt : mediaType,
        Json.string(m, "artifactType"),
        entries,
        subject(m),
        strings(Json.object(m, "annotations")));
  }

  private static @Nullable Descriptor subject(Map<?, ?> m) {
    Map<?, ?> s = Json.object(m, "subject");
    return s == null ? null : descriptor(s);
  }

  /** A descriptor from its JSON object; mediaType, digest and size are required. */
  public static Descriptor descriptor(Map<?, ?> d) {
    String mt = Json.string(d, "mediaType");
    String digest = Json.string(d, "digest");
    long size = Json.number(d, "size", -1);
    if (mt == null || digest == null || size < 0) {
      throw new IllegalArgumentException(
          "descriptor lacks mediaType, digest or size: " + (digest == null ? "?" : digest));
    }
    if (!Digests.isValid(digest)) {
      throw new IllegalArgumentException("descriptor has an invalid digest '" + digest + "'");
    }
    return new Descriptor(
        mt, digest, size, Json.string(d, "artifactType"), strings(Json.object(d, "annotations")));
  }

  private static Map<String, String> strings(@Nullable Map<?, ?> m) {
    Map<String, String> out = new LinkedHashMap<>();
    if (m != null) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (e.getKey() instanceof String k && e.getValue() instanceof String v) {
          out.put(k, v);
        }
      }
    }
    return out;
  }

  private static Map<?, ?> object(byte[] bytes) {
    try {
      return Json.parseObject(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("manifest is not a JSON object: " + e.getMessage(), e);
    }
  }
}
