package dev.doco.oci.extract;

import static dev.doco.oci.extract.TestArtifacts.snapshot;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crash recovery restores exactly the old content; a forged journal moves nothing. */
class AtomicCheckoutTest {
  @TempDir Path data;

  private Path checkout(String name, String... files) {
    Path dir = data.resolve(name);
    AtomicCheckout.replace(
        dir,
        s -> {
          for (String f : files) {
            Files.writeString(s.resolve(f), "old-" + f);
          }
        });
    return dir;
  }

  @Test
  void crashWhileMovingIn_removesNewEntriesThatTheOldContentDidNotHave() throws IOException {
    Path dir = checkout("c", "a");
    Path backup = Files.createDirectory(data.resolve(".c.old-1"));
    Files.move(dir.resolve("a"), backup.resolve("a"));
    Files.writeString(dir.resolve("new-only"), "new");
    Files.writeString(AtomicCheckout.journal(dir.toAbsolutePath()), ".c.old-1\nmoving-in\n");
    AtomicCheckout.recover(dir);
    assertEquals(Map.of("a", "old-a"), snapshot(dir));
    assertFalse(Files.exists(backup));
  }

  @Test
  void crashAfterMovingOut_andTheEmptiedCheckoutRemoved_restoresTheOldContent() throws IOException {
    Path dir = checkout("c", "a", "b");
    Path backup = Files.createDirectory(data.resolve(".c.old-1"));
    Files.move(dir.resolve("a"), backup.resolve("a"));
    Files.move(dir.resolve("b"), backup.resolve("b"));
    Files.writeString(AtomicCheckout.journal(dir.toAbsolutePath()), ".c.old-1\n");
    Files.delete(dir);
    AtomicCheckout.recover(dir);
    assertEquals(Map.of("a", "old-a", "b", "old-b"), snapshot(dir));
    assertFalse(Files.exists(backup));
    assertFalse(Files.exists(AtomicCheckout.journal(dir.toAbsolutePath())));
  }

  @Test
  void journalNamingADirectoryThatIsNotThisCheckoutsBackup_movesNothing() throws IOException {
    Path dir = checkout("c", "a");
    Path other = Files.createDirectory(data.resolve("precious"));
    Files.writeString(other.resolve("p"), "keep me");
    Files.writeString(AtomicCheckout.journal(dir.toAbsolutePath()), "precious\nmoving-in\n");
    AtomicCheckout.recover(dir);
    assertEquals(Map.of("a", "old-a"), snapshot(dir));
    assertEquals("keep me", Files.readString(other.resolve("p")));
    assertFalse(Files.exists(AtomicCheckout.journal(dir.toAbsolutePath())));
  }

  @Test
  void anEmptyJournal_isRemoved_andTheCheckoutKept() throws IOException {
    Path dir = checkout("c", "a");
    Files.writeString(AtomicCheckout.journal(dir.toAbsolutePath()), "");
    AtomicCheckout.recover(dir);
    assertEquals(Map.of("a", "old-a"), snapshot(dir));
    assertFalse(Files.exists(AtomicCheckout.journal(dir.toAbsolutePath())));
  }

  @Test
  void theFileSystemRoot_cannotBeACheckout() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> AtomicCheckout.replace(Path.of("/"), s -> {}));
    assertEquals("a checkout cannot be the file-system root: /", e.getMessage());
  }

  @Test
  void afterReplaceOrRecover_anotherThreadCanReplaceTheSameDirectory() throws Exception {
    Path dir = checkout("c", "a");
    AtomicCheckout.recover(dir);
    CompletableFuture<Void> other =
        CompletableFuture.runAsync(
            () -> AtomicCheckout.replace(dir, s -> Files.writeString(s.resolve("b"), "new-b")));
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> other.get());
    assertEquals(Map.of("b", "new-b"), snapshot(dir));
    CompletableFuture<Void> recover =
        CompletableFuture.runAsync(
            () -> {
              try {
                AtomicCheckout.recover(dir);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> recover.get());
  }
}
