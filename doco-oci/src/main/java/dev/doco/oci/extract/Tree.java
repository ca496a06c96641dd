package dev.doco.oci.extract;

import static dev.doco.oci.extract.ExtractionException.Reason.*;

import dev.doco.oci.internal.tar.TarEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The tree being built in a private temporary directory: applies entries with every safety rule and
 * budget. Not thread-safe; one per extraction.
 */
final class Tree {
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
  private static final String WHITEOUT = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";
  private static final int MAX_LINK_HOPS = 40;

  private final Path root;
  private final Path rootReal;
  private final ExtractionLimits limits;
  private final Set<String> layerPaths = new HashSet<>();
  private final Map<String, Integer> dirModes = new HashMap<>();
  private long entries;
  private long bytes;
  private final byte[] buffer = new byte[65536];

  Tree(Path root, ExtractionLimits limits) throws IOException {
    this.root = root;
    this.rootReal = root.toRealPath();
    this.limits = limits;
  }

  long bytes() {
    return bytes;
  }

  long entries() {
    return entries;
  }

  void beginLayer() {
    layerPaths.clear();
  }

  /** Checks and normalises an entry path; "" is the root. */
  String normalize(String raw) {
    if (raw.contains("\0")) {
      throw new Violation(INVALID_PATH, "entry path contains a NUL character", raw);
    }
    if (raw.contains("\\")) {
      throw new Violation(
          BACKSLASH,
          "entry '"
              + raw
              + "' contains a backslash: refused, since Windows path separators could lead outside"
              + " the checkout",
          raw);
    }
    if (raw.startsWith("/")) {
      throw new Violation(
          ABSOLUTE_PATH,
          "entry '" + raw + "' has an absolute path: archive entries must be relative",
          raw);
    }
    List<String> segments = new ArrayList<>();
    for (String s : raw.split("/")) {
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..")) {
        throw new Violation(
            PARENT_TRAVERSAL,
            "entry '" + raw + "' contains '..': refused, it could lead outside the checkout",
            raw);
      }
      if (s.getBytes(StandardCharsets.UTF_8).length > 255) {
        throw new Violation(
            PATH_LENGTH, "entry '" + raw + "' has a name longer than 255 bytes", raw);
      }
      segments.add(s);
    }
    String rel = String.join("/", segments);
    int len = rel.getBytes(StandardCharsets.UTF_8).length;
    if (len > limits.maxPathLength()) {
      throw new Violation(
          PATH_LENGTH,
          "entry path of "
              + len
              + " bytes exceeds the path length limit of "
              + limits.maxPathLength()
              + " bytes (DOCO_EXTRACT_MAX_PATH_LENGTH)",
          raw);
    }
    return rel;
  }

  private void countEntry(String raw) {
    if (++entries > limits.maxEntries()) {
      throw new Violation(
          ENTRIES,
          "artifact exceeds the limit of "
              + limits.maxEntries()
              + " entries (DOCO_EXTRACT_MAX_ENTRIES)",
          raw);
    }
  }

  /** Applies one tar entry whose path (prefix already stripped) is {@code name}. */
  void apply(TarEntry e, String name, String raw, @Nullable String linkName, InputStream content)
      throws IOException {
    countEntry(raw);
    String rel = normalize(name);
    String base = rel.substring(rel.lastIndexOf('/') + 1);
    if (base.startsWith(WHITEOUT)) {
      whiteout(rel, base, raw);
      return;
    }
    if (rel.isEmpty()) {
      if (e.type() == TarEntry.Type.DIRECTORY) {
        return; // the root itself ("./")
      }
      throw new Violation(INVALID_PATH, "entry '" + raw + "' has an empty path", raw);
    }
    switch (e.type()) {
      case FILE -> writeFile(rel, raw, content, e.size(), e.mode(), e.mtime());
      case DIRECTORY -> directory(rel, raw, e.mode());
      case SYMLINK -> symlink(rel, raw, e.linkName());
      case HARDLINK -> hardlink(rel, raw, linkName == null ? e.linkName() : linkName);
      case CHAR_DEVICE, BLOCK_DEVICE, FIFO ->
          throw new Violation(
              DEVICE_OR_FIFO,
              "entry '"
                  + raw
                  + "' is a "
                  + (e.type() == TarEntry.Type.FIFO ? "FIFO" : "device node")
                  + ": configuration artifacts may hold only files, directories and links",
              raw);
      case UNSUPPORTED ->
          throw new Violation(
              UNSUPPORTED_ENTRY,
              "entry '"
                  + raw
                  + "' has tar type '"
                  + e.typeFlag()
                  + "' (sparse file or other special entry), which doco does not materialise",
              raw);
    }
  }

  /** Writes a file from a raw layer (no tar): {@code size} is the descriptor's size. */
  void writeRawFile(String title, InputStream content, long size) throws IOException {
    countEntry(title);
    String rel = normalize(title);
    if (rel.isEmpty()) {
      throw new Violation(INVALID_PATH, "layer title '" + title + "' names no file", title);
    }
    writeFile(rel, title, content, size, 0644, -1);
  }

  private void writeFile(
      String rel, String raw, InputStream content, long size, int mode, long mtime)
      throws IOException {
    if (size > limits.maxFileBytes()) {
      throw fileTooBig(raw, size);
    }
    if (size > limits.maxTotalBytes() - bytes) {
      throw totalTooBig(raw);
    }
    Path p = prepare(rel, raw);
    try (OutputStream out =
        Files.newOutputStream(
            p,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS)) {
      long written = 0;
      int n;
      while ((n = content.read(buffer)) != -1) {
        written += n;
        if (written > limits.maxFileBytes()) {
          throw fileTooBig(raw, written);
        }
        if (bytes + written > limits.maxTotalBytes()) {
          throw totalTooBig(raw);
        }
        out.write(buffer, 0, n);
      }
      bytes += written;
    }
    Files.setPosixFilePermissions(p, permissions((mode & 0777) | 0600));
    if (mtime >= 0) {
      Files.setLastModifiedTime(p, FileTime.fromMillis(mtime * 1000));
    }
  }

  private Violation fileTooBig(String raw, long size) {
    return new Violation(
        FILE_SIZE,
        "file '"
            + raw
            + "' of "
            + size
            + " bytes exceeds the per-file limit of "
            + limits.maxFileBytes()
            + " bytes (DOCO_EXTRACT_MAX_FILE_BYTES)",
        raw);
  }

  private Violation totalTooBig(String raw) {
    return new Violation(
        TOTAL_BYTES,
        "artifact exceeds the maximum extraction size of "
            + limits.maxTotalBytes()
            + " bytes at entry '"
            + raw
            + "' (DOCO_EXTRACT_MAX_BYTES)",
        raw);
  }

  private void directory(String rel, String raw, int mode) throws IOException {
    Path p = root.resolve(rel);
    ensureParents(rel, raw);
    BasicFileAttributes a = attrs(p);
    if (a != null && !a.isDirectory()) {
      delete(p);
      a = null;
    }
    if (a == null) {
      Files.createDirectory(p);
    }
    markWritten(rel);
    dirModes.put(rel, (mode & 0777) | 0700);
  }

  private void symlink(String rel, String raw, String target) throws IOException {
    if (target.contains("\0")) {
      throw new Violation(INVALID_PATH, "link '" + raw + "' has a NUL in its target", raw);
    }
    if (target.contains("\\")) {
      throw new Violation(
          BACKSLASH, "link '" + raw + "' -> '" + target + "' contains a backslash: refused", raw);
    }
    if (target.isEmpty()) {
      throw new Violation(INVALID_PATH, "link '" + raw + "' has an empty target", raw);
    }
    if (!staysInside(parentSegments(rel), target)) { // absolute targets included
      throw new Violation(
          SYMLINK_OUTSIDE,
          "symbolic link '"
              + raw
              + "' -> '"
              + target
              + "' resolves outside the checkout: only relative links to files inside the"
              + " artifact are kept",
          raw);
    }
    Path p = prepare(rel, raw);
    Files.createSymbolicLink(p, root.getFileSystem().getPath(target));
  }

  private void hardlink(String rel, String raw, String target) throws IOException {
    String targetRel;
    try {
      targetRel = normalize(target);
    } catch (Violation v) {
      throw new Violation(
          HARDLINK_TARGET,
          "hard link '" + raw + "' -> '" + target + "' is refused: " + v.getMessage(),
          raw);
    }
    Path t = root.resolve(targetRel);
    BasicFileAttributes a = targetRel.isEmpty() ? null : attrs(t);
    if (a == null
        || !a.isRegularFile()
        || targetRel.equals(rel)
        || !insideReal(AtomicCheckout.parentOf(t))) {
      throw new Violation(
          HARDLINK_TARGET,
          "hard link '"
              + raw
              + "' -> '"
              + target
              + "' does not point at a file already extracted in the checkout",
          raw);
    }
    Path p = prepare(rel, raw);
    Files.createLink(p, t);
  }

  private void whiteout(String rel, String base, String raw) throws IOException {
    String parent = rel.contains("/") ? rel.substring(0, rel.lastIndexOf('/')) : "";
    if (base.equals(OPAQUE)) {
      ensureParents(rel, raw); // creates the directory itself, never through a link leading out
      Path dir = parent.isEmpty() ? root : root.resolve(parent);
      if (Files.isDirectory(dir, NOFOLLOW)) {
        hideLowerLayers(dir);
      }
      return;
    }
    String name = base.substring(WHITEOUT.length());
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      throw new Violation(INVALID_PATH, "entry '" + raw + "' is a whiteout without a name", raw);
    }
    ensureParents(rel, raw);
    Path victim = root.resolve(parent.isEmpty() ? name : parent + "/" + name);
    delete(victim); // nothing when there is nothing
  }

  /**
   * An opaque directory: removes what earlier layers put under {@code dir}, at any depth, keeping
   * what this layer wrote (whatever the order of its entries).
   */
  private void hideLowerLayers(Path dir) throws IOException {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      s.forEach(children::add);
    }
    for (Path c : children) {
      if (!layerPaths.contains(root.relativize(c).toString())) {
        delete(c);
      } else if (Files.isDirectory(c, NOFOLLOW)) {
        hideLowerLayers(c);
      }
    }
  }

  /** Creates the parents of {@code rel} and removes whatever is at {@code rel}. */
  private Path prepare(String rel, String raw) throws IOException {
    ensureParents(rel, raw);
    Path p = root.resolve(rel);
    delete(p);
    markWritten(rel);
    return p;
  }

  private void ensureParents(String rel, String raw) throws IOException {
    List<String> parents = parentSegments(rel);
    Path cur = root;
    for (String seg : parents) {
      cur = cur.resolve(seg);
      BasicFileAttributes a = attrs(cur);
      if (a == null) {
        Files.createDirectory(cur);
      } else if (a.isSymbolicLink()) {
        if (!Files.isDirectory(cur) || !insideReal(cur)) { // dangling links fail the first test
          throw new Violation(
              PARENT_LINK_OUTSIDE,
              "entry '"
                  + raw
                  + "' would be written through link '"
                  + root.relativize(cur)
                  + "', which does not lead to a directory inside the checkout",
              raw);
        }
      } else if (!a.isDirectory()) {
        delete(cur);
        Files.createDirectory(cur);
      }
    }
  }

  /** Whether the existing {@code p}, links followed, lies inside the root. */
  private boolean insideReal(Path p) throws IOException {
    return p.toRealPath().startsWith(rootReal);
  }

  private void markWritten(String rel) {
    String r = rel;
    while (!r.isEmpty() && layerPaths.add(r)) {
      int slash = r.lastIndexOf('/');
      r = r.substring(0, Math.max(slash, 0));
    }
  }

  private static List<String> parentSegments(String rel) {
    List<String> segs = new ArrayList<>(List.of(rel.split("/")));
    segs.remove(segs.size() - 1);
    return segs;
  }

  /**
   * Whether {@code target}, relative to the directory {@code base} (segments under the root), stays
   * inside the root, following links already in the tree (chains included).
   */
  private boolean staysInside(List<String> base, String target) throws IOException {
    List<String> stack = new ArrayList<>(base);
    int[] hops = {0};
    return walk(stack, target, hops);
  }

  private boolean walk(List<String> stack, String target, int[] hops) throws IOException {
    if (target.startsWith("/")) {
      return false;
    }
    for (String part : target.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (stack.isEmpty()) {
          return false;
        }
        stack.remove(stack.size() - 1);
        continue;
      }
      stack.add(part);
      Path p = root.resolve(String.join("/", stack));
      if (Files.isSymbolicLink(p)) {
        if (++hops[0] > MAX_LINK_HOPS) {
          return false;
        }
        String next = Files.readSymbolicLink(p).toString();
        stack.remove(stack.size() - 1);
        if (!walk(stack, next, hops)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Final checks once every layer is applied: every link still resolves inside (a later entry may
   * have changed what an earlier link passes through); directory modes applied.
   */
  void finish() throws IOException {
    List<Path> links = new ArrayList<>();
    try (Stream<Path> all = Files.walk(root)) {
      all.filter(Files::isSymbolicLink).forEach(links::add);
    }
    for (Path link : links) {
      String rel = root.relativize(link).toString();
      String target = Files.readSymbolicLink(link).toString();
      if (!staysInside(parentSegments(rel), target)) {
        throw new Violation(
            SYMLINK_OUTSIDE,
            "symbolic link '"
                + rel
                + "' -> '"
                + target
                + "' resolves outside the checkout once all layers are applied",
            rel);
      }
    }
    // Any order: every mode keeps the owner's rwx, so a parent never blocks its children.
    for (Map.Entry<String, Integer> d : dirModes.entrySet()) {
      Path p = root.resolve(d.getKey());
      if (Files.isDirectory(p, NOFOLLOW)) { // still a directory, not replaced by a file or link
        Files.setPosixFilePermissions(p, permissions(d.getValue()));
      }
    }
  }

  private static @Nullable BasicFileAttributes attrs(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, NOFOLLOW);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Deletes a file, link or directory tree without following links. */
  static void delete(Path p) throws IOException {
    BasicFileAttributes a = attrs(p);
    if (a == null) {
      return;
    }
    if (a.isDirectory()) {
      List<Path> children = new ArrayList<>();
      try (DirectoryStream<Path> s = Files.newDirectoryStream(p)) {
        s.forEach(children::add);
      }
      for (Path c : children) {
        delete(c);
      }
    }
    Files.deleteIfExists(p);
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    int bit = 1;
    for (PosixFilePermission p : order) {
      if ((mode & bit) != 0) {
        set.add(p);
      }
      bit <<= 1;
    }
    return set;
  }
}
