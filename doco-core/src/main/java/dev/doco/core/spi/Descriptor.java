package dev.doco.core.spi;

import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** An OCI content descriptor. */
public record Descriptor(
    String mediaType,
    String digest,
    long size,
    @Nullable String artifactType,
    Map<String, String> annotations) {
  public Descriptor {
    annotations = Map.copyOf(annotations);
  }

  public Optional<String> artifactTypeValue() {
    return Optional.ofNullable(artifactType);
  }
}
