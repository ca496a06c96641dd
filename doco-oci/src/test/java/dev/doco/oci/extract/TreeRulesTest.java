package dev.doco.oci.extract;

import static dev.doco.oci.extract.ExtractionException.Reason.*;
import static dev.doco.oci.extract.TestArtifacts.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.doco.core.spi.Descriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules one entry at a time, applied by {@link Materializer} straight to a directory ({@code
 * root}) whose parent holds a file {@code secret} that no artifact may reach.
 */
class TreeRulesTest {
  @TempDir Path base;
  Path root;
  Path secret;
  final Repo repo = new Repo();
  ExtractionLimits limits = ExtractionLimits.DEFAULT;

  @BeforeEach
  void dirs() throws IOException {
    root = Files.createDirectory(base.resolve("root"));
    secret = Files.writeString(base.resolve("secret"), "outside");
  }

  private Materializer.Stats apply(Descriptor... layers) {
    return new Materializer(limits)
        .apply(
            "ref",
            "sha256:m",
            List.of(layers),
            d -> BlobCache.verifying(repo.blob(d.digest()), d.digest(), d.size()),
            root);
  }

  private Descriptor layer(Tar t) {
    return repo.layer(TAR, t.bytes());
  }

  private Descriptor titled(String title, String content) {
    return repo.layer(
        TAR, content.getBytes(StandardCharsets.UTF_8), Map.of(Materializer.TITLE, title));
  }

  /** A titled raw layer whose descriptor gives no size (-1). */
  private Descriptor titledWithoutSize(String title, String content) {
    Descriptor d = titled(title, content);
    return new Descriptor(d.mediaType(), d.digest(), -1, null, d.annotations());
  }

  private ExtractionException refused(
      ExtractionException.Reason reason, String entry, String message, Descriptor... layers) {
    ExtractionException e = assertThrows(ExtractionException.class, () -> apply(layers));
    assertEquals(reason, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains(message), "message lacks '" + message + "': " + e);
    if (entry != null) {
      assertEquals(entry, e.entry().orElseThrow());
    }
    return e;
  }

  private static String perms(Path p) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  /**
   * {@code a -> b/../..} is the root while {@code b -> p/q}; then {@code b} becomes a real
   * directory, so {@code a} leads to the root's parent, where {@code secret} is.
   */
  private static Tar linkMadeToLeadOutside() {
    return tar().dir("p/q").symlink("b", "p/q").symlink("a", "b/../..").dir("b");
  }

  private void assertSecretUntouched() throws IOException {
    assertEquals("outside", Files.readString(secret));
    assertEquals(1, Files.getAttribute(secret, "unix:nlink"));
  }

  // ---- budgets: exactly at the limit passes, one over is refused ----

  @Test
  void entryBudget_allowsExactlyTheLimit_andRefusesTheNextEntryByName() throws IOException {
    limits = limits.withMaxEntries(3);
    assertEquals(3, apply(layer(tar().file("a", "1").file("b", "2").file("c", "3"))).files());
    root = Files.createDirectory(base.resolve("second"));
    refused(
        ENTRIES,
        "d",
        "limit of 3 entries (DOCO_EXTRACT_MAX_ENTRIES)",
        layer(tar().file("a", "1").file("b", "2").file("c", "3").file("d", "4")));
  }

  @Test
  void titledRawLayers_countAsEntries() {
    limits = limits.withMaxEntries(1);
    refused(ENTRIES, "b.yaml", "limit of 1 entries", titled("a.yaml", "a"), titled("b.yaml", "b"));
  }

  @Test
  void fileBudget_exactlyAtTheLimit_isWritten() throws IOException {
    limits = limits.withMaxFileBytes(5);
    apply(layer(tar().file("f", "12345")));
    assertEquals("12345", Files.readString(root.resolve("f")));
  }

  @Test
  void fileBudget_oneByteOver_isRefusedBeforeAnythingIsWritten() {
    limits = limits.withMaxFileBytes(5);
    refused(
        FILE_SIZE,
        "f",
        "file 'f' of 6 bytes exceeds the per-file limit of 5 bytes",
        layer(tar().file("f", "123456")));
    assertFalse(Files.exists(root.resolve("f")));
  }

  @Test
  void totalBudget_exactlyAtTheLimit_isWritten() {
    limits = limits.withMaxTotalBytes(10);
    Materializer.Stats s = apply(layer(tar().file("a", "1234").file("b", "123456")));
    assertEquals(new Materializer.Stats(2, 10, 1), s);
  }

  @Test
  void totalBudget_oneByteOver_isRefusedAtTheEntry_beforeItIsWritten() {
    limits = limits.withMaxTotalBytes(10);
    refused(
        TOTAL_BYTES,
        "b",
        "maximum extraction size of 10 bytes at entry 'b'",
        layer(tar().file("a", "1234").file("b", "1234567")));
    assertTrue(Files.exists(root.resolve("a")));
    assertFalse(Files.exists(root.resolve("b")), "b was created before it was refused");
  }

  @Test
  void titledLayerWithoutADeclaredSize_isHeldToTheFileBudgetWhileStreaming() throws IOException {
    limits = limits.withMaxFileBytes(10);
    apply(titledWithoutSize("ten", "0123456789"));
    assertEquals("0123456789", Files.readString(root.resolve("ten")));
    refused(
        FILE_SIZE,
        "eleven",
        "file 'eleven' of 11 bytes exceeds the per-file limit of 10 bytes",
        titledWithoutSize("eleven", "0123456789a"));
  }

  @Test
  void titledLayersWithoutADeclaredSize_areHeldToTheTotalBudgetWhileStreaming() {
    limits = limits.withMaxTotalBytes(10);
    assertEquals(
        10, apply(titledWithoutSize("a", "1234"), titledWithoutSize("b", "123456")).bytes());
    refused(
        TOTAL_BYTES,
        "d",
        "maximum extraction size of 10 bytes at entry 'd'",
        titledWithoutSize("c", "1234"),
        titledWithoutSize("d", "1234567"));
  }

  @Test
  void pathBudget_exactlyAtTheLimit_isAccepted_oneByteMoreIsRefused() throws IOException {
    limits = limits.withMaxPathLength(10);
    apply(layer(tar().file("abcde/ghij", "x")));
    assertEquals("x", Files.readString(root.resolve("abcde/ghij")));
    refused(
        PATH_LENGTH,
        "abcde/ghijk",
        "entry path of 11 bytes exceeds the path length limit of 10 bytes",
        layer(tar().file("abcde/ghijk", "x")));
  }

  @Test
  void nameSegment_of255Bytes_isAccepted_256BytesAreRefused_countingUtf8Bytes() {
    apply(layer(tar().file("x".repeat(255), "x")));
    assertTrue(Files.exists(root.resolve("x".repeat(255))));
    String twoByteChars = "ü".repeat(128); // 128 characters, 256 bytes
    refused(
        PATH_LENGTH,
        "d/" + twoByteChars,
        "has a name longer than 255 bytes",
        layer(tar().file("d/" + twoByteChars, "x")));
  }

  // ---- paths ----

  @Test
  void nulInAnEntryPath_isRefused() {
    refused(INVALID_PATH, null, "NUL character", layer(tar().file("ü\0evil", "x")));
  }

  @Test
  void backslashAtTheStartOfAPath_isRefused() {
    refused(BACKSLASH, "\\evil", "contains a backslash", layer(tar().file("\\evil", "x")));
  }

  @Test
  void rootDirectoryEntry_isAccepted_butAFileWithAnEmptyPathIsRefused() {
    assertEquals(1, apply(layer(tar().dir(".").file("a", "1"))).layers());
    refused(INVALID_PATH, "./", "entry './' has an empty path", layer(tar().file("./", "x")));
  }

  @Test
  void titleNamingNoFile_isRefused() {
    refused(INVALID_PATH, "./", "layer title './' names no file", titled("./", "x"));
  }

  // ---- modes and times ----

  @Test
  void fileModes_keepOnlyPermissionBits_andTheOwnerCanAlwaysReadAndWrite() throws IOException {
    apply(
        layer(
            tar()
                .file("none", "x", 0)
                .file("group", "x", 0640)
                .file("setuid", "x", 04751)
                .file("all", "x", 07777)));
    assertEquals("rw-------", perms(root.resolve("none")));
    assertEquals("rw-r-----", perms(root.resolve("group")));
    assertEquals("rwxr-x--x", perms(root.resolve("setuid")));
    assertEquals("rwxrwxrwx", perms(root.resolve("all")));
    assertEquals(0777, ((Integer) Files.getAttribute(root.resolve("all"), "unix:mode")) & 07777);
  }

  @Test
  void directoryModes_keepOnlyPermissionBits_andTheOwnerCanAlwaysEnter() throws IOException {
    apply(layer(tar().dir("none", 0).dir("sgid", 02755).dir("ro", 0550).file("ro/f", "x")));
    assertEquals("rwx------", perms(root.resolve("none")));
    assertEquals("rwxr-xr-x", perms(root.resolve("sgid")));
    assertEquals(0755, ((Integer) Files.getAttribute(root.resolve("sgid"), "unix:mode")) & 07777);
    assertEquals("rwxr-x---", perms(root.resolve("ro")));
    assertEquals("x", Files.readString(root.resolve("ro/f")));
  }

  @Test
  void directoryMode_isNotAppliedToWhatLaterReplacedTheDirectory() throws IOException {
    byte[] l1 = tar().dir("d", 0777).dir("e", 0777).dir("gone", 0777).file("f", "x", 0640).bytes();
    byte[] l2 = tar().symlink("d", "f").file("e", "y", 0600).file(".wh.gone", "").bytes();
    apply(repo.layer(TAR, l1), repo.layer(TAR, l2));
    assertEquals("rw-r-----", perms(root.resolve("f")), "mode applied through the link d -> f");
    assertEquals("rw-------", perms(root.resolve("e")));
    assertFalse(Files.exists(root.resolve("gone")));
  }

  @Test
  void fileTimes_comeFromTheArchive_evenTheEpoch() throws IOException {
    apply(layer(tar().file("then", "x", 0644, 1_600_000_000L).file("epoch", "x", 0644, 0)));
    assertEquals(1_600_000_000_000L, Files.getLastModifiedTime(root.resolve("then")).toMillis());
    assertEquals(0, Files.getLastModifiedTime(root.resolve("epoch")).toMillis());
  }

  @Test
  void titledFiles_haveMode0644_andTheTimeOfExtraction() throws IOException {
    long start = System.currentTimeMillis() - 5_000;
    apply(titled("a.yaml", "a"));
    assertEquals("rw-r--r--", perms(root.resolve("a.yaml")));
    assertTrue(Files.getLastModifiedTime(root.resolve("a.yaml")).toMillis() >= start);
  }

  // ---- replacing entries ----

  @Test
  void laterEntries_replaceFilesAndDirectories_evenAsParents() throws IOException {
    byte[] l1 = tar().file("conf", "was a file").file("a", "was a file").dir("d").bytes();
    byte[] l2 =
        tar().dir("conf").file("conf/x", "1").file("a/b", "2").file("d", "now a file").bytes();
    apply(repo.layer(TAR, l1), repo.layer(TAR, l2));
    assertEquals(
        Map.of("a/", "", "a/b", "2", "conf/", "", "conf/x", "1", "d", "now a file"),
        new TreeMap<>(snapshot(root)));
  }

  // ---- links ----

  @Test
  void symlinkTargetWithANul_isRefused() {
    refused(
        INVALID_PATH, "l", "link 'l' has a NUL in its target", layer(tar().symlink("l", "ü\0x")));
  }

  @Test
  void symlinkTargetStartingWithABackslash_isRefused() {
    refused(
        BACKSLASH,
        "l",
        "link 'l' -> '\\etc' contains a backslash",
        layer(tar().symlink("l", "\\etc")));
  }

  @Test
  void symlinkWithAnEmptyTarget_isRefused() {
    refused(INVALID_PATH, "l", "link 'l' has an empty target", layer(tar().symlink("l", "")));
  }

  @Test
  void absoluteSymlink_isRefused() {
    refused(
        SYMLINK_OUTSIDE,
        "l",
        "symbolic link 'l' -> '/etc' resolves outside the checkout",
        layer(tar().symlink("l", "/etc")));
  }

  @Test
  void symlinkThroughALinkThatNowLeadsOutside_isRefusedWhenWritten() {
    ExtractionException e =
        refused(
            SYMLINK_OUTSIDE,
            "c",
            "symbolic link 'c' -> 'a/secret' resolves outside the checkout",
            layer(linkMadeToLeadOutside().symlink("c", "a/secret")));
    assertFalse(e.getMessage().contains("once all layers"), e.getMessage());
  }

  @Test
  void chainOf41Links_isFollowed_42AreRefused() throws IOException {
    Tar ok = tar().file("f", "end");
    for (int i = 0; i < 41; i++) {
      ok.symlink("l" + i, i == 40 ? "f" : "l" + (i + 1));
    }
    apply(layer(ok));
    // accepted; the kernel itself follows at most 40 links, so read through the second one
    assertTrue(Files.isSymbolicLink(root.resolve("l0")));
    assertEquals("end", Files.readString(root.resolve("l1")));

    root = Files.createDirectory(base.resolve("second"));
    Tar tooLong = tar().file("f", "end");
    for (int i = 0; i < 42; i++) {
      tooLong.symlink("l" + i, i == 41 ? "f" : "l" + (i + 1));
    }
    ExtractionException e = refused(SYMLINK_OUTSIDE, "l0", "once all layers", layer(tooLong));
    assertTrue(e.getMessage().contains("symbolic link 'l0' -> 'l1'"), e.getMessage());
  }

  @Test
  void symlinkLoop_isRefusedOnceAllLayersAreApplied() {
    ExtractionException e =
        refused(
            SYMLINK_OUTSIDE,
            null,
            "resolves outside the checkout once all layers are applied",
            layer(tar().symlink("a", "b").symlink("b", "a")));
    assertTrue(e.getMessage().startsWith("ref: symbolic link '"), e.getMessage());
    assertTrue(e.layer().isEmpty());
  }

  @Test
  void linkMadeToLeadOutside_isRefusedAtTheEnd_namingIt() {
    ExtractionException e =
        refused(
            SYMLINK_OUTSIDE,
            "a",
            "ref: symbolic link 'a' -> 'b/../..' resolves outside the checkout once all layers",
            layer(linkMadeToLeadOutside()));
    assertTrue(e.layer().isEmpty());
  }

  @Test
  void writingThroughALinkToAFile_orADanglingLink_isRefused() {
    refused(
        PARENT_LINK_OUTSIDE,
        "l/x",
        "would be written through link 'l'",
        layer(tar().file("f", "x").symlink("l", "f").file("l/x", "y")));
    refused(
        PARENT_LINK_OUTSIDE,
        "m/x",
        "would be written through link 'm'",
        layer(tar().symlink("m", "missing").file("m/x", "y")));
  }

  @Test
  void writingThroughALinkToADirectoryInside_writesIntoThatDirectory() throws IOException {
    apply(layer(tar().dir("d").symlink("l", "d").file("l/x", "y")));
    assertEquals("y", Files.readString(root.resolve("d/x")));
  }

  @Test
  void hardlinkThroughALinkThatNowLeadsOutside_isRefused_andTheOutsideFileIsNotLinked()
      throws IOException {
    refused(
        HARDLINK_TARGET,
        "h",
        "hard link 'h' -> 'a/secret' does not point at a file already extracted in the checkout",
        layer(linkMadeToLeadOutside().hardlink("h", "a/secret")));
    assertSecretUntouched();
  }

  @Test
  void hardlinkToItself_isRefused() {
    refused(
        HARDLINK_TARGET,
        "h",
        "hard link 'h' -> 'h' does not point at a file already extracted",
        layer(tar().file("h", "x")),
        layer(tar().hardlink("h", "h")));
  }

  @Test
  void hardlinkToTheRoot_orToALink_isRefused() {
    refused(
        HARDLINK_TARGET,
        "h",
        "hard link 'h' -> './' does not point at a file",
        layer(tar().hardlink("h", "./")));
    refused(
        HARDLINK_TARGET,
        "h2",
        "hard link 'h2' -> 'l' does not point at a file",
        layer(tar().file("f", "x").symlink("l", "f").hardlink("h2", "l")));
  }

  @Test
  void hardlinkWithAnAbsoluteTarget_isRefusedSayingWhy() {
    refused(
        HARDLINK_TARGET,
        "h",
        "hard link 'h' -> '/etc/passwd' is refused: entry '/etc/passwd' has an absolute path",
        layer(tar().hardlink("h", "/etc/passwd")));
  }

  // ---- whiteouts ----

  @Test
  void whiteoutsNamingDotOrDotDot_areRefused() {
    refused(INVALID_PATH, "d/.wh..", "whiteout without a name", layer(tar().file("d/.wh..", "")));
    refused(INVALID_PATH, "d/.wh...", "whiteout without a name", layer(tar().file("d/.wh...", "")));
  }

  @Test
  void whiteoutThroughALinkThatNowLeadsOutside_isRefused_andDeletesNothingThere()
      throws IOException {
    refused(
        PARENT_LINK_OUTSIDE,
        "a/.wh.secret",
        "would be written through link 'a'",
        layer(linkMadeToLeadOutside().file("a/.wh.secret", "")));
    assertSecretUntouched();
  }

  @Test
  void opaqueMarkerThroughALinkThatNowLeadsOutside_isRefused_andClearsNothingThere()
      throws IOException {
    refused(
        PARENT_LINK_OUTSIDE,
        "a/.wh..wh..opq",
        "would be written through link 'a'",
        layer(linkMadeToLeadOutside().file("a/.wh..wh..opq", "")));
    assertSecretUntouched();
  }

  @Test
  void whiteoutInADirectoryLink_removesTheEntryInItsTarget() throws IOException {
    byte[] l1 = tar().file("d/f", "x").file("d/g", "y").symlink("l", "d").bytes();
    apply(repo.layer(TAR, l1), layer(tar().file("l/.wh.f", "")));
    assertEquals(Map.of("d/", "", "d/g", "y", "l", "-> d"), new TreeMap<>(snapshot(root)));
  }

  @Test
  void opaqueMarkerUnderADirectoryLink_doesNotClearTheLinkedDirectory() throws IOException {
    byte[] l1 = tar().file("d/f", "x").symlink("l", "d").bytes();
    apply(repo.layer(TAR, l1), layer(tar().file("l/.wh..wh..opq", "")));
    assertEquals("x", Files.readString(root.resolve("d/f")));
  }

  @Test
  void opaqueMarker_createsItsDirectory() throws IOException {
    apply(layer(tar().file("a", "1")), layer(tar().file("new/.wh..wh..opq", "")));
    assertEquals(Map.of("a", "1", "new/", ""), new TreeMap<>(snapshot(root)));
  }

  @Test
  void opaqueMarkerAtTheRoot_hidesEveryEarlierLayer() throws IOException {
    apply(
        layer(tar().file("a", "1").file("d/b", "2")),
        layer(tar().file("c", "3").file(".wh..wh..opq", "")));
    assertEquals(Map.of("c", "3"), snapshot(root));
  }

  @Test
  void opaqueMarker_hidesLowerContentAtAnyDepth_keepingThisLayersEntriesInAnyOrder()
      throws IOException {
    byte[] l1 =
        tar().file("d/sub/old", "lower").file("d/other", "lower").file("d/e/x", "l").bytes();
    byte[] l2 = tar().file("d/sub/new", "upper").dir("d/e").file("d/.wh..wh..opq", "").bytes();
    apply(repo.layer(TAR, l1), repo.layer(TAR, l2));
    assertEquals(
        Map.of("d/", "", "d/e/", "", "d/sub/", "", "d/sub/new", "upper"),
        new TreeMap<>(snapshot(root)));
  }

  @Test
  void whiteoutOfSomethingAbsent_isNoError_andItsDirectoryIsCreated() throws IOException {
    apply(layer(tar().file("a", "1")), layer(tar().file("x/.wh.nothing", "")));
    assertEquals(Map.of("a", "1", "x/", ""), new TreeMap<>(snapshot(root)));
  }

  // ---- what apply reports ----

  @Test
  void stats_countEveryEntry_contentBytes_andContentLayersOnly() {
    Descriptor sig = repo.layer("application/vnd.cncf.notary.signature", "{}".getBytes());
    Materializer.Stats s =
        apply(
            layer(tar().file("a", "12").dir("d").file("d/b", "345")),
            sig,
            layer(tar().file(".wh.a", "")));
    assertEquals(new Materializer.Stats(4, 5, 2), s);
  }
}
