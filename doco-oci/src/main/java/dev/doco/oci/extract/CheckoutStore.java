package dev.doco.oci.extract;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where checkouts, revision history and cached blobs live under the data directory:
 *
 * <pre>
 * &lt;data&gt;/checkouts/&lt;registry&gt;/&lt;repository&gt;/&lt;tag or digest&gt;/   live checkout
 * &lt;data&gt;/revisions/&lt;registry&gt;/&lt;repository&gt;/&lt;tag or digest&gt;.json last N revisions
 * &lt;data&gt;/blobs/sha256/&lt;hex&gt;                                   content cache
 * </pre>
 *
 * One directory per registry, repository and tag (production and staging tags never share one);
 * every path segment is made safe ({@code :} and anything outside {@code [A-Za-z0-9._-]} become
 * {@code _}; {@code .} and {@code ..} are never segments). A revision record lists the manifest and
 * layer digests; those blobs stay cached while any record names them, so the last N revisions can
 * be materialised again without network (rollback, restart). Thread-safe.
 */
public final class CheckoutStore {
  private static final Logger LOG = LoggerFactory.getLogger(CheckoutStore.class);

  /** Default number of revisions kept per checkout. */
  public static final int DEFAULT_KEEP = 3;

  private static final JsonAdapter<List<Map<String, Object>>> HISTORY =
      new Moshi.Builder()
          .build()
          .<List<Map<String, Object>>>adapter(
              Types.newParameterizedType(
                  List.class, Types.newParameterizedType(Map.class, String.class, Object.class)))
          .indent("  ");

  private final Path data;
  private final int keep;
  private final BlobCache blobs;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

  /**
   * One entry of a checkout's history.
   *
   * @param digest the top-level manifest digest
   * @param mediaType its media type
   * @param blobs every blob needed to materialise it again (manifests and content layers)
   * @param fetchedAt ISO-8601 instant of the extraction
   */
  public record RevisionRecord(
      String digest, String mediaType, List<String> blobs, String fetchedAt) {
    public RevisionRecord {
      blobs = List.copyOf(blobs);
    }
  }

  public CheckoutStore(Path dataDirectory, int keepRevisions) {
    if (keepRevisions < 1) {
      throw new IllegalArgumentException("keepRevisions must be at least 1");
    }
    this.data = dataDirectory.toAbsolutePath().normalize();
    this.keep = keepRevisions;
    this.blobs = new BlobCache(data.resolve("blobs"));
  }

  public BlobCache blobs() {
    return blobs;
  }

  public Path dataDirectory() {
    return data;
  }

  /**
   * The checkout directory of {@code repository} at {@code tag}.
   *
   * @param repository canonical repository ({@code registry/path}, or {@code oci-layout:/abs/path})
   * @param tag a tag or a {@code sha256:...} digest
   */
  public Path checkoutDirectory(String repository, String tag) {
    return data.resolve("checkouts").resolve(relative(repository, tag));
  }

  /** The history file of {@code repository} at {@code tag}. */
  public Path historyFile(String repository, String tag) {
    Path rel = relative(repository, tag);
    return data.resolve("revisions")
        .resolve(rel.getParent())
        .resolve(rel.getFileName().toString() + ".json");
  }

  static Path relative(String repository, String tag) {
    List<String> segments = new ArrayList<>();
    String repo = repository;
    if (repo.startsWith("oci-layout:")) {
      segments.add("oci-layout");
      repo = repo.substring("oci-layout:".length());
    }
    for (String s : repo.split("/")) {
      if (!s.isEmpty()) {
        segments.add(safe(s));
      }
    }
    segments.add(safe(tag));
    Path p = Path.of(segments.get(0));
    for (int i = 1; i < segments.size(); i++) {
      p = p.resolve(segments.get(i));
    }
    return p;
  }

  /** A file-name-safe form of one segment. */
  public static String safe(String segment) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '-'
              || c == '_';
      b.append(ok ? c : '_');
    }
    String s = b.toString();
    if (s.isEmpty() || s.equals(".") || s.equals("..")) {
      return "_" + s.replace('.', '_');
    }
    if (s.startsWith(".")) {
      s = "_" + s.substring(1); // never a hidden directory (ours are hidden)
    }
    return s;
  }

  /** The recorded revisions, newest first (empty when none). */
  public List<RevisionRecord> history(String repository, String tag) throws IOException {
    Path f = historyFile(repository, tag);
    if (!Files.isRegularFile(f)) {
      return List.of();
    }
    List<Map<String, Object>> raw = HISTORY.fromJson(Files.readString(f, StandardCharsets.UTF_8));
    List<RevisionRecord> out = new ArrayList<>();
    if (raw != null) {
      for (Map<String, Object> m : raw) {
        @SuppressWarnings("unchecked")
        List<Object> b = (List<Object>) m.getOrDefault("blobs", List.of());
        out.add(
            new RevisionRecord(
                String.valueOf(m.get("digest")),
                String.valueOf(m.get("mediaType")),
                b.stream().map(String::valueOf).toList(),
                String.valueOf(m.get("fetchedAt"))));
      }
    }
    return out;
  }

  /**
   * Records {@code record} as the newest revision of the checkout, keeps the last N, and drops
   * cached blobs no record names any more.
   */
  public synchronized void record(String repository, String tag, RevisionRecord record)
      throws IOException {
    List<RevisionRecord> list = new ArrayList<>(history(repository, tag));
    list.removeIf(r -> r.digest().equals(record.digest()));
    list.add(0, record);
    while (list.size() > keep) {
      list.remove(list.size() - 1);
    }
    List<Map<String, Object>> raw = new ArrayList<>();
    for (RevisionRecord r : list) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("digest", r.digest());
      m.put("mediaType", r.mediaType());
      m.put("blobs", r.blobs());
      m.put("fetchedAt", r.fetchedAt());
      raw.add(m);
    }
    Path f = historyFile(repository, tag);
    Files.createDirectories(f.getParent());
    Path tmp = Files.createTempFile(f.getParent(), ".history-", ".tmp");
    Files.writeString(tmp, HISTORY.toJson(raw), StandardCharsets.UTF_8);
    Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    collectGarbage();
  }

  /** Marks blobs as in use by a fetch in progress, so garbage collection keeps them. */
  public void pin(Iterable<String> digests) {
    digests.forEach(inFlight::add);
  }

  public void unpin(Iterable<String> digests) {
    digests.forEach(inFlight::remove);
  }

  /** Deletes cached blobs that no revision record names and no fetch in progress uses. */
  public synchronized int collectGarbage() throws IOException {
    Set<String> keepSet = new HashSet<>(inFlight);
    Path revisions = data.resolve("revisions");
    if (Files.isDirectory(revisions)) {
      List<Path> files;
      try (Stream<Path> s = Files.walk(revisions)) {
        files = s.filter(p -> p.toString().endsWith(".json")).toList();
      }
      for (Path f : files) {
        try {
          List<Map<String, Object>> raw =
              HISTORY.fromJson(Files.readString(f, StandardCharsets.UTF_8));
          if (raw == null) {
            continue;
          }
          for (Map<String, Object> m : raw) {
            Object b = m.get("blobs");
            if (b instanceof List<?> l) {
              l.forEach(x -> keepSet.add(String.valueOf(x)));
            }
          }
        } catch (IOException | RuntimeException e) {
          LOG.warn("cannot read revision history {}; keeping all cached blobs", f, e);
          return 0;
        }
      }
    }
    return blobs.retainOnly(keepSet);
  }
}
