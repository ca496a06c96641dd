package dev.doco.oci.extract;

import static dev.doco.oci.extract.ExtractionException.Reason.*;
import static dev.doco.oci.extract.TestArtifacts.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.doco.core.DocoListener;
import dev.doco.core.Revision;
import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.FetchOptions;
import dev.doco.oci.Platform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every attack and budget: the fetch fails with its own reason and message, and the previous
 * checkout is exactly as it was (no staging directory left behind).
 */
class HostileArchiveTest {
  @TempDir Path data;
  Repo repo;
  Path checkout;
  Map<String, String> before;
  ExtractionLimits limits = ExtractionLimits.DEFAULT;

  @BeforeEach
  void goodCheckoutFirst() throws IOException {
    repo = new Repo();
    checkout = data.resolve("checkouts/x/good");
    Revision good =
        repo.manifest(
            "good",
            repo.layer(
                TAR_GZ,
                gzip(
                    tar()
                        .file(".doco-cd.yaml", DOCO_YAML)
                        .file("compose.yaml", "services: {}\n")
                        .bytes())));
    writer().write(good, content(), checkout, FetchOptions.DEFAULT);
    before = snapshot(checkout);
    assertEquals("services: {}\n", before.get("compose.yaml"));
  }

  private CheckoutWriter writer() {
    return new CheckoutWriter(
        new CheckoutStore(data, 3),
        limits,
        new Platform("linux", "amd64", null),
        DocoListener.NONE);
  }

  private CheckoutWriter.Content content() {
    return CheckoutWriter.content(repo, new CheckoutStore(data, 3).blobs(), DocoListener.NONE);
  }

  /** Fetches a single-layer artifact built from {@code tar} and expects a refusal. */
  private ExtractionException refuse(
      byte[] layerBytes,
      String mediaType,
      ExtractionException.Reason reason,
      String... messageParts)
      throws IOException {
    return refuse(repo.manifest("bad", repo.layer(mediaType, layerBytes)), reason, messageParts);
  }

  private ExtractionException refuse(
      Revision r, ExtractionException.Reason reason, String... messageParts) throws IOException {
    ExtractionException e =
        assertThrows(
            ExtractionException.class,
            () -> writer().write(r, content(), checkout, FetchOptions.DEFAULT));
    assertEquals(reason, e.reason(), e.getMessage());
    for (String part : messageParts) {
      assertTrue(e.getMessage().contains(part), "message lacks '" + part + "': " + e.getMessage());
    }
    assertEquals(before, snapshot(checkout), "previous checkout changed");
    try (Stream<Path> s = Files.list(checkout.getParent())) {
      List<String> leftovers =
          s.map(p -> p.getFileName().toString())
              .filter(n -> n.contains(".new-") || n.contains(".old-") || n.endsWith(".swap"))
              .toList();
      assertEquals(List.of(), leftovers, "staging left behind");
    }
    return e;
  }

  private static Tar base() {
    return tar().file(".doco-cd.yaml", DOCO_YAML);
  }

  @Test
  void absolutePath_isRefused() throws IOException {
    ExtractionException e =
        refuse(
            base().file("/etc/passwd", "x").bytes(), TAR, ABSOLUTE_PATH, "/etc/passwd", "absolute");
    assertEquals("/etc/passwd", e.entry().orElseThrow());
    assertTrue(e.layer().isPresent() && e.mediaType().orElseThrow().equals(TAR));
  }

  @Test
  void parentTraversal_isRefused() throws IOException {
    refuse(base().file("a/../../evil", "x").bytes(), TAR, PARENT_TRAVERSAL, "'..'");
  }

  @Test
  void backslashTrick_isRefused() throws IOException {
    refuse(base().file("..\\..\\evil", "x").bytes(), TAR, BACKSLASH, "backslash");
  }

  @Test
  void characterDevice_isRefused() throws IOException {
    refuse(base().raw("dev/null", '3', 0666).bytes(), TAR, DEVICE_OR_FIFO, "device node");
  }

  @Test
  void blockDevice_isRefused() throws IOException {
    refuse(base().raw("dev/sda", '4', 0660).bytes(), TAR, DEVICE_OR_FIFO, "device node");
  }

  @Test
  void fifo_isRefused() throws IOException {
    refuse(base().raw("pipe", '6', 0644).bytes(), TAR, DEVICE_OR_FIFO, "FIFO");
  }

  @Test
  void symlinkAbsolute_isRefused() throws IOException {
    refuse(
        base().symlink("passwd", "/etc/passwd").bytes(), TAR, SYMLINK_OUTSIDE, "passwd", "outside");
  }

  @Test
  void symlinkUpwards_isRefused() throws IOException {
    refuse(base().symlink("up", "../../etc").bytes(), TAR, SYMLINK_OUTSIDE, "'../../etc'");
  }

  @Test
  void symlinkChain_escapingOnlyThroughAnotherLink_isRefused() throws IOException {
    // d/up -> .. is the root (fine); d/up2 -> up/.. looks like "d" lexically but is the root's
    // parent once d/up is followed.
    refuse(
        base().dir("d").symlink("d/up", "..").symlink("d/up2", "up/..").bytes(),
        TAR,
        SYMLINK_OUTSIDE,
        "d/up2");
  }

  @Test
  void writeThroughParentLink_thatLeadsOutsideAfterReplacement_isRefused() throws IOException {
    // b -> p/q and a -> b/../.. resolve inside; then b becomes a real directory, so a leads to the
    // root's parent, and a/evil would be written outside.
    byte[] t =
        base()
            .dir("p/q")
            .symlink("b", "p/q")
            .symlink("a", "b/../..")
            .dir("b")
            .file("a/evil", "x")
            .bytes();
    refuse(t, TAR, PARENT_LINK_OUTSIDE, "a/evil", "through link 'a'");
  }

  @Test
  void linkMadeOutsideByALaterEntry_isRefusedAtTheEnd() throws IOException {
    byte[] t = base().dir("p/q").symlink("b", "p/q").symlink("a", "b/../..").dir("b").bytes();
    refuse(t, TAR, SYMLINK_OUTSIDE, "once all layers are applied");
  }

  @Test
  void hardlinkToMissingFile_isRefused() throws IOException {
    refuse(base().hardlink("h", "nothing-here").bytes(), TAR, HARDLINK_TARGET, "already extracted");
  }

  @Test
  void hardlinkOutside_isRefused() throws IOException {
    refuse(base().hardlink("h", "../../etc/passwd").bytes(), TAR, HARDLINK_TARGET, "'..'");
  }

  @Test
  void hardlinkToDirectory_isRefused() throws IOException {
    refuse(base().dir("d").hardlink("h", "d").bytes(), TAR, HARDLINK_TARGET, "'h' -> 'd'");
  }

  @Test
  void sparseFile_isRefused() throws IOException {
    refuse(base().raw("sparse", 'S', 0644).bytes(), TAR, UNSUPPORTED_ENTRY, "'S'");
  }

  @Test
  void totalBytesBudget_stopsExtraction() throws IOException {
    limits = ExtractionLimits.DEFAULT.withMaxTotalBytes(1000);
    refuse(
        base().file("a", "x".repeat(600)).file("b", "y".repeat(600)).bytes(),
        TAR,
        TOTAL_BYTES,
        "1000 bytes",
        "'b'");
  }

  @Test
  void entriesBudget_stopsExtraction() throws IOException {
    limits = ExtractionLimits.DEFAULT.withMaxEntries(3);
    refuse(base().file("a", "1").file("b", "2").file("c", "3").bytes(), TAR, ENTRIES, "3 entries");
  }

  @Test
  void fileSizeBudget_stopsExtraction() throws IOException {
    limits = ExtractionLimits.DEFAULT.withMaxFileBytes(100);
    refuse(base().file("big", "z".repeat(101)).bytes(), TAR, FILE_SIZE, "'big'", "101 bytes");
  }

  @Test
  void pathLengthBudget_stopsExtraction() throws IOException {
    limits = ExtractionLimits.DEFAULT.withMaxPathLength(50);
    refuse(
        base().file("d/".repeat(30) + "f", "x").bytes(),
        TAR,
        PATH_LENGTH,
        "path length limit of 50");
  }

  @Test
  void rawTitledFile_overFileBudget_isRefusedBeforeWriting() throws IOException {
    limits = ExtractionLimits.DEFAULT.withMaxFileBytes(20);
    Descriptor cfg =
        repo.layer(
            TAR, DOCO_YAML.getBytes(), Map.of("org.opencontainers.image.title", ".doco-cd.yaml"));
    Descriptor big =
        repo.layer(
            TAR,
            "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(),
            Map.of("org.opencontainers.image.title", "big.txt"));
    refuse(repo.manifest("bad", cfg, big), FILE_SIZE, "big.txt");
  }

  /** A tar with one 16 MiB file of zeros: a few KiB compressed. */
  private static byte[] bombTar() throws IOException {
    long size = 16L << 20;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    dev.doco.oci.internal.tar.TarWriter w = new dev.doco.oci.internal.tar.TarWriter(out);
    byte[] cfg = DOCO_YAML.getBytes();
    w.file(".doco-cd.yaml", 0644, 0, cfg.length, new java.io.ByteArrayInputStream(cfg));
    w.file(
        "zeros",
        0644,
        0,
        size,
        new java.io.InputStream() {
          long left = size;

          @Override
          public int read() {
            return left-- > 0 ? 0 : -1;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (left <= 0) {
              return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
            left -= n;
            return n;
          }
        });
    w.finish();
    return out.toByteArray();
  }

  @Test
  void gzipBomb_stopsAtTheBudget() throws IOException {
    limits = ExtractionLimits.DEFAULT.withMaxTotalBytes(1 << 20);
    byte[] bomb = gzip(bombTar());
    assertTrue(bomb.length < 1 << 20, "the bomb is small: " + bomb.length);
    refuse(bomb, TAR_GZ, TOTAL_BYTES, "'zeros'");
  }

  @Test
  void zstdBomb_stopsAtTheBudget() throws IOException {
    limits = ExtractionLimits.DEFAULT.withMaxTotalBytes(1 << 20);
    byte[] bomb = zstd(bombTar());
    assertTrue(bomb.length < 1 << 20, "the bomb is small: " + bomb.length);
    refuse(bomb, TAR_ZSTD, TOTAL_BYTES, "'zeros'");
  }

  @Test
  void gzipBomb_ofTrailingZerosAfterTheArchive_stopsAtTheStreamBudget() throws IOException {
    limits = ExtractionLimits.DEFAULT.withMaxTotalBytes(1 << 20).withMaxEntries(10);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(out)) {
      g.write(base().bytes());
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 64; i++) {
        g.write(zeros);
      }
    }
    refuse(out.toByteArray(), TAR_GZ, TOTAL_BYTES, "compression bomb");
  }

  @Test
  void zstdFrameAskingForAHugeWindow_isRefused() throws IOException {
    // magic, frame header descriptor (no single segment), window descriptor: exponent 21 -> 2 GiB
    byte[] frame = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x00, (byte) (21 << 3), 0, 0, 0};
    refuse(frame, TAR_ZSTD, TOTAL_BYTES, "window");
  }

  @Test
  void blobNotMatchingItsDigest_isRefused() throws IOException {
    Descriptor layer = repo.layer(TAR, base().file("a", "honest").bytes());
    repo.substitutes.put(layer.digest(), base().file("a", "forged").bytes());
    ExtractionException e =
        refuse(repo.manifest("bad", layer), DIGEST_MISMATCH, layer.digest(), "does not match");
    assertEquals(layer.digest(), e.layer().orElseThrow());
    assertFalse(new CheckoutStore(data, 3).blobs().contains(layer.digest()), "forged blob cached");
  }

  @Test
  void orasContentDigestMismatch_isRefused() throws IOException {
    byte[] t = tar().dir("cfg").file("cfg/.doco-cd.yaml", DOCO_YAML).bytes();
    Descriptor layer =
        repo.layer(
            TAR_GZ,
            gzip(t),
            Map.of(
                "org.opencontainers.image.title", "cfg",
                "io.deis.oras.content.unpack", "true",
                "io.deis.oras.content.digest", sha256("something else".getBytes())));
    refuse(repo.manifest("bad", layer), CONTENT_DIGEST_MISMATCH, "io.deis.oras.content.digest");
  }

  @Test
  void orasDirLayer_withEntryOutsideItsDirectory_isRefused() throws IOException {
    byte[] t = tar().dir("cfg").file("cfg/.doco-cd.yaml", DOCO_YAML).file("other/x", "1").bytes();
    Descriptor layer =
        repo.layer(
            TAR_GZ,
            gzip(t),
            Map.of("org.opencontainers.image.title", "cfg", "io.deis.oras.content.unpack", "true"));
    refuse(repo.manifest("bad", layer), OUTSIDE_LAYER_DIRECTORY, "other/x");
  }

  @Test
  void unknownLayer_namesTheLayerAndItsMediaType() throws IOException {
    byte[] junk =
        "this is not an archive at all, just text that no tool would call a tar".getBytes();
    Descriptor layer = repo.layer("application/vnd.example.mystery", junk);
    ExtractionException e =
        refuse(
            repo.manifest("bad", layer),
            UNKNOWN_LAYER,
            layer.digest(),
            "application/vnd.example.mystery",
            "layer 1");
    assertEquals("application/vnd.example.mystery", e.mediaType().orElseThrow());
  }

  @Test
  void corruptTarHeader_isRefused() throws IOException {
    byte[] t = base().file("a", "1").bytes();
    t[512 + 5 + 1024 - 512] ^= 0x55; // damage the second header's name (checksum no longer fits)
    refuse(t, TAR, CORRUPT_ARCHIVE, "checksum");
  }

  @Test
  void truncatedGzip_isRefused() throws IOException {
    byte[] g = gzip(base().file("a", "x".repeat(5000)).bytes());
    refuse(java.util.Arrays.copyOf(g, g.length / 2), TAR_GZ, CORRUPT_ARCHIVE, "layer 1", "damaged");
  }

  @Test
  void missingDeployConfig_isRefusedAsInvalidLayout() throws IOException {
    refuse(
        tar().file("compose.yaml", "services: {}\n").bytes(), TAR, INVALID_LAYOUT, ".doco-cd.yaml");
  }

  @Test
  void wrongLayoutVersion_isRefused() throws IOException {
    refuse(
        tar().file(".doco-cd.yaml", "version: doco.v2\n").bytes(), TAR, INVALID_LAYOUT, "doco.v1");
  }

  @Test
  void onlySignatureLayers_isNoContent() throws IOException {
    Descriptor sig =
        repo.layer("application/vnd.dev.cosign.simplesigning.v1+json", "{}".getBytes());
    refuse(repo.manifest("bad", sig), NO_CONTENT, "no content layers");
  }

  @Test
  void bareWhiteout_isRefused() throws IOException {
    refuse(base().file("d/.wh.", "").bytes(), TAR, INVALID_PATH, "whiteout without a name");
  }
}
