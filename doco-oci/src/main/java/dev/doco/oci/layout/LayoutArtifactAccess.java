package dev.doco.oci.layout;

import dev.doco.core.spi.ArtifactAccess;
import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@link ArtifactAccess} over an {@link OciLayout}: manifests and blobs verified by digest,
 * referrers found among the layout's {@code index.json} entries (manifests whose {@code subject} is
 * the digest, as oras and cosign store them) and the {@code sha256-<hex>} fallback tag.
 */
public final class LayoutArtifactAccess implements ArtifactAccess {
  private final OciLayout layout;

  public LayoutArtifactAccess(OciLayout layout) {
    this.layout = layout;
  }

  @Override
  public String repository() {
    return LayoutReference.SCHEME + layout.directory();
  }

  @Override
  public Manifest manifest(String digest) throws IOException {
    return layout.manifest(digest);
  }

  @Override
  public InputStream blob(String digest) throws IOException {
    return layout.blob(digest);
  }

  @Override
  public List<Descriptor> referrers(String digest, @Nullable String artifactType)
      throws IOException {
    List<Descriptor> out = new ArrayList<>();
    for (Descriptor d : layout.entries()) {
      if (!layout.hasBlob(d.digest())) {
        continue;
      }
      Map<String, Object> json =
          OciLayout.readJson(layout.manifest(d.digest()).bytes(), d.digest());
      if (json.get("subject") instanceof Map<?, ?> subject
          && digest.equals(subject.get("digest"))) {
        String type = json.get("artifactType") instanceof String s ? s : null;
        if (type == null && json.get("config") instanceof Map<?, ?> config) {
          type = String.valueOf(config.get("mediaType"));
        }
        Map<String, String> ann = new java.util.LinkedHashMap<>();
        if (json.get("annotations") instanceof Map<?, ?> a) {
          a.forEach((k, v) -> ann.put(String.valueOf(k), String.valueOf(v)));
        }
        add(out, new Descriptor(d.mediaType(), d.digest(), d.size(), type, ann), artifactType);
      }
    }
    // Tag-schema fallback: sha256-<hex> naming an index of referrers.
    String fallback = digest.replace(':', '-');
    Optional<Manifest> index = tag(fallback);
    if (index.isPresent()) {
      Map<String, Object> json = OciLayout.readJson(index.get().bytes(), fallback);
      for (Descriptor d : OciLayout.descriptors(json.get("manifests"))) {
        if (out.stream().noneMatch(x -> x.digest().equals(d.digest()))) {
          add(out, d, artifactType);
        }
      }
    }
    return out;
  }

  private static void add(List<Descriptor> out, Descriptor d, @Nullable String artifactType) {
    if (artifactType == null || artifactType.equals(d.artifactType())) {
      out.add(d);
    }
  }

  @Override
  public Optional<Manifest> tag(String tag) throws IOException {
    for (Descriptor d : layout.entries()) {
      if (tag.equals(d.annotations().get(OciLayout.REF_NAME))) {
        return Optional.of(layout.manifest(d.digest()));
      }
    }
    return Optional.empty();
  }
}
