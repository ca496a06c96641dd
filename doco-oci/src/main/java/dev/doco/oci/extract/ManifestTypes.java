package dev.doco.oci.extract;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The media type of manifest bytes read back from the cache (their own field, else inferred). */
final class ManifestTypes {
  private static final JsonAdapter<Map<String, Object>> JSON =
      new Moshi.Builder()
          .build()
          .adapter(Types.newParameterizedType(Map.class, String.class, Object.class));

  private ManifestTypes() {}

  static String sniff(byte[] bytes) {
    try {
      Map<String, Object> m = JSON.fromJson(new String(bytes, StandardCharsets.UTF_8));
      if (m != null && m.get("mediaType") instanceof String s && !s.isEmpty()) {
        return s;
      }
      return m != null && m.containsKey("manifests")
          ? "application/vnd.oci.image.index.v1+json"
          : "application/vnd.oci.image.manifest.v1+json";
    } catch (IOException | RuntimeException e) {
      return "application/octet-stream";
    }
  }
}
