package dev.doco.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the real peers for integration tests ({@code *IT}) are: the coordinates {@code .ci/peers.sh
 * start} wrote to its properties file ({@code $DOCO_PEERS_FILE}, system property {@code
 * doco.peers.file}, default {@code /tmp/doco-peers/peers.properties}).
 *
 * <p>Call {@link #require(Peer...)} first in every IT (in the test or in {@code @BeforeAll}): when
 * a peer is missing it fails the test under {@code CI} and otherwise aborts (skips) it, naming the
 * peer and the script that provides it.
 *
 * <pre>{@code
 * @BeforeAll
 * static void peers() {
 *   Peers.require(Peer.TOKEN_REGISTRY, Peer.ORAS);
 *   Peers.startTokenServer();
 * }
 * ... Peers.tokenRegistry() ... Peers.basicUser() ... Peers.tool("oras") ...
 * }</pre>
 *
 * <p>Registries speak plain HTTP on loopback. Credentials: {@link #basicUser()} / {@link
 * #basicPassword()} are valid both on the htpasswd registry and at the token server's realm.
 */
public final class Peers {
  /** The default properties file written by {@code .ci/peers.sh start}. */
  public static final String DEFAULT_FILE = "/tmp/doco-peers/peers.properties";

  /** How to get the peers, for messages. */
  public static final String HOW_TO_START =
      "start the peers with `.ci/peers.sh start` (as root; see README \"Development\")";

  private static final Object LOCK = new Object();
  private static @Nullable Properties props;
  private static final Map<Peer, Optional<String>> PROBLEMS = new EnumMap<>(Peer.class);
  private static @Nullable TokenServer tokenServer;

  private Peers() {}

  // ---------------------------------------------------------------------------------- require

  /**
   * Makes sure each peer is there and answering (cheaply: a TCP connect, a file check; results are
   * cached for the JVM). A missing peer fails the test (via {@link Assertions#fail(String)}) when
   * the environment variable {@code CI} is set, and aborts it (via {@link
   * Assumptions#abort(String)}) otherwise; the message names the peer, what is wrong and {@code
   * .ci/peers.sh start}.
   */
  public static void require(Peer... peers) {
    StringBuilder missing = new StringBuilder();
    for (Peer peer : peers) {
      Optional<String> problem = problem(peer);
      if (problem.isPresent()) {
        missing.append("\n  - peer ").append(peer).append(": ").append(problem.get());
      }
    }
    if (missing.length() == 0) {
      return;
    }
    String message =
        "real peers missing for this integration test:"
            + missing
            + "\n  "
            + HOW_TO_START
            + " (peers file: "
            + file()
            + ")";
    if (inCi()) {
      Assertions.fail(message + "\n  (CI is set, so a missing peer fails instead of skipping)");
    } else {
      Assumptions.abort(message);
    }
  }

  /** Whether the peer is there and answering (cached); never fails or aborts. */
  public static boolean available(Peer peer) {
    return problem(peer).isEmpty();
  }

  private static boolean inCi() {
    String ci = System.getenv("CI");
    return ci != null && !ci.isEmpty() && !ci.equalsIgnoreCase("false");
  }

  private static Optional<String> problem(Peer peer) {
    synchronized (LOCK) {
      Optional<String> cached = PROBLEMS.get(peer);
      if (cached == null) {
        cached = Optional.ofNullable(check(peer));
        PROBLEMS.put(peer, cached);
      }
      return cached;
    }
  }

  private static @Nullable String check(Peer peer) {
    Properties p = properties();
    if (p.isEmpty()) {
      return "no peers file at " + file();
    }
    switch (peer) {
      case DOCKER:
        {
          String cli = executable("docker");
          if (cli != null) {
            return cli;
          }
          return dockerEngine();
        }
      case COMPOSE:
        {
          String docker = problem(Peer.DOCKER).orElse(null);
          if (docker != null) {
            return "needs Docker: " + docker;
          }
          return executable("compose");
        }
      case REGISTRY:
        return tcp("registry");
      case BASIC_REGISTRY:
        return tcp("basic.registry");
      case TOKEN_REGISTRY:
        {
          String tcp = tcp("token.registry");
          if (tcp != null) {
            return tcp;
          }
          for (String key : new String[] {"token.key", "token.cert"}) {
            String f = p.getProperty(key);
            if (f == null || !Files.isReadable(Path.of(f))) {
              return "token signing file " + key + " (" + f + ") is not readable";
            }
          }
          return null;
        }
      case COSIGN:
        return executable("cosign");
      case ORAS:
        return executable("oras");
      case SKOPEO:
        return executable("skopeo");
      case TEST_IMAGE:
        {
          String reg = problem(Peer.REGISTRY).orElse(null);
          if (reg != null) {
            return "needs the registry: " + reg;
          }
          return testImageProblem();
        }
    }
    throw new AssertionError(peer);
  }

  private static @Nullable String executable(String key) {
    String path = properties().getProperty(key);
    if (path == null) {
      return "no '" + key + "' entry in " + file();
    }
    if (!Files.isExecutable(Path.of(path))) {
      return path + " is not an executable file";
    }
    return null;
  }

  private static @Nullable String tcp(String key) {
    String hostPort = properties().getProperty(key);
    if (hostPort == null) {
      return "no '" + key + "' entry in " + file();
    }
    int colon = hostPort.lastIndexOf(':');
    try (Socket s = new Socket()) {
      s.connect(
          new InetSocketAddress(
              hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
          2000);
      return null;
    } catch (IOException | RuntimeException e) {
      return "nothing answers on " + hostPort + " (" + e.getMessage() + ")";
    }
  }

  private static @Nullable String dockerEngine() {
    String host = properties().getProperty("docker.host", "unix:///var/run/docker.sock");
    if (host.startsWith("unix://")) {
      Path socket = Path.of(host.substring("unix://".length()));
      try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
        return null;
      } catch (IOException e) {
        return "the Docker engine does not answer on " + host + " (" + e.getMessage() + ")";
      }
    }
    if (host.startsWith("tcp://")) {
      URI uri = URI.create(host);
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 2000);
        return null;
      } catch (IOException e) {
        return "the Docker engine does not answer on " + host + " (" + e.getMessage() + ")";
      }
    }
    return "unsupported docker.host " + host;
  }

  private static @Nullable String testImageProblem() {
    String image = testImage();
    int slash = image.indexOf('/');
    int colon = image.lastIndexOf(':');
    String url =
        "http://"
            + image.substring(0, slash)
            + "/v2/"
            + image.substring(slash + 1, colon)
            + "/manifests/"
            + image.substring(colon + 1);
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
      c.setRequestMethod("HEAD");
      c.setConnectTimeout(2000);
      c.setReadTimeout(5000);
      c.setRequestProperty(
          "Accept",
          "application/vnd.docker.distribution.manifest.v2+json,"
              + "application/vnd.oci.image.manifest.v1+json");
      int code = c.getResponseCode();
      c.disconnect();
      return code == 200 ? null : "HEAD " + url + " answered " + code;
    } catch (IOException e) {
      return "HEAD " + url + " failed: " + e.getMessage();
    }
  }

  // ---------------------------------------------------------------------------------- coordinates

  /** The anonymous registry, {@code host:port} (e.g. {@code 127.0.0.1:5000}), plain HTTP. */
  public static String registry() {
    return get("registry");
  }

  /** The htpasswd (Basic auth) registry, {@code host:port}, plain HTTP. */
  public static String basicRegistry() {
    return get("basic.registry");
  }

  /** The user valid on {@link #basicRegistry()} and at the token server's realm. */
  public static String basicUser() {
    return get("basic.user");
  }

  /** The password of {@link #basicUser()}. */
  public static String basicPassword() {
    return get("basic.password");
  }

  /**
   * The Bearer-token registry, {@code host:port}, plain HTTP; its realm is served by {@link
   * #startTokenServer()}, which a test must call before talking to it.
   */
  public static String tokenRegistry() {
    return get("token.registry");
  }

  /** The token realm URL the token registry sends in its challenge. */
  public static URI tokenRealm() {
    return URI.create(get("token.realm"));
  }

  /** The {@code service} the token registry names in its challenge (the JWT's {@code aud}). */
  public static String tokenService() {
    return get("token.service");
  }

  /**
   * Starts the token server for {@link #tokenRegistry()} in this JVM at {@link #tokenRealm()}, or
   * returns the one already running (idempotent). It stays up until the JVM exits.
   */
  public static TokenServer startTokenServer() {
    synchronized (LOCK) {
      if (tokenServer == null) {
        require(Peer.TOKEN_REGISTRY);
        tokenServer =
            TokenServer.start(
                tokenRealm(),
                tokenService(),
                get("token.issuer"),
                basicUser(),
                basicPassword(),
                Path.of(get("token.key")),
                Path.of(get("token.cert")));
        Runtime.getRuntime().addShutdownHook(new Thread(tokenServer::close, "token-server-stop"));
      }
      return tokenServer;
    }
  }

  /**
   * A peer's command-line tool: {@code "docker"}, {@code "cosign"}, {@code "oras"} or {@code
   * "skopeo"}.
   */
  public static Path tool(String name) {
    switch (name) {
      case "docker":
      case "cosign":
      case "oras":
      case "skopeo":
        return Path.of(get(name));
      default:
        throw new IllegalArgumentException(
            "no peer tool '" + name + "'; known: docker, cosign, oras, skopeo");
    }
  }

  /**
   * The Docker engine endpoint, e.g. {@code unix:///var/run/docker.sock}, for {@code DOCKER_HOST}.
   */
  public static String dockerHost() {
    return properties().getProperty("docker.host", "unix:///var/run/docker.sock");
  }

  /**
   * A tiny runnable busybox image in the anonymous registry (e.g. {@code
   * 127.0.0.1:5000/doco-test/busybox:1}): {@code busybox httpd -f -p 8080}, {@code sleep 3600} and
   * {@code sh -c ...} work; no Docker Hub needed.
   */
  public static String testImage() {
    return get("test.image");
  }

  /** The peers' properties file this JVM reads. */
  public static Path file() {
    String env = System.getenv("DOCO_PEERS_FILE");
    if (env != null && !env.isEmpty()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("doco.peers.file", DEFAULT_FILE));
  }

  static @Nullable String toolsDir() {
    return properties().getProperty("tools.dir");
  }

  private static String get(String key) {
    String v = properties().getProperty(key);
    if (v == null) {
      throw new IllegalStateException(
          "no '"
              + key
              + "' in the peers file "
              + file()
              + "; call Peers.require(...) first, and "
              + HOW_TO_START);
    }
    return v;
  }

  private static Properties properties() {
    synchronized (LOCK) {
      if (props == null) {
        Properties p = new Properties();
        Path f = file();
        if (Files.isReadable(f)) {
          try (InputStream in = Files.newInputStream(f)) {
            p.load(in);
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read the peers file " + f, e);
          }
        }
        props = p;
      }
      return props;
    }
  }
}
