package dev.doco.oci;

import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.Manifest;
import dev.doco.oci.internal.registry.ManifestParser;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A parsed OCI image index or Docker manifest list (unknown fields ignored).
 *
 * @param mediaType the index media type
 * @param artifactType the index's {@code artifactType}, or null
 * @param manifests the child entries
 * @param subject the {@code subject} descriptor, or null
 * @param annotations the index annotations
 */
public record ImageIndex(
    String mediaType,
    @Nullable String artifactType,
    List<Entry> manifests,
    @Nullable Descriptor subject,
    Map<String, String> annotations) {

  public ImageIndex {
    manifests = List.copyOf(manifests);
    annotations = Map.copyOf(annotations);
  }

  /**
   * One child of an index.
   *
   * @param descriptor the child's descriptor
   * @param platform its platform, or null when the entry names none
   */
  public record Entry(Descriptor descriptor, @Nullable Platform platform) {}

  /** The child descriptors. */
  public List<Descriptor> descriptors() {
    return manifests.stream().map(Entry::descriptor).toList();
  }

  /**
   * Parses verified index bytes.
   *
   * @throws IllegalArgumentException when the bytes are not an index
   */
  public static ImageIndex parse(Manifest manifest) {
    return ManifestParser.parseIndex(manifest.bytes(), manifest.mediaType());
  }
}
