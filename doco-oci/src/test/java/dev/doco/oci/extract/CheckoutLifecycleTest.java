package dev.doco.oci.extract;

import static dev.doco.oci.extract.TestArtifacts.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.doco.core.DocoListener;
import dev.doco.core.Revision;
import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.FetchOptions;
import dev.doco.core.spi.Manifest;
import dev.doco.oci.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inode kept, interruptions, crash recovery, cache hits, revision history. */
class CheckoutLifecycleTest {
  @TempDir Path data;
  final Repo repo = new Repo();

  private CheckoutWriter writer(CheckoutStore store) {
    return new CheckoutWriter(
        store, ExtractionLimits.DEFAULT, new Platform("linux", "amd64", null), DocoListener.NONE);
  }

  private Revision version(String tag, String compose) {
    return repo.manifest(
        tag,
        repo.layer(
            TAR_GZ,
            gzip(tar().file(".doco-cd.yaml", DOCO_YAML).file("compose.yaml", compose).bytes())));
  }

  @Test
  void update_keepsTheDirectoryInode_andReplacesTheContent() throws IOException {
    CheckoutStore store = new CheckoutStore(data, 3);
    Path dir = store.checkoutDirectory("reg.example/org/cfg", "prod");
    writer(store)
        .write(
            version("v1", "one"),
            CheckoutWriter.content(repo, store.blobs(), DocoListener.NONE),
            dir,
            FetchOptions.DEFAULT);
    Files.writeString(dir.resolve("stray.txt"), "left by someone");
    Object inode = Files.getAttribute(dir, "unix:ino");
    writer(store)
        .write(
            version("v2", "two"),
            CheckoutWriter.content(repo, store.blobs(), DocoListener.NONE),
            dir,
            FetchOptions.DEFAULT);
    assertEquals(inode, Files.getAttribute(dir, "unix:ino"));
    assertEquals(Map.of(".doco-cd.yaml", DOCO_YAML, "compose.yaml", "two"), snapshot(dir));
  }

  @Test
  void interruptedDownload_leavesTheOldCheckout() throws IOException {
    CheckoutStore store = new CheckoutStore(data, 3);
    Path dir = data.resolve("checkouts/r/t");
    writer(store)
        .write(
            version("v1", "one"),
            CheckoutWriter.content(repo, store.blobs(), DocoListener.NONE),
            dir,
            FetchOptions.DEFAULT);
    Revision v2 = version("v2", "two".repeat(10_000));
    CheckoutWriter.Content cut =
        new CheckoutWriter.Content() {
          @Override
          public Manifest manifest(String digest) throws IOException {
            return repo.manifest(digest);
          }

          @Override
          public void download(Descriptor blob, Path target) throws IOException {
            InputStream in = repo.blob(blob.digest());
            InputStream dying =
                new InputStream() {
                  int n;

                  @Override
                  public int read() throws IOException {
                    if (++n > 100) {
                      throw new IOException("connection reset");
                    }
                    return in.read();
                  }
                };
            store.blobs().put(blob.digest(), blob.size(), dying, DocoListener.NONE);
          }
        };
    ExtractionException e =
        assertThrows(
            ExtractionException.class,
            () -> writer(store).write(v2, cut, dir, FetchOptions.DEFAULT));
    assertTrue(e.getMessage().contains("connection reset"), e.getMessage());
    assertEquals(Map.of(".doco-cd.yaml", DOCO_YAML, "compose.yaml", "one"), snapshot(dir));
  }

  @Test
  void interruptedExtraction_leavesTheOldCheckout_andNoStaging() throws IOException {
    Path dir = data.resolve("c/x");
    AtomicCheckout.replace(dir, s -> Files.writeString(s.resolve("a"), "old"));
    assertThrows(
        IllegalStateException.class,
        () ->
            AtomicCheckout.replace(
                dir,
                s -> {
                  Files.writeString(s.resolve("a"), "new");
                  Files.writeString(s.resolve("b"), "half");
                  throw new IllegalStateException("killed mid-extraction");
                }));
    assertEquals(Map.of("a", "old"), snapshot(dir));
    try (var s = Files.list(dir.getParent())) {
      assertEquals(
          List.of("x"),
          s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".lock")).toList());
    }
  }

  @Test
  void crashMidSwap_isRepairedByTheNextUpdate_restoringTheOldContent() throws IOException {
    Path dir = data.resolve("c/y");
    AtomicCheckout.replace(
        dir,
        s -> {
          Files.writeString(s.resolve("a"), "old-a");
          Files.writeString(s.resolve("b"), "old-b");
        });
    // Simulate a process that died while moving new entries in: old entries sit in the backup,
    // one new entry is already in place, journal says "moving-in".
    Path backup = Files.createDirectory(dir.getParent().resolve(".y.old-123"));
    Files.move(dir.resolve("a"), backup.resolve("a"));
    Files.move(dir.resolve("b"), backup.resolve("b"));
    Files.writeString(dir.resolve("a"), "new-a");
    Files.writeString(AtomicCheckout.journal(dir.toAbsolutePath()), ".y.old-123\nmoving-in\n");
    AtomicCheckout.recover(dir);
    assertEquals(Map.of("a", "old-a", "b", "old-b"), snapshot(dir));
    assertFalse(Files.exists(backup));
    assertFalse(Files.exists(AtomicCheckout.journal(dir.toAbsolutePath())));
  }

  @Test
  void crashWhileMovingOldEntriesOut_isRepaired() throws IOException {
    Path dir = data.resolve("c/z");
    AtomicCheckout.replace(
        dir,
        s -> {
          Files.writeString(s.resolve("a"), "old-a");
          Files.writeString(s.resolve("b"), "old-b");
        });
    Path backup = Files.createDirectory(dir.getParent().resolve(".z.old-9"));
    Files.move(dir.resolve("a"), backup.resolve("a"));
    Files.writeString(AtomicCheckout.journal(dir.toAbsolutePath()), ".z.old-9\n");
    assertThrows(
        java.io.UncheckedIOException.class,
        () ->
            AtomicCheckout.replace(
                dir,
                s -> {
                  throw new IOException("refused new content");
                }));
    assertEquals(Map.of("a", "old-a", "b", "old-b"), snapshot(dir));
  }

  @Test
  void sameDigestAgain_downloadsNothing() throws IOException {
    CheckoutStore store = new CheckoutStore(data, 3);
    Revision v1 = version("v1", "one");
    Path dir = data.resolve("checkouts/r/v1");
    writer(store)
        .write(
            v1,
            CheckoutWriter.content(repo, store.blobs(), DocoListener.NONE),
            dir,
            FetchOptions.DEFAULT);
    assertEquals(1, repo.manifestReads.get());
    assertEquals(1, repo.blobReads.get());
    // a restart: new store, new writer, same data directory; even a different checkout dir
    CheckoutStore again = new CheckoutStore(data, 3);
    writer(again)
        .write(
            v1,
            CheckoutWriter.content(repo, again.blobs(), DocoListener.NONE),
            data.resolve("checkouts/r/other"),
            FetchOptions.DEFAULT);
    assertEquals(1, repo.manifestReads.get(), "manifest read again");
    assertEquals(1, repo.blobReads.get(), "blob downloaded again");
    assertEquals(snapshot(dir), snapshot(data.resolve("checkouts/r/other")));
  }

  @Test
  void history_keepsTheLastN_andDropsBlobsOfOlderRevisions() throws IOException {
    CheckoutStore store = new CheckoutStore(data, 2);
    Path dir = store.checkoutDirectory("reg.example/org/cfg", "prod");
    Revision v1 = version("v1", "one");
    Revision v2 = version("v2", "two");
    Revision v3 = version("v3", "three");
    for (Revision r : List.of(v1, v2, v3)) {
      Revision asProd =
          new Revision(
              r.reference(), "reg.example/org/cfg", "prod", r.digest(), r.mediaType(), Map.of());
      writer(store)
          .write(
              asProd,
              CheckoutWriter.content(repo, store.blobs(), DocoListener.NONE),
              dir,
              FetchOptions.DEFAULT);
    }
    List<CheckoutStore.RevisionRecord> h = store.history("reg.example/org/cfg", "prod");
    assertEquals(
        List.of(v3.digest(), v2.digest()),
        h.stream().map(CheckoutStore.RevisionRecord::digest).toList());
    assertFalse(store.blobs().contains(v1.digest()), "v1 manifest still cached");
    assertTrue(store.blobs().contains(v2.digest()));
    for (String b : h.get(1).blobs()) {
      assertTrue(store.blobs().contains(b), "blob of kept revision dropped: " + b);
    }
  }

  @Test
  void checkoutDirectories_arePerRegistryRepositoryAndTag_withSafeNames() {
    CheckoutStore store = new CheckoutStore(data, 3);
    Path prod = store.checkoutDirectory("127.0.0.1:5000/org/cfg", "prod");
    Path staging = store.checkoutDirectory("127.0.0.1:5000/org/cfg", "staging");
    assertNotEquals(prod, staging);
    assertEquals(data.toAbsolutePath().resolve("checkouts/127.0.0.1_5000/org/cfg/prod"), prod);
    Path byDigest = store.checkoutDirectory("ghcr.io/a/b", "sha256:" + "a".repeat(64));
    assertEquals("sha256_" + "a".repeat(64), byDigest.getFileName().toString());
    Path layout = store.checkoutDirectory("oci-layout:/srv/layouts/cfg", "v1");
    assertEquals(data.toAbsolutePath().resolve("checkouts/oci-layout/srv/layouts/cfg/v1"), layout);
    assertEquals("___", CheckoutStore.safe(".."));
    assertEquals("_hidden", CheckoutStore.safe(".hidden"));
  }
}
