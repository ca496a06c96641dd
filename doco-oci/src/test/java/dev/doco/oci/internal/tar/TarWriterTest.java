package dev.doco.oci.internal.tar;

import static dev.doco.oci.internal.tar.TarBlocks.cat;
import static dev.doco.oci.internal.tar.TarBlocks.padded;
import static dev.doco.oci.internal.tar.TarBlocks.paxRecord;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.doco.oci.internal.tar.TarBlocks.Header;
import dev.doco.oci.internal.tar.TarBlocks.Read;
import dev.doco.oci.internal.tar.TarEntry.Type;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link TarWriter} packages doco.v1 artifacts, whose digests must not change between runs or
 * releases: every header byte is pinned here (against headers built independently by {@link
 * TarBlocks}), and everything written is read back by {@link TarReader}.
 */
class TarWriterTest {
  private static final byte[] END = new byte[1024];

  interface Calls {
    void on(TarWriter w) throws IOException;
  }

  /** The archive {@code calls} write, without the end marker. */
  private static byte[] write(Calls calls) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    calls.on(new TarWriter(out));
    return out.toByteArray();
  }

  private static InputStream text(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  private static List<Read> readBack(byte[] tar) throws IOException {
    return TarBlocks.readAll(cat(tar, END));
  }

  private static byte[] pax(String name, String records) {
    byte[] data = records.getBytes(StandardCharsets.UTF_8);
    return cat(Header.ustar(name, 'x').size(data.length).mtime(0).sealed(), padded(data));
  }

  @Nested
  class Headers {
    @Test
    void file_isUstarWithUidGidZero_emptyOwnerNames_andItsContentPaddedToABlock()
        throws IOException {
      byte[] tar = write(w -> w.file("dir/hello.txt", 0640, 1_700_000_000L, 6, text("hello\n")));
      assertArrayEquals(
          cat(
              Header.ustar("dir/hello.txt", '0').mode(0640).size(6).mtime(1_700_000_000L).sealed(),
              padded("hello\n")),
          tar);
      // the same bytes spelled out, as GNU tar would show them
      assertEquals("0000640\0", TarBlocks.field(tar, 100, 8));
      assertEquals("0000000\0" + "0000000\0", TarBlocks.field(tar, 108, 16));
      assertEquals("00000000006\0" + "14524770400\0", TarBlocks.field(tar, 124, 24));
      assertEquals("ustar\0" + "00" + "\0".repeat(64), TarBlocks.field(tar, 257, 72));
      long sum = 0;
      for (int i = 0; i < 512; i++) {
        sum += (i >= 148 && i < 156) ? ' ' : tar[i] & 0xff;
      }
      assertEquals(
          String.format(java.util.Locale.ROOT, "%06o\0 ", sum), TarBlocks.field(tar, 148, 8));
    }

    @Test
    void directory_getsATrailingSlashTypeFiveAndNoContent() throws IOException {
      assertArrayEquals(
          Header.ustar("conf/", '5').mode(0755).mtime(0).sealed(),
          write(w -> w.directory("conf", 0755, 0)));
    }

    @Test
    void symlink_hasMode0777AndItsTargetInTheLinkField() throws IOException {
      assertArrayEquals(
          Header.ustar("latest", '2').mode(0777).mtime(7).link("v1/app").sealed(),
          write(w -> w.symlink("latest", "v1/app", 7)));
    }

    @Test
    void hardlink_hasMode0644AndItsTargetInTheLinkField() throws IOException {
      assertArrayEquals(
          Header.ustar("again", '1').mode(0644).mtime(7).link("first").sealed(),
          write(w -> w.hardlink("again", "first", 7)));
    }

    @Test
    void setuidSetgidAndStickyBits_areWritten() throws IOException {
      assertEquals(
          "0007755\0", TarBlocks.field(write(w -> w.file("f", 07755, 0, 0, text(""))), 100, 8));
    }

    @Test
    void raw_writesAnyTypeFlagWithMtimeZeroAndPadsItsContent() throws IOException {
      assertArrayEquals(
          cat(
              Header.ustar("weird", 'Q').mode(0600).size(3).mtime(0).link("l").sealed(),
              padded("abc")),
          write(w -> w.raw("weird", 'Q', 0600, 3, "l", "abc".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void contentOfWholeBlocks_getsNoPadding() throws IOException {
      String content = "x".repeat(1024);
      byte[] tar = write(w -> w.file("f", 0644, 0, 1024, text(content)));
      assertEquals(512 + 1024, tar.length);
    }

    @Test
    void nameWithDelCharacter_isStillAscii_soNoPaxHeader() throws IOException {
      assertArrayEquals(
          Header.ustar("a\u007fb", '0').mtime(0).sealed(),
          write(w -> w.file("a\u007fb", 0644, 0, 0, text(""))));
    }
  }

  @Nested
  class Mtimes {
    @Test
    void theLargestMtimeTheOctalFieldHolds_isWritten() throws IOException {
      assertEquals(
          "77777777777\0",
          TarBlocks.field(write(w -> w.directory("d", 0755, 077777777777L)), 136, 12));
    }

    @ParameterizedTest
    @CsvSource({"8589934592, 8589934592", "-1, -1"})
    void anMtimeTheOctalFieldCannotHold_isRefusedInsteadOfWrittenCorrupt(long mtime, String shown) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> new TarWriter(out).directory("d", 0755, mtime));
      assertEquals(shown + " does not fit a 12-byte octal tar header field", e.getMessage());
      assertEquals(0, out.size());
    }

    @Test
    void anMtimeTooBigForAPaxEntry_isRefusedBeforeThePaxHeaderIsWritten() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThrows(
          IllegalArgumentException.class, () -> new TarWriter(out).directory("é", 0755, -1));
      assertEquals(0, out.size());
    }
  }

  @Nested
  class LongNamesInUstarPrefix {
    private void assertUstarSplit(String name, String prefix, String rest) throws IOException {
      byte[] tar = write(w -> w.file(name, 0644, 0, 0, text("")));
      assertArrayEquals(Header.ustar(rest, '0').prefix(prefix).mtime(0).sealed(), tar);
      assertEquals(name, readBack(tar).get(0).entry().name());
    }

    @Test
    void splitsAtTheLastSlashThatLeavesAtMost100Bytes() throws IOException {
      String a = "a".repeat(60);
      String b = "b".repeat(30);
      String c = "c".repeat(50);
      assertUstarSplit(a + "/" + b + "/" + c, a + "/" + b, c);
    }

    @Test
    void prefixOfExactly155Bytes_fits() throws IOException {
      assertUstarSplit("p".repeat(155) + "/" + "n".repeat(10), "p".repeat(155), "n".repeat(10));
    }

    @Test
    void prefixOfOneByte_fits() throws IOException {
      assertUstarSplit("a/" + "n".repeat(100), "a", "n".repeat(100));
    }

    @Test
    void nameOfExactly100Bytes_fits() throws IOException {
      assertUstarSplit("p".repeat(10) + "/" + "n".repeat(100), "p".repeat(10), "n".repeat(100));
    }

    @Test
    void aNameOfExactly100BytesWithSlashes_staysWholeInTheNameField() throws IOException {
      String name = "p".repeat(10) + "/" + "n".repeat(89);
      assertArrayEquals(
          Header.ustar(name, '0').mtime(0).sealed(),
          write(w -> w.file(name, 0644, 0, 0, text(""))));
    }

    @Test
    void longDirectory_splitsBeforeItsLastComponentAndKeepsTheTrailingSlash() throws IOException {
      String a = "a".repeat(60);
      String b = "b".repeat(60);
      byte[] tar = write(w -> w.directory(a + "/" + b, 0755, 0));
      assertArrayEquals(Header.ustar(b + "/", '5').prefix(a).mode(0755).mtime(0).sealed(), tar);
      assertEquals(a + "/" + b + "/", readBack(tar).get(0).entry().name());
    }
  }

  @Nested
  class PaxHeaders {
    private void assertPathInPax(String name) throws IOException {
      byte[] tar = write(w -> w.file(name, 0644, 0, 0, text("")));
      assertArrayEquals(
          cat(
              pax(
                  "PaxHeaders/" + name.substring(Math.max(0, name.length() - 80)),
                  paxRecord("path", name)),
              Header.ustar(name.substring(name.length() - 100), '0').mtime(0).sealed()),
          tar);
      assertEquals(name, readBack(tar).get(0).entry().name());
    }

    @Test
    void aLongNameWithoutSlash_goesIntoAPaxPathRecord_andTheUstarFieldKeepsItsLast100Bytes()
        throws IOException {
      assertPathInPax("x".repeat(150));
    }

    @Test
    void aPrefixThatWouldNeed156Bytes_goesIntoPax() throws IOException {
      assertPathInPax("p".repeat(156) + "/" + "n".repeat(10));
    }

    @Test
    void aLastComponentOf101Bytes_goesIntoPax() throws IOException {
      assertPathInPax("p".repeat(10) + "/" + "n".repeat(101));
    }

    @Test
    void anAbsoluteNameOf101Bytes_goesIntoPax_notIntoAnEmptyPrefix() throws IOException {
      assertPathInPax("/" + "n".repeat(100));
    }

    @Test
    void aLongDirectoryWithoutInnerSlash_goesIntoPax_notSplitAtItsTrailingSlash()
        throws IOException {
      String name = "d".repeat(120);
      byte[] tar = write(w -> w.directory(name, 0755, 0));
      assertArrayEquals(
          cat(
              pax("PaxHeaders/" + "d".repeat(79) + "/", paxRecord("path", name + "/")),
              Header.ustar("d".repeat(99) + "/", '5').mode(0755).mtime(0).sealed()),
          tar);
      assertEquals(name + "/", readBack(tar).get(0).entry().name());
    }

    @Test
    void aNonAsciiName_goesIntoPaxAsUtf8_andUstarFieldsGetUnderscores() throws IOException {
      byte[] tar = write(w -> w.file("café.txt", 0644, 5, 0, text("")));
      byte[] data = "18 path=café.txt\n".getBytes(StandardCharsets.UTF_8);
      assertArrayEquals(
          cat(
              Header.ustar("PaxHeaders/caf_.txt", 'x').size(data.length).mtime(5).sealed(),
              padded(data),
              Header.ustar("caf_.txt", '0').mtime(5).sealed()),
          tar);
      assertEquals("café.txt", readBack(tar).get(0).entry().name());
    }

    @Test
    void onlyCharactersAbove127_areReplacedInUstarFields_delIsKept() throws IOException {
      byte[] tar = write(w -> w.file("é\u007f", 0644, 0, 0, text("")));
      assertEquals("_\u007f\0", TarBlocks.field(tar, 1024, 3));
      assertEquals("é\u007f", readBack(tar).get(0).entry().name());
    }

    @Test
    void aNonAsciiLinkTarget_goesIntoPaxWithThePath() throws IOException {
      byte[] tar = write(w -> w.symlink("l", "zielé", 0));
      assertArrayEquals(
          cat(
              pax("PaxHeaders/l", "9 path=l\n" + "19 linkpath=zielé\n"),
              Header.ustar("l", '2').mode(0777).mtime(0).link("ziel_").sealed()),
          tar);
      assertEquals(
          new TarEntry("l", Type.SYMLINK, 0777, 0, "zielé", 0, '2'), readBack(tar).get(0).entry());
    }

    @Test
    void aLinkTargetOf101Bytes_goesIntoPax_andTheLinkFieldKeepsItsLast100Bytes()
        throws IOException {
      String target = "0123456789".repeat(10) + "X";
      byte[] tar = write(w -> w.hardlink("h", target, 0));
      assertArrayEquals(
          cat(
              pax("PaxHeaders/h", paxRecord("path", "h") + paxRecord("linkpath", target)),
              Header.ustar("h", '1').mtime(0).link(target.substring(1)).sealed()),
          tar);
      assertEquals(target, readBack(tar).get(0).entry().linkName());
    }

    @Test
    void aLinkTargetOf100Bytes_fitsTheLinkField() throws IOException {
      String target = "0123456789".repeat(10);
      assertArrayEquals(
          Header.ustar("h", '1').mtime(0).link(target).sealed(),
          write(w -> w.hardlink("h", target, 0)));
    }

    @Test
    void sizesUpTo8GiBMinusOne_fitTheOctalField() throws IOException {
      byte[] tar = write(w -> w.raw("big", '0', 0644, 077777777777L, "", new byte[0]));
      assertArrayEquals(Header.ustar("big", '0').set(124, "77777777777\0").mtime(0).sealed(), tar);
    }

    @Test
    void aSizeOf8GiB_goesIntoAPaxSizeRecord_andTheUstarSizeIsZero() throws IOException {
      byte[] tar = write(w -> w.raw("big", '0', 0644, 1L << 33, "", new byte[0]));
      assertArrayEquals(
          cat(
              pax("PaxHeaders/big", "19 size=8589934592\n"),
              Header.ustar("big", '0').size(0).mtime(0).sealed()),
          tar);
      TarEntry e = new TarReader(new ByteArrayInputStream(tar), 100).next();
      assertEquals(new TarEntry("big", Type.FILE, 0644, 1L << 33, "", 0, '0'), e);
    }

    @Test
    void aBigFileWithALongName_getsPathAndSizeInOnePaxHeader() throws IOException {
      String name = "n".repeat(101);
      byte[] tar = write(w -> w.raw(name, '0', 0644, 1L << 40, "", new byte[0]));
      assertArrayEquals(
          cat(
              pax(
                  "PaxHeaders/" + "n".repeat(80),
                  paxRecord("path", name) + "22 size=1099511627776\n"),
              Header.ustar("n".repeat(100), '0').size(0).mtime(0).sealed()),
          tar);
    }

    @ParameterizedTest
    @CsvSource({
      "0, 11 path=é", // the record's length goes from one digit to two
      "87, 98 path=",
      "88, 99 path=",
      "89, 101 path=" // ... and from two digits to three
    })
    void recordLength_countsItsOwnDigits(int extra, String start) throws IOException {
      String name = "é" + "a".repeat(extra);
      byte[] tar = write(w -> w.file(name, 0644, 0, 0, text("")));
      String records = new String(tar, 512, 512, StandardCharsets.UTF_8);
      assertEquals(start, records.substring(0, start.length()));
      int len = Integer.parseInt(start.substring(0, start.indexOf(' ')));
      assertEquals('\n', records.getBytes(StandardCharsets.UTF_8)[len - 1]);
      assertEquals(
          String.format(java.util.Locale.ROOT, "%011o\0", len), TarBlocks.field(tar, 124, 12));
      assertEquals(name, readBack(tar).get(0).entry().name());
    }
  }

  @Nested
  class Content {
    @Test
    void exactlySizeBytesAreCopied_evenIfTheStreamHasMore() throws IOException {
      byte[] tar =
          write(
              w -> {
                w.file("f", 0644, 0, 3, text("abcdef"));
                w.file("g", 0644, 0, 0, text(""));
              });
      assertEquals(
          List.of(
              new Read(new TarEntry("f", Type.FILE, 0644, 3, "", 0, '0'), "abc"),
              new Read(new TarEntry("g", Type.FILE, 0644, 0, "", 0, '0'), "")),
          readBack(tar));
    }

    @Test
    void aContentStreamThatDeliversOneByteOrNothingPerRead_isCopiedWhole() throws IOException {
      byte[] tar =
          write(
              w ->
                  w.file(
                      "slow",
                      0644,
                      0,
                      5,
                      new TarBlocks.Trickle("slow\n".getBytes(StandardCharsets.US_ASCII))));
      assertEquals(
          List.of(new Read(new TarEntry("slow", Type.FILE, 0644, 5, "", 0, '0'), "slow\n")),
          readBack(tar));
    }

    @Test
    void contentLargerThanTheCopyBuffer_isCopiedWhole() throws IOException {
      byte[] content = new byte[200_000];
      new Random(42).nextBytes(content);
      byte[] tar =
          write(w -> w.file("big", 0644, 0, content.length, new ByteArrayInputStream(content)));
      assertEquals(512 + 200_192, tar.length);
      assertArrayEquals(content, Arrays.copyOfRange(tar, 512, 512 + content.length));
    }

    @Test
    void aFileThatShrankWhileBeingPackaged_isAnError() {
      IOException e =
          assertThrows(
              IOException.class,
              () -> write(w -> w.file("conf/app.yaml", 0644, 0, 10, text("short"))));
      assertEquals("file conf/app.yaml shrank while it was being packaged", e.getMessage());
    }
  }

  @Nested
  class EndOfArchive {
    @Test
    void finish_writesTwoZeroBlocksOnce_andCloseAfterFinishAddsNothing() throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      TarWriter w = new TarWriter(out);
      w.directory("d", 0755, 0);
      w.finish();
      w.finish();
      w.close();
      assertArrayEquals(
          cat(Header.ustar("d/", '5').mode(0755).mtime(0).sealed(), END), out.toByteArray());
    }

    @Test
    void close_writesTheEndMarkerAndFlushes() throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      BufferedOutputStream buffered = new BufferedOutputStream(bytes, 1 << 16);
      try (TarWriter w = new TarWriter(buffered)) {
        w.directory("d", 0755, 0);
      }
      assertEquals(512 + 1024, bytes.size());
    }
  }

  /** The calls behind {@code src/test/resources/tar/writer-golden.tar}. */
  static void goldenCalls(TarWriter w) throws IOException {
    w.directory("app", 0755, 0);
    goldenFile(w, "app/compose.yaml", 0644, "services:\n  web:\n    image: x\n");
    goldenFile(w, "app/run.sh", 0755, "#!/bin/sh\necho hi\n");
    w.symlink("app/current", "compose.yaml", 0);
    w.hardlink("app/again.yaml", "app/compose.yaml", 0);
    goldenFile(w, "app/" + "deep/".repeat(25) + "file.txt", 0644, "deep\n");
    goldenFile(w, "app/" + "x".repeat(120), 0644, "long\n");
    goldenFile(w, "app/ünï.txt", 0644, "unicode\n");
    w.symlink("app/long-link", "t".repeat(120), 0);
    w.finish();
  }

  private static void goldenFile(TarWriter w, String name, int mode, String content)
      throws IOException {
    byte[] b = content.getBytes(StandardCharsets.UTF_8);
    w.file(name, mode, 0, b.length, new ByteArrayInputStream(b));
  }

  @Test
  void sameCalls_sameBytes_asTheArchiveGnuTarAndPythonReadAtAuthoringTime() throws IOException {
    byte[] tar = write(TarWriterTest::goldenCalls);
    byte[] golden;
    try (InputStream in = getClass().getResourceAsStream("/tar/writer-golden.tar")) {
      golden = in.readAllBytes();
    }
    assertArrayEquals(golden, tar);
    assertArrayEquals(tar, write(TarWriterTest::goldenCalls));
  }
}
