package dev.doco.oci.extract;

import static dev.doco.oci.extract.ExtractionException.Reason.*;
import static dev.doco.oci.extract.TestArtifacts.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.doco.core.DocoListener;
import dev.doco.core.Revision;
import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.FetchOptions;
import dev.doco.core.spi.Manifest;
import dev.doco.oci.DigestMismatchException;
import dev.doco.oci.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which manifests are followed, how failures are named, and the cache during a fetch. */
class CheckoutWriterTest {
  @TempDir Path data;
  final Repo repo = new Repo();
  CheckoutStore store;

  @org.junit.jupiter.api.BeforeEach
  void store() {
    store = new CheckoutStore(data, 3);
  }

  private CheckoutWriter writer() {
    return new CheckoutWriter(
        store, ExtractionLimits.DEFAULT, new Platform("linux", "amd64", null), DocoListener.NONE);
  }

  private CheckoutWriter.Content content() {
    return CheckoutWriter.content(repo, store.blobs(), DocoListener.NONE);
  }

  private Descriptor goodLayer() {
    return repo.layer(TAR, tar().file(".doco-cd.yaml", DOCO_YAML).file("c.yaml", "x").bytes());
  }

  private ExtractionException refused(
      Revision r, CheckoutWriter.Content c, ExtractionException.Reason reason, String message) {
    ExtractionException e =
        assertThrows(
            ExtractionException.class,
            () -> writer().write(r, c, data.resolve("out"), FetchOptions.DEFAULT));
    assertEquals(reason, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains(message), "message lacks '" + message + "': " + e);
    return e;
  }

  private String indexOver(String tag, Revision child, String mediaType) {
    String entry =
        "{\"mediaType\":\""
            + mediaType
            + "\",\"digest\":\""
            + child.digest()
            + "\",\"size\":"
            + repo.blobs.get(child.digest()).length
            + "}";
    return repo.index(tag, List.of(entry)).digest();
  }

  /** {@code depth} indexes, each over the next, over an image manifest. */
  private Revision nested(int depth) {
    Revision r = repo.manifest("img", goodLayer());
    for (int i = 0; i < depth; i++) {
      String mt =
          i == 0
              ? "application/vnd.oci.image.manifest.v1+json"
              : "application/vnd.oci.image.index.v1+json";
      String d = indexOver("i" + i, r, mt);
      r =
          new Revision(
              r.reference(),
              r.repository(),
              "i" + i,
              d,
              "application/vnd.oci.image.index.v1+json",
              Map.of());
    }
    return r;
  }

  @Test
  void indexesNestedFourDeep_areFollowed_fiveAreRefused() throws IOException {
    writer().write(nested(4), content(), data.resolve("four"), FetchOptions.DEFAULT);
    assertEquals("x", Files.readString(data.resolve("four/c.yaml")));
    refused(nested(5), content(), NO_CONTENT, "indexes nested deeper than 4 levels");
  }

  @Test
  void dockerSchema1Manifests_areRefused_dockerSchema2IsFetched() throws IOException {
    Revision oci = repo.manifest("m", goodLayer());
    String json = new String(repo.blobs.get(oci.digest()), java.nio.charset.StandardCharsets.UTF_8);
    for (String schema1 :
        new String[] {
          "application/vnd.docker.distribution.manifest.v1+json",
          "application/vnd.docker.distribution.manifest.v1+prettyjws"
        }) {
      Revision r =
          repo.put(
              "s1",
              json.replace("\"schemaVersion\":2", "\"schemaVersion\":1 ")
                  .replace("application/vnd.oci.image.manifest.v1+json", schema1),
              schema1);
      refused(r, content(), NO_CONTENT, "Docker schema 1 manifests are not supported");
    }
    String v2 = "application/vnd.docker.distribution.manifest.v2+json";
    Revision docker =
        repo.put("v2", json.replace("application/vnd.oci.image.manifest.v1+json", v2), v2);
    writer().write(docker, content(), data.resolve("v2"), FetchOptions.DEFAULT);
    assertEquals("x", Files.readString(data.resolve("v2/c.yaml")));
  }

  @Test
  void garbageCollectionDuringAFetch_keepsEveryBlobTheFetchUses() throws IOException {
    Revision image = repo.manifest("img", goodLayer());
    String idx = indexOver("idx", image, "application/vnd.oci.image.manifest.v1+json");
    Revision r =
        new Revision(
            "mem.example/test/repo:idx",
            "mem.example/test/repo",
            "idx",
            idx,
            "application/vnd.oci.image.index.v1+json",
            Map.of());
    CheckoutWriter.Content real = content();
    CheckoutWriter.Content collecting =
        new CheckoutWriter.Content() {
          @Override
          public Manifest manifest(String digest) throws IOException {
            store.collectGarbage(); // another checkout finishing meanwhile
            return real.manifest(digest);
          }

          @Override
          public void download(Descriptor blob, Path target) throws IOException {
            store.collectGarbage();
            real.download(blob, target);
          }
        };
    writer().write(r, collecting, data.resolve("gc"), FetchOptions.DEFAULT);
    for (String b : store.history("mem.example/test/repo", "idx").get(0).blobs()) {
      assertTrue(store.blobs().contains(b), "blob of the new revision collected: " + b);
    }
    assertEquals(3, store.history("mem.example/test/repo", "idx").get(0).blobs().size());
  }

  @Test
  void aDamagedCachedLayer_isRefusedOnTheNextFetch_andDropped() throws IOException {
    Descriptor layer = goodLayer();
    Revision r = repo.manifest("m", layer);
    writer().write(r, content(), data.resolve("first"), FetchOptions.DEFAULT);
    Path cached = store.blobs().path(layer.digest());
    byte[] b = Files.readAllBytes(cached);
    b[b.length - 1] ^= 1;
    Files.write(cached, b);
    refused(r, content(), DIGEST_MISMATCH, "was damaged and has been removed");
    assertFalse(store.blobs().contains(layer.digest()));
  }

  @Test
  void aDamagedCachedManifest_isADigestMismatch() throws IOException {
    Revision r = repo.manifest("m", goodLayer());
    store.blobs().put(r.digest(), repo.blobs.get(r.digest()));
    Path cached = store.blobs().path(r.digest());
    Files.writeString(cached, Files.readString(cached).replace("\"size\":2", "\"size\":3"));
    refused(r, content(), DIGEST_MISMATCH, "reading manifest " + r.digest() + " failed");
  }

  @Test
  void anUnreachableManifest_isAnIoError() {
    Revision r =
        new Revision(
            "mem.example/test/repo:x",
            "mem.example/test/repo",
            "x",
            sha256("nothing".getBytes()),
            "application/vnd.oci.image.manifest.v1+json",
            Map.of());
    refused(r, content(), IO, "reading manifest " + r.digest() + " failed: no manifest");
  }

  private CheckoutWriter.Content failingDownload(RuntimeException runtime, IOException io) {
    CheckoutWriter.Content real = content();
    return new CheckoutWriter.Content() {
      @Override
      public Manifest manifest(String digest) throws IOException {
        return real.manifest(digest);
      }

      @Override
      public void download(Descriptor blob, Path target) throws IOException {
        if (runtime != null) {
          throw runtime;
        }
        throw io;
      }
    };
  }

  @Test
  void aRegistryDigestMismatchWhileDownloading_isADigestMismatch() {
    Descriptor layer = goodLayer();
    Revision r = repo.manifest("m", layer);
    ExtractionException e =
        refused(
            r,
            failingDownload(
                new DigestMismatchException(
                    "bytes differ", "reg", "repo", layer.digest(), "sha256:x"),
                null),
            DIGEST_MISMATCH,
            "downloading layer " + layer.digest() + " (" + TAR + ") failed: bytes differ");
    assertEquals(layer.digest(), e.layer().orElseThrow());
  }

  @Test
  void anIoErrorWhileDownloading_isAnIoError_andTheOldCheckoutStays() {
    Revision r = repo.manifest("m", goodLayer());
    refused(
        r,
        failingDownload(null, new IOException("reset")),
        IO,
        "failed: reset; the previous checkout is untouched");
  }

  @Test
  void aCheckoutThatCannotBeWritten_isAnIoErrorWithTheCause() throws IOException {
    Files.writeString(data.resolve("file"), "not a directory");
    Path dir = data.resolve("file/checkout");
    ExtractionException e =
        assertThrows(
            ExtractionException.class,
            () ->
                writer()
                    .write(repo.manifest("m", goodLayer()), content(), dir, FetchOptions.DEFAULT));
    assertEquals(IO, e.reason());
    assertTrue(
        e.getMessage().contains("writing the checkout " + dir + " failed: "), e.getMessage());
    assertFalse(e.getMessage().contains("java.nio"), "the cause's message, not its toString: " + e);
    assertTrue(e.getMessage().endsWith("; the previous checkout is untouched"), e.getMessage());
  }
}
