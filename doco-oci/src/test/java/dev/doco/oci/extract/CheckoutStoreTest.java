package dev.doco.oci.extract;

import static dev.doco.oci.extract.TestArtifacts.sha256;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Safe directory names, revision history and the blobs it keeps. */
class CheckoutStoreTest {
  @TempDir Path data;

  @Test
  void keepingFewerThanOneRevision_isRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new CheckoutStore(data, 0));
    assertEquals("keepRevisions must be at least 1", e.getMessage());
    assertEquals(data.toAbsolutePath(), new CheckoutStore(data, 1).dataDirectory());
  }

  @Test
  void safe_keepsLettersDigitsDotDashUnderscore_andReplacesTheirNeighbours() {
    assertEquals("azAZ09.-_", CheckoutStore.safe("azAZ09.-_"));
    // the characters just outside a-z, A-Z and 0-9
    assertEquals("______", CheckoutStore.safe("`{@[/:"));
    assertEquals("_", CheckoutStore.safe(""));
    assertEquals("__", CheckoutStore.safe("."));
    assertEquals("_x", CheckoutStore.safe(".x"));
  }

  private static String blob(String s) {
    return sha256(s.getBytes(StandardCharsets.UTF_8));
  }

  private static CheckoutStore.RevisionRecord rev(String digest, String... blobs) {
    return new CheckoutStore.RevisionRecord(
        digest,
        "application/vnd.oci.image.manifest.v1+json",
        List.of(blobs),
        "2026-01-01T00:00:00Z");
  }

  @Test
  void recordingTheSameDigestAgain_movesItToTheFront_once() throws IOException {
    CheckoutStore s = new CheckoutStore(data, 3);
    s.record("r.example/a", "t", rev("sha256:1"));
    s.record("r.example/a", "t", rev("sha256:2"));
    s.record("r.example/a", "t", rev("sha256:1"));
    assertEquals(
        List.of("sha256:1", "sha256:2"),
        s.history("r.example/a", "t").stream().map(CheckoutStore.RevisionRecord::digest).toList());
  }

  @Test
  void garbageCollection_keepsRecordedAndPinnedBlobs_andCountsWhatItDeletes() throws IOException {
    CheckoutStore s = new CheckoutStore(data, 3);
    for (String b : new String[] {"recorded", "pinned", "loose1", "loose2"}) {
      s.blobs().put(blob(b), b.getBytes(StandardCharsets.UTF_8));
    }
    s.pin(List.of(blob("pinned")));
    s.record("r.example/a", "t", rev("sha256:1", blob("recorded")));
    assertTrue(s.blobs().contains(blob("recorded")));
    assertTrue(s.blobs().contains(blob("pinned")));
    assertFalse(s.blobs().contains(blob("loose1")) || s.blobs().contains(blob("loose2")));
    s.unpin(List.of(blob("pinned")));
    assertEquals(1, s.collectGarbage());
    assertFalse(s.blobs().contains(blob("pinned")));
    assertTrue(s.blobs().contains(blob("recorded")));
  }
}
