package dev.doco.oci;

import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.Manifest;
import dev.doco.oci.internal.registry.ManifestParser;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A parsed OCI image manifest or Docker v2 schema 2 manifest (unknown fields ignored).
 *
 * @param mediaType the manifest's media type
 * @param artifactType the manifest's {@code artifactType}, or null
 * @param config the config descriptor
 * @param layers the layer descriptors, in order
 * @param subject the {@code subject} descriptor (for referrers), or null
 * @param annotations the manifest annotations
 */
public record ImageManifest(
    String mediaType,
    @Nullable String artifactType,
    Descriptor config,
    List<Descriptor> layers,
    @Nullable Descriptor subject,
    Map<String, String> annotations) {

  public ImageManifest {
    layers = List.copyOf(layers);
    annotations = Map.copyOf(annotations);
  }

  /** {@code artifactType} when set, else the config media type (image-spec's guideline). */
  public String effectiveArtifactType() {
    return artifactType != null ? artifactType : config.mediaType();
  }

  /**
   * Parses verified manifest bytes.
   *
   * @throws IllegalArgumentException when the bytes are not an image manifest
   */
  public static ImageManifest parse(Manifest manifest) {
    return ManifestParser.parseImage(manifest.bytes(), manifest.mediaType());
  }
}
