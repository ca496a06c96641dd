package dev.doco.oci.internal.registry;

import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Media types the client knows. */
public final class MediaTypes {
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String DOCKER_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_SCHEMA1 =
      "application/vnd.docker.distribution.manifest.v1+json";
  public static final String DOCKER_SCHEMA1_SIGNED =
      "application/vnd.docker.distribution.manifest.v1+prettyjws";

  /** The one Accept list, sent on HEAD and GET alike (so digests agree between poll and pull). */
  public static final String MANIFEST_ACCEPT =
      String.join(", ", OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST);

  private static final Set<String> SIGNATURE_TYPES =
      Set.of(
          "application/vnd.dev.cosign.artifact.sig.v1+json",
          "application/vnd.dev.cosign.simplesigning.v1+json",
          "application/vnd.dev.sigstore.bundle.v0.3+json",
          "application/vnd.dev.sigstore.bundle+json;version=0.3",
          "application/vnd.cncf.notary.signature",
          "application/vnd.in-toto+json");

  private MediaTypes() {}

  /** Strips parameters ({@code ; charset=...}) and lower-cases. */
  public static @Nullable String base(@Nullable String contentType) {
    if (contentType == null) {
      return null;
    }
    int semi = contentType.indexOf(';');
    String t = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    return t.isEmpty() ? null : t.toLowerCase(Locale.ROOT);
  }

  public static boolean isIndex(@Nullable String mediaType) {
    return OCI_INDEX.equals(mediaType) || DOCKER_LIST.equals(mediaType);
  }

  public static boolean isImageManifest(@Nullable String mediaType) {
    return OCI_MANIFEST.equals(mediaType) || DOCKER_MANIFEST.equals(mediaType);
  }

  public static boolean isManifest(@Nullable String mediaType) {
    return isIndex(mediaType) || isImageManifest(mediaType);
  }

  public static boolean isSchema1(@Nullable String mediaType) {
    return DOCKER_SCHEMA1.equals(mediaType) || DOCKER_SCHEMA1_SIGNED.equals(mediaType);
  }

  /** Signatures, attestations and SBOM-like artifacts that are never the content. */
  public static boolean isSignatureOrAttestation(@Nullable String type) {
    return type != null
        && (SIGNATURE_TYPES.contains(type)
            || type.startsWith("application/vnd.dev.cosign.")
            || type.startsWith("application/vnd.dev.sigstore.")
            || type.startsWith("application/vnd.cncf.notary.")
            || type.startsWith("application/vnd.in-toto"));
  }
}
