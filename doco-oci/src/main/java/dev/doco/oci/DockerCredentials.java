package dev.doco.oci;

import dev.doco.oci.internal.auth.CredentialHelper;
import dev.doco.oci.internal.auth.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credentials found the way the docker CLI (and go-containerregistry's default keychain) finds
 * them. For each lookup, in order:
 *
 * <ol>
 *   <li>the {@code auths} of the JSON in {@code $DOCKER_AUTH_CONFIG} (what the docker CLI reads
 *       first since 28.3 and GitLab CI sets; same entry forms as {@code config.json}; invalid JSON
 *       is an error, not a silent fallback);
 *   <li>the docker {@code config.json} in {@code $DOCKER_CONFIG}, else {@code ~/.docker}: {@code
 *       credHelpers[registry]} (running {@code docker-credential-<name> get}), then {@code auths}
 *       ({@code auth}, {@code username}/{@code password}, {@code identitytoken}, {@code
 *       registrytoken}; keys such as {@code https://index.docker.io/v1/} are normalised to host
 *       names, repository-scoped keys match most specific first), then {@code credsStore};
 *   <li>Podman's {@code auth.json}: {@code $REGISTRY_AUTH_FILE}, {@code
 *       $XDG_RUNTIME_DIR/containers/auth.json}, {@code $XDG_CONFIG_HOME/containers/auth.json} (or
 *       {@code ~/.config/containers/auth.json});
 *   <li>otherwise anonymous.
 * </ol>
 *
 * <p>Files are re-read on every lookup, so rotated tokens are picked up. Secrets never appear in
 * logs, exceptions or {@code toString()}.
 */
public final class DockerCredentials implements CredentialProvider {
  private static final Logger LOG = LoggerFactory.getLogger(DockerCredentials.class);
  private static final List<String> HUB_KEYS =
      List.of("index.docker.io", "docker.io", "registry-1.docker.io", "registry.hub.docker.com");

  private static final String AUTH_CONFIG_ENV = "DOCKER_AUTH_CONFIG";
  private static final String AUTH_CONFIG_FIX =
      "; it must be a JSON object like {\"auths\":{\"REGISTRY\":{\"auth\":\"base64 of"
          + " user:password\"}}}, or unset it";
  private static final String FILE_FIX = "; fix or remove it (docker login rewrites it)";

  private final @Nullable Path dockerConfig;
  private final List<Path> podmanFiles;
  private final Map<String, String> env;
  private final Duration helperTimeout;

  private DockerCredentials(
      @Nullable Path dockerConfig,
      List<Path> podmanFiles,
      Map<String, String> env,
      Duration helperTimeout) {
    this.dockerConfig = dockerConfig;
    this.podmanFiles = List.copyOf(podmanFiles);
    this.env = Map.copyOf(env);
    this.helperTimeout = helperTimeout;
  }

  /** Locations from {@code env} ({@code DOCKER_CONFIG}, {@code HOME}, Podman's variables). */
  public static DockerCredentials fromEnvironment(Map<String, String> env) {
    return fromEnvironment(env, Duration.ofSeconds(30));
  }

  /** As {@link #fromEnvironment(Map)}, with a timeout for each credential helper run. */
  public static DockerCredentials fromEnvironment(Map<String, String> env, Duration helperTimeout) {
    String home = nonBlank(env.get("HOME"));
    if (home == null) {
      home = System.getProperty("user.home");
    }
    String dc = nonBlank(env.get("DOCKER_CONFIG"));
    Path docker =
        dc != null
            ? Path.of(dc, "config.json")
            : home != null ? Path.of(home, ".docker", "config.json") : null;
    List<Path> podman = new ArrayList<>();
    String raf = nonBlank(env.get("REGISTRY_AUTH_FILE"));
    if (raf != null) {
      podman.add(Path.of(raf));
    }
    String xrd = nonBlank(env.get("XDG_RUNTIME_DIR"));
    if (xrd != null) {
      podman.add(Path.of(xrd, "containers", "auth.json"));
    }
    String xch = nonBlank(env.get("XDG_CONFIG_HOME"));
    if (xch != null) {
      podman.add(Path.of(xch, "containers", "auth.json"));
    } else if (home != null) {
      podman.add(Path.of(home, ".config", "containers", "auth.json"));
    }
    return new DockerCredentials(docker, podman, env, helperTimeout);
  }

  /** The docker {@code config.json} consulted (it may not exist). */
  public Optional<Path> dockerConfigFile() {
    return Optional.ofNullable(dockerConfig);
  }

  @Override
  public Optional<Credential> find(String registry, String repository) {
    List<String> keys = lookupKeys(registry, repository);
    String inline = nonBlank(env.get(AUTH_CONFIG_ENV));
    if (inline != null) {
      Map<?, ?> cfg =
          parse(
              inline.getBytes(StandardCharsets.UTF_8), AUTH_CONFIG_ENV, AUTH_CONFIG_FIX, registry);
      Optional<Credential> c = fromAuths(cfg, keys, AUTH_CONFIG_ENV);
      if (c.isPresent()) {
        return c;
      }
    }
    if (dockerConfig != null && Files.isRegularFile(dockerConfig)) {
      Map<?, ?> cfg = read(dockerConfig, registry);
      Map<?, ?> helpers = Json.object(cfg, "credHelpers");
      if (helpers != null) {
        Map<String, String> norm = normalise(helpers);
        for (String k : keys) {
          String h = norm.get(k);
          if (h != null && !h.isBlank()) {
            Optional<Credential> c = helper(h).get(serverUrl(registry), registry);
            if (c.isPresent()) {
              return c;
            }
            break;
          }
        }
      }
      Optional<Credential> fromAuths = fromAuths(cfg, keys, dockerConfig.toString());
      if (fromAuths.isPresent()) {
        return fromAuths;
      }
      String store = Json.string(cfg, "credsStore");
      if (store != null && !store.isBlank()) {
        Optional<Credential> c = helper(store).get(serverUrl(registry), registry);
        if (c.isPresent()) {
          return c;
        }
      }
    }
    for (Path p : podmanFiles) {
      if (Files.isRegularFile(p)) {
        Optional<Credential> c = fromAuths(read(p, registry), keys, p.toString());
        if (c.isPresent()) {
          return c;
        }
      }
    }
    return Optional.empty();
  }

  private CredentialHelper helper(String name) {
    return new CredentialHelper(name, env, helperTimeout);
  }

  private static String serverUrl(String registry) {
    return registry.equals(Reference.DOCKER_HUB) ? Reference.DOCKER_HUB_CREDENTIAL_KEY : registry;
  }

  /** Most specific first: registry/ns/repo, registry/ns, registry (and Hub's aliases). */
  static List<String> lookupKeys(String registry, String repository) {
    List<String> hosts =
        registry.equals(Reference.DOCKER_HUB)
            ? HUB_KEYS
            : List.of(registry.toLowerCase(Locale.ROOT));
    List<String> out = new ArrayList<>();
    for (String host : hosts) {
      String path = repository;
      while (!path.isEmpty()) {
        out.add(host + "/" + path);
        int s = path.lastIndexOf('/');
        path = s < 0 ? "" : path.substring(0, s);
      }
    }
    out.addAll(hosts);
    return out;
  }

  /** {@code https://index.docker.io/v1/} becomes {@code index.docker.io}; paths kept otherwise. */
  static String normaliseKey(String key) {
    String k = key.trim();
    boolean url = false;
    for (String scheme : List.of("https://", "http://")) {
      if (k.regionMatches(true, 0, scheme, 0, scheme.length())) {
        k = k.substring(scheme.length());
        url = true;
      }
    }
    int slash = k.indexOf('/');
    if (slash >= 0) {
      String path = k.substring(slash);
      if (url || path.equals("/") || path.startsWith("/v1") || path.startsWith("/v2")) {
        k = k.substring(0, slash);
      } else if (k.endsWith("/")) {
        k = k.substring(0, k.length() - 1);
      }
    }
    int s2 = k.indexOf('/');
    String host = s2 < 0 ? k : k.substring(0, s2);
    return host.toLowerCase(Locale.ROOT) + (s2 < 0 ? "" : k.substring(s2));
  }

  private static Map<String, String> normalise(Map<?, ?> m) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (e.getKey() instanceof String k && e.getValue() instanceof String v) {
        out.putIfAbsent(normaliseKey(k), v);
      }
    }
    return out;
  }

  private static Optional<Credential> fromAuths(Map<?, ?> cfg, List<String> keys, String file) {
    Map<?, ?> auths = Json.object(cfg, "auths");
    if (auths == null) {
      return Optional.empty();
    }
    Map<String, Map<?, ?>> norm = new LinkedHashMap<>();
    Map<String, String> originalKey = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : auths.entrySet()) {
      if (e.getKey() instanceof String k && e.getValue() instanceof Map<?, ?> v) {
        String n = normaliseKey(k);
        // an exact entry wins over one that only normalises to the same key
        if (!norm.containsKey(n) || k.equals(n)) {
          norm.put(n, v);
          originalKey.put(n, k);
        }
      }
    }
    for (String k : keys) {
      Map<?, ?> entry = norm.get(k);
      if (entry == null) {
        continue;
      }
      String source = file + " auths[" + originalKey.get(k) + "]";
      Optional<Credential> c = entry(entry, source);
      if (c.isPresent()) {
        return c;
      }
    }
    return Optional.empty();
  }

  private static Optional<Credential> entry(Map<?, ?> e, String source) {
    String identity = firstString(e, "identitytoken", "identityToken", "IdentityToken");
    if (identity != null && !identity.isEmpty()) {
      return Optional.of(Credential.identityToken(identity, source));
    }
    String registryToken = firstString(e, "registrytoken", "registryToken", "RegistryToken");
    if (registryToken != null && !registryToken.isEmpty()) {
      return Optional.of(Credential.registryToken(registryToken, source));
    }
    String auth = Json.string(e, "auth");
    if (auth != null && !auth.isBlank()) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException ex) {
        throw new CredentialException(
            "the 'auth' value in " + source + " is not valid base64; run `docker login` again",
            source,
            null);
      }
      int c = decoded.indexOf(':');
      if (c < 0) {
        throw new CredentialException(
            "the 'auth' value in " + source + " is not base64 of user:password", source, null);
      }
      return Optional.of(
          Credential.basic(decoded.substring(0, c), decoded.substring(c + 1), source));
    }
    String user = Json.string(e, "username");
    String pass = Json.string(e, "password");
    if (user != null && !user.isEmpty() && pass != null) {
      return Optional.of(Credential.basic(user, pass, source));
    }
    return Optional.empty();
  }

  private static @Nullable String firstString(Map<?, ?> m, String... keys) {
    for (String k : keys) {
      String v = Json.string(m, k);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static Map<?, ?> read(Path file, String registry) {
    String what = "docker config file \"" + file + "\"";
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      LOG.debug("cannot read {}", file, e);
      throw invalid(what, e, FILE_FIX, registry);
    }
    return parse(bytes, what, FILE_FIX, registry);
  }

  private static Map<?, ?> parse(byte[] json, String what, String fix, String registry) {
    try {
      return Json.parseObject(json);
    } catch (IOException e) {
      // Moshi's messages name the JSON path, never the content (which holds secrets)
      throw invalid(what, e, fix, registry);
    }
  }

  private static CredentialException invalid(
      String what, IOException e, String fix, String registry) {
    return new CredentialException(what + " is invalid: " + e.getMessage() + fix, registry, e);
  }

  private static @Nullable String nonBlank(@Nullable String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  @Override
  public String toString() {
    return "DockerCredentials["
        + (env.containsKey(AUTH_CONFIG_ENV) ? AUTH_CONFIG_ENV + ", " : "")
        + dockerConfig
        + ", podman "
        + podmanFiles
        + "]";
  }
}
