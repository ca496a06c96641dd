package dev.doco.oci.internal.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.doco.oci.internal.tar.TarBlocks.Read;
import dev.doco.oci.internal.tar.TarEntry.Type;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link TarReader} on archives written by real tools (GNU tar 1.34 and Python 3.11's tarfile; see
 * {@code src/test/resources/tar/README.md}): every entry with every field doco uses.
 */
class TarReaderRealArchivesTest {
  private static final String LONG_NAME = "d".repeat(60) + "/" + "n".repeat(70) + ".txt";
  private static final long NOV_2023 = 1_700_000_000L;
  private static final long JAN_1960 = -315_619_200L;

  private static List<Read> read(String resource) throws IOException {
    try (InputStream in = TarReaderRealArchivesTest.class.getResourceAsStream("/tar/" + resource)) {
      if (in == null) {
        throw new IOException("missing test resource " + resource);
      }
      return TarBlocks.readAll(in);
    }
  }

  private static Read entry(
      String name, Type type, int mode, long size, String link, long mtime, char flag, String c) {
    return new Read(new TarEntry(name, type, mode, size, link, mtime, flag), c);
  }

  @Test
  void gnuFormat_longNamesAndLinksFromLAndKRecords_andBase256NegativeMtime() throws IOException {
    assertEquals(
        List.of(
            entry("hello.txt", Type.FILE, 0640, 6, "", NOV_2023, '0', "hello\n"),
            entry("hard.txt", Type.HARDLINK, 0640, 0, "hello.txt", NOV_2023, '1', ""),
            // GNU tar stores times before 1970 as base-256 two's complement
            entry("old.txt", Type.FILE, 0644, 0, "", JAN_1960, '0', ""),
            entry("sub/", Type.DIRECTORY, 0750, 0, "", NOV_2023, '5', ""),
            entry("longlink", Type.SYMLINK, 0777, 0, "t".repeat(120), NOV_2023, '2', ""),
            entry(LONG_NAME, Type.FILE, 0644, 5, "", NOV_2023, '0', "long\n")),
        read("gnu.tar"));
  }

  @Test
  void posixFormat_paxPathLinkpathAndMtimeOverrideTheUstarFields() throws IOException {
    assertEquals(
        List.of(
            entry("hello.txt", Type.FILE, 0640, 6, "", NOV_2023, '0', "hello\n"),
            // mtime=-315619200 in the PAX header, 0 in the ustar field
            entry("old.txt", Type.FILE, 0644, 0, "", JAN_1960, '0', ""),
            entry("longlink", Type.SYMLINK, 0777, 0, "t".repeat(120), NOV_2023, '2', ""),
            // path=café.txt and mtime=1700000000.25 (the fraction is dropped)
            entry("café.txt", Type.FILE, 0644, 2, "", NOV_2023, '0', "x\n"),
            entry(LONG_NAME, Type.FILE, 0644, 5, "", NOV_2023, '0', "long\n")),
        read("posix.tar"));
  }

  @Test
  void ustarFormat_longNameIsJoinedFromPrefixAndName() throws IOException {
    assertEquals(
        List.of(entry(LONG_NAME, Type.FILE, 0644, 5, "", NOV_2023, '0', "long\n")),
        read("ustar.tar"));
  }

  @Test
  void pythonPax_globalHeaderIsSkipped_fractionalMtimeTruncated_utf8NamesAndLinks()
      throws IOException {
    assertEquals(
        List.of(
            // the ustar mtime field says 1700000001 (rounded); PAX mtime=1700000000.75 wins
            entry("fraction.txt", Type.FILE, 0644, 5, "", NOV_2023, '0', "frac\n"),
            entry("ünïcode/名前.txt", Type.FILE, 0600, 5, "", NOV_2023, '0', "utf8\n"),
            entry("link-to-unicode", Type.SYMLINK, 0777, 0, "ünïcode/名前.txt", NOV_2023, '2', "")),
        read("python-pax.tar"));
  }

  @Test
  void pythonGnu_longNameAndLongLink_andSetuidBitKept() throws IOException {
    assertEquals(
        List.of(
            entry(
                "g/" + "x".repeat(150) + ".txt",
                Type.FILE,
                0644,
                14,
                "",
                NOV_2023,
                '0',
                "gnu long name\n"),
            entry("s", Type.SYMLINK, 0777, 0, "y".repeat(130), NOV_2023, '2', ""),
            entry("setuid", Type.FILE, 04755, 10, "", NOV_2023, '0', "#!/bin/sh\n")),
        read("python-gnu.tar"));
  }

  @Test
  void gnuSparsePax_isUnsupported_andItsDataBlocksAreSkippedToTheNextEntry() throws IOException {
    List<Read> all = read("sparse-posix.tar");
    assertEquals(2, all.size());
    // a '0' entry, but GNU.sparse.* PAX keys make its 515 content bytes a sparse map + data
    assertEquals(
        new TarEntry(
            "./GNUSparseFile.20433/sparse.bin", Type.UNSUPPORTED, 0644, 0, "", NOV_2023, '0'),
        all.get(0).entry());
    assertEquals(
        entry("z-after.txt", Type.FILE, 0644, 6, "", NOV_2023, '0', "after\n"), all.get(1));
  }

  @Test
  void v7Format_nulTypeFlagIsARegularFile() throws IOException {
    assertEquals(
        List.of(
            entry("hello.txt", Type.FILE, 0640, 6, "", NOV_2023, '\0', "hello\n"),
            entry("sub/", Type.DIRECTORY, 0750, 0, "", NOV_2023, '5', "")),
        read("v7.tar"));
  }
}
