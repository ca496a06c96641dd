package dev.doco.oci.internal.auth;

import dev.doco.oci.Credential;
import dev.doco.oci.CredentialException;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code docker-credential-<name> get}: the server URL on stdin (no newline), JSON {@code
 * {"ServerURL","Username","Secret"}} on stdout. "credentials not found", empty output and a missing
 * executable mean no credentials. Never logs the secret or stdout.
 */
public final class CredentialHelper {
  private static final Logger LOG = LoggerFactory.getLogger(CredentialHelper.class);
  private static final int MAX_OUTPUT = 64 * 1024;

  private final String name;
  private final Map<String, String> env;
  private final Duration timeout;

  public CredentialHelper(String name, Map<String, String> env, Duration timeout) {
    this.name = name;
    this.env = env;
    this.timeout = timeout;
  }

  /** The executable name, {@code docker-credential-<name>}. */
  public String executable() {
    return "docker-credential-" + name;
  }

  /** Looks up {@code serverUrl}; empty when the helper has no credentials for it. */
  public Optional<Credential> get(String serverUrl, String registry) {
    Path exe = locate();
    if (exe == null) {
      LOG.warn(
          "credential helper {} is configured but not on PATH; continuing without its credentials"
              + " for {}",
          executable(),
          registry);
      return Optional.empty();
    }
    ProcessBuilder pb = new ProcessBuilder(List.of(exe.toString(), "get"));
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new CredentialException(
          "could not start credential helper " + exe + ": " + e.getMessage(), registry, e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread tOut = drain(p.getInputStream(), out);
    Thread tErr = drain(p.getErrorStream(), err);
    try (OutputStream in = p.getOutputStream()) {
      in.write(serverUrl.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // the helper may exit before reading stdin; its exit code tells the rest
    }
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroy();
        if (!p.waitFor(2, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
        throw new CredentialException(
            "credential helper "
                + executable()
                + " did not answer within "
                + timeout.toSeconds()
                + " s for "
                + registry
                + "; check that it works: echo -n "
                + serverUrl
                + " | "
                + executable()
                + " get",
            registry,
            null);
      }
      tOut.join(2000);
      tErr.join(2000);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new CredentialException("interrupted while running " + executable(), registry, e);
    }
    String stdout = out.toString(StandardCharsets.UTF_8);
    String stderr = err.toString(StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      if (isNotFound(stdout) || isNotFound(stderr)) {
        return Optional.empty();
      }
      throw new CredentialException(
          "credential helper "
              + executable()
              + " failed for "
              + registry
              + " with exit code "
              + p.exitValue()
              + ": "
              + tail(stderr)
              + " (check the helper, or remove it from credHelpers/credsStore in config.json)",
          registry,
          null);
    }
    if (stdout.isBlank()) {
      return Optional.empty();
    }
    Map<?, ?> json;
    try {
      json = Json.parseObject(stdout.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CredentialException(
          "credential helper "
              + executable()
              + " printed something that is not JSON for "
              + registry,
          registry,
          null);
    }
    String user = Json.string(json, "Username");
    String secret = Json.string(json, "Secret");
    if (secret == null || secret.isEmpty()) {
      return Optional.empty();
    }
    String source = "credential helper " + executable();
    if (user == null || user.isEmpty() || user.equals("<token>")) {
      return Optional.of(Credential.identityToken(secret, source));
    }
    return Optional.of(Credential.basic(user, secret, source));
  }

  private static boolean isNotFound(String s) {
    String l = s.toLowerCase(java.util.Locale.ROOT);
    return l.contains("credentials not found")
        || l.contains("no credentials server url")
        || l.contains("no credentials username");
  }

  private static String tail(String s) {
    String t = s.strip();
    return t.length() > 500 ? "..." + t.substring(t.length() - 500) : t;
  }

  private @Nullable Path locate() {
    String path = env.getOrDefault("PATH", System.getenv().getOrDefault("PATH", ""));
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path c = Path.of(dir, executable());
      if (Files.isRegularFile(c) && Files.isExecutable(c)) {
        return c;
      }
    }
    return null;
  }

  private static Thread drain(InputStream in, ByteArrayOutputStream sink) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[8192];
              try (in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  if (sink.size() < MAX_OUTPUT) {
                    sink.write(buf, 0, Math.min(n, MAX_OUTPUT - sink.size()));
                  }
                }
              } catch (IOException ignored) {
                // process went away
              }
            },
            "docker-credential-drain");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
