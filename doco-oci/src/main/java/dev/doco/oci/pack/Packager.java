package dev.doco.oci.pack;

import dev.doco.core.ConfigException;
import dev.doco.core.config.DeployConfigLoader;
import dev.doco.core.spi.Descriptor;
import dev.doco.oci.extract.LayoutCheck;
import dev.doco.oci.internal.tar.TarWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * Turns a directory into a {@code doco.v1} OCI artifact, reproducibly: entries sorted, uid/gid 0,
 * no owner names, fixed timestamps, fixed gzip header, so the same directory always gives the same
 * digest (and a re-push does not redeploy).
 *
 * <p>The artifact is an OCI image manifest with {@code artifactType} {@value #ARTIFACT_TYPE}, a
 * minimal OCI image config (so {@code skopeo inspect} can read it) and one {@code tar+gzip} layer
 * shaped like {@code oras push .} makes it (title {@code .}, {@code io.deis.oras.content.unpack},
 * {@code io.deis.oras.content.digest}), so {@code oras pull} unpacks it into the files.
 *
 * <pre>{@code
 * PackagedArtifact a = Packager.builder()
 *     .source("https://github.com/acme/deploy")
 *     .revision("3f2c1e0")
 *     .build()
 *     .pack(Path.of("deploy"), Files.createTempDirectory("pack"));
 * a.writeLayout(Path.of("out/layout"), "v1");            // or
 * a.push(client, Reference.parse("ghcr.io/acme/deploy:v1"), 0);
 * }</pre>
 */
public final class Packager {
  /** The manifest's {@code artifactType}. */
  public static final String ARTIFACT_TYPE = "application/vnd.doco.artifact.v1";

  static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
  static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
  static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";

  private final @Nullable Instant created;
  private final @Nullable String source;
  private final @Nullable String revision;
  private final String target;

  private Packager(Builder b) {
    this.created = b.created;
    this.source = b.source;
    this.revision = b.revision;
    this.target = b.target;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Packages {@code directory}, writing the layer blob into {@code workDirectory}.
   *
   * @throws dev.doco.core.ConfigException when the directory has no valid {@code
   *     .doco-cd[.<target>].y(a)ml}
   * @throws PackagingException when it holds something an artifact cannot (special files, links
   *     leading outside)
   */
  public PackagedArtifact pack(Path directory, Path workDirectory) throws IOException {
    Path root = directory.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new PackagingException(root + " is not a directory");
    }
    try {
      LayoutCheck.check(root, target);
    } catch (ConfigException e) {
      if (DeployConfigLoader.findConfigFile(root, target).isPresent()) {
        throw e; // the file is there; its content is what is wrong
      }
      throw new ConfigException(
          e.getMessage()
              + "; the directory being packaged ("
              + root
              + ") is the artifact root: add a .doco-cd"
              + (target.isEmpty() ? "" : "." + target)
              + ".yaml there (one line is enough: name: my-stack)",
          null,
          -1,
          -1,
          e);
    }
    Files.createDirectories(workDirectory);
    Path layer = Files.createTempFile(workDirectory, "layer-", ".tar.gz");
    MessageDigest tarSha = sha256();
    MessageDigest blobSha = sha256();
    try (OutputStream file = Files.newOutputStream(layer);
        DigestOutputStream blobOut = new DigestOutputStream(file, blobSha);
        GZIPOutputStream gzip = new GZIPOutputStream(blobOut, 65536);
        DigestOutputStream tarOut = new DigestOutputStream(gzip, tarSha)) {
      TarWriter tar = new TarWriter(tarOut);
      writeTree(root, tar);
      tar.finish();
      tarOut.flush();
      gzip.finish();
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(layer);
      throw e;
    }
    String tarDigest = "sha256:" + HexFormat.of().formatHex(tarSha.digest());
    String layerDigest = "sha256:" + HexFormat.of().formatHex(blobSha.digest());
    long layerSize = Files.size(layer);

    Map<String, String> layerAnn = new TreeMap<>();
    layerAnn.put("io.deis.oras.content.digest", tarDigest);
    layerAnn.put("io.deis.oras.content.unpack", "true");
    layerAnn.put("org.opencontainers.image.title", ".");
    Descriptor layerDesc = new Descriptor(LAYER_TYPE, layerDigest, layerSize, null, layerAnn);
    Map<String, String> ann = new TreeMap<>();
    if (created != null) {
      ann.put(
          "org.opencontainers.image.created", created.truncatedTo(ChronoUnit.SECONDS).toString());
    }
    if (source != null) {
      ann.put("org.opencontainers.image.source", source);
    }
    if (revision != null) {
      ann.put("org.opencontainers.image.revision", revision);
    }
    byte[] config = configJson(tarDigest, ann).getBytes(StandardCharsets.UTF_8);
    Descriptor configDesc =
        new Descriptor(CONFIG_TYPE, digest(config), config.length, null, Map.of());
    byte[] manifest = manifestJson(configDesc, layerDesc, ann).getBytes(StandardCharsets.UTF_8);
    return new PackagedArtifact(
        manifest, digest(manifest), config, configDesc, layerDesc, layer, tarDigest, ann);
  }

  private static void writeTree(Path root, TarWriter tar) throws IOException {
    Deque<Path> stack = new ArrayDeque<>();
    List<Path> top = sortedChildren(root);
    for (int i = top.size() - 1; i >= 0; i--) {
      stack.push(top.get(i));
    }
    while (!stack.isEmpty()) {
      Path p = stack.pop();
      String rel = root.relativize(p).toString().replace('\\', '/');
      BasicFileAttributes a =
          Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (a.isSymbolicLink()) {
        String target = Files.readSymbolicLink(p).toString();
        if (!insideLexically(rel, target)) {
          throw new PackagingException(
              "symbolic link "
                  + rel
                  + " -> "
                  + target
                  + " leads outside the directory; doco refuses such links on extraction, so"
                  + " replace it with a relative link inside the directory or with the file");
        }
        tar.symlink(rel, target, 0);
      } else if (a.isDirectory()) {
        tar.directory(rel, 0755, 0);
        List<Path> children = sortedChildren(p);
        for (int i = children.size() - 1; i >= 0; i--) {
          stack.push(children.get(i));
        }
      } else if (a.isRegularFile()) {
        boolean exec =
            Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)
                .contains(PosixFilePermission.OWNER_EXECUTE);
        try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
          tar.file(rel, exec ? 0755 : 0644, 0, a.size(), in);
        }
      } else {
        throw new PackagingException(
            rel + " is a special file (FIFO, socket or device): remove it before packaging");
      }
    }
  }

  private static List<Path> sortedChildren(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      s.forEach(out::add);
    }
    out.sort((x, y) -> x.getFileName().toString().compareTo(y.getFileName().toString()));
    return out;
  }

  static boolean insideLexically(String rel, String target) {
    if (target.startsWith("/") || target.contains("\\")) {
      return false;
    }
    int depth = rel.split("/").length - 1;
    for (String part : target.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      depth += part.equals("..") ? -1 : 1;
      if (depth < 0) {
        return false;
      }
    }
    return true;
  }

  private String configJson(String tarDigest, Map<String, String> annotations) {
    StringBuilder b = new StringBuilder("{");
    if (created != null) {
      b.append("\"created\":")
          .append(Json.quote(created.truncatedTo(ChronoUnit.SECONDS).toString()))
          .append(',');
    }
    b.append("\"architecture\":\"unknown\",\"os\":\"unknown\",")
        .append("\"config\":{\"Labels\":")
        .append(Json.map(labels(annotations)))
        .append("},")
        .append("\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[")
        .append(Json.quote(tarDigest))
        .append("]}}");
    return b.toString();
  }

  /** The image config's labels: the layout marker plus the annotations (skopeo shows labels). */
  private static Map<String, String> labels(Map<String, String> annotations) {
    Map<String, String> labels = new TreeMap<>(annotations);
    labels.put("dev.doco.layout", "doco.v1");
    return labels;
  }

  private static String manifestJson(
      Descriptor config, Descriptor layer, Map<String, String> annotations) {
    StringBuilder b = new StringBuilder();
    b.append("{\"schemaVersion\":2,\"mediaType\":")
        .append(Json.quote(MANIFEST_TYPE))
        .append(",\"artifactType\":")
        .append(Json.quote(ARTIFACT_TYPE))
        .append(",\"config\":")
        .append(Json.descriptor(config))
        .append(",\"layers\":[")
        .append(Json.descriptor(layer))
        .append(']');
    if (!annotations.isEmpty()) {
      b.append(",\"annotations\":").append(Json.map(annotations));
    }
    return b.append('}').toString();
  }

  static String digest(byte[] bytes) {
    return "sha256:" + HexFormat.of().formatHex(sha256().digest(bytes));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Options of a {@link Packager}. */
  public static final class Builder {
    private @Nullable Instant created;
    private @Nullable String source;
    private @Nullable String revision;
    private String target = "";

    private Builder() {}

    /**
     * {@code org.opencontainers.image.created} (whole seconds). Omitted by default: a timestamp
     * makes every package of the same directory a new digest.
     */
    public Builder created(Instant instant) {
      this.created = Objects.requireNonNull(instant);
      return this;
    }

    /** {@code org.opencontainers.image.source}, e.g. the repository URL. */
    public Builder source(String url) {
      this.source = Objects.requireNonNull(url);
      return this;
    }

    /** {@code org.opencontainers.image.revision}, e.g. the commit. */
    public Builder revision(String rev) {
      this.revision = Objects.requireNonNull(rev);
      return this;
    }

    /** The deploy-config target checked before packaging ({@code .doco-cd.<target>.yaml}). */
    public Builder target(String t) {
      this.target = Objects.requireNonNull(t);
      return this;
    }

    public Packager build() {
      return new Packager(this);
    }
  }
}
