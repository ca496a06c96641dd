package dev.doco.oci.extract;

import static dev.doco.oci.extract.TestArtifacts.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.doco.core.DocoEvent;
import dev.doco.core.DocoListener;
import dev.doco.core.Revision;
import dev.doco.core.spi.Checkout;
import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.FetchOptions;
import dev.doco.oci.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every shape users push becomes the same checkout. */
class ArtifactShapesTest {
  @TempDir Path data;
  final Repo repo = new Repo();
  final List<DocoEvent> events = new ArrayList<>();

  private Checkout fetch(Revision r, Path dir) {
    CheckoutStore store = new CheckoutStore(data, 3);
    DocoListener l = events::add;
    return new CheckoutWriter(
            store, ExtractionLimits.DEFAULT, new Platform("linux", "amd64", null), l)
        .write(r, CheckoutWriter.content(repo, store.blobs(), l), dir, FetchOptions.DEFAULT);
  }

  private static byte[] sampleTar() {
    return tar()
        .file(".doco-cd.yaml", DOCO_YAML)
        .dir("app")
        .file("app/compose.yaml", "services:\n  web: {}\n")
        .bytes();
  }

  private static final Map<String, String> EXPECTED =
      Map.of(
          ".doco-cd.yaml", DOCO_YAML,
          "app/", "",
          "app/compose.yaml", "services:\n  web: {}\n");

  private void assertSample(Path dir) throws IOException {
    assertEquals(new java.util.TreeMap<>(EXPECTED), new java.util.TreeMap<>(snapshot(dir)));
  }

  @Test
  void plainTar_gzip_zstd_andDockerRootfs_allGiveTheSameTree() throws IOException {
    byte[] t = sampleTar();
    String[][] shapes = {{TAR, "tar"}, {TAR_GZ, "gz"}, {TAR_ZSTD, "zst"}, {DOCKER_GZ, "docker"}};
    for (String[] s : shapes) {
      byte[] bytes = s[1].equals("tar") ? t : s[1].equals("zst") ? zstd(t) : gzip(t);
      Path dir = data.resolve("out-" + s[1]);
      fetch(repo.manifest(s[1], repo.layer(s[0], bytes)), dir);
      assertSample(dir);
    }
  }

  @Test
  void compressionIsDetectedByMagicBytes_notByTheMediaType() throws IOException {
    Path dir = data.resolve("lying");
    // declared gzip, really zstd
    fetch(repo.manifest("lying", repo.layer(TAR_GZ, zstd(sampleTar()))), dir);
    assertSample(dir);
    // declared plain tar, really gzip
    Path dir2 = data.resolve("lying2");
    fetch(repo.manifest("lying2", repo.layer(TAR, gzip(sampleTar()))), dir2);
    assertSample(dir2);
  }

  @Test
  void rawTitledLayers_areWrittenAsFiles_evenWhenLabelledTar() throws IOException {
    Descriptor a =
        repo.layer(
            TAR, DOCO_YAML.getBytes(), Map.of("org.opencontainers.image.title", ".doco-cd.yaml"));
    Descriptor b =
        repo.layer(
            TAR,
            "services:\n  web: {}\n".getBytes(),
            Map.of("org.opencontainers.image.title", "app/compose.yaml"));
    Path dir = data.resolve("raw");
    Checkout c = fetch(repo.manifest("raw", a, b), dir);
    assertSample(dir);
    assertEquals(DOCO_YAML.length() + "services:\n  web: {}\n".length(), c.bytes());
  }

  @Test
  void orasDirectoryLayer_hasItsPrefixStripped_andContentDigestChecked() throws IOException {
    byte[] t =
        tar()
            .dir("cfg")
            .file("cfg/.doco-cd.yaml", DOCO_YAML)
            .dir("cfg/app")
            .file("cfg/app/compose.yaml", "services:\n  web: {}\n")
            .bytes();
    Descriptor layer =
        repo.layer(
            TAR_GZ,
            gzip(t),
            Map.of(
                "org.opencontainers.image.title", "cfg",
                "io.deis.oras.content.unpack", "true",
                "io.deis.oras.content.digest", sha256(t)));
    Path dir = data.resolve("orasdir");
    fetch(repo.manifest("orasdir", layer), dir);
    assertSample(dir);
  }

  @Test
  void orasDirectoryLayerBesideFileLayers_staysASubdirectory_asOrasPullWritesIt()
      throws IOException {
    // oras push REF .doco-cd.yaml app : one raw titled file plus one directory layer
    Descriptor file =
        repo.layer(
            TAR, DOCO_YAML.getBytes(), Map.of("org.opencontainers.image.title", ".doco-cd.yaml"));
    byte[] t = tar().dir("app").file("app/compose.yaml", "services:\n  web: {}\n").bytes();
    Descriptor dirLayer =
        repo.layer(
            TAR_GZ,
            gzip(t),
            Map.of(
                "org.opencontainers.image.title", "app",
                "io.deis.oras.content.unpack", "true",
                "io.deis.oras.content.digest", sha256(t)));
    Path dir = data.resolve("mixed");
    fetch(repo.manifest("mixed", file, dirLayer), dir);
    assertSample(dir);
  }

  @Test
  void layersApplyInOrder_withWhiteoutsAndOpaqueDirectories() throws IOException {
    byte[] l1 =
        tar()
            .file(".doco-cd.yaml", DOCO_YAML)
            .file("old.txt", "old")
            .dir("conf")
            .file("conf/a", "1")
            .file("conf/b", "2")
            .file("keep", "v1")
            .bytes();
    byte[] l2 =
        tar()
            .file(".wh.old.txt", "")
            .dir("conf")
            .file("conf/.wh..wh..opq", "")
            .file("conf/c", "3")
            .file("keep", "v2")
            .bytes();
    Path dir = data.resolve("layers");
    fetch(repo.manifest("layers", repo.layer(TAR, l1), repo.layer(TAR_GZ, gzip(l2))), dir);
    Map<String, String> s = snapshot(dir);
    assertEquals(Map.of(".doco-cd.yaml", DOCO_YAML, "conf/", "", "conf/c", "3", "keep", "v2"), s);
  }

  @Test
  void opaqueMarker_keepsEntriesOfItsOwnLayer_whateverTheirOrder() throws IOException {
    byte[] l1 = tar().file(".doco-cd.yaml", DOCO_YAML).file("d/old", "x").bytes();
    byte[] l2 = tar().file("d/new", "y").file("d/.wh..wh..opq", "").bytes();
    Path dir = data.resolve("opq");
    fetch(repo.manifest("opq", repo.layer(TAR, l1), repo.layer(TAR, l2)), dir);
    assertEquals(Map.of(".doco-cd.yaml", DOCO_YAML, "d/", "", "d/new", "y"), snapshot(dir));
  }

  @Test
  void signatureAndAttestationLayers_areIgnored() throws IOException {
    Descriptor content = repo.layer(TAR_GZ, gzip(sampleTar()));
    Descriptor intoto =
        repo.layer("application/vnd.in-toto+json", "{\"not\":\"a tar\"}".getBytes());
    Path dir = data.resolve("attest");
    fetch(repo.manifest("attest", content, intoto), dir);
    assertSample(dir);
  }

  @Test
  void index_skipsAttestationManifests_andPicksTheImage() throws IOException {
    Revision image = repo.manifest("img", repo.layer(TAR_GZ, gzip(sampleTar())));
    Revision att =
        repo.manifest("att", repo.layer("application/vnd.in-toto+json", "{}".getBytes()));
    String imageEntry =
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
            + image.digest()
            + "\",\"size\":"
            + repo.blobs.get(image.digest()).length
            + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}}";
    String attEntry =
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
            + att.digest()
            + "\",\"size\":"
            + repo.blobs.get(att.digest()).length
            + ",\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"},"
            + "\"annotations\":{\"vnd.docker.reference.type\":\"attestation-manifest\","
            + "\"vnd.docker.reference.digest\":\""
            + image.digest()
            + "\"}}";
    Revision index = repo.index("multi", List.of(imageEntry, attEntry));
    Path dir = data.resolve("index");
    // the only image is arm64, this "machine" is amd64: the single content child still wins
    Checkout c = fetch(index, dir);
    assertSample(dir);
    assertEquals(index.digest(), c.revision().digest());
  }

  @Test
  void symlinksInside_andHardlinksToExtractedFiles_areKept() throws IOException {
    byte[] t =
        tar()
            .file(".doco-cd.yaml", DOCO_YAML)
            .file("conf/real.env", "A=1\n")
            .symlink("current.env", "conf/real.env")
            .symlink("conf/self", ".")
            .hardlink("copy.env", "conf/real.env")
            .bytes();
    Path dir = data.resolve("links");
    fetch(repo.manifest("links", repo.layer(TAR, t)), dir);
    assertEquals("A=1\n", Files.readString(dir.resolve("current.env")));
    assertTrue(Files.isSymbolicLink(dir.resolve("current.env")));
    assertEquals("A=1\n", Files.readString(dir.resolve("copy.env")));
    assertEquals(
        Files.getAttribute(dir.resolve("copy.env"), "unix:ino"),
        Files.getAttribute(dir.resolve("conf/real.env"), "unix:ino"));
  }

  @Test
  void setuidSetgidAndStickyBits_areDropped() throws IOException {
    byte[] t = tar().file(".doco-cd.yaml", DOCO_YAML).file("run.sh", "#!/bin/sh\n", 07755).bytes();
    Path dir = data.resolve("modes");
    fetch(repo.manifest("modes", repo.layer(TAR, t)), dir);
    assertEquals(
        "rwxr-xr-x",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("run.sh"))));
    Object mode = Files.getAttribute(dir.resolve("run.sh"), "unix:mode");
    assertEquals(0755, ((Integer) mode) & 07777);
  }

  @Test
  void longAndUnicodeNames_roundTripThroughPaxHeaders() throws IOException {
    String longName = "deep/" + "x".repeat(120) + "/" + "y".repeat(120) + ".yaml";
    byte[] t =
        tar()
            .file(".doco-cd.yaml", DOCO_YAML)
            .file(longName, "long")
            .file("größe/ü.env", "u")
            .bytes();
    Path dir = data.resolve("pax");
    fetch(repo.manifest("pax", repo.layer(TAR, t)), dir);
    assertEquals("long", Files.readString(dir.resolve(longName)));
    assertEquals("u", Files.readString(dir.resolve("größe/ü.env")));
  }

  @Test
  void events_reportDownloadProgressAndExtraction() throws IOException {
    Revision r = repo.manifest("ev", repo.layer(TAR_GZ, gzip(sampleTar())));
    Path dir = data.resolve("ev");
    fetch(r, dir);
    assertTrue(events.stream().anyMatch(e -> e instanceof DocoEvent.DownloadProgress));
    DocoEvent.Extracted x =
        events.stream()
            .filter(e -> e instanceof DocoEvent.Extracted)
            .map(e -> (DocoEvent.Extracted) e)
            .findFirst()
            .orElseThrow();
    assertEquals(r.digest(), x.digest());
    assertEquals(dir.toAbsolutePath(), x.directory());
    assertEquals(DOCO_YAML.length() + "services:\n  web: {}\n".length(), x.bytes());
  }
}
