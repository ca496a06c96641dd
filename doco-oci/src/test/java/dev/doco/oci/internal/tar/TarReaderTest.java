package dev.doco.oci.internal.tar;

import static dev.doco.oci.internal.tar.TarBlocks.cat;
import static dev.doco.oci.internal.tar.TarBlocks.end;
import static dev.doco.oci.internal.tar.TarBlocks.meta;
import static dev.doco.oci.internal.tar.TarBlocks.padded;
import static dev.doco.oci.internal.tar.TarBlocks.paxRecord;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.doco.oci.internal.tar.TarBlocks.Header;
import dev.doco.oci.internal.tar.TarBlocks.Read;
import dev.doco.oci.internal.tar.TarEntry.Type;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The parsing rules of {@link TarReader}, on headers built byte by byte ({@link TarBlocks}): which
 * header bytes mean what, which PAX and GNU records override them, and which malformed or truncated
 * input is refused with which message. Layers are untrusted input; each rule here is one the reader
 * must keep.
 */
class TarReaderTest {
  private static final long NOV_2023 = 1_700_000_000L;

  private static List<Read> read(byte[] tar) throws IOException {
    return TarBlocks.readAll(tar);
  }

  /** The single entry of an archive made of {@code blocks} plus the end marker. */
  private static Read only(byte[]... blocks) throws IOException {
    List<Read> all = read(cat(cat(blocks), end()));
    assertEquals(1, all.size(), () -> "entries: " + all);
    return all.get(0);
  }

  private static TarEntry file(String name, int mode, long size, long mtime) {
    return new TarEntry(name, Type.FILE, mode, size, "", mtime, '0');
  }

  private static <T extends IOException> T refused(Class<T> type, byte[] tar) {
    IOException e = assertThrows(IOException.class, () -> read(tar));
    assertEquals(type, e.getClass(), () -> "exception: " + e);
    return type.cast(e);
  }

  private static String refusedFormat(byte[] tar) {
    return refused(TarFormatException.class, tar).getMessage();
  }

  private static String refusedTruncated(byte[] tar) {
    return refused(EOFException.class, tar).getMessage();
  }

  private static List<String> names(InputStream in) throws IOException {
    TarReader r = new TarReader(in, 1 << 16);
    List<String> names = new ArrayList<>();
    for (TarEntry e; (e = r.next()) != null; ) {
      names.add(e.name());
    }
    return names;
  }

  @Nested
  class UstarHeaderFields {
    @Test
    void everyFieldIsParsed_permissionBitsKeptAndFileTypeBitsDropped() throws IOException {
      Read r =
          only(
              Header.ustar("dir/file.txt", '0')
                  .mode("0104755\0") // S_IFREG | setuid | rwxr-xr-x
                  .size(12)
                  .mtime("14524770401\0")
                  .link("ignored-for-files")
                  .sealed(),
              padded("hello world\n"));
      assertEquals(file("dir/file.txt", 04755, 12, NOV_2023 + 1), r.entry());
      assertEquals("hello world\n", r.content());
    }

    @Test
    void stickyAndAllPermissionBits_areKept() throws IOException {
      assertEquals(07777, only(Header.ustar("f", '0').mode("0007777\0").sealed()).entry().mode());
    }

    @Test
    void nameAndLinkFillingTheirWholeFields_haveNoTerminatorAndEndAtTheFieldBoundary()
        throws IOException {
      String name = "n".repeat(100); // followed directly by the mode field
      String link = "l".repeat(100); // followed directly by the "ustar" magic
      TarEntry e = only(Header.ustar(name, '2').link(link).sealed()).entry();
      assertEquals(name, e.name());
      assertEquals(link, e.linkName());
    }

    @Test
    void ustarPrefix_isJoinedToTheNameWithASlash() throws IOException {
      assertEquals(
          "some/prefix/name.txt",
          only(Header.ustar("name.txt", '0').prefix("some/prefix").sealed()).entry().name());
    }

    @Test
    void prefixField_isIgnoredWithoutThePosixMagic_asOldGnuUsesThoseBytesForOtherData()
        throws IOException {
      // Old GNU format: magic "ustar  \0"; bytes 345.. hold atime/ctime, not a name prefix.
      byte[] h = Header.ustar("name.txt", '0').set(257, "ustar  \0").prefix("14524770400").sealed();
      assertEquals("name.txt", only(h).entry().name());
    }

    @Test
    void withoutAnyMagic_v7Header_nameIsTheNameFieldAlone() throws IOException {
      byte[] h = Header.ustar("v7.txt", '0').set(257, "\0\0\0\0\0\0\0\0").prefix("x").sealed();
      assertEquals("v7.txt", only(h).entry().name());
    }
  }

  @Nested
  class EntryTypes {
    static Stream<Arguments> flags() {
      return Stream.of(
          Arguments.of('0', Type.FILE),
          Arguments.of('\0', Type.FILE),
          Arguments.of('7', Type.FILE), // contiguous file: a regular file
          Arguments.of('1', Type.HARDLINK),
          Arguments.of('2', Type.SYMLINK),
          Arguments.of('3', Type.CHAR_DEVICE),
          Arguments.of('4', Type.BLOCK_DEVICE),
          Arguments.of('5', Type.DIRECTORY),
          Arguments.of('6', Type.FIFO),
          Arguments.of('S', Type.UNSUPPORTED), // GNU sparse
          Arguments.of('V', Type.UNSUPPORTED), // volume label
          Arguments.of('M', Type.UNSUPPORTED), // multi-volume continuation
          Arguments.of('D', Type.UNSUPPORTED)); // GNU dump dir
    }

    @ParameterizedTest(name = "flag {0} -> {1}")
    @MethodSource("flags")
    void typeFlag_mapsToType_onlyFilesHaveASize_onlyLinksALinkName_andSizedBlocksAreSkipped(
        char flag, Type type) throws IOException {
      List<Read> all =
          read(
              cat(
                  Header.ustar("entry", flag).size(3).link("target").sealed(),
                  padded("abc"),
                  Header.ustar("next", '0').sealed(),
                  end()));
      boolean link = type == Type.SYMLINK || type == Type.HARDLINK;
      assertEquals(
          new TarEntry(
              "entry", type, 0644, type == Type.FILE ? 3 : 0, link ? "target" : "", NOV_2023, flag),
          all.get(0).entry());
      assertEquals("next", all.get(1).entry().name());
      assertEquals(2, all.size());
    }

    @Test
    void v7Directory_nulFlagWithTrailingSlash_isADirectory() throws IOException {
      TarEntry e = only(Header.ustar("old/", '\0').sealed()).entry();
      assertEquals(new TarEntry("old/", Type.DIRECTORY, 0644, 0, "", NOV_2023, '\0'), e);
    }

    @Test
    void trailingSlash_onAnExplicitFileFlag_staysAFile() throws IOException {
      assertEquals(Type.FILE, only(Header.ustar("notdir/", '0').sealed()).entry().type());
    }

    @Test
    void gnuSparsePaxKeys_makeAnyEntryUnsupported() throws IOException {
      TarEntry e =
          only(meta('x', paxRecord("GNU.sparse.major", "1")), Header.ustar("sparse", '0').sealed())
              .entry();
      assertEquals(Type.UNSUPPORTED, e.type());
    }
  }

  @Nested
  class OctalNumbers {
    @Test
    void leadingSpaces_areSkipped() throws IOException {
      Read r =
          only(Header.ustar("f", '0').set(124, "         14\0").sealed(), padded("twelve bytes"));
      assertEquals(12, r.entry().size());
      assertEquals("twelve bytes", r.content());
    }

    @Test
    void leadingNuls_areSkipped() throws IOException {
      Read r =
          only(
              Header.ustar("f", '0').set(124, "\0".repeat(9) + "14 ").sealed(),
              padded("x".repeat(12)));
      assertEquals(12, r.entry().size());
    }

    @Test
    void aFieldOfTwelveDigitsWithoutTerminator_endsAtTheFieldBoundary() throws IOException {
      // The mtime field that follows starts with the digit '1'.
      Read r =
          only(Header.ustar("f", '0').set(124, "000000000014").sealed(), padded("x".repeat(12)));
      assertEquals(file("f", 0644, 12, NOV_2023), r.entry());
    }

    @Test
    void digitsAfterANulTerminator_areIgnored() throws IOException {
      assertEquals(
          01234, only(Header.ustar("f", '0').mtime("1234\0" + "5670000").sealed()).entry().mtime());
    }

    @Test
    void digitsAfterASpaceTerminator_areIgnored() throws IOException {
      assertEquals(
          01234, only(Header.ustar("f", '0').mtime("1234 5670000").sealed()).entry().mtime());
    }

    @Test
    void anAllBlankField_isZero() throws IOException {
      assertEquals(0, only(Header.ustar("f", '0').mode("        ").sealed()).entry().mode());
    }

    @ParameterizedTest
    @CsvSource({
      "124, 0000000008, size", // '8' is just above the octal digits
      "124, 00000000/1, size", // '/' is just below '0'
      "136, 1452477040x, mtime",
      "100, 000064-, mode"
    })
    void nonOctalCharacter_isRefusedNamingTheField(int off, String value, String field) {
      assertEquals(
          "tar header " + field + " field is not an octal number",
          refusedFormat(cat(Header.ustar("f", '0').set(off, value).sealed(), end())));
    }
  }

  @Nested
  class Base256Numbers {
    private TarEntry withMtime(int... twelveBytes) throws IOException {
      return only(Header.ustar("f", '0').bytes(136, twelveBytes).sealed()).entry();
    }

    private String refusedMtime(int... twelveBytes) {
      return refusedFormat(cat(Header.ustar("f", '0').bytes(136, twelveBytes).sealed(), end()));
    }

    @Test
    void size_inBase256_isReadBigEndian() throws IOException {
      byte[] content = new byte[0x102];
      Arrays.fill(content, (byte) 'z');
      Read r =
          only(
              Header.ustar("f", '0')
                  .bytes(124, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x02)
                  .sealed(),
              padded(content));
      assertEquals(0x102, r.entry().size());
      assertEquals("z".repeat(0x102), r.content());
    }

    @Test
    void mode_inBase256_isReadFromAllEightBytes() throws IOException {
      TarEntry e =
          only(Header.ustar("f", '0').bytes(100, 0x80, 0, 0, 0, 0, 0, 0x01, 0xED).sealed()).entry();
      assertEquals(0755, e.mode());
    }

    @Test
    void minusOne_isAllOnes() throws IOException {
      assertEquals(
          -1,
          withMtime(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)
              .mtime());
    }

    @Test
    void largestAndSmallestLongs_areRead() throws IOException {
      assertEquals(
          Long.MAX_VALUE,
          withMtime(0x80, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF).mtime());
      assertEquals(
          Long.MIN_VALUE, withMtime(0xFF, 0xFF, 0xFF, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0).mtime());
    }

    @Test
    void valuesBeyondALong_areRefusedNamingTheField() {
      String overflow = "tar header mtime field overflows";
      // 2^63
      assertEquals(overflow, refusedMtime(0x80, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0));
      // -2^63 - 1
      assertEquals(
          overflow,
          refusedMtime(0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF));
      // 2^88: a bit in the first byte
      assertEquals(overflow, refusedMtime(0x81, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
      // -2^88 - ...: a clear bit in the first byte of a negative number
      assertEquals(
          overflow,
          refusedMtime(0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF));
    }

    @Test
    void negativeSize_isRefused() {
      byte[] h =
          Header.ustar("f", '0')
              .bytes(124, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xF0)
              .sealed();
      assertEquals("negative entry size in tar header", refusedFormat(cat(h, end())));
    }
  }

  @Nested
  class Checksums {
    private final Header header = Header.ustar("café.txt", '0'); // bytes >= 0x80 in the name

    @Test
    void unsignedByteSum_isAccepted() throws IOException {
      assertEquals("café.txt", only(header.withChecksum(header.unsignedSum())).entry().name());
    }

    @Test
    void signedByteSumOfHistoricTars_isAccepted() throws IOException {
      assertEquals("café.txt", only(header.withChecksum(header.signedSum())).entry().name());
    }

    @Test
    void checksumWithLeadingSpaces_isAccepted() throws IOException {
      byte[] h = header.withChecksum(0);
      String chk = String.format(java.util.Locale.ROOT, "%7o ", header.unsignedSum());
      System.arraycopy(chk.getBytes(StandardCharsets.US_ASCII), 0, h, 148, 8);
      assertEquals("café.txt", only(h).entry().name());
    }

    @Test
    void aChecksumThatIsNeitherSum_isRefused() {
      assertEquals(
          "tar header checksum mismatch (not a tar archive, or a corrupted one)",
          refusedFormat(cat(header.withChecksum(header.unsignedSum() + 1), end())));
    }

    @Test
    void aHeaderChangedAfterItsChecksumWasComputed_isRefused() {
      byte[] h = Header.ustar("file.txt", '0').sealed();
      h[0] = 'F';
      assertEquals(
          "tar header checksum mismatch (not a tar archive, or a corrupted one)",
          refusedFormat(cat(h, end())));
    }

    @Test
    void textInsteadOfATarArchive_isRefusedAtTheChecksumField() {
      byte[] json = "{\"not\": \"a tar archive\"}".repeat(30).getBytes(StandardCharsets.UTF_8);
      assertEquals("tar header checksum field is not an octal number", refusedFormat(json));
    }

    @Test
    void octalLookingBytesInsteadOfATarArchive_failTheChecksum() {
      assertEquals(
          "tar header checksum mismatch (not a tar archive, or a corrupted one)",
          refusedFormat("1".repeat(1024).getBytes(StandardCharsets.US_ASCII)));
    }
  }

  @Nested
  class PaxRecords {
    @Test
    void pathAndLinkpath_overrideTheUstarFields() throws IOException {
      TarEntry e =
          only(
                  meta('x', paxRecord("path", "pax/name") + paxRecord("linkpath", "pax/target")),
                  Header.ustar("ustar-name", '2').link("ustar-target").sealed())
              .entry();
      assertEquals(new TarEntry("pax/name", Type.SYMLINK, 0644, 0, "pax/target", NOV_2023, '2'), e);
    }

    @Test
    void solarisXFlag_isAPaxHeaderToo() throws IOException {
      assertEquals(
          "from-X",
          only(meta('X', paxRecord("path", "from-X")), Header.ustar("u", '0').sealed())
              .entry()
              .name());
    }

    @Test
    void aPaxHeader_appliesToTheNextEntryOnly() throws IOException {
      List<Read> all =
          read(
              cat(
                  meta('x', paxRecord("path", "renamed") + paxRecord("mtime", "5")),
                  Header.ustar("first", '0').sealed(),
                  Header.ustar("second", '0').sealed(),
                  end()));
      assertEquals(file("renamed", 0644, 0, 5), all.get(0).entry());
      assertEquals(file("second", 0644, 0, NOV_2023), all.get(1).entry());
    }

    @Test
    void globalHeader_isSkippedAndNotApplied() throws IOException {
      assertEquals(
          file("own-name", 0644, 0, NOV_2023),
          only(
                  meta('g', paxRecord("path", "global") + paxRecord("mtime", "1")),
                  Header.ustar("own-name", '0').sealed())
              .entry());
    }

    @Test
    void size_overridesTheUstarSize_andDecidesWhereTheNextHeaderIs() throws IOException {
      List<Read> all =
          read(
              cat(
                  meta('x', paxRecord("size", "600")),
                  Header.ustar("big", '0').size(0).sealed(),
                  padded("b".repeat(600)),
                  Header.ustar("next", '0').sealed(),
                  end()));
      assertEquals(file("big", 0644, 600, NOV_2023), all.get(0).entry());
      assertEquals("b".repeat(600), all.get(0).content());
      assertEquals("next", all.get(1).entry().name());
    }

    @Test
    void sizeZero_overridesANonZeroUstarSize() throws IOException {
      List<Read> all =
          read(
              cat(
                  meta('x', paxRecord("size", "0")),
                  Header.ustar("empty", '0').size(5).sealed(),
                  Header.ustar("next", '0').sealed(),
                  end()));
      assertEquals(file("empty", 0644, 0, NOV_2023), all.get(0).entry());
      assertEquals("next", all.get(1).entry().name());
    }

    @ParameterizedTest
    @CsvSource({"1700000000.999, 1700000000", "-86400, -86400", "0, 0"})
    void mtime_fractionIsDropped_andBeforeTheEpochIsAllowed(String pax, long expected)
        throws IOException {
      assertEquals(
          expected,
          only(meta('x', paxRecord("mtime", pax)), Header.ustar("f", '0').sealed())
              .entry()
              .mtime());
    }

    @Test
    void aValueMayContainEqualsSignsAndSpaces() throws IOException {
      assertEquals(
          "a=b c",
          only(meta('x', paxRecord("path", "a=b c")), Header.ustar("f", '0').sealed())
              .entry()
              .name());
    }

    @Test
    void nulPaddingAfterTheRecords_isIgnored() throws IOException {
      assertEquals(
          "padded",
          only(meta('x', paxRecord("path", "padded") + "\0\0\0\0"), Header.ustar("f", '0').sealed())
              .entry()
              .name());
    }

    @Test
    void negativeSize_isRefused() {
      assertEquals(
          "negative PAX size",
          refusedFormat(
              cat(meta('x', paxRecord("size", "-1")), Header.ustar("f", '0').sealed(), end())));
    }

    @ParameterizedTest
    @CsvSource({
      "size, 12x",
      "size, ''",
      "size, 1.5", // only mtime may have a fraction
      "mtime, soon",
      "mtime, 1e9",
      "mtime, .5" // no whole seconds
    })
    void nonDecimalNumber_isRefusedQuotingIt(String key, String value) {
      assertEquals(
          "malformed PAX " + key + ": " + value,
          refusedFormat(
              cat(meta('x', paxRecord(key, value)), Header.ustar("f", '0').sealed(), end())));
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "path=x\\n| malformed PAX record", // no length
          "x path=x\\n| malformed PAX record length",
          "-5 path=x\\n| malformed PAX record",
          "99 path=x\\n| malformed PAX record", // longer than the data
          "3 \\n| malformed PAX record", // too short to hold a key
          "12 path=abcX| malformed PAX record", // not ended by a newline
          "7 =abc\\n| malformed PAX record (no key)",
          "11 novalue\\n| malformed PAX record (no key)"
        })
    void malformedRecord_isRefused(String data, String message) {
      String record = data.replace("\\n", "\n");
      assertEquals(
          message.strip(),
          refusedFormat(cat(meta('x', record), Header.ustar("f", '0').sealed(), end())));
    }
  }

  @Nested
  class GnuLongNames {
    @Test
    void longNameAndLongLink_replaceTheHeaderFields() throws IOException {
      String name = "l/".repeat(200) + "name";
      String link = "t/".repeat(200) + "target";
      TarEntry e =
          only(
                  meta('L', name + "\0"),
                  meta('K', link + "\0"),
                  Header.ustar("././@Long", '1').link("short").sealed())
              .entry();
      assertEquals(new TarEntry(name, Type.HARDLINK, 0644, 0, link, NOV_2023, '1'), e);
    }

    @Test
    void aLongNameWithoutNulTerminator_isTakenWhole_andBytesAfterANulAreNot() throws IOException {
      assertEquals(
          "whole", only(meta('L', "whole"), Header.ustar("x", '0').sealed()).entry().name());
      assertEquals(
          "cut", only(meta('L', "cut\0junk"), Header.ustar("x", '0').sealed()).entry().name());
    }

    @Test
    void aLongNameOfExactlyOneBlock_hasNoPadding() throws IOException {
      String name = "b".repeat(512);
      List<Read> all =
          read(
              cat(
                  meta('L', name),
                  Header.ustar("x", '0').sealed(),
                  Header.ustar("y", '0').sealed(),
                  end()));
      assertEquals(List.of(name, "y"), all.stream().map(r -> r.entry().name()).toList());
    }

    @Test
    void paxPath_winsOverAGnuLongName() throws IOException {
      assertEquals(
          "pax",
          only(
                  meta('L', "gnu\0"),
                  meta('x', paxRecord("path", "pax")),
                  Header.ustar("ustar", '0').sealed())
              .entry()
              .name());
    }
  }

  @Nested
  class MetadataLimit {
    private List<String> readWithLimit(int limit, byte[] tar) throws IOException {
      return names(new ByteArrayInputStream(tar), limit);
    }

    private List<String> names(InputStream in, int limit) throws IOException {
      TarReader r = new TarReader(in, limit);
      List<String> names = new ArrayList<>();
      for (TarEntry e; (e = r.next()) != null; ) {
        names.add(e.name());
      }
      return names;
    }

    @Test
    void metadataOfExactlyTheLimit_isRead() throws IOException {
      String name = "n".repeat(300);
      assertEquals(
          List.of(name),
          readWithLimit(300, cat(meta('L', name), Header.ustar("x", '0').sealed(), end())));
    }

    @ParameterizedTest
    @CsvSource({
      "L, GNU long name",
      "K, GNU long link name",
      "x, PAX header",
      "g, PAX global header"
    })
    void metadataOverTheLimit_isRefusedBeforeItIsRead(char type, String what) {
      byte[] tar = cat(meta(type, "n".repeat(301)), Header.ustar("x", '0').sealed(), end());
      TarFormatException e = assertThrows(TarFormatException.class, () -> readWithLimit(300, tar));
      assertEquals(what + " of 301 bytes exceeds the limit of 300 bytes", e.getMessage());
    }
  }

  @Nested
  class Truncation {
    private final byte[] hello =
        cat(Header.ustar("hello", '0').size(6).sealed(), padded("hello\n"));

    @Test
    void endOfStreamInsideAHeader_isRefused() {
      byte[] tar = cat(hello, Arrays.copyOf(Header.ustar("next", '0').sealed(), 100));
      assertEquals("tar archive truncated inside a header", refusedTruncated(tar));
    }

    @Test
    void endOfStreamInsideSkippedContent_isRefused() {
      byte[] tar = cat(Header.ustar("f", '0').size(1000).sealed(), new byte[600]);
      EOFException e = assertThrows(EOFException.class, () -> names(new ByteArrayInputStream(tar)));
      assertEquals("tar archive truncated inside an entry", e.getMessage());
    }

    @Test
    void endOfStreamInsideContentBeingRead_isRefused() throws IOException {
      TarReader r =
          new TarReader(
              new ByteArrayInputStream(
                  cat(Header.ustar("f", '0').size(1000).sealed(), new byte[600])),
              100);
      assertNotNull(r.next());
      EOFException e = assertThrows(EOFException.class, () -> r.content().readAllBytes());
      assertEquals("tar archive truncated inside an entry", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"x, PAX header", "L, GNU long name"})
    void endOfStreamInsideMetadata_isRefusedNamingIt(char type, String what) {
      byte[] tar = Arrays.copyOf(meta(type, "n".repeat(100)), 512 + 50);
      assertEquals("tar archive truncated inside a " + what, refusedTruncated(tar));
    }

    @Test
    void endOfStreamInTheBlockPaddingOfMetadata_isRefused() {
      byte[] tar = Arrays.copyOf(meta('x', paxRecord("path", "p")), 512 + 20);
      assertEquals("tar archive truncated", refusedTruncated(tar));
    }

    @Test
    void missingPaddingAfterTheLastEntry_isTolerated() throws IOException {
      byte[] tar =
          cat(
              Header.ustar("hello", '0').size(6).sealed(),
              "hello\n".getBytes(StandardCharsets.US_ASCII));
      assertEquals(List.of(new Read(file("hello", 0644, 6, NOV_2023), "hello\n")), read(tar));
    }

    @Test
    void missingEndOfArchiveBlocks_isTolerated() throws IOException {
      assertEquals(List.of(new Read(file("hello", 0644, 6, NOV_2023), "hello\n")), read(hello));
    }

    @Test
    void anEmptyStream_hasNoEntries() throws IOException {
      assertEquals(List.of(), read(new byte[0]));
    }
  }

  @Nested
  class EndOfArchive {
    private final byte[] a = Header.ustar("a", '0').sealed();

    @Test
    void oneZeroBlock_endsTheArchive() throws IOException {
      assertEquals(List.of("a"), names(new ByteArrayInputStream(cat(a, new byte[512]))));
    }

    @Test
    void entriesAfterTheFirstZeroBlock_areNotRead() throws IOException {
      byte[] tar = cat(a, new byte[512], Header.ustar("hidden", '0').sealed(), end());
      assertEquals(List.of("a"), names(new ByteArrayInputStream(tar)));
    }

    @Test
    void afterTheEnd_nextStaysNullAndReadsNothingMore() throws IOException {
      Counting in = new Counting(cat(a, end(), Header.ustar("trailing", '0').sealed()));
      TarReader r = new TarReader(in, 100);
      assertEquals("a", r.next().name());
      assertNull(r.next());
      assertEquals(1024, in.bytes); // the header and the first zero block
      int calls = in.calls;
      assertNull(r.next());
      assertNull(r.next());
      assertEquals(calls, in.calls);
    }

    @Test
    void afterEndOfStreamWithoutMarker_nextStaysNullAndReadsNothingMore() throws IOException {
      Counting in = new Counting(a);
      TarReader r = new TarReader(in, 100);
      assertEquals("a", r.next().name());
      assertNull(r.next());
      int calls = in.calls;
      assertNull(r.next());
      assertEquals(calls, in.calls);
    }
  }

  @Nested
  class ContentAndSkipping {
    @ParameterizedTest
    @ValueSource(ints = {1, 511, 512, 513, 20_000})
    void unreadContentAndItsPadding_areSkippedToTheNextHeader(int size) throws IOException {
      byte[] tar =
          cat(
              Header.ustar("big", '0').size(size).sealed(),
              padded(new byte[size]),
              Header.ustar("next", '0').sealed(),
              end());
      assertEquals(List.of("big", "next"), names(new ByteArrayInputStream(tar)));
    }

    @Test
    void partlyReadContent_isSkippedToTheNextHeader() throws IOException {
      TarReader r =
          new TarReader(
              new ByteArrayInputStream(
                  cat(
                      Header.ustar("f", '0').size(10).sealed(),
                      padded("0123456789"),
                      Header.ustar("next", '0').sealed(),
                      end())),
              100);
      r.next();
      assertEquals("012", new String(r.content().readNBytes(3), StandardCharsets.US_ASCII));
      assertEquals("next", r.next().name());
    }

    @Test
    void contentIsExactlyTheEntrysBytes_notItsPadding() throws IOException {
      TarReader r =
          new TarReader(
              new ByteArrayInputStream(
                  cat(Header.ustar("f", '0').size(5).sealed(), padded("12345"), end())),
              100);
      r.next();
      byte[] buf = new byte[4096];
      assertEquals(5, r.content().read(buf, 10, 4096 - 10));
      assertEquals("12345", new String(buf, 10, 5, StandardCharsets.US_ASCII));
      assertEquals(-1, r.content().read(buf, 0, 4096));
      assertEquals(-1, r.content().read());
    }

    @Test
    void singleByteReads_returnUnsignedValuesThenMinusOne() throws IOException {
      byte[] content = {0x00, 0x7f, (byte) 0x80, (byte) 0xff};
      TarReader r =
          new TarReader(
              new ByteArrayInputStream(
                  cat(Header.ustar("f", '0').size(4).sealed(), padded(content), end())),
              100);
      r.next();
      InputStream c = r.content();
      assertArrayEquals(
          new int[] {0, 127, 128, 255, -1},
          new int[] {c.read(), c.read(), c.read(), c.read(), c.read()});
    }

    @Test
    void singleByteReads_fromAStreamThatSometimesDeliversNothing_neverInventBytes()
        throws IOException {
      TarReader r =
          new TarReader(
              new TarBlocks.Trickle(
                  cat(Header.ustar("f", '0').size(3).sealed(), padded("abc"), end())),
              100);
      r.next();
      InputStream c = r.content();
      assertArrayEquals(
          new int[] {'a', 'b', 'c', -1}, new int[] {c.read(), c.read(), c.read(), c.read()});
    }

    @Test
    void closingTheContent_leavesTheArchiveReadable() throws IOException {
      TarReader r =
          new TarReader(
              new ByteArrayInputStream(
                  cat(
                      Header.ustar("f", '0').size(3).sealed(),
                      padded("abc"),
                      Header.ustar("g", '0').sealed(),
                      end())),
              100);
      r.next();
      r.content().close();
      assertEquals("g", r.next().name());
    }

    @Test
    void aStreamThatDeliversAtMostOneByteAndSometimesNone_readsTheSame() throws IOException {
      byte[] gnu;
      try (InputStream in = getClass().getResourceAsStream("/tar/gnu.tar")) {
        gnu = in.readAllBytes();
      }
      assertEquals(TarBlocks.readAll(gnu), TarBlocks.readAll(new TarBlocks.Trickle(gnu)));
      assertEquals(names(new ByteArrayInputStream(gnu)), names(new TarBlocks.Trickle(gnu)));
    }
  }

  /** Counts read calls and bytes. */
  static final class Counting extends ByteArrayInputStream {
    int calls;
    long bytes;

    Counting(byte[] b) {
      super(b);
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
      calls++;
      int n = super.read(b, off, len);
      bytes += Math.max(n, 0);
      return n;
    }

    @Override
    public synchronized int read() {
      throw new AssertionError("single-byte reads are not expected");
    }
  }
}
