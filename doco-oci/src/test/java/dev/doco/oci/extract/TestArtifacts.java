package dev.doco.oci.extract;

import dev.doco.core.Revision;
import dev.doco.core.spi.ArtifactAccess;
import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.Manifest;
import dev.doco.oci.internal.tar.TarWriter;
import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/** Builds artifacts in memory for tests: tars, compressed layers, manifests, an access. */
final class TestArtifacts {
  static final String TAR = "application/vnd.oci.image.layer.v1.tar";
  static final String TAR_GZ = "application/vnd.oci.image.layer.v1.tar+gzip";
  static final String TAR_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
  static final String DOCKER_GZ = "application/vnd.docker.image.rootfs.diff.tar.gzip";
  static final String DOCO_YAML = "version: doco.v1\n";

  private TestArtifacts() {}

  /** A tar built entry by entry. */
  static final class Tar {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarWriter w = new TarWriter(bytes);

    Tar file(String name, String content) {
      return file(name, content, 0644);
    }

    Tar file(String name, String content, int mode) {
      byte[] b = content.getBytes(StandardCharsets.UTF_8);
      try {
        w.file(name, mode, 0, b.length, new ByteArrayInputStream(b));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    Tar file(String name, String content, int mode, long mtime) {
      byte[] b = content.getBytes(StandardCharsets.UTF_8);
      try {
        w.file(name, mode, mtime, b.length, new ByteArrayInputStream(b));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    /** A directory entry stored exactly as {@code name} (no slash added) with {@code mode}. */
    Tar dir(String name, int mode) {
      return raw(name, '5', mode);
    }

    Tar dir(String name) {
      try {
        w.directory(name, 0755, 0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    Tar symlink(String name, String target) {
      try {
        w.symlink(name, target, 0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    Tar hardlink(String name, String target) {
      try {
        w.hardlink(name, target, 0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    Tar raw(String name, char type, int mode) {
      try {
        w.raw(name, type, mode, 0, "", new byte[0]);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    byte[] bytes() {
      try {
        w.finish();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }
  }

  static Tar tar() {
    return new Tar();
  }

  static byte[] gzip(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(out)) {
      g.write(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] zstd(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream z = new ZstdOutputStream(out)) {
      z.write(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static String sha256(byte[] b) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A registry-like repository in memory that counts reads. */
  static final class Repo implements ArtifactAccess {
    final Map<String, byte[]> blobs = new HashMap<>();
    final Map<String, String> types = new HashMap<>();
    final Map<String, byte[]> substitutes = new HashMap<>();
    final AtomicInteger manifestReads = new AtomicInteger();
    final AtomicInteger blobReads = new AtomicInteger();

    Descriptor layer(String mediaType, byte[] bytes, Map<String, String> annotations) {
      String d = sha256(bytes);
      blobs.put(d, bytes);
      return new Descriptor(mediaType, d, bytes.length, null, annotations);
    }

    Descriptor layer(String mediaType, byte[] bytes) {
      return layer(mediaType, bytes, Map.of());
    }

    /** An OCI image manifest with an empty config and {@code layers}. */
    Revision manifest(String tag, Descriptor... layers) {
      StringBuilder b = new StringBuilder();
      b.append("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",")
          .append("\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",")
          .append(
              "\"digest\":\"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\",\"size\":2},")
          .append("\"layers\":[");
      for (int i = 0; i < layers.length; i++) {
        b.append(i == 0 ? "" : ",").append(descriptorJson(layers[i]));
      }
      b.append("]}");
      return put(tag, b.toString(), "application/vnd.oci.image.manifest.v1+json");
    }

    /** An index over {@code children} ({@code [descriptorJson-with-platform...]}). */
    Revision index(String tag, List<String> childEntries) {
      String json =
          "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
              + "\"manifests\":["
              + String.join(",", childEntries)
              + "]}";
      return put(tag, json, "application/vnd.oci.image.index.v1+json");
    }

    Revision put(String tag, String json, String mediaType) {
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      String d = sha256(bytes);
      blobs.put(d, bytes);
      types.put(d, mediaType);
      return new Revision(
          "mem.example/test/repo:" + tag, "mem.example/test/repo", tag, d, mediaType, Map.of());
    }

    @Override
    public String repository() {
      return "mem.example/test/repo";
    }

    @Override
    public Manifest manifest(String digest) throws IOException {
      manifestReads.incrementAndGet();
      byte[] b = blobs.get(digest);
      if (b == null) {
        throw new IOException("no manifest " + digest);
      }
      return new Manifest(digest, types.getOrDefault(digest, TAR), b);
    }

    @Override
    public InputStream blob(String digest) throws IOException {
      blobReads.incrementAndGet();
      byte[] b = substitutes.containsKey(digest) ? substitutes.get(digest) : blobs.get(digest);
      if (b == null) {
        throw new IOException("no blob " + digest);
      }
      return new ByteArrayInputStream(b);
    }

    @Override
    public List<Descriptor> referrers(String digest, String artifactType) {
      return List.of();
    }

    @Override
    public Optional<Manifest> tag(String tag) {
      return Optional.empty();
    }
  }

  static String descriptorJson(Descriptor d) {
    StringBuilder b = new StringBuilder();
    b.append("{\"mediaType\":\"")
        .append(d.mediaType())
        .append("\",\"digest\":\"")
        .append(d.digest())
        .append("\",\"size\":")
        .append(d.size());
    if (!d.annotations().isEmpty()) {
      b.append(",\"annotations\":{");
      int i = 0;
      for (Map.Entry<String, String> e : new TreeMap<>(d.annotations()).entrySet()) {
        b.append(i++ == 0 ? "" : ",")
            .append('"')
            .append(e.getKey())
            .append("\":\"")
            .append(e.getValue())
            .append('"');
      }
      b.append('}');
    }
    return b.append('}').toString();
  }

  /** Every file, directory and link under {@code root} with its content or target. */
  static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted().forEach(all::add);
    }
    for (Path p : all) {
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
    return out;
  }
}
