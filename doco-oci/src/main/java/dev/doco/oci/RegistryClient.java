package dev.doco.oci;

import dev.doco.core.DocoEvent;
import dev.doco.core.DocoListener;
import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.Manifest;
import dev.doco.oci.internal.auth.Json;
import dev.doco.oci.internal.http.Backoff;
import dev.doco.oci.internal.http.EnvProxySelector;
import dev.doco.oci.internal.http.ExchangeEvents;
import dev.doco.oci.internal.http.InsecureRegistries;
import dev.doco.oci.internal.http.Tls;
import dev.doco.oci.internal.registry.Digests;
import dev.doco.oci.internal.registry.IndexSelector;
import dev.doco.oci.internal.registry.ManifestParser;
import dev.doco.oci.internal.registry.MediaTypes;
import dev.doco.oci.internal.registry.RegistryTransport;
import dev.doco.oci.internal.registry.ResumingInputStream;
import dev.doco.oci.internal.registry.VerifyingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * A client for OCI registries (distribution-spec v1.1): resolves tags with one {@code HEAD}, reads
 * digest-verified manifests and streamed, verified blobs, lists tags and referrers, and pushes
 * blobs and manifests. Immutable and thread-safe; share one instance (it caches pings, tokens and
 * connections per registry) and derive variants with {@link #newBuilder()}.
 *
 * <pre>{@code
 * RegistryClient client = RegistryClient.builder()
 *     .environment(System.getenv())       // DOCKER_CONFIG, OCI_INSECURE_REGISTRIES, proxies
 *     .listener(event -> {})
 *     .build();
 * Reference ref = Reference.parse("ghcr.io/acme/cfg:main");
 * Descriptor head = client.resolve(ref);  // one HEAD once a token is cached
 * ResolvedContent content = client.content(ref.withDigest(head.digest()));
 * for (Descriptor layer : content.manifest().layers()) {
 *   client.fetchBlob(ref, layer, dir.resolve(layer.digest().substring(7)));
 * }
 * }</pre>
 *
 * <p>Failures are {@link RegistryException}s (a {@link dev.doco.core.SourceException}) with the
 * registry, repository, digest, HTTP status and registry error code, and a message that says what
 * to do.
 */
public final class RegistryClient implements AutoCloseable {

  /** Manifests larger than this are refused unless configured otherwise (4 MiB). */
  public static final long DEFAULT_MAX_MANIFEST_BYTES = 4L * 1024 * 1024;

  private static final int MAX_INDEX_DEPTH = 4;
  private static final MediaType OCTET = MediaType.get("application/octet-stream");
  private static final Pattern LINK_NEXT = Pattern.compile("<([^>]+)>\\s*;[^,]*rel=\"?next\"?");

  private final Builder settings;
  private final OkHttpClient http;
  private final RegistryTransport transport;
  private final DocoListener listener;

  private RegistryClient(Builder b) {
    this.settings = b.copy();
    this.listener = b.listener;
    Map<String, String> env = b.environment;
    InsecureRegistries insecure =
        b.insecure != null
            ? b.insecure
            : env.containsKey(InsecureRegistries.SETTING)
                ? InsecureRegistries.parse(env.get(InsecureRegistries.SETTING))
                : InsecureRegistries.loopbackOnly();
    CredentialProvider creds =
        b.credentials != null ? b.credentials : DockerCredentials.fromEnvironment(env);
    OkHttpClient.Builder hb =
        (b.baseHttp != null ? b.baseHttp.newBuilder() : new OkHttpClient.Builder())
            .followRedirects(false)
            .followSslRedirects(false)
            .connectTimeout(b.connectTimeout)
            .readTimeout(b.readTimeout)
            .writeTimeout(b.readTimeout)
            .eventListenerFactory(new ExchangeEvents(b.listener));
    EnvProxySelector proxies = EnvProxySelector.fromEnvironment(env);
    if (proxies != null) {
      hb.proxySelector(proxies);
      hb.proxyAuthenticator(
          (route, response) -> {
            if (response.request().header("Proxy-Authorization") != null) {
              return null; // already tried
            }
            String a = proxies.proxyAuthorization(response.request().url().isHttps());
            return a == null
                ? null
                : response.request().newBuilder().header("Proxy-Authorization", a).build();
          });
    }
    try {
      Tls.Setup tls = Tls.create(b.caBundle, b.clientCert, b.clientKey);
      if (tls != null) {
        hb.sslSocketFactory(tls.context().getSocketFactory(), tls.trustManager());
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new dev.doco.core.ConfigException(
          "cannot set up TLS for the registry client: " + e.getMessage(), null, -1, -1, e);
    }
    this.http = hb.build();
    this.transport =
        new RegistryTransport(http, creds, insecure, b.plainHttp, b.backoff(), b.userAgent);
  }

  /** A builder with defaults: environment from {@code System.getenv()}, docker credentials. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder initialised with this client's settings. */
  public Builder newBuilder() {
    return settings.copy();
  }

  // ------------------------------------------------------------------------------------ resolve

  /**
   * Resolves {@code ref} to its top-level manifest descriptor with one {@code HEAD} (the Accept
   * list below, digest from {@code Docker-Content-Digest}); falls back to {@code GET} (hashing the
   * body) when the registry omits the header. Nothing else is downloaded.
   */
  public Descriptor resolve(Reference ref) {
    try (Response r = transport.send(ref, manifestCall(ref, "HEAD"))) {
      if (r.isSuccessful()) {
        String digest = r.header("Docker-Content-Digest");
        String type = MediaTypes.base(r.header("Content-Type"));
        String cl = r.header("Content-Length");
        long size = cl == null ? -1 : parseLong(cl);
        if (MediaTypes.isSchema1(type)) {
          throw schema1(ref);
        }
        if (digest != null && Digests.isValid(digest) && MediaTypes.isManifest(type) && size >= 0) {
          if (ref.digest() != null && !ref.digest().equals(digest)) {
            throw new DigestMismatchException(
                "registry "
                    + ref.registry()
                    + " answered "
                    + ref
                    + " with digest "
                    + digest
                    + " (expected "
                    + ref.digest()
                    + ")",
                ref.registry(),
                ref.repository(),
                ref.digest(),
                digest);
          }
          Descriptor d = new Descriptor(Objects.requireNonNull(type), digest, size, null, Map.of());
          listener.onEvent(new DocoEvent.Resolved(ref.toString(), digest));
          return d;
        }
      } else if (r.code() == 401 || r.code() == 403 || r.code() == 404) {
        throw transport.failure(r, ref, "resolving " + ref.identifier(), ref.digest());
      }
    }
    Manifest m = manifest(ref);
    listener.onEvent(new DocoEvent.Resolved(ref.toString(), m.digest()));
    return new Descriptor(m.mediaType(), m.digest(), m.bytes().length, null, Map.of());
  }

  private RegistryTransport.Call manifestCall(Reference ref, String method) {
    return RegistryTransport.Call.get(
            "/v2/" + ref.repository() + "/manifests/" + ref.identifier(),
            List.of(ref.scope("pull")))
        .withMethod(method, null, true)
        .withHeaders(Headers.of("Accept", MediaTypes.MANIFEST_ACCEPT));
  }

  // ---------------------------------------------------------------------------------- manifests

  /**
   * The manifest {@code ref} names (its digest when present, else its tag): raw bytes checked
   * against the requested digest (or the {@code Docker-Content-Digest} header) before parsing,
   * refused above the size cap, Docker schema 1 refused.
   *
   * @throws ArtifactNotFoundException when it does not exist
   */
  public Manifest manifest(Reference ref) {
    Manifest m = fetchManifest(ref, manifestCall(ref, "GET"), ref.identifier());
    if (m == null) {
      throw new IllegalStateException("unreachable");
    }
    return m;
  }

  /** As {@link #manifest(Reference)}, but empty when the tag or digest does not exist. */
  public Optional<Manifest> findManifest(Reference ref) {
    try {
      return Optional.of(manifest(ref));
    } catch (ArtifactNotFoundException e) {
      return Optional.empty();
    }
  }

  private Manifest fetchManifest(Reference ref, RegistryTransport.Call call, String what) {
    try (Response r = transport.send(ref, call)) {
      if (!r.isSuccessful()) {
        throw transport.failure(r, ref, "fetching manifest " + what, ref.digest());
      }
      long cap = settings.maxManifestBytes;
      long len = r.body().contentLength();
      if (len > cap) {
        throw tooLarge(ref, len, cap);
      }
      byte[] bytes;
      try {
        bytes = RegistryTransport.readCapped(r, cap);
      } catch (IOException e) {
        if (e.getMessage() != null && e.getMessage().contains("exceeds the cap")) {
          throw tooLarge(ref, -1, cap);
        }
        throw new RegistryException(
            "reading manifest " + what + " from " + ref.registry() + " failed: " + e.getMessage(),
            ref.registry(),
            ref.repository(),
            ref.digest(),
            r.code(),
            null,
            e);
      }
      String header = r.header("Docker-Content-Digest");
      String expected = ref.digest();
      String actual = Digests.of(bytes, expected != null ? expected : "sha256:");
      if (expected != null && !expected.equals(actual)) {
        throw mismatch(ref, "manifest", expected, actual);
      }
      if (expected == null && header != null && Digests.isValid(header)) {
        String byHeader = Digests.of(bytes, header);
        if (!byHeader.equals(header)) {
          throw mismatch(ref, "manifest", header, byHeader);
        }
        actual = header;
      }
      String contentType = MediaTypes.base(r.header("Content-Type"));
      String declared = ManifestParser.declaredMediaType(bytes);
      if (MediaTypes.isSchema1(contentType)
          || MediaTypes.isSchema1(declared)
          || (declared == null && ManifestParser.schemaVersion(bytes) == 1)) {
        throw schema1(ref);
      }
      if (declared != null
          && MediaTypes.isManifest(contentType)
          && MediaTypes.isManifest(declared)
          && !declared.equals(contentType)) {
        throw new UnsupportedManifestException(
            "manifest "
                + what
                + " declares media type "
                + declared
                + " but the registry sent Content-Type "
                + contentType
                + "; refusing the ambiguous manifest",
            ref.registry(),
            ref.repository(),
            actual);
      }
      String type = declared != null ? declared : contentType;
      if (type == null) {
        type = guessType(bytes);
      }
      return new Manifest(actual, type, bytes);
    }
  }

  private static String guessType(byte[] bytes) {
    try {
      Map<?, ?> m = Json.parseObject(bytes);
      return m.containsKey("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
    } catch (IOException e) {
      return "application/octet-stream";
    }
  }

  /**
   * The content manifest of {@code ref}: the manifest itself, or for an index the child chosen for
   * the configured platform (attestations and signatures skipped; the single remaining child wins
   * whatever its platform; an error lists the candidates when the choice is ambiguous). Children
   * are fetched by digest.
   */
  public ResolvedContent content(Reference ref) {
    Manifest top = manifest(ref);
    Manifest current = top;
    Platform chosen = null;
    for (int depth = 0; depth <= MAX_INDEX_DEPTH; depth++) {
      if (!MediaTypes.isIndex(current.mediaType())) {
        ImageManifest im;
        try {
          im = ImageManifest.parse(current);
        } catch (IllegalArgumentException e) {
          throw new UnsupportedManifestException(
              "manifest " + current.digest() + " of " + ref + " is not usable: " + e.getMessage(),
              ref.registry(),
              ref.repository(),
              current.digest());
        }
        return new ResolvedContent(top, current, im, chosen);
      }
      ImageIndex index;
      try {
        index = ImageIndex.parse(current);
      } catch (IllegalArgumentException e) {
        throw new UnsupportedManifestException(
            "index " + current.digest() + " of " + ref + " is not usable: " + e.getMessage(),
            ref.registry(),
            ref.repository(),
            current.digest());
      }
      ImageIndex.Entry entry;
      try {
        entry = IndexSelector.select(index, settings.platform);
      } catch (IndexSelector.NoChoiceException e) {
        throw new UnsupportedManifestException(
            ref + " (" + current.digest() + "): " + e.getMessage(),
            ref.registry(),
            ref.repository(),
            current.digest());
      }
      chosen = entry.platform();
      current = manifest(ref.withDigest(entry.descriptor().digest()));
    }
    throw new UnsupportedManifestException(
        ref + ": indexes nested deeper than " + MAX_INDEX_DEPTH + " levels",
        ref.registry(),
        ref.repository(),
        top.digest());
  }

  // -------------------------------------------------------------------------------------- blobs

  /**
   * Opens blob {@code digest} of {@code repo} as a stream that is verified while read: the digest
   * and {@code size} (when not -1) are checked before end of stream is reported, and a difference
   * throws an {@link IOException}. Sent with {@code Accept-Encoding: identity}. When the connection
   * breaks mid-stream, the rest is asked for with {@code Range} (a registry that ignores it is read
   * past the bytes already delivered). The caller closes the stream.
   */
  public InputStream openBlob(Reference repo, String digest, long size) {
    Reference ref = repo.withDigest(digest);
    RegistryTransport.Call call =
        RegistryTransport.Call.get(
                "/v2/" + repo.repository() + "/blobs/" + digest, List.of(repo.scope("pull")))
            .withHeaders(Headers.of("Accept-Encoding", "identity"));
    Response r = transport.send(ref, call);
    if (!r.isSuccessful()) {
      try (r) {
        throw transport.failure(r, ref, "fetching blob " + digest, digest);
      }
    }
    long len = r.body().contentLength();
    if (size >= 0 && len >= 0 && len != size) {
      r.close();
      throw new DigestMismatchException(
          "blob "
              + digest
              + " of "
              + repo.name()
              + ": the registry announced "
              + len
              + " bytes but the descriptor says "
              + size,
          repo.registry(),
          repo.repository(),
          digest,
          len + " bytes");
    }
    ResumingInputStream.Reopener reopen =
        offset ->
            transport.send(
                ref,
                call.withHeaders(
                    offset == 0
                        ? call.headers()
                        : Headers.of(
                            "Accept-Encoding", "identity", "Range", "bytes=" + offset + "-")));
    return new VerifyingInputStream(
        new ResumingInputStream(r, digest, reopen, transport.backoff()), digest, size);
  }

  /**
   * Downloads blob {@code descriptor} to {@code target}, streaming (never whole in memory) and
   * verifying digest and size; a broken connection is resumed ({@link #openBlob}), other I/O errors
   * are retried from the start. On a mismatch nothing is left at {@code target} and a {@link
   * DigestMismatchException} names both digests.
   *
   * @return the number of bytes written
   */
  public long fetchBlob(Reference repo, Descriptor descriptor, Path target) {
    String digest = descriptor.digest();
    Path dir = target.toAbsolutePath().getParent();
    Backoff backoff = settings.backoff();
    Instant deadline = Instant.now().plus(backoff.deadline());
    for (int attempt = 0; ; attempt++) {
      Path tmp = null;
      try {
        Files.createDirectories(dir);
        tmp = Files.createTempFile(dir, ".blob-", ".partial");
        long total = 0;
        long lastReport = 0;
        try (InputStream in = openBlob(repo, digest, descriptor.size());
            OutputStream out = Files.newOutputStream(tmp)) {
          byte[] buf = new byte[64 * 1024];
          int n;
          while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
            total += n;
            if (total - lastReport >= 1024 * 1024) {
              lastReport = total;
              listener.onEvent(new DocoEvent.DownloadProgress(digest, total, descriptor.size()));
            }
          }
        }
        Files.move(
            tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        listener.onEvent(new DocoEvent.DownloadProgress(digest, total, descriptor.size()));
        return total;
      } catch (VerifyingInputStream.MismatchException e) {
        deleteQuietly(tmp);
        throw new DigestMismatchException(
            String.valueOf(e.getMessage())
                + " ("
                + repo.name()
                + "); the partial download was deleted",
            repo.registry(),
            repo.repository(),
            e.expected(),
            e.actual());
      } catch (IOException e) {
        deleteQuietly(tmp);
        Duration d = backoff.delay(attempt);
        if (attempt + 1 < backoff.maxAttempts() && Instant.now().plus(d).isBefore(deadline)) {
          sleep(d);
          continue;
        }
        throw new RegistryException(
            "downloading blob " + digest + " of " + repo.name() + " failed: " + e.getMessage(),
            repo.registry(),
            repo.repository(),
            digest,
            0,
            null,
            e);
      } catch (RuntimeException e) {
        deleteQuietly(tmp);
        throw e;
      }
    }
  }

  /** The bytes of a small blob (e.g. a config), verified; refused above {@code maxBytes}. */
  public byte[] blobBytes(Reference repo, Descriptor descriptor, long maxBytes) {
    if (descriptor.size() > maxBytes) {
      throw new UnsupportedManifestException(
          "blob " + descriptor.digest() + " is " + descriptor.size() + " bytes, above " + maxBytes,
          repo.registry(),
          repo.repository(),
          descriptor.digest());
    }
    try (InputStream in = openBlob(repo, descriptor.digest(), descriptor.size())) {
      return in.readAllBytes();
    } catch (VerifyingInputStream.MismatchException e) {
      throw new DigestMismatchException(
          String.valueOf(e.getMessage()),
          repo.registry(),
          repo.repository(),
          e.expected(),
          e.actual());
    } catch (IOException e) {
      throw new RegistryException(
          "reading blob " + descriptor.digest() + " failed: " + e.getMessage(),
          repo.registry(),
          repo.repository(),
          descriptor.digest(),
          0,
          null,
          e);
    }
  }

  private static void deleteQuietly(@Nullable Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // best effort
      }
    }
  }

  // --------------------------------------------------------------------------- tags, referrers

  /** All tags of {@code repo}, following {@code Link} pages of 1000 (at most 100 pages). */
  public List<String> tags(Reference repo) {
    return tags(repo, 1000, 100);
  }

  /** Tags of {@code repo} in pages of {@code pageSize}, at most {@code maxPages} pages. */
  public List<String> tags(Reference repo, int pageSize, int maxPages) {
    List<String> out = new ArrayList<>();
    RegistryTransport.Call call =
        RegistryTransport.Call.get(
                "/v2/" + repo.repository() + "/tags/list", List.of(repo.scope("pull")))
            .withQuery(Map.of("n", Integer.toString(pageSize)));
    for (int page = 0; page < maxPages; page++) {
      try (Response r = transport.send(repo, call)) {
        if (!r.isSuccessful()) {
          throw transport.failure(r, repo, "listing tags", null);
        }
        Map<?, ?> json = Json.parseObject(RegistryTransport.readCapped(r, 16L * 1024 * 1024));
        List<?> tags = Json.list(json, "tags");
        if (tags != null) {
          for (Object t : tags) {
            if (t instanceof String s) {
              out.add(s);
            }
          }
        }
        HttpUrl next = nextLink(r);
        if (next == null) {
          return out;
        }
        call = call.withUrl(next);
      } catch (IOException e) {
        throw new RegistryException(
            "listing tags of " + repo.name() + " failed: " + e.getMessage(),
            repo.registry(),
            repo.repository(),
            null,
            0,
            null,
            e);
      }
    }
    throw new RegistryException(
        "listing tags of " + repo.name() + " needs more than " + maxPages + " pages; refusing",
        repo.registry(),
        repo.repository(),
        null,
        0,
        null,
        null);
  }

  private static @Nullable HttpUrl nextLink(Response r) {
    for (String link : r.headers("Link")) {
      Matcher m = LINK_NEXT.matcher(link);
      if (m.find()) {
        return r.request().url().resolve(m.group(1));
      }
    }
    return null;
  }

  /**
   * The manifests whose {@code subject} is {@code digest}, filtered by {@code artifactType} when
   * non-null: the OCI 1.1 referrers API (paged, filtered client-side unless the registry says
   * {@code OCI-Filters-Applied}), or the {@code sha256-<hex>} fallback tag when the registry lacks
   * the API (404/400/405/406); an absent or invalid fallback tag means none.
   */
  public List<Descriptor> referrers(Reference repo, String digest, @Nullable String artifactType) {
    Reference ref = repo.withDigest(digest);
    RegistryTransport.Call call =
        RegistryTransport.Call.get(
                "/v2/" + repo.repository() + "/referrers/" + digest, List.of(repo.scope("pull")))
            .withHeaders(Headers.of("Accept", MediaTypes.OCI_INDEX));
    if (artifactType != null) {
      call = call.withQuery(Map.of("artifactType", artifactType));
    }
    List<Descriptor> out = new ArrayList<>();
    for (int page = 0; page < 100; page++) {
      try (Response r = transport.send(ref, call)) {
        int code = r.code();
        if (page == 0 && (code == 404 || code == 400 || code == 405 || code == 406)) {
          return referrersFallback(repo, digest, artifactType);
        }
        if (!r.isSuccessful()) {
          throw transport.failure(r, ref, "listing referrers of " + digest, digest);
        }
        if (page == 0 && !MediaTypes.OCI_INDEX.equals(MediaTypes.base(r.header("Content-Type")))) {
          return referrersFallback(repo, digest, artifactType);
        }
        byte[] body = RegistryTransport.readCapped(r, settings.maxManifestBytes);
        String filters = r.header("OCI-Filters-Applied");
        boolean filtered = filters != null && filters.contains("artifactType");
        for (Descriptor d :
            ImageIndex.parse(new Manifest(Digests.sha256(body), MediaTypes.OCI_INDEX, body))
                .descriptors()) {
          if (artifactType == null || filtered || artifactType.equals(d.artifactType())) {
            out.add(d);
          }
        }
        HttpUrl next = nextLink(r);
        if (next == null) {
          return out;
        }
        call = call.withUrl(next);
      } catch (IOException | IllegalArgumentException e) {
        throw new RegistryException(
            "listing referrers of " + digest + " in " + repo.name() + " failed: " + e.getMessage(),
            repo.registry(),
            repo.repository(),
            digest,
            0,
            null,
            e);
      }
    }
    return out;
  }

  private List<Descriptor> referrersFallback(
      Reference repo, String digest, @Nullable String artifactType) {
    String tag = fallbackTag(digest);
    Optional<Manifest> m = findManifest(repo.withTag(tag));
    if (m.isEmpty() || !MediaTypes.isIndex(m.get().mediaType())) {
      return List.of();
    }
    List<Descriptor> out = new ArrayList<>();
    try {
      for (Descriptor d : ImageIndex.parse(m.get()).descriptors()) {
        if (artifactType == null || artifactType.equals(d.artifactType())) {
          out.add(d);
        }
      }
    } catch (IllegalArgumentException e) {
      return List.of();
    }
    return out;
  }

  /** The referrers fallback tag of {@code digest}: {@code sha256-<hex>} (truncated per spec). */
  public static String fallbackTag(String digest) {
    int c = digest.indexOf(':');
    String alg = digest.substring(0, c);
    String hex = digest.substring(c + 1);
    String t =
        (alg.length() > 32 ? alg.substring(0, 32) : alg)
            + "-"
            + (hex.length() > 64 ? hex.substring(0, 64) : hex);
    return t.replaceAll("[^a-zA-Z0-9._-]", "-");
  }

  // ------------------------------------------------------------------------------------- upload

  /** True when the repository already has blob {@code digest} ({@code HEAD}). */
  public boolean blobExists(Reference repo, String digest) {
    RegistryTransport.Call call =
        RegistryTransport.Call.get(
                "/v2/" + repo.repository() + "/blobs/" + digest, List.of(repo.scope("pull,push")))
            .withMethod("HEAD", null, true);
    try (Response r = transport.send(repo, call)) {
      if (r.isSuccessful()) {
        return true;
      }
      if (r.code() == 404) {
        return false;
      }
      throw transport.failure(r, repo, "checking blob " + digest, digest);
    }
  }

  /**
   * Uploads {@code file} as blob {@code digest} in one request (POST, then PUT with the body);
   * nothing is sent when the blob already exists. The registry verifies the digest.
   */
  public void pushBlob(Reference repo, String digest, Path file) {
    if (blobExists(repo, digest)) {
      return;
    }
    HttpUrl location = startUpload(repo, digest);
    RequestBody body = RequestBody.create(file.toFile(), OCTET);
    finishUpload(repo, digest, location, body);
  }

  /** Uploads {@code bytes} as a blob (monolithic) and returns its descriptor. */
  public Descriptor pushBlob(Reference repo, byte[] bytes, String mediaType) {
    String digest = Digests.sha256(bytes);
    if (!blobExists(repo, digest)) {
      HttpUrl location = startUpload(repo, digest);
      finishUpload(repo, digest, location, RequestBody.create(bytes, OCTET));
    }
    return new Descriptor(mediaType, digest, bytes.length, null, Map.of());
  }

  /**
   * Uploads {@code file} as blob {@code digest} in chunks of {@code chunkSize} bytes (raised to the
   * registry's {@code OCI-Chunk-Min-Length}): POST, one PATCH per chunk with {@code Content-Range},
   * following each new {@code Location}, then PUT with the digest. Skipped when the blob exists.
   */
  public void pushBlobChunked(Reference repo, String digest, Path file, int chunkSize) {
    if (blobExists(repo, digest)) {
      return;
    }
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RegistryTransport.Call post =
        RegistryTransport.Call.get(
                "/v2/" + repo.repository() + "/blobs/uploads/", List.of(repo.scope("pull,push")))
            .withMethod("POST", RequestBody.create(new byte[0], null), false);
    HttpUrl location;
    int chunk = Math.max(1, chunkSize);
    try (Response r = transport.send(repo, post)) {
      if (r.code() != 202) {
        throw transport.failure(r, repo, "upload of " + digest, digest);
      }
      location = location(r, repo, digest);
      String min = r.header("OCI-Chunk-Min-Length");
      if (min != null) {
        chunk = (int) Math.max(chunk, Math.min(parseLong(min), Integer.MAX_VALUE));
      }
    }
    try (var ch = Files.newByteChannel(file)) {
      long offset = 0;
      while (offset < size) {
        int n = (int) Math.min(chunk, size - offset);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(n);
        while (buf.hasRemaining() && ch.read(buf) >= 0) {
          // fill
        }
        RegistryTransport.Call patch =
            RegistryTransport.Call.get("", List.of(repo.scope("pull,push")))
                .withUrl(location)
                .withMethod("PATCH", RequestBody.create(buf.array(), OCTET), false)
                .withHeaders(Headers.of("Content-Range", offset + "-" + (offset + n - 1)));
        try (Response r = transport.send(repo, patch)) {
          if (r.code() != 202) {
            throw transport.failure(
                r, repo, "upload of chunk at " + offset + " of " + digest, digest);
          }
          location = location(r, repo, digest);
        }
        offset += n;
      }
    } catch (IOException e) {
      throw new RegistryException(
          "reading " + file + " for upload failed: " + e.getMessage(),
          repo.registry(),
          repo.repository(),
          digest,
          0,
          null,
          e);
    }
    finishUpload(repo, digest, location, RequestBody.create(new byte[0], OCTET));
  }

  /**
   * Asks the registry to mount blob {@code digest} from repository {@code from} (same registry)
   * into {@code repo}; true when it did (201), false when it started a normal upload instead.
   */
  public boolean mountBlob(Reference repo, Reference from, String digest) {
    RegistryTransport.Call call =
        RegistryTransport.Call.get(
                "/v2/" + repo.repository() + "/blobs/uploads/",
                List.of(repo.scope("pull,push"), from.scope("pull")))
            .withQuery(Map.of("mount", digest, "from", from.repository()))
            .withMethod("POST", RequestBody.create(new byte[0], null), false);
    try (Response r = transport.send(repo, call)) {
      if (r.code() == 201) {
        return true;
      }
      if (r.code() == 202) {
        return false;
      }
      throw transport.failure(r, repo, "mounting blob " + digest, digest);
    }
  }

  /**
   * Pushes manifest {@code bytes} (sent exactly as given) under {@code ref}'s tag, or its digest
   * when the reference has one, and returns the digest of the bytes.
   */
  public String pushManifest(Reference ref, String mediaType, byte[] bytes) {
    String digest = Digests.sha256(bytes);
    if (ref.digest() != null && !ref.digest().equals(digest)) {
      throw new IllegalArgumentException(
          "manifest bytes have digest " + digest + ", not " + ref.digest());
    }
    String target = ref.digest() != null ? ref.digest() : ref.identifier();
    RegistryTransport.Call call =
        RegistryTransport.Call.get(
                "/v2/" + ref.repository() + "/manifests/" + target, List.of(ref.scope("pull,push")))
            .withMethod("PUT", RequestBody.create(bytes, MediaType.get(mediaType)), true);
    try (Response r = transport.send(ref, call)) {
      if (!r.isSuccessful()) {
        throw transport.failure(r, ref, "pushing manifest " + target, digest);
      }
      String got = r.header("Docker-Content-Digest");
      if (got != null && Digests.isValid(got) && got.startsWith("sha256:") && !got.equals(digest)) {
        throw mismatch(ref, "pushed manifest", digest, got);
      }
    }
    return digest;
  }

  private HttpUrl startUpload(Reference repo, String digest) {
    RegistryTransport.Call post =
        RegistryTransport.Call.get(
                "/v2/" + repo.repository() + "/blobs/uploads/", List.of(repo.scope("pull,push")))
            .withMethod("POST", RequestBody.create(new byte[0], null), false);
    try (Response r = transport.send(repo, post)) {
      if (r.code() != 202) {
        throw transport.failure(r, repo, "upload of " + digest, digest);
      }
      return location(r, repo, digest);
    }
  }

  private void finishUpload(Reference repo, String digest, HttpUrl location, RequestBody body) {
    HttpUrl put = location.newBuilder().addQueryParameter("digest", digest).build();
    RegistryTransport.Call call =
        RegistryTransport.Call.get("", List.of(repo.scope("pull,push")))
            .withUrl(put)
            .withMethod("PUT", body, false);
    try (Response r = transport.send(repo, call)) {
      if (r.code() != 201 && !r.isSuccessful()) {
        throw transport.failure(r, repo, "upload of " + digest, digest);
      }
    }
  }

  private HttpUrl location(Response r, Reference repo, String digest) {
    String loc = r.header("Location");
    HttpUrl u = loc == null ? null : r.request().url().resolve(loc);
    if (u == null) {
      throw new RegistryException(
          "registry " + repo.registry() + " started an upload without a valid Location header",
          repo.registry(),
          repo.repository(),
          digest,
          r.code(),
          null,
          null);
    }
    return u;
  }

  // ------------------------------------------------------------------------------------- access

  /** Read access to {@code repo} for verifiers. */
  public RegistryArtifactAccess access(Reference repo) {
    return new RegistryArtifactAccess(this, repo);
  }

  /** Releases pooled connections. */
  @Override
  public void close() {
    http.connectionPool().evictAll();
    http.dispatcher().executorService().shutdown();
  }

  // ------------------------------------------------------------------------------------ helpers

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted", "", "", null, 0, null, e);
    }
  }

  private static UnsupportedManifestException schema1(Reference ref) {
    return new UnsupportedManifestException(
        ref
            + " is a Docker schema 1 manifest, which is deprecated and unsupported; push it again"
            + " with a current docker, buildx or oras (schema 2 / OCI)",
        ref.registry(),
        ref.repository(),
        ref.digest());
  }

  private static UnsupportedManifestException tooLarge(Reference ref, long len, long cap) {
    return new UnsupportedManifestException(
        "manifest of "
            + ref
            + (len >= 0 ? " is " + len + " bytes," : " is")
            + " larger than the cap of "
            + cap
            + " bytes; refusing it (raise maxManifestBytes if this is expected)",
        ref.registry(),
        ref.repository(),
        ref.digest());
  }

  private static DigestMismatchException mismatch(
      Reference ref, String what, String expected, String actual) {
    return new DigestMismatchException(
        what
            + " of "
            + ref
            + " does not match its digest: expected "
            + expected
            + ", got "
            + actual
            + "; the registry or a proxy altered it",
        ref.registry(),
        ref.repository(),
        expected,
        actual);
  }

  /** Builds {@link RegistryClient}s. */
  public static final class Builder {
    private Map<String, String> environment = System.getenv();
    private @Nullable CredentialProvider credentials;
    private @Nullable InsecureRegistries insecure;
    private Set<String> plainHttp = new HashSet<>();
    private DocoListener listener = DocoListener.NONE;
    private @Nullable Path caBundle;
    private @Nullable Path clientCert;
    private @Nullable Path clientKey;
    private Platform platform = Platform.runtime();
    private long maxManifestBytes = DEFAULT_MAX_MANIFEST_BYTES;
    private int maxAttempts = 4;
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(10);
    private Duration deadline = Duration.ofMinutes(2);
    private Duration connectTimeout = Duration.ofSeconds(15);
    private Duration readTimeout = Duration.ofSeconds(60);
    private String userAgent = "doco/0.1";
    private @Nullable OkHttpClient baseHttp;

    private Builder() {}

    Builder copy() {
      Builder b = new Builder();
      b.environment = environment;
      b.credentials = credentials;
      b.insecure = insecure;
      b.plainHttp = new HashSet<>(plainHttp);
      b.listener = listener;
      b.caBundle = caBundle;
      b.clientCert = clientCert;
      b.clientKey = clientKey;
      b.platform = platform;
      b.maxManifestBytes = maxManifestBytes;
      b.maxAttempts = maxAttempts;
      b.initialBackoff = initialBackoff;
      b.maxBackoff = maxBackoff;
      b.deadline = deadline;
      b.connectTimeout = connectTimeout;
      b.readTimeout = readTimeout;
      b.userAgent = userAgent;
      b.baseHttp = baseHttp;
      return b;
    }

    Backoff backoff() {
      return new Backoff(maxAttempts, initialBackoff, maxBackoff, deadline);
    }

    /**
     * Settings in doco-cd's environment-variable names: {@code OCI_INSECURE_REGISTRIES}, {@code
     * DOCKER_CONFIG}, {@code HOME}, Podman's auth variables, {@code HTTPS_PROXY}/{@code
     * HTTP_PROXY}/{@code NO_PROXY}. Default: {@code System.getenv()}.
     */
    public Builder environment(Map<String, String> env) {
      this.environment = Map.copyOf(env);
      return this;
    }

    /** Where credentials come from; default {@link DockerCredentials} over the environment. */
    public Builder credentials(CredentialProvider provider) {
      this.credentials = Objects.requireNonNull(provider);
      return this;
    }

    /**
     * Registries (host[:port]) that may be spoken to over plain HTTP after https fails, in addition
     * to loopback; overrides {@code OCI_INSECURE_REGISTRIES} from the environment.
     */
    public Builder insecureRegistries(Collection<String> registries) {
      this.insecure = InsecureRegistries.parse(String.join(",", registries));
      return this;
    }

    /**
     * Registries (host[:port], as in the reference) to talk to over plain HTTP directly, without
     * trying https first (like {@code oras --plain-http}). Each must also be allowed by {@link
     * #insecureRegistries} or be loopback.
     */
    public Builder plainHttp(Collection<String> registries) {
      for (String r : registries) {
        String n = r.toLowerCase(Locale.ROOT);
        InsecureRegistries allowed =
            insecure != null
                ? insecure
                : environment.containsKey(InsecureRegistries.SETTING)
                    ? InsecureRegistries.parse(environment.get(InsecureRegistries.SETTING))
                    : InsecureRegistries.loopbackOnly();
        if (!allowed.allows(n)) {
          throw new IllegalArgumentException(
              "plain HTTP for "
                  + r
                  + " is not allowed: it is not loopback; list it in "
                  + InsecureRegistries.SETTING
                  + " first");
        }
        plainHttp.add(n);
      }
      return this;
    }

    /** Receives a {@link DocoEvent.HttpExchange} per request and download progress. */
    public Builder listener(DocoListener l) {
      this.listener = Objects.requireNonNull(l);
      return this;
    }

    /** A PEM file of CA certificates trusted in addition to the system's. */
    public Builder caBundle(Path pem) {
      this.caBundle = pem;
      return this;
    }

    /** A client certificate chain (PEM) and its PKCS#8 PEM key, for mutual TLS. */
    public Builder clientCertificate(Path certificatePem, Path privateKeyPem) {
      this.clientCert = certificatePem;
      this.clientKey = privateKeyPem;
      return this;
    }

    /** The platform preferred when an index has several content manifests. */
    public Builder platform(Platform p) {
      this.platform = Objects.requireNonNull(p);
      return this;
    }

    /** Manifest size cap (default 4 MiB). */
    public Builder maxManifestBytes(long bytes) {
      this.maxManifestBytes = bytes;
      return this;
    }

    /**
     * Retries: total attempts per request, first and largest backoff (also the cap on {@code
     * Retry-After}), and the overall deadline of one operation.
     */
    public Builder retries(int attempts, Duration initial, Duration max, Duration overall) {
      if (attempts < 1) {
        throw new IllegalArgumentException("attempts must be at least 1");
      }
      this.maxAttempts = attempts;
      this.initialBackoff = initial;
      this.maxBackoff = max;
      this.deadline = overall;
      return this;
    }

    /** Connect and read timeouts of single requests. */
    public Builder timeouts(Duration connect, Duration read) {
      this.connectTimeout = connect;
      this.readTimeout = read;
      return this;
    }

    /** The User-Agent header. */
    public Builder userAgent(String ua) {
      this.userAgent = ua;
      return this;
    }

    /** A base OkHttp client to share a connection pool or dispatcher with (settings override). */
    public Builder httpClient(OkHttpClient base) {
      this.baseHttp = base;
      return this;
    }

    public RegistryClient build() {
      return new RegistryClient(this);
    }
  }
}
