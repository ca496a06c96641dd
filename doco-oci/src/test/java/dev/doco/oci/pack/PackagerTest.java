package dev.doco.oci.pack;

import static org.junit.jupiter.api.Assertions.*;

import dev.doco.core.ConfigException;
import dev.doco.core.Revision;
import dev.doco.core.SourceException;
import dev.doco.core.spi.Checkout;
import dev.doco.core.spi.FetchOptions;
import dev.doco.oci.OciSource;
import dev.doco.oci.layout.LayoutReference;
import dev.doco.oci.layout.OciLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reproducible packaging, layout writing and reading back through the oci-layout source. */
class PackagerTest {
  @TempDir Path tmp;

  private Path sampleDir(String name) throws IOException {
    Path d = tmp.resolve(name);
    Files.createDirectories(d.resolve("app/conf"));
    Files.writeString(d.resolve(".doco-cd.yaml"), "name: web\nversion: doco.v1\n");
    Files.writeString(d.resolve("app/compose.yaml"), "services:\n  web:\n    image: busybox\n");
    Files.writeString(d.resolve("app/conf/env"), "A=1\n");
    Files.writeString(d.resolve("run.sh"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(
        d.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
    Files.createSymbolicLink(d.resolve("current.env"), Path.of("app/conf/env"));
    return d;
  }

  static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.equals(root)) {
          continue;
        }
        String rel = root.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          out.put(rel, "-> " + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p)) {
          out.put(rel + "/", "");
        } else {
          out.put(rel, Files.readString(p, StandardCharsets.ISO_8859_1));
        }
      }
    }
    return out;
  }

  @Test
  void sameDirectory_givesTheSameDigest_whateverTimestampsAndOrder() throws IOException {
    Path a = sampleDir("a");
    PackagedArtifact first = Packager.builder().build().pack(a, tmp.resolve("w1"));
    Files.setLastModifiedTime(
        a.resolve("app/compose.yaml"), FileTime.from(Instant.parse("2001-01-01T00:00:00Z")));
    PackagedArtifact second = Packager.builder().build().pack(a, tmp.resolve("w2"));
    assertEquals(first.digest(), second.digest());
    assertEquals(first.layer().digest(), second.layer().digest());
    // an identical copy elsewhere, written in another order, gives the same digest too
    Path b = tmp.resolve("b");
    Files.createDirectories(b.resolve("app/conf"));
    Files.createSymbolicLink(b.resolve("current.env"), Path.of("app/conf/env"));
    Files.writeString(b.resolve("run.sh"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(
        b.resolve("run.sh"), PosixFilePermissions.fromString("rwx------"));
    Files.writeString(b.resolve("app/conf/env"), "A=1\n");
    Files.writeString(b.resolve("app/compose.yaml"), "services:\n  web:\n    image: busybox\n");
    Files.writeString(b.resolve(".doco-cd.yaml"), "name: web\nversion: doco.v1\n");
    assertEquals(first.digest(), Packager.builder().build().pack(b, tmp.resolve("w3")).digest());
  }

  @Test
  void changedContent_changesTheDigest() throws IOException {
    Path a = sampleDir("a");
    String d1 = Packager.builder().build().pack(a, tmp.resolve("w1")).digest();
    Files.writeString(a.resolve("app/conf/env"), "A=2\n");
    assertNotEquals(d1, Packager.builder().build().pack(a, tmp.resolve("w2")).digest());
  }

  @Test
  void annotations_areWrittenWhenGiven() throws IOException {
    PackagedArtifact p =
        Packager.builder()
            .created(Instant.parse("2026-01-02T03:04:05.678Z"))
            .source("https://git.example/acme/deploy")
            .revision("abc123")
            .build()
            .pack(sampleDir("a"), tmp.resolve("w"));
    String m = new String(p.manifest(), StandardCharsets.UTF_8);
    assertTrue(m.contains("\"org.opencontainers.image.created\":\"2026-01-02T03:04:05Z\""), m);
    assertTrue(
        m.contains("\"org.opencontainers.image.source\":\"https://git.example/acme/deploy\""), m);
    assertTrue(m.contains("\"org.opencontainers.image.revision\":\"abc123\""), m);
    assertTrue(m.contains("\"io.deis.oras.content.unpack\":\"true\""), m);
  }

  @Test
  void directoryWithoutDeployConfig_isRefusedBeforePackaging() throws IOException {
    Path d = Files.createDirectories(tmp.resolve("nocfg"));
    Files.writeString(d.resolve("compose.yaml"), "services: {}\n");
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> Packager.builder().build().pack(d, tmp.resolve("w")));
    assertTrue(e.getMessage().contains(".doco-cd.yaml"), e.getMessage());
    assertTrue(
        e.getMessage().contains("(" + d.toAbsolutePath().normalize() + ") is the artifact root"),
        e.getMessage());
  }

  @Test
  void deployConfigWithAnUnsupportedVersion_isRefusedWithoutTheAddAFileHint() throws IOException {
    Path d = Files.createDirectories(tmp.resolve("v2"));
    Files.writeString(d.resolve(".doco-cd.yaml"), "name: web\nversion: doco.v2\n");
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> Packager.builder().build().pack(d, tmp.resolve("w")));
    assertTrue(e.getMessage().contains("doco.v2"), e.getMessage());
    assertFalse(e.getMessage().contains("is the artifact root"), e.getMessage());
  }

  @Test
  void linkLeadingOutside_isRefusedWithAdvice() throws IOException {
    Path d = sampleDir("a");
    Files.createSymbolicLink(d.resolve("escape"), Path.of("../../etc/passwd"));
    PackagingException e =
        assertThrows(
            PackagingException.class, () -> Packager.builder().build().pack(d, tmp.resolve("w")));
    assertTrue(e.getMessage().contains("escape"), e.getMessage());
  }

  @Test
  void writtenLayout_isReadBackByTheOciLayoutSource_fileByFile() throws IOException {
    Path src = sampleDir("a");
    PackagedArtifact p = Packager.builder().revision("r1").build().pack(src, tmp.resolve("w"));
    Path layout = tmp.resolve("layout");
    p.writeLayout(layout, "v1");
    try (OciSource source = OciSource.builder(tmp.resolve("data")).settings(Map.of()).build()) {
      Revision r = source.resolve("oci-layout:" + layout + ":v1");
      assertEquals(p.digest(), r.digest());
      assertEquals("v1", r.tag());
      assertEquals("r1", r.annotations().get("org.opencontainers.image.revision"));
      Checkout c = source.fetch(r, source.checkoutDirectory(r), FetchOptions.DEFAULT);
      assertEquals(tree(src), tree(c.directory()));
      assertTrue(Files.isExecutable(c.directory().resolve("run.sh")));
    }
  }

  @Test
  void retaggingALayout_movesTheTag() throws IOException {
    Path layout = tmp.resolve("layout");
    Path src = sampleDir("a");
    PackagedArtifact one = Packager.builder().build().pack(src, tmp.resolve("w1"));
    one.writeLayout(layout, "latest");
    Files.writeString(src.resolve("app/conf/env"), "A=2\n");
    PackagedArtifact two = Packager.builder().build().pack(src, tmp.resolve("w2"));
    two.writeLayout(layout, "latest");
    OciLayout l = OciLayout.open(layout);
    assertEquals(1, l.entries().size());
    assertEquals(
        two.digest(),
        l.resolve(LayoutReference.parse("oci-layout:" + layout + ":latest")).digest());
  }

  @Test
  void plainDirectoryAsLayout_explainsHowToPackageIt() throws IOException {
    Path src = sampleDir("plain");
    SourceException e = assertThrows(SourceException.class, () -> OciLayout.open(src));
    assertTrue(e.getMessage().contains("plain directory"), e.getMessage());
    assertTrue(e.getMessage().contains("oras push --oci-layout"), e.getMessage());
  }

  @Test
  void skopeoDirDirectory_isRecognised() throws IOException {
    Path d = Files.createDirectories(tmp.resolve("skopeo-dir"));
    Files.writeString(d.resolve("version"), "Directory Transport Version: 1.1\n");
    Files.writeString(d.resolve("manifest.json"), "{}");
    SourceException e = assertThrows(SourceException.class, () -> OciLayout.open(d));
    assertTrue(e.getMessage().contains("skopeo 'dir:' directory"), e.getMessage());
    assertTrue(e.getMessage().contains("skopeo copy dir:"), e.getMessage());
  }

  @Test
  void layoutReferences_parseTagDigestAndIndex() {
    LayoutReference t = LayoutReference.parse("oci-layout:/srv/l:v1");
    assertEquals(Path.of("/srv/l"), t.path());
    assertEquals("v1", t.tag());
    String digest = "sha256:" + "b".repeat(64);
    LayoutReference d = LayoutReference.parse("oci-layout:///srv/l@" + digest);
    assertEquals(Path.of("/srv/l"), d.path());
    assertEquals(digest, d.digest());
    assertEquals(2, LayoutReference.parse("oci-layout:/srv/l@2").index());
    LayoutReference none = LayoutReference.parse("oci-layout:/srv/my:dir/l");
    assertEquals(Path.of("/srv/my:dir/l"), none.path());
    assertNull(none.tag());
    assertThrows(
        IllegalArgumentException.class, () -> LayoutReference.parse("oci-layout:/srv/l:bad tag"));
  }
}
