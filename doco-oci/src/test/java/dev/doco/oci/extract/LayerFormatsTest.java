package dev.doco.oci.extract;

import static dev.doco.oci.extract.ExtractionException.Reason.*;
import static dev.doco.oci.extract.TestArtifacts.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.doco.core.spi.Descriptor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How a layer's bytes are recognised (magic bytes, never the media type), the zstd window limit,
 * the decompressed-stream budget, oras layers, and how each failure is reported.
 */
class LayerFormatsTest {
  @TempDir Path base;
  Path root;
  final Repo repo = new Repo();
  ExtractionLimits limits = ExtractionLimits.DEFAULT;
  Materializer.BlobOpener opener =
      d -> BlobCache.verifying(repo.blob(d.digest()), d.digest(), d.size());

  private static final byte[] ONE_FILE = tar().file("a", "zstd").bytes();

  @BeforeEach
  void dirs() throws IOException {
    root = Files.createDirectory(base.resolve("root"));
  }

  private Materializer.Stats apply(Descriptor... layers) {
    return new Materializer(limits).apply("ref", "sha256:m", List.of(layers), opener, root);
  }

  private ExtractionException refused(
      ExtractionException.Reason reason, String message, Descriptor... layers) {
    ExtractionException e = assertThrows(ExtractionException.class, () -> apply(layers));
    assertEquals(reason, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains(message), "message lacks '" + message + "': " + e);
    return e;
  }

  private static byte[] junk(int length, byte... start) {
    byte[] b = new byte[length];
    Arrays.fill(b, (byte) 'x');
    System.arraycopy(start, 0, b, 0, start.length);
    return b;
  }

  private static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }

  private static byte[] littleEndian(long v, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (v >>> (8 * i));
    }
    return b;
  }

  /** A zstd frame: magic, {@code header} (descriptor onwards), one raw last block of content. */
  private static byte[] zstdFrame(byte[] header, byte[] content) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.writeBytes(bytes(0x28, 0xb5, 0x2f, 0xfd));
    o.writeBytes(header);
    int block = (content.length << 3) | 1; // raw block, last
    o.writeBytes(bytes(block & 0xff, (block >> 8) & 0xff, (block >> 16) & 0xff));
    o.writeBytes(content);
    return o.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      o.writeBytes(p);
    }
    return o.toByteArray();
  }

  // ---- recognising layers by their bytes ----

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1f00",
        "008b", // gzip, one byte off
        "28b52f00",
        "28b500fd",
        "28002ffd",
        "00b52ffd" // zstd, one byte off
      })
  void bytesThatOnlyNearlyStartLikeGzipOrZstd_areAnUnknownLayer(String hex) {
    byte[] start = java.util.HexFormat.of().parseHex(hex);
    refused(UNKNOWN_LAYER, "is neither a tar archive", repo.layer(TAR_GZ, junk(600, start)));
  }

  @ParameterizedTest
  @ValueSource(ints = {257, 258, 259, 260, 261})
  void aHeaderWithoutTheUstarMagicAndWithoutAValidChecksum_isAnUnknownLayer(int wrong) {
    byte[] b = junk(1024);
    System.arraycopy("ustar".getBytes(StandardCharsets.US_ASCII), 0, b, 257, 5);
    b[wrong] = '?';
    refused(UNKNOWN_LAYER, "is neither a tar archive", repo.layer(TAR, b));
  }

  @Test
  void theUstarMagicAlone_makesALayerATar_whoseDamagedHeaderIsThenReported() {
    byte[] b = junk(1024);
    System.arraycopy("ustar".getBytes(StandardCharsets.US_ASCII), 0, b, 257, 5);
    refused(CORRUPT_ARCHIVE, "is a damaged archive", repo.layer(TAR, b));
  }

  @Test
  void anOldV7TarWithoutTheUstarMagic_isRecognisedByItsHeaderChecksum() throws IOException {
    byte[] t = tar().file("v7.txt", "old").bytes();
    Arrays.fill(t, 257, 265, (byte) 0); // magic and version
    Arrays.fill(t, 148, 156, (byte) ' ');
    long sum = 0;
    for (int i = 0; i < 512; i++) {
      sum += t[i] & 0xff;
    }
    byte[] checksum = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(checksum, 0, t, 148, 6);
    t[154] = 0;
    apply(repo.layer("application/octet-stream", t));
    assertEquals("old", Files.readString(root.resolve("v7.txt")));
  }

  @Test
  void aHeaderWhoseOctalChecksumDoesNotAddUp_isNotATar() {
    byte[] b = new byte[1024];
    System.arraycopy("0001234\0".getBytes(StandardCharsets.US_ASCII), 0, b, 148, 8);
    refused(UNKNOWN_LAYER, "is neither a tar archive", repo.layer(TAR, b));
  }

  @Test
  void aZeroBlock_isNotATar() {
    refused(UNKNOWN_LAYER, "is neither a tar archive", repo.layer(TAR, new byte[1024]));
  }

  @Test
  void unknownLayer_saysWhenItsMediaTypeClaimsATar() {
    ExtractionException e =
        refused(
            UNKNOWN_LAYER,
            "(its media type claims a tar, but the bytes are not one)",
            repo.layer("application/vnd.oci.image.layer.v1.TAR", junk(100)));
    assertTrue(e.getMessage().contains("push the files with oras push"), e.getMessage());
    ExtractionException other =
        refused(UNKNOWN_LAYER, "is neither", repo.layer("application/x-mystery", junk(100)));
    assertFalse(other.getMessage().contains("claims a tar"), other.getMessage());
  }

  @Test
  void oneOrThreeMagicBytes_areTooShortToBeCompressed() {
    refused(UNKNOWN_LAYER, "is neither", repo.layer(TAR_GZ, bytes(0x1f)));
    refused(UNKNOWN_LAYER, "is neither", repo.layer(TAR_ZSTD, bytes(0x28, 0xb5, 0x2f)));
  }

  @Test
  void justTheGzipOrZstdMagic_isTakenForThatFormat_andFailsAsTruncated() {
    refused(CORRUPT_ARCHIVE, "is a damaged archive", repo.layer(TAR_GZ, bytes(0x1f, 0x8b)));
    // the zstd decoder reports its truncation as a plain I/O error
    refused(IO, "layer 1", repo.layer(TAR_ZSTD, bytes(0x28, 0xb5, 0x2f, 0xfd)));
  }

  @Test
  void anEmptyLayer_isAnEmptyArchive() throws IOException {
    Materializer.Stats s = apply(repo.layer(TAR, new byte[0]), repo.layer(TAR, ONE_FILE));
    assertEquals(new Materializer.Stats(1, 4, 2), s);
    assertEquals("zstd", Files.readString(root.resolve("a")));
  }

  // ---- zstd windows ----

  @Test
  void zstdWindowOfExactly128MiB_isAccepted() throws IOException {
    apply(repo.layer(TAR_ZSTD, zstdFrame(bytes(0x00, 17 << 3), ONE_FILE)));
    assertEquals("zstd", Files.readString(root.resolve("a")));
  }

  @Test
  void zstdWindowOf120MiB_isAccepted() throws IOException {
    apply(repo.layer(TAR_ZSTD, zstdFrame(bytes(0x00, (16 << 3) | 7), ONE_FILE)));
    assertEquals("zstd", Files.readString(root.resolve("a")));
  }

  @Test
  void zstdWindowOf144MiB_isRefused() {
    refused(
        TOTAL_BYTES,
        "zstd frame asks for a 150994944-byte window, above the 128 MiB limit",
        repo.layer(TAR_ZSTD, zstdFrame(bytes(0x00, (17 << 3) | 1), ONE_FILE)));
  }

  @Test
  void zstdHeaderOfSixBytes_isStillCheckedForItsWindow() {
    refused(
        TOTAL_BYTES,
        "2147483648-byte window",
        repo.layer(TAR_ZSTD, bytes(0x28, 0xb5, 0x2f, 0xfd, 0x00, 21 << 3)));
  }

  @Test
  void singleSegmentZstdFrames_withTheirTrueContentSize_areAccepted() throws IOException {
    int n = ONE_FILE.length;
    byte[][] headers = {
      concat(bytes(0x60), littleEndian(n - 256, 2)),
      concat(bytes(0xa0), littleEndian(n, 4)),
      concat(bytes(0xe0), littleEndian(n, 8)),
    };
    for (byte[] h : headers) {
      Path dir = Files.createDirectory(base.resolve("h" + (h[0] & 0xff)));
      new Materializer(limits)
          .apply(
              "ref",
              "sha256:m",
              List.of(repo.layer(TAR_ZSTD, zstdFrame(h, ONE_FILE))),
              opener,
              dir);
      assertEquals("zstd", Files.readString(dir.resolve("a")));
    }
  }

  @Test
  void singleSegmentZstdFrame_claimingMoreThan128MiB_isRefusedWithThatSize() {
    refused(
        TOTAL_BYTES,
        "asks for a 134217729-byte window",
        repo.layer(
            TAR_ZSTD, zstdFrame(concat(bytes(0xa0), littleEndian((1 << 27) + 1, 4)), ONE_FILE)));
  }

  @Test
  void singleSegmentZstdFrame_withADictionaryId_readsTheSizeAfterIt() {
    refused(
        TOTAL_BYTES,
        "asks for a 268435456-byte window",
        repo.layer(
            TAR_ZSTD,
            zstdFrame(concat(bytes(0xa3, 0, 0, 0, 0), littleEndian(1 << 28, 4)), ONE_FILE)));
    root = base;
    refused(
        TOTAL_BYTES,
        "asks for a 268435456-byte window",
        repo.layer(
            TAR_ZSTD, zstdFrame(concat(bytes(0xa1, 0), littleEndian(1 << 28, 4)), ONE_FILE)));
  }

  @Test
  void singleSegmentZstdFrame_withAnEightByteSizeAbove2To63_isRefused() {
    refused(
        TOTAL_BYTES,
        "asks for a 9223372036854775808-byte window",
        repo.layer(
            TAR_ZSTD, zstdFrame(concat(bytes(0xe0), littleEndian(Long.MIN_VALUE, 8)), ONE_FILE)));
  }

  @Test
  void zstdHeaderEndingRightAfterTheContentSize_isStillChecked() {
    refused(
        TOTAL_BYTES,
        "268435456-byte window",
        repo.layer(
            TAR_ZSTD, concat(bytes(0x28, 0xb5, 0x2f, 0xfd, 0xa0), littleEndian(1 << 28, 4))));
  }

  @Test
  void zstdHeaderCutInsideTheContentSize_isLeftToTheDecoder() {
    // magic, single segment with a 4-byte size, but only 2 of its bytes
    refused(IO, "layer 1", repo.layer(TAR_ZSTD, bytes(0x28, 0xb5, 0x2f, 0xfd, 0xa0, 0x10, 0x00)));
  }

  // ---- the decompressed-stream budget ----

  @Test
  void streamBudget_countsBulkReads_andAllowsExactlyTheBudget() throws IOException {
    long[] count = {0};
    Materializer.Bounded in =
        new Materializer.Bounded(new ByteArrayInputStream(new byte[10]), count, 10);
    assertEquals(10, in.read(new byte[20], 0, 20));
    assertEquals(-1, in.read(new byte[20], 0, 20));
    assertEquals(10, count[0]);
  }

  @Test
  void streamBudget_isSharedByAllLayers() throws IOException {
    long[] count = {0};
    new Materializer.Bounded(new ByteArrayInputStream(new byte[6]), count, 10)
        .read(new byte[6], 0, 6);
    Materializer.Bounded second =
        new Materializer.Bounded(new ByteArrayInputStream(new byte[6]), count, 10);
    Violation v = assertThrows(Violation.class, () -> second.read(new byte[6], 0, 6));
    assertEquals(TOTAL_BYTES, v.reason);
    assertTrue(v.getMessage().startsWith("decompressed layers exceed 10 bytes"), v.getMessage());
  }

  @Test
  void streamBudget_cannotBeBypassedByReadingOneByteAtATime() throws IOException {
    long[] count = {0};
    Materializer.Bounded in =
        new Materializer.Bounded(new ByteArrayInputStream(bytes(0xff, 0x00, 0x7f)), count, 2);
    assertEquals(0xff, in.read(), "a 0xff byte is 255, not the end of the stream");
    assertEquals(0, in.read());
    assertEquals(2, count[0]);
    assertThrows(Violation.class, in::read);
    Materializer.Bounded end =
        new Materializer.Bounded(new ByteArrayInputStream(new byte[0]), new long[1], 2);
    assertEquals(-1, end.read());
  }

  @Test
  void streamBudget_cannotBeBypassedBySkipping() throws IOException {
    long[] count = {0};
    Materializer.Bounded in =
        new Materializer.Bounded(new ByteArrayInputStream(new byte[10]), count, 100);
    assertEquals(4, in.skip(4));
    assertEquals(4, count[0]);
    assertEquals(6, in.skip(100), "skips only what is left");
    assertEquals(10, count[0]);
    long[] big = {0};
    Materializer.Bounded large =
        new Materializer.Bounded(new ByteArrayInputStream(new byte[30000]), big, 100_000);
    assertEquals(10000, large.skip(10000), "skips exactly what was asked");
    assertEquals(10000, big[0]);
    Materializer.Bounded small =
        new Materializer.Bounded(new ByteArrayInputStream(new byte[20000]), new long[1], 9000);
    assertThrows(Violation.class, () -> small.skip(20000));
  }

  // ---- oras layers ----

  private Descriptor orasDir(String title, byte[] tar, String unpack) {
    return repo.layer(
        TAR_GZ, gzip(tar), Map.of(Materializer.TITLE, title, Materializer.UNPACK, unpack));
  }

  @Test
  void orasDirectoryLayer_besideOnlyASignature_isTheArtifactRoot() throws IOException {
    Descriptor sig =
        repo.layer("application/vnd.dev.cosign.simplesigning.v1+json", "{}".getBytes());
    apply(sig, orasDir("cfg", tar().dir("cfg").file("cfg/a", "1").bytes(), "true"));
    assertEquals(Map.of("a", "1"), snapshot(root));
  }

  @Test
  void orasDirectoryLayer_acceptsDotSlashAndBareDirectoryNames_andAnyCaseOfTrue()
      throws IOException {
    byte[] t = tar().dir("cfg", 0755).file("./cfg/a", "1").file("./././cfg/d/b", "2").bytes();
    apply(orasDir("cfg", t, "TRUE"));
    assertEquals(Map.of("a", "1", "d/", "", "d/b", "2"), new TreeMap<>(snapshot(root)));
  }

  @Test
  void orasDirectoryLayer_refusesASiblingWhoseNameOnlyStartsLikeTheDirectory() {
    ExtractionException e =
        refused(
            OUTSIDE_LAYER_DIRECTORY,
            "entry 'cfgx/a' is not under the layer's directory 'cfg/'",
            orasDir("cfg", tar().dir("cfg").file("cfgx/a", "1").bytes(), "true"));
    assertEquals("cfgx/a", e.entry().orElseThrow());
  }

  @Test
  void orasDirectoryLayer_hardlinksAreResolvedInsideIt_aloneAndBesideOtherLayers()
      throws IOException {
    byte[] t = tar().dir("cfg").file("cfg/a", "1").hardlink("cfg/b", "cfg/a").bytes();
    apply(orasDir("cfg", t, "true"));
    assertEquals(
        Files.getAttribute(root.resolve("a"), "unix:ino"),
        Files.getAttribute(root.resolve("b"), "unix:ino"));

    root = Files.createDirectory(base.resolve("beside"));
    apply(repo.layer(TAR, tar().file("top", "0").bytes()), orasDir("cfg", t, "true"));
    assertEquals(
        Files.getAttribute(root.resolve("cfg/a"), "unix:ino"),
        Files.getAttribute(root.resolve("cfg/b"), "unix:ino"));
    assertEquals(
        Map.of("top", "0", "cfg/", "", "cfg/a", "1", "cfg/b", "1"), new TreeMap<>(snapshot(root)));
  }

  @Test
  void unpackLayer_titledDot_orWithoutTitle_isExtractedAsIs() throws IOException {
    apply(
        repo.layer(
            TAR,
            tar().file("x/a", "1").bytes(),
            Map.of(Materializer.TITLE, ".", Materializer.UNPACK, "true")),
        repo.layer(TAR, tar().file("y/b", "2").bytes(), Map.of(Materializer.UNPACK, "true")));
    assertEquals(Map.of("x/", "", "x/a", "1", "y/", "", "y/b", "2"), new TreeMap<>(snapshot(root)));
  }

  // ---- signatures and attestations ----

  @Test
  void signatureLayers_areIgnored_whateverTheCaseAndParametersOfTheirMediaType()
      throws IOException {
    Descriptor bundle =
        repo.layer("application/vnd.dev.sigstore.bundle+json;version=0.3", "{}".getBytes());
    Descriptor intoto =
        repo.layer(" Application/VND.in-toto+json ; charset=utf-8", "{}".getBytes());
    Materializer.Stats s = apply(bundle, repo.layer(TAR, ONE_FILE), intoto);
    assertEquals(1, s.layers());
    assertEquals(Map.of("a", "zstd"), snapshot(root));
  }

  // ---- how failures are reported ----

  @Test
  void aLayerDifferingFromItsDigestOnlyAfterTheArchiveEnds_isStillRefused() {
    byte[] padding = new byte[200_000];
    Descriptor layer = repo.layer(TAR_GZ, concat(gzip(ONE_FILE), padding));
    byte[] forged = padding.clone();
    forged[forged.length - 1] = 1;
    repo.substitutes.put(layer.digest(), concat(gzip(ONE_FILE), forged));
    ExtractionException e = refused(DIGEST_MISMATCH, layer.digest(), layer);
    assertEquals(layer.digest(), e.layer().orElseThrow());
  }

  @Test
  void anUnreadableBlob_isAnIoErrorNamingTheLayer() {
    Descriptor layer = repo.layer(TAR, ONE_FILE);
    opener =
        d -> {
          throw new IOException("disk gone");
        };
    ExtractionException e =
        refused(
            IO, "ref: layer 1 (" + layer.digest() + ", media type " + TAR + "): disk gone", layer);
    assertEquals(TAR, e.mediaType().orElseThrow());
  }

  @Test
  void aZstdFrameWithAReservedBlockType_cannotBeDecompressed() {
    byte[] frame = bytes(0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x00, 0x07, 0x00, 0x00);
    refused(CORRUPT_ARCHIVE, "ref: layer 1 (", repo.layer(TAR_ZSTD, frame));
  }

  @Test
  void damagedDeflateData_isADamagedArchive() {
    byte[] g = gzip(tar().file("a", "some text to compress ".repeat(50)).bytes());
    for (int i = 12; i < g.length - 8; i++) {
      g[i] ^= 0x5a;
    }
    refused(CORRUPT_ARCHIVE, "is a damaged archive", repo.layer(TAR_GZ, g));
  }

  @Test
  void noContentLayers_isRefusedSayingHowToPush() {
    ExtractionException e =
        refused(
            NO_CONTENT,
            "ref: the artifact has no content layers (only signatures, attestations or none)",
            repo.layer("application/vnd.cncf.notary.signature", "{}".getBytes()));
    assertTrue(e.layer().isEmpty());
  }
}
