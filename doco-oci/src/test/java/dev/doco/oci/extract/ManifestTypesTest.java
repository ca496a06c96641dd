package dev.doco.oci.extract;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Cached manifest bytes carry their own media type; otherwise it is inferred from their shape. */
class ManifestTypesTest {
  private static final String INDEX = "application/vnd.oci.image.index.v1+json";
  private static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  private static String sniff(String json) {
    return ManifestTypes.sniff(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aMediaTypeField_isTaken() {
    assertEquals(
        "application/vnd.docker.distribution.manifest.v2+json",
        sniff("{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\"}"));
  }

  @Test
  void withoutAUsableMediaType_aManifestsArrayMeansAnIndex() {
    assertEquals(INDEX, sniff("{\"manifests\":[]}"));
    assertEquals(INDEX, sniff("{\"mediaType\":\"\",\"manifests\":[]}"));
    assertEquals(INDEX, sniff("{\"mediaType\":5,\"manifests\":[]}"));
  }

  @Test
  void withoutAUsableMediaType_anythingElseIsAnImageManifest() {
    assertEquals(MANIFEST, sniff("{\"schemaVersion\":2,\"layers\":[]}"));
    assertEquals(MANIFEST, sniff("null"));
  }

  @Test
  void bytesThatAreNoJsonObject_areOctetStream() {
    assertEquals("application/octet-stream", sniff("not json"));
    assertEquals("application/octet-stream", sniff("[1,2]"));
  }
}
