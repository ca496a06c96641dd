package dev.doco.oci.extract;

import static dev.doco.oci.extract.ExtractionException.Reason.*;

import dev.doco.core.spi.Descriptor;
import dev.doco.oci.internal.tar.TarEntry;
import dev.doco.oci.internal.tar.TarFormatException;
import dev.doco.oci.internal.tar.TarReader;
import io.airlift.compress.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Applies an artifact's layers, in order, to an empty directory with every safety rule and budget
 * of {@link ExtractionLimits}. The directory is a private staging area: on failure its content is
 * undefined and the caller deletes it ({@link AtomicCheckout} does all of that).
 *
 * <p>What a layer becomes:
 *
 * <ul>
 *   <li>signatures, attestations, provenance ({@link #IGNORED_MEDIA_TYPES}): nothing;
 *   <li>a layer with {@code org.opencontainers.image.title} and without {@code
 *       io.deis.oras.content.unpack: "true"} ({@code oras push a.yaml b.yml}): one file of that
 *       name with the raw bytes, whatever its media type says;
 *   <li>any other layer: a tar archive, plain, gzip or zstd, detected by magic bytes (the media
 *       type may lie: oras labels raw files {@code ...tar}); with the oras unpack annotation the
 *       entries must lie under {@code <title>/}, {@code io.deis.oras.content.digest} is checked,
 *       and the prefix is stripped when it is the only content layer ({@code oras push REF dir}:
 *       the directory is the artifact root) and kept beside other layers ({@code oras push REF
 *       a.yaml www}: {@code www/} stays a subdirectory, as {@code oras pull} writes it);
 *   <li>anything else: an {@link ExtractionException} naming the layer and its media type.
 * </ul>
 */
public final class Materializer {
  /** Layer media types that are never content. */
  public static final Set<String> IGNORED_MEDIA_TYPES =
      Set.of(
          "application/vnd.in-toto+json",
          "application/vnd.dev.cosign.simplesigning.v1+json",
          "application/vnd.dev.sigstore.bundle.v0.3+json",
          // compared without parameters: ...bundle+json;version=0.3 is this one
          "application/vnd.dev.sigstore.bundle+json",
          "application/vnd.cncf.notary.signature",
          "application/vnd.cncf.helm.chart.provenance.v1.prov");

  static final String TITLE = "org.opencontainers.image.title";
  static final String UNPACK = "io.deis.oras.content.unpack";
  static final String CONTENT_DIGEST = "io.deis.oras.content.digest";
  private static final int MAX_TAR_METADATA = 1 << 20;
  private static final long MAX_ZSTD_WINDOW = 1L << 27;

  /** Opens a layer's blob as a stream verified against its digest while read. */
  @FunctionalInterface
  public interface BlobOpener {
    InputStream open(Descriptor layer) throws IOException;
  }

  /**
   * What was materialised.
   *
   * @param files regular files, links and directories written
   * @param bytes file content bytes written
   * @param layers content layers applied
   */
  public record Stats(long files, long bytes, int layers) {}

  private final ExtractionLimits limits;

  public Materializer(ExtractionLimits limits) {
    this.limits = limits;
  }

  /**
   * Applies {@code layers} to {@code root} (an empty directory).
   *
   * @param reference for messages: the reference as the user wrote it
   * @param digest for messages: the manifest digest
   * @throws ExtractionException when the artifact is refused or cannot be read
   */
  public Stats apply(
      String reference, String digest, List<Descriptor> layers, BlobOpener opener, Path root) {
    Tree tree;
    try {
      tree = new Tree(root, limits);
    } catch (IOException e) {
      throw new ExtractionException(
          IO,
          "cannot prepare " + root + ": " + e.getMessage(),
          reference,
          digest,
          null,
          null,
          null,
          e);
    }
    long[] stream = {0};
    int applied = 0;
    long contentLayers =
        layers.stream().filter(l -> !IGNORED_MEDIA_TYPES.contains(baseType(l.mediaType()))).count();
    boolean soleContentLayer = contentLayers == 1;
    for (int i = 0; i < layers.size(); i++) {
      Descriptor layer = layers.get(i);
      if (IGNORED_MEDIA_TYPES.contains(baseType(layer.mediaType()))) {
        continue;
      }
      String where =
          "layer " + (i + 1) + " (" + layer.digest() + ", media type " + layer.mediaType() + ")";
      try {
        applyLayer(tree, layer, opener, stream, soleContentLayer);
        applied++;
      } catch (Violation v) {
        throw new ExtractionException(
            v.reason,
            reference + ": " + where + ": " + v.getMessage(),
            reference,
            digest,
            layer.digest(),
            layer.mediaType(),
            v.entry,
            v.getCause());
      } catch (TarFormatException | ZipException | EOFException e) {
        // EOF: a truncated archive (the blob itself is complete: it is verified against its digest)
        throw new ExtractionException(
            CORRUPT_ARCHIVE,
            reference + ": " + where + " is a damaged archive: " + e.getMessage(),
            reference,
            digest,
            layer.digest(),
            layer.mediaType(),
            null,
            e);
      } catch (BlobMismatchException e) {
        throw new ExtractionException(
            DIGEST_MISMATCH,
            reference + ": " + where + ": " + e.getMessage(),
            reference,
            digest,
            layer.digest(),
            layer.mediaType(),
            null,
            e);
      } catch (IOException | UncheckedIOException e) {
        throw new ExtractionException(
            IO,
            reference + ": " + where + ": " + e.getMessage(),
            reference,
            digest,
            layer.digest(),
            layer.mediaType(),
            null,
            e);
      } catch (RuntimeException e) {
        // Decoders signal corrupt input with runtime exceptions (aircompressor's
        // MalformedInputException).
        throw new ExtractionException(
            CORRUPT_ARCHIVE,
            reference + ": " + where + " cannot be decompressed: " + e,
            reference,
            digest,
            layer.digest(),
            layer.mediaType(),
            null,
            e);
      }
    }
    if (applied == 0) {
      throw new ExtractionException(
          NO_CONTENT,
          reference
              + ": the artifact has no content layers (only signatures, attestations or none):"
              + " push the deployment files with oras push, docker push or doco package",
          reference,
          digest,
          null,
          null,
          null,
          null);
    }
    try {
      tree.finish();
    } catch (Violation v) {
      throw new ExtractionException(
          v.reason,
          reference + ": " + v.getMessage(),
          reference,
          digest,
          null,
          null,
          v.entry,
          null);
    } catch (IOException e) {
      throw new ExtractionException(
          IO, reference + ": " + e.getMessage(), reference, digest, null, null, null, e);
    }
    return new Stats(tree.entries(), tree.bytes(), applied);
  }

  /**
   * @param sole whether this is the artifact's only content layer: an oras directory layer is then
   *     the artifact root ({@code oras push REF dir}) and its {@code <title>/} prefix is stripped;
   *     beside other layers ({@code oras push REF a.yaml www}) it stays a subdirectory named by its
   *     title, exactly as {@code oras pull} writes it
   */
  private void applyLayer(
      Tree tree, Descriptor layer, BlobOpener opener, long[] stream, boolean sole)
      throws IOException {
    String title = layer.annotations().get(TITLE);
    boolean unpack = "true".equalsIgnoreCase(layer.annotations().get(UNPACK));
    tree.beginLayer();
    try (InputStream raw = opener.open(layer)) {
      if (title != null && !unpack) {
        // writeRawFile reads the blob to its end (or fails): verified whole
        tree.writeRawFile(title, raw, Math.max(layer.size(), 0));
        return;
      }
      BufferedInputStream buffered = new BufferedInputStream(raw, 65536);
      InputStream decompressed = decompress(buffered, layer);
      InputStream bounded = new Bounded(decompressed, stream, limits.maxStreamBytes());
      String contentDigest = unpack ? layer.annotations().get(CONTENT_DIGEST) : null;
      MessageDigest sha = null;
      InputStream tarIn = bounded;
      if (contentDigest != null && contentDigest.startsWith("sha256:")) {
        sha = sha256();
        tarIn = new DigestInputStream(bounded, sha);
      }
      String prefix = null;
      if (unpack && title != null) {
        String p = tree.normalize(title);
        prefix = p.isEmpty() ? null : p;
      }
      TarReader reader = new TarReader(tarIn, MAX_TAR_METADATA);
      for (TarEntry e; (e = reader.next()) != null; ) {
        String name = e.name();
        String link = null;
        if (prefix != null) {
          name = strip(prefix, name);
          if (e.type() == TarEntry.Type.HARDLINK) {
            link = strip(prefix, e.linkName());
          }
        }
        if (prefix != null && !sole) {
          // Checked to lie under the title above; kept under it, as oras pull does ("prefix/" is
          // the directory itself).
          name = prefix + "/" + name;
          if (link != null) {
            link = prefix + "/" + link;
          }
        }
        tree.apply(e, name, e.name(), link, reader.content());
      }
      drain(tarIn);
      if (sha != null) {
        String actual = "sha256:" + HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(contentDigest)) {
          throw new Violation(
              CONTENT_DIGEST_MISMATCH,
              "the uncompressed archive has digest "
                  + actual
                  + " but the layer's io.deis.oras.content.digest says "
                  + contentDigest
                  + ": the artifact was altered or pushed by a broken tool",
              null);
        }
      }
      drain(buffered);
    }
  }

  private static String strip(String prefix, String name) {
    String n = name;
    while (n.startsWith("./")) {
      n = n.substring(2);
    }
    if (n.equals(prefix)) {
      return "";
    }
    if (n.startsWith(prefix + "/")) { // "prefix/" itself becomes "" here
      return n.substring(prefix.length() + 1);
    }
    throw new Violation(
        OUTSIDE_LAYER_DIRECTORY,
        "entry '"
            + name
            + "' is not under the layer's directory '"
            + prefix
            + "/' (io.deis.oras.content.unpack layers hold one directory)",
        name);
  }

  /** Detects gzip, zstd or plain tar by magic bytes. */
  private static InputStream decompress(BufferedInputStream in, Descriptor layer)
      throws IOException {
    in.mark(600);
    byte[] head = in.readNBytes(512);
    in.reset();
    if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return new GZIPInputStream(in, 65536);
    }
    if (head.length >= 4
        && (head[0] & 0xff) == 0x28
        && (head[1] & 0xff) == 0xb5
        && (head[2] & 0xff) == 0x2f
        && (head[3] & 0xff) == 0xfd) {
      checkZstdWindow(head);
      return new ZstdInputStream(in);
    }
    if (head.length == 512 && looksLikeTar(head)) {
      return in;
    }
    if (head.length == 0) {
      return in; // an empty layer: an empty archive
    }
    throw new Violation(
        UNKNOWN_LAYER,
        "is neither a tar archive (plain, gzip or zstd) nor a file with an "
            + TITLE
            + " annotation, so doco cannot tell what to do with it"
            + (layer.mediaType().toLowerCase(Locale.ROOT).contains("tar")
                ? " (its media type claims a tar, but the bytes are not one)"
                : "")
            + "; push the files with oras push, docker push or doco package",
        null);
  }

  private static boolean looksLikeTar(byte[] h) {
    if (h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r') {
      return true;
    }
    long sum = 0;
    for (int i = 0; i < 512; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
    }
    // octal digits between NULs or spaces (trim removes both)
    String stored = new String(h, 148, 8, java.nio.charset.StandardCharsets.US_ASCII).trim();
    try {
      return Long.parseLong(stored, 8) == sum;
    } catch (NumberFormatException e) { // also an empty field
      return false;
    }
  }

  /** Refuses zstd frames that ask for a window above 128 MiB (zstd's own default limit). */
  private static void checkZstdWindow(byte[] head) {
    if (head.length < 6) {
      return;
    }
    int fhd = head[4] & 0xff;
    boolean singleSegment = (fhd & 0x20) != 0;
    long window;
    if (!singleSegment) {
      int wd = head[5] & 0xff;
      int log = 10 + (wd >>> 3);
      long base = 1L << log;
      window = base + (base / 8) * (wd & 7);
    } else {
      // single segment: the window is the frame content size
      int fcsFlag = fhd >>> 6;
      if (fcsFlag < 2) {
        return; // a 1- or 2-byte content size: at most 65,791 bytes
      }
      int didFlag = fhd & 3;
      int didSize = didFlag == 0 ? 0 : 1 << (didFlag - 1);
      int fcsSize = 1 << fcsFlag; // 4 or 8 bytes, little-endian
      int off = 5 + didSize;
      if (head.length < off + fcsSize) {
        return;
      }
      long v = 0;
      for (int i = fcsSize - 1; i >= 0; i--) {
        v = (v << 8) | (head[off + i] & 0xff);
      }
      window = v;
    }
    if (Long.compareUnsigned(window, MAX_ZSTD_WINDOW) > 0) { // an 8-byte size may be above 2^63
      throw new Violation(
          TOTAL_BYTES,
          "zstd frame asks for a "
              + Long.toUnsignedString(window)
              + "-byte window, above the 128 MiB limit: recompress with a default zstd level",
          null);
    }
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buf = new byte[65536];
    while (in.read(buf) != -1) {
      // read to the end: blob verification and content digests need every byte
    }
  }

  static String baseType(String mediaType) {
    int semi = mediaType.indexOf(';');
    return (semi == -1 ? mediaType : mediaType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Counts decompressed bytes across all layers and stops at the stream budget, whichever way they
   * are read (bulk, one at a time, skipped).
   */
  static final class Bounded extends FilterInputStream {
    private final long[] count;
    private final long max;

    Bounded(InputStream in, long[] count, long max) {
      super(in);
      this.count = count;
      this.max = max;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      count[0] += Math.max(n, 0);
      if (count[0] > max) {
        throw new Violation(
            TOTAL_BYTES,
            "decompressed layers exceed "
                + max
                + " bytes (the extraction budget plus archive overhead; DOCO_EXTRACT_MAX_BYTES):"
                + " a compression bomb, or an artifact too large for the budget",
            null);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] buf = new byte[8192];
      long done = 0;
      while (done < n) {
        int r = read(buf, 0, (int) Math.min(buf.length, n - done));
        if (r == -1) {
          break;
        }
        done += r;
      }
      return done;
    }
  }
}
