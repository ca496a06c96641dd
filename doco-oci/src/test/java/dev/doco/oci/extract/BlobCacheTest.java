package dev.doco.oci.extract;

import static dev.doco.oci.extract.TestArtifacts.sha256;
import static org.junit.jupiter.api.Assertions.*;

import dev.doco.core.DocoEvent;
import dev.doco.core.DocoListener;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only verified bytes enter the cache, reads are verified again, and no digest names a path. */
class BlobCacheTest {
  @TempDir Path dir;

  private BlobCache cache() {
    return new BlobCache(dir.resolve("blobs"));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void blobsLiveUnderTheirAlgorithmAndHex() {
    String d256 = "sha256:" + "a".repeat(64);
    String d512 = "sha512:" + "0".repeat(128);
    assertEquals(dir.resolve("blobs/sha256/" + "a".repeat(64)), cache().path(d256));
    assertEquals(dir.resolve("blobs/sha512/" + "0".repeat(128)), cache().path(d512));
  }

  @Test
  void aDigestThatIsNotLowercaseSha256OrSha512Hex_namesNoPath() {
    for (String bad :
        new String[] {
          "sha256:../../../etc/passwd",
          "sha256:" + "A".repeat(64),
          "sha256:" + "a".repeat(63),
          "md5:" + "a".repeat(32),
          "nocolon"
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> cache().path(bad));
      assertEquals(
          "'" + bad + "' is not a sha256 or sha512 digest (algorithm:lowercase-hex)",
          e.getMessage());
    }
  }

  @Test
  void verifying_refusesADigestItCannotCheck() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> BlobCache.verifying(new ByteArrayInputStream(new byte[0]), "md5:00", 0));
    assertTrue(e.getMessage().startsWith("'md5:00' is not a sha256"), e.getMessage());
  }

  @Test
  void put_reportsProgressEachMiB_andTheTotalAtTheEnd() throws IOException {
    byte[] b = new byte[(5 << 20) / 2]; // 2.5 MiB
    b[7] = 7;
    String d = sha256(b);
    for (long size : new long[] {b.length, -1}) {
      List<DocoEvent> events = new ArrayList<>();
      cache().put(d, size, new ByteArrayInputStream(b), events::add);
      assertEquals(
          List.of(
              new DocoEvent.DownloadProgress(d, 1 << 20, size),
              new DocoEvent.DownloadProgress(d, 2 << 20, size),
              new DocoEvent.DownloadProgress(d, b.length, b.length)),
          events);
      assertArrayEquals(b, cache().read(d));
    }
  }

  @Test
  void put_ofBytesNotMatchingTheDigest_keepsNothing() throws IOException {
    String d = sha256(utf8("honest"));
    assertThrows(
        BlobMismatchException.class,
        () -> cache().put(d, 6, new ByteArrayInputStream(utf8("forged")), DocoListener.NONE));
    assertFalse(cache().contains(d));
    try (Stream<Path> s = Files.list(dir.resolve("blobs/sha256"))) {
      assertEquals(List.of(), s.toList(), "temporary file left behind");
    }
  }

  @Test
  void aDamagedCachedBlob_isRefusedOnRead_andRemoved() throws IOException {
    BlobCache c = cache();
    String d = sha256(utf8("honest"));
    Path p = c.put(d, utf8("honest"));
    Files.writeString(p, "forged");
    BlobMismatchException e = assertThrows(BlobMismatchException.class, () -> c.read(d));
    assertTrue(
        e.getMessage().endsWith("(cached copy " + p + " was damaged and has been removed; retry)"),
        e.getMessage());
    assertFalse(c.contains(d));
  }

  @Test
  void retainOnly_deletesWhatIsNotKept_countsIt_andLeavesWritesInProgress() throws IOException {
    BlobCache c = cache();
    String keep = sha256(utf8("keep"));
    String drop1 = sha256(utf8("drop1"));
    String drop2 = sha256(utf8("drop2"));
    for (String s : new String[] {"keep", "drop1", "drop2"}) {
      c.put(sha256(utf8(s)), utf8(s));
    }
    Path inProgress = Files.writeString(dir.resolve("blobs/sha256/.in-1.tmp"), "partial");
    assertEquals(2, c.retainOnly(Set.of(keep)));
    assertTrue(c.contains(keep));
    assertFalse(c.contains(drop1) || c.contains(drop2));
    assertTrue(Files.exists(inProgress));
    assertEquals(0, c.retainOnly(Set.of(keep)));
  }

  @Test
  void verifyingStream_checksTheDigestWhenReadOneByteAtATime() throws IOException {
    byte[] b = {(byte) 0xff, 1, 2};
    InputStream ok = BlobCache.verifying(new ByteArrayInputStream(b), sha256(b), 3);
    assertEquals(0xff, ok.read());
    assertEquals(1, ok.read());
    assertEquals(2, ok.read());
    assertEquals(-1, ok.read());
    InputStream bad = BlobCache.verifying(new ByteArrayInputStream(b), sha256(utf8("other")), -1);
    bad.read();
    bad.read();
    bad.read();
    BlobMismatchException e = assertThrows(BlobMismatchException.class, bad::read);
    assertTrue(
        e.getMessage().endsWith("; the registry or layout holds damaged or substituted data"));
  }

  @Test
  void verifyingStream_cannotBeSkippedPastTheCheck_norReset() throws IOException {
    byte[] b = new byte[100];
    InputStream ok = BlobCache.verifying(new ByteArrayInputStream(b), sha256(b), 100);
    assertEquals(40, ok.skip(40));
    assertEquals(60, ok.readAllBytes().length);
    InputStream bad = BlobCache.verifying(new ByteArrayInputStream(b), sha256(utf8("other")), 100);
    assertFalse(bad.markSupported());
    assertThrows(BlobMismatchException.class, () -> bad.skip(1000));
  }
}
