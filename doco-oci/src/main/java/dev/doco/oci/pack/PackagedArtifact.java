package dev.doco.oci.pack;

import dev.doco.core.spi.Descriptor;
import dev.doco.oci.Reference;
import dev.doco.oci.RegistryClient;
import dev.doco.oci.layout.OciLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A packaged {@code doco.v1} artifact, ready to push or to write as an OCI image layout.
 *
 * @param manifest the exact manifest bytes
 * @param digest the manifest digest (what deployments will show)
 * @param config the image config bytes
 * @param configDescriptor its descriptor
 * @param layer the layer descriptor
 * @param layerFile the gzip layer blob on disk (in the work directory given to the packager)
 * @param tarDigest the digest of the uncompressed tar ({@code io.deis.oras.content.digest})
 * @param annotations the manifest annotations
 */
public record PackagedArtifact(
    byte[] manifest,
    String digest,
    byte[] config,
    Descriptor configDescriptor,
    Descriptor layer,
    Path layerFile,
    String tarDigest,
    Map<String, String> annotations) {

  public PackagedArtifact {
    manifest = manifest.clone();
    config = config.clone();
    annotations = Map.copyOf(annotations);
  }

  @Override
  public byte[] manifest() {
    return manifest.clone();
  }

  @Override
  public byte[] config() {
    return config.clone();
  }

  /** The manifest's descriptor. */
  public Descriptor manifestDescriptor() {
    return new Descriptor(
        Packager.MANIFEST_TYPE, digest, manifest.length, Packager.ARTIFACT_TYPE, Map.of());
  }

  /**
   * Writes the artifact into the OCI image layout at {@code directory} (created when missing),
   * tagged {@code tag} (moved from another manifest if it was there), or untagged when null.
   */
  public void writeLayout(Path directory, @Nullable String tag) throws IOException {
    OciLayout layout = OciLayout.create(directory);
    layout.putBlob(
        configDescriptor.digest(), config.length, new java.io.ByteArrayInputStream(config));
    layout.putBlob(layer.digest(), layer.size(), Files.newInputStream(layerFile));
    layout.putBlob(digest, manifest.length, new java.io.ByteArrayInputStream(manifest));
    layout.tag(manifestDescriptor(), tag);
  }

  /**
   * Pushes the artifact to {@code ref} (its tag, or its digest-only form): blobs the registry
   * already has are skipped; the layer goes up in one request when {@code chunkSize <= 0}, else in
   * chunks of that many bytes.
   *
   * @return the manifest digest
   */
  public String push(RegistryClient client, Reference ref, int chunkSize) {
    client.pushBlob(ref, config, configDescriptor.mediaType());
    if (chunkSize > 0) {
      client.pushBlobChunked(ref, layer.digest(), layerFile, chunkSize);
    } else {
      client.pushBlob(ref, layer.digest(), layerFile);
    }
    return client.pushManifest(ref, Packager.MANIFEST_TYPE, manifest);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PackagedArtifact p && p.digest.equals(digest);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "PackagedArtifact[" + digest + ", layer " + layer.digest() + "]";
  }
}
