package dev.doco.oci.internal.registry;

import dev.doco.core.spi.Descriptor;
import dev.doco.oci.ImageIndex;
import dev.doco.oci.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Picks the content manifest of an index: attestation ({@code vnd.docker.reference.type}),
 * signature and {@code unknown/unknown} entries are skipped; the single remaining child wins;
 * otherwise the child for the runtime platform; otherwise an error listing the candidates (never a
 * silent {@code linux/amd64}).
 */
public final class IndexSelector {
  private IndexSelector() {}

  /** Why no child could be chosen; the message lists the candidates. */
  public static final class NoChoiceException extends Exception {
    private static final long serialVersionUID = 1L;

    public NoChoiceException(String message) {
      super(message);
    }
  }

  public static ImageIndex.Entry select(ImageIndex index, Platform runtime)
      throws NoChoiceException {
    List<ImageIndex.Entry> candidates = new ArrayList<>();
    for (ImageIndex.Entry e : index.manifests()) {
      if (!skipped(e)) {
        candidates.add(e);
      }
    }
    if (candidates.isEmpty()) {
      throw new NoChoiceException(
          "the index has no content manifest: its "
              + index.manifests().size()
              + " entries are all attestations, signatures or of unknown types ("
              + describe(index.manifests())
              + ")");
    }
    if (candidates.size() == 1) {
      return candidates.get(0);
    }
    List<ImageIndex.Entry> matching = new ArrayList<>();
    for (ImageIndex.Entry e : candidates) {
      if (e.platform() != null && runtime.matches(e.platform())) {
        matching.add(e);
      }
    }
    if (matching.size() > 1) {
      List<ImageIndex.Entry> exact =
          matching.stream()
              .filter(
                  e ->
                      Objects.equals(
                          Objects.requireNonNull(e.platform()).variant(), runtime.variant()))
              .toList();
      if (exact.size() == 1) {
        return exact.get(0);
      }
    }
    if (matching.size() == 1) {
      return matching.get(0);
    }
    throw new NoChoiceException(
        "the index has "
            + candidates.size()
            + " candidate manifests and "
            + (matching.isEmpty() ? "none" : matching.size() + "")
            + " for the runtime platform "
            + runtime
            + ": "
            + describe(candidates)
            + "; reference one of them by digest (repo@sha256:...), or push a single-platform"
            + " artifact");
  }

  static boolean skipped(ImageIndex.Entry e) {
    Descriptor d = e.descriptor();
    if (d.annotations().containsKey("vnd.docker.reference.type")) {
      return true;
    }
    if (e.platform() != null
        && e.platform().os().equals("unknown")
        && e.platform().architecture().equals("unknown")) {
      return true;
    }
    if (MediaTypes.isSignatureOrAttestation(d.artifactType())
        || MediaTypes.isSignatureOrAttestation(d.mediaType())) {
      return true;
    }
    return !MediaTypes.isManifest(d.mediaType());
  }

  private static String describe(List<ImageIndex.Entry> entries) {
    List<String> out = new ArrayList<>();
    for (ImageIndex.Entry e : entries) {
      StringBuilder b = new StringBuilder(e.descriptor().digest());
      b.append(" (").append(e.platform() == null ? "no platform" : e.platform().toString());
      if (e.descriptor().artifactType() != null) {
        b.append(", ").append(e.descriptor().artifactType());
      }
      String ref = e.descriptor().annotations().get("vnd.docker.reference.type");
      if (ref != null) {
        b.append(", ").append(ref);
      }
      b.append(')');
      out.add(b.toString());
    }
    return String.join(", ", out);
  }
}
