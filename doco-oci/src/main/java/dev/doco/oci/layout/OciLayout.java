package dev.doco.oci.layout;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import dev.doco.core.SourceException;
import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.Manifest;
import dev.doco.oci.extract.BlobCache;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An OCI image layout directory ({@code oci-layout}, {@code index.json}, {@code
 * blobs/<alg>/<hex>}): read layouts written by {@code oras push --oci-layout}, {@code skopeo copy
 * ... oci:PATH:TAG} and doco, and write new ones.
 *
 * <pre>{@code
 * OciLayout layout = OciLayout.open(Path.of("build/cfg"));
 * Descriptor d = layout.resolve(LayoutReference.parse("oci-layout:build/cfg:v1"));
 * Manifest m = layout.manifest(d.digest());
 * }</pre>
 *
 * <p>Reads verify every blob against its digest. Writes are not safe against concurrent writers of
 * the same layout (like skopeo's and oras').
 */
public final class OciLayout {
  /** {@code org.opencontainers.image.ref.name}: the tag of an {@code index.json} entry. */
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  static final String INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json";
  static final String MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
  private static final int MAX_MANIFEST = 4 << 20;
  private static final Moshi MOSHI = new Moshi.Builder().build();
  private static final JsonAdapter<Map<String, Object>> JSON =
      MOSHI.adapter(Types.newParameterizedType(Map.class, String.class, Object.class));

  private final Path dir;

  private OciLayout(Path dir) {
    this.dir = dir;
  }

  /**
   * Opens an existing layout.
   *
   * @throws SourceException when {@code dir} is not an OCI image layout; the message says what it
   *     is instead (a skopeo {@code dir:} directory, a plain directory with a {@code
   *     .doco-cd.yaml}) and how to turn it into an artifact
   */
  public static OciLayout open(Path dir) {
    Path d = dir.toAbsolutePath().normalize();
    if (!Files.isRegularFile(d.resolve("oci-layout"))
        || !Files.isRegularFile(d.resolve("index.json"))) {
      throw new SourceException(diagnose(d), LayoutReference.SCHEME + d, null);
    }
    try {
      Map<String, Object> layout = JSON.fromJson(Files.readString(d.resolve("oci-layout")));
      Object version = layout == null ? null : layout.get("imageLayoutVersion");
      if (!(version instanceof String v) || !v.startsWith("1.")) {
        throw new SourceException(
            d + "/oci-layout declares imageLayoutVersion " + version + ", expected 1.0.0",
            LayoutReference.SCHEME + d,
            null);
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof SourceException se) {
        throw se;
      }
      throw new SourceException(
          d + "/oci-layout cannot be read: " + e.getMessage(), LayoutReference.SCHEME + d, null, e);
    }
    return new OciLayout(d);
  }

  /** Opens the layout at {@code dir}, creating an empty one when the directory has none. */
  public static OciLayout create(Path dir) throws IOException {
    Path d = dir.toAbsolutePath().normalize();
    Files.createDirectories(d.resolve("blobs").resolve("sha256"));
    if (!Files.exists(d.resolve("oci-layout"))) {
      Files.writeString(d.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    }
    if (!Files.exists(d.resolve("index.json"))) {
      writeAtomically(
          d.resolve("index.json"),
          ("{\"schemaVersion\":2,\"mediaType\":\"" + INDEX_MEDIA_TYPE + "\",\"manifests\":[]}")
              .getBytes(StandardCharsets.UTF_8));
    }
    return open(d);
  }

  /** What a directory that is not an OCI layout is, and what to do about it. */
  static String diagnose(Path d) {
    if (!Files.isDirectory(d)) {
      return d
          + " does not exist or is not a directory: expected an OCI image layout (oci-layout,"
          + " index.json, blobs/)";
    }
    Path version = d.resolve("version");
    try {
      if (Files.isRegularFile(d.resolve("manifest.json"))
          && Files.isRegularFile(version)
          && Files.readString(version).startsWith("Directory Transport Version")) {
        return d
            + " is a skopeo 'dir:' directory, not an OCI image layout: convert it with"
            + " 'skopeo copy dir:"
            + d
            + " oci:"
            + d
            + "-layout:latest' and use oci-layout:"
            + d
            + "-layout:latest";
      }
    } catch (IOException e) {
      // fall through to the generic message
    }
    for (String f : List.of(".doco-cd.yaml", ".doco-cd.yml")) {
      if (Files.isRegularFile(d.resolve(f))) {
        return d
            + " is a plain directory with deployment files, not an OCI image layout: package it"
            + " first, e.g. with doco's Packager (dev.doco.oci.pack) writing a layout, or"
            + " 'cd "
            + d
            + " && oras push --oci-layout /path/to/layout:latest .', then use"
            + " oci-layout:/path/to/layout:latest";
      }
    }
    return d
        + " is not an OCI image layout (no oci-layout and index.json files): write one with"
        + " 'oras push --oci-layout DIR:TAG FILES...' or 'skopeo copy docker://IMAGE oci:DIR:TAG'";
  }

  public Path directory() {
    return dir;
  }

  /** The descriptors of {@code index.json}, in order. */
  public List<Descriptor> entries() throws IOException {
    Map<String, Object> index =
        readJson(Files.readAllBytes(dir.resolve("index.json")), "index.json");
    return descriptors(index.get("manifests"));
  }

  /**
   * The {@code index.json} descriptor {@code ref} selects: by digest (any manifest blob in the
   * layout), by tag, by position, or the only entry.
   *
   * @throws SourceException when nothing (or, untagged, more than one thing) matches; the message
   *     lists the tags present
   */
  public Descriptor resolve(LayoutReference ref) throws IOException {
    List<Descriptor> entries = entries();
    String where = ref.repository() + (ref.selector().isEmpty() ? "" : ":" + ref.selector());
    if (ref.digest() != null) {
      for (Descriptor d : entries) {
        if (d.digest().equals(ref.digest())) {
          return d;
        }
      }
      if (hasBlob(ref.digest())) {
        Manifest m = manifest(ref.digest());
        return new Descriptor(m.mediaType(), m.digest(), m.bytes().length, null, Map.of());
      }
      throw new SourceException(
          where + ": no manifest with this digest in the layout", where, ref.digest());
    }
    if (ref.index() >= 0) {
      if (ref.index() < entries.size()) {
        return entries.get(ref.index());
      }
      throw new SourceException(
          where + ": index.json has only " + entries.size() + " entries", where, null);
    }
    List<String> tags = new ArrayList<>();
    for (Descriptor d : entries) {
      String name = d.annotations().get(REF_NAME);
      if (name != null) {
        tags.add(name);
        if (name.equals(ref.tag())) {
          return d;
        }
      }
    }
    if (ref.tag() == null) {
      if (entries.size() == 1) {
        return entries.get(0);
      }
      throw new SourceException(
          where
              + ": the layout holds "
              + entries.size()
              + " manifests; name one with :TAG or @DIGEST (tags: "
              + String.join(", ", tags)
              + ")",
          where,
          null);
    }
    throw new SourceException(
        where
            + ": no tag '"
            + ref.tag()
            + "' in the layout (tags: "
            + String.join(", ", tags)
            + ")",
        where,
        null);
  }

  /** Whether the layout holds {@code digest}. */
  public boolean hasBlob(String digest) {
    return Files.isRegularFile(blobPath(digest));
  }

  /** The path of a blob (whether or not it exists). */
  public Path blobPath(String digest) {
    BlobCache.verifying(InputStream.nullInputStream(), digest, -1); // validates the digest form
    int colon = digest.indexOf(':');
    return dir.resolve("blobs")
        .resolve(digest.substring(0, colon))
        .resolve(digest.substring(colon + 1));
  }

  /** A blob, verified against {@code digest} while read. */
  public InputStream blob(String digest) throws IOException {
    try {
      return BlobCache.verifying(Files.newInputStream(blobPath(digest)), digest, -1);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(
          blobPath(digest).toString(), null, "blob " + digest + " is missing from the layout");
    }
  }

  /** A manifest (or index), verified; the media type comes from its {@code mediaType} field. */
  public Manifest manifest(String digest) throws IOException {
    Path p = blobPath(digest);
    if (Files.size(p) > MAX_MANIFEST) {
      throw new IOException("manifest " + digest + " is larger than 4 MiB: refused");
    }
    byte[] bytes;
    try (InputStream in = blob(digest)) {
      bytes = in.readAllBytes();
    }
    Map<String, Object> json = readJson(bytes, digest);
    return new Manifest(digest, mediaTypeOf(json), bytes);
  }

  static String mediaTypeOf(Map<String, Object> json) {
    Object mt = json.get("mediaType");
    if (mt instanceof String s && !s.isEmpty()) {
      return s;
    }
    return json.containsKey("manifests") ? INDEX_MEDIA_TYPE : MANIFEST_MEDIA_TYPE;
  }

  /** Stores a blob, verifying {@code digest} and {@code size} (no-op when present). */
  public void putBlob(String digest, long size, InputStream in) throws IOException {
    Path target = blobPath(digest);
    if (Files.isRegularFile(target)) {
      in.close();
      return;
    }
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), ".in-", ".tmp");
    try (InputStream v = BlobCache.verifying(in, digest, size);
        OutputStream out = Files.newOutputStream(tmp)) {
      v.transferTo(out);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    move(tmp, target);
  }

  /** Stores bytes as a blob and returns their digest. */
  public String putBlob(byte[] bytes) throws IOException {
    String digest = sha256(bytes);
    putBlob(digest, bytes.length, new ByteArrayInputStream(bytes));
    return digest;
  }

  /**
   * Adds {@code manifest} to {@code index.json} with tag {@code tag} (or untagged when null). Like
   * skopeo, a tag already on another entry is moved: that entry loses the tag (and is dropped when
   * nothing else names it).
   */
  public void tag(Descriptor manifest, @Nullable String tag) throws IOException {
    Map<String, Object> index =
        readJson(Files.readAllBytes(dir.resolve("index.json")), "index.json");
    List<Object> out = new ArrayList<>();
    Object list = index.get("manifests");
    if (list instanceof List<?> l) {
      for (Object o : l) {
        if (!(o instanceof Map<?, ?> m)) {
          continue;
        }
        Object ann = m.get("annotations");
        boolean sameTag = tag != null && ann instanceof Map<?, ?> a && tag.equals(a.get(REF_NAME));
        boolean sameUntagged =
            tag == null
                && manifest.digest().equals(m.get("digest"))
                && !(ann instanceof Map<?, ?> a2 && a2.containsKey(REF_NAME));
        if (!sameTag && !sameUntagged) {
          out.add(o);
        }
      }
    }
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("mediaType", manifest.mediaType());
    d.put("digest", manifest.digest());
    d.put("size", manifest.size());
    if (manifest.artifactType() != null) {
      d.put("artifactType", manifest.artifactType());
    }
    Map<String, Object> ann = new LinkedHashMap<>(manifest.annotations());
    if (tag != null) {
      ann.put(REF_NAME, tag);
    }
    if (!ann.isEmpty()) {
      d.put("annotations", ann);
    }
    out.add(d);
    Map<String, Object> newIndex = new LinkedHashMap<>();
    newIndex.put("schemaVersion", 2);
    newIndex.put("mediaType", INDEX_MEDIA_TYPE);
    newIndex.put("manifests", out);
    writeAtomically(
        dir.resolve("index.json"), JSON.toJson(newIndex).getBytes(StandardCharsets.UTF_8));
  }

  static List<Descriptor> descriptors(@Nullable Object list) {
    List<Descriptor> out = new ArrayList<>();
    if (list instanceof List<?> l) {
      for (Object o : l) {
        if (o instanceof Map<?, ?> m) {
          out.add(descriptor(m));
        }
      }
    }
    return out;
  }

  static Descriptor descriptor(Map<?, ?> m) {
    Map<String, String> ann = new LinkedHashMap<>();
    if (m.get("annotations") instanceof Map<?, ?> a) {
      a.forEach((k, v) -> ann.put(String.valueOf(k), String.valueOf(v)));
    }
    Object size = m.get("size");
    return new Descriptor(
        String.valueOf(m.get("mediaType")),
        String.valueOf(m.get("digest")),
        size instanceof Number n ? n.longValue() : -1,
        m.get("artifactType") instanceof String s ? s : null,
        ann);
  }

  static Map<String, Object> readJson(byte[] bytes, String what) throws IOException {
    try {
      Map<String, Object> m = JSON.fromJson(new String(bytes, StandardCharsets.UTF_8));
      if (m == null) {
        throw new IOException(what + " is empty");
      }
      return m;
    } catch (com.squareup.moshi.JsonDataException | com.squareup.moshi.JsonEncodingException e) {
      throw new IOException(what + " is not valid JSON: " + e.getMessage(), e);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".json");
    Files.write(tmp, bytes);
    move(tmp, target);
  }

  private static void move(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
