package dev.doco.oci.extract;

import static dev.doco.oci.extract.ExtractionException.Reason.*;

import dev.doco.core.ConfigException;
import dev.doco.core.DocoEvent;
import dev.doco.core.DocoListener;
import dev.doco.core.Revision;
import dev.doco.core.SourceException;
import dev.doco.core.spi.ArtifactAccess;
import dev.doco.core.spi.Checkout;
import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.FetchOptions;
import dev.doco.core.spi.Manifest;
import dev.doco.oci.ImageIndex;
import dev.doco.oci.ImageManifest;
import dev.doco.oci.Platform;
import dev.doco.oci.internal.registry.IndexSelector;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Fetches one revision into a checkout directory: manifests and content layers through the {@link
 * BlobCache} (an unchanged digest costs no download), extraction with {@link Materializer} into a
 * staging directory, the {@code doco.v1} layout check there, then {@link AtomicCheckout}'s swap;
 * records the revision in the {@link CheckoutStore} and reports {@link DocoEvent.Extracted}.
 * Thread-safe.
 */
public final class CheckoutWriter {
  private static final int MAX_INDEX_DEPTH = 4;

  /** Where manifests and blobs come from (a registry or a layout). */
  public interface Content {
    /** The manifest with this digest, checked against it. */
    Manifest manifest(String digest) throws IOException;

    /** Downloads {@code blob} to {@code target} (atomically, verified against its digest). */
    void download(Descriptor blob, Path target) throws IOException;
  }

  /** Content read through {@link ArtifactAccess}, blobs copied into the cache with progress. */
  public static Content content(ArtifactAccess access, BlobCache cache, DocoListener listener) {
    return new Content() {
      @Override
      public Manifest manifest(String digest) throws IOException {
        return access.manifest(digest);
      }

      @Override
      public void download(Descriptor blob, Path target) throws IOException {
        InputStream in = access.blob(blob.digest());
        cache.put(blob.digest(), blob.size(), in, listener);
      }
    };
  }

  private final CheckoutStore store;
  private final ExtractionLimits limits;
  private final Platform platform;
  private final DocoListener listener;

  public CheckoutWriter(
      CheckoutStore store, ExtractionLimits limits, Platform platform, DocoListener listener) {
    this.store = store;
    this.limits = limits;
    this.platform = platform;
    this.listener = listener;
  }

  public CheckoutStore store() {
    return store;
  }

  /**
   * Materialises {@code revision} into {@code directory}. On failure the directory keeps its
   * previous content and a {@link SourceException} (usually an {@link ExtractionException}) says
   * what went wrong.
   */
  public Checkout write(Revision revision, Content content, Path directory, FetchOptions options) {
    String ref = revision.reference();
    String digest = revision.digest();
    BlobCache cache = store.blobs();
    Set<String> blobs = new LinkedHashSet<>();
    blobs.add(digest);
    store.pin(List.of(digest));
    try {
      ImageManifest manifest = contentManifest(revision, content, blobs);
      List<Descriptor> layers = new ArrayList<>();
      for (Descriptor d : manifest.layers()) {
        if (!Materializer.IGNORED_MEDIA_TYPES.contains(Materializer.baseType(d.mediaType()))) {
          layers.add(d);
        }
      }
      layers.forEach(l -> blobs.add(l.digest()));
      store.pin(blobs);
      Set<String> fresh = new java.util.HashSet<>();
      for (Descriptor layer : layers) {
        if (!cache.contains(layer.digest())) {
          try {
            content.download(layer, cache.path(layer.digest()));
            fresh.add(layer.digest()); // verified while downloaded: not hashed a second time
          } catch (IOException | dev.doco.oci.DigestMismatchException e) {
            throw downloadFailure(ref, digest, layer, e);
          }
        }
      }
      Materializer materializer = new Materializer(limits);
      Materializer.Stats[] stats = new Materializer.Stats[1];
      try {
        AtomicCheckout.replace(
            directory,
            staging -> {
              stats[0] =
                  materializer.apply(
                      ref,
                      digest,
                      layers,
                      d ->
                          fresh.contains(d.digest())
                              ? java.nio.file.Files.newInputStream(cache.path(d.digest()))
                              : cache.open(d.digest()),
                      staging);
              try {
                LayoutCheck.check(staging, options.target());
              } catch (ConfigException e) {
                throw new ExtractionException(
                    INVALID_LAYOUT,
                    ref
                        + " ("
                        + digest
                        + ") is not a doco.v1 artifact: "
                        + e.getMessage()
                        + "; the previous checkout is untouched",
                    ref,
                    digest,
                    null,
                    null,
                    null,
                    e);
              }
            });
      } catch (UncheckedIOException e) {
        throw new ExtractionException(
            IO,
            ref
                + ": writing the checkout "
                + directory
                + " failed: "
                + String.valueOf(e.getCause() == null ? e.getMessage() : e.getCause().getMessage())
                + "; the previous checkout is untouched",
            ref,
            digest,
            null,
            null,
            null,
            e);
      }
      Materializer.Stats s = stats[0];
      try {
        store.record(
            revision.repository(),
            revision.tag(),
            new CheckoutStore.RevisionRecord(
                digest, revision.mediaType(), List.copyOf(blobs), Instant.now().toString()));
      } catch (IOException e) {
        throw new SourceException(
            ref
                + ": the checkout was updated but its revision history could not be written: "
                + e.getMessage(),
            ref,
            digest,
            e);
      }
      Path dir = directory.toAbsolutePath().normalize();
      listener.onEvent(new DocoEvent.Extracted(digest, dir, s.files(), s.bytes()));
      return new Checkout(revision, dir, s.files(), s.bytes());
    } finally {
      store.unpin(blobs);
    }
  }

  private static SourceException downloadFailure(
      String ref, String digest, Descriptor layer, Exception e) {
    boolean mismatch =
        e instanceof BlobMismatchException || e instanceof dev.doco.oci.DigestMismatchException;
    return new ExtractionException(
        mismatch ? DIGEST_MISMATCH : IO,
        ref
            + ": downloading layer "
            + layer.digest()
            + " ("
            + layer.mediaType()
            + ") failed: "
            + e.getMessage()
            + "; the previous checkout is untouched",
        ref,
        digest,
        layer.digest(),
        layer.mediaType(),
        null,
        e);
  }

  /** The image manifest whose layers are the content, following indexes; cache first. */
  private ImageManifest contentManifest(Revision revision, Content content, Set<String> blobs) {
    String ref = revision.reference();
    String current = revision.digest();
    for (int depth = 0; depth <= MAX_INDEX_DEPTH; depth++) {
      Manifest m = cachedManifest(revision, content, current);
      blobs.add(current);
      String type = m.mediaType().toLowerCase(Locale.ROOT);
      if (type.contains("manifest.v1+json") && type.contains("docker.distribution")
          || type.contains("prettyjws")) {
        throw new ExtractionException(
            NO_CONTENT,
            ref + ": Docker schema 1 manifests are not supported; push the artifact again",
            ref,
            revision.digest(),
            null,
            m.mediaType(),
            null,
            null);
      }
      boolean index = type.contains("index") || type.contains("manifest.list");
      try {
        if (!index) {
          return ImageManifest.parse(m);
        }
        ImageIndex idx = ImageIndex.parse(m);
        ImageIndex.Entry e = IndexSelector.select(idx, platform);
        current = e.descriptor().digest();
      } catch (IndexSelector.NoChoiceException e) {
        throw new ExtractionException(
            NO_CONTENT,
            ref + " (" + current + "): " + e.getMessage(),
            ref,
            revision.digest(),
            null,
            m.mediaType(),
            null,
            e);
      } catch (IllegalArgumentException e) {
        throw new ExtractionException(
            NO_CONTENT,
            ref + ": manifest " + current + " cannot be read: " + e.getMessage(),
            ref,
            revision.digest(),
            null,
            m.mediaType(),
            null,
            e);
      }
    }
    throw new ExtractionException(
        NO_CONTENT,
        ref + ": indexes nested deeper than " + MAX_INDEX_DEPTH + " levels",
        ref,
        revision.digest(),
        null,
        null,
        null,
        null);
  }

  private Manifest cachedManifest(Revision revision, Content content, String digest) {
    BlobCache cache = store.blobs();
    try {
      if (cache.contains(digest)) {
        byte[] bytes = cache.read(digest);
        return new Manifest(digest, ManifestTypes.sniff(bytes), bytes);
      }
      Manifest m = content.manifest(digest);
      cache.put(digest, m.bytes());
      return m;
    } catch (IOException e) {
      throw new ExtractionException(
          e instanceof BlobMismatchException ? DIGEST_MISMATCH : IO,
          revision.reference() + ": reading manifest " + digest + " failed: " + e.getMessage(),
          revision.reference(),
          revision.digest(),
          null,
          null,
          null,
          e);
    }
  }
}
