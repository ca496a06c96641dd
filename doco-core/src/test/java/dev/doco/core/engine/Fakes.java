package dev.doco.core.engine;

import dev.doco.core.DeployException;
import dev.doco.core.Revision;
import dev.doco.core.SourceException;
import dev.doco.core.config.TrustPolicy;
import dev.doco.core.spi.ArtifactAccess;
import dev.doco.core.spi.Checkout;
import dev.doco.core.spi.DeployResult;
import dev.doco.core.spi.Deployer;
import dev.doco.core.spi.DeployerProvider;
import dev.doco.core.spi.DeploymentPlan;
import dev.doco.core.spi.DeploymentStatus;
import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.FetchOptions;
import dev.doco.core.spi.Manifest;
import dev.doco.core.spi.ProviderContext;
import dev.doco.core.spi.ServiceStatus;
import dev.doco.core.spi.Source;
import dev.doco.core.spi.SourceProvider;
import dev.doco.core.spi.VerificationResult;
import dev.doco.core.spi.Verifier;
import dev.doco.core.spi.VerifierProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * In-memory fakes of the three SPIs, registered explicitly through {@code
 * Providers.builder().register(...)}. References look like {@code fake://reg/app:tag}.
 */
final class Fakes {
  private Fakes() {}

  static String digestOf(String content) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(d);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A registry of artifacts: reference → files. Pushing new files moves the tag. */
  static final class FakeSource implements Source, SourceProvider {
    final Map<String, Map<String, String>> artifacts = new ConcurrentHashMap<>();
    final AtomicInteger resolves = new AtomicInteger();
    final AtomicInteger fetches = new AtomicInteger();
    final AtomicInteger concurrentFetchMax = new AtomicInteger();
    private final AtomicInteger concurrentFetch = new AtomicInteger();
    volatile Duration fetchDelay = Duration.ZERO;
    volatile boolean failFetch;
    volatile boolean failResolve;

    @Override
    public String id() {
      return "fake";
    }

    @Override
    public Set<String> schemes() {
      return Set.of("fake");
    }

    @Override
    public Source create(ProviderContext context) {
      return this;
    }

    void push(String reference, Map<String, String> files) {
      artifacts.put(reference, new LinkedHashMap<>(files));
    }

    String digest(String reference) {
      return digestOf(new java.util.TreeMap<>(artifacts.get(reference)).toString());
    }

    @Override
    public Revision resolve(String reference) {
      resolves.incrementAndGet();
      if (failResolve) {
        throw new SourceException("registry unreachable", reference, null);
      }
      Map<String, String> files = artifacts.get(reference);
      if (files == null) {
        throw new SourceException("MANIFEST_UNKNOWN: " + reference, reference, null);
      }
      String rest = reference.substring("fake://".length());
      int colon = rest.lastIndexOf(':');
      return new Revision(
          reference,
          rest.substring(0, colon),
          rest.substring(colon + 1),
          digest(reference),
          "application/vnd.oci.image.manifest.v1+json",
          Map.of());
    }

    @Override
    public Checkout fetch(Revision revision, Path directory, FetchOptions options) {
      fetches.incrementAndGet();
      int now = concurrentFetch.incrementAndGet();
      concurrentFetchMax.accumulateAndGet(now, Math::max);
      try {
        if (!fetchDelay.isZero()) {
          Thread.sleep(fetchDelay.toMillis());
        }
        if (failFetch) {
          throw new SourceException(
              "failed to read tar stream", revision.reference(), revision.digest());
        }
        Map<String, String> files = artifacts.get(revision.reference());
        Files.createDirectories(directory);
        try (Stream<Path> old = Files.walk(directory)) {
          for (Path p : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
            if (!p.equals(directory)) {
              Files.delete(p);
            }
          }
        }
        long bytes = 0;
        for (var e : files.entrySet()) {
          Path file = directory.resolve(e.getKey());
          Files.createDirectories(file.getParent());
          Files.writeString(file, e.getValue());
          bytes += e.getValue().length();
        }
        return new Checkout(revision, directory, files.size(), bytes);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SourceException("interrupted", revision.reference(), revision.digest());
      } finally {
        concurrentFetch.decrementAndGet();
      }
    }

    @Override
    public ArtifactAccess access(Revision revision) {
      return new ArtifactAccess() {
        @Override
        public String repository() {
          return revision.repository();
        }

        @Override
        public Manifest manifest(String digest) {
          return new Manifest(digest, revision.mediaType(), new byte[0]);
        }

        @Override
        public InputStream blob(String digest) {
          return InputStream.nullInputStream();
        }

        @Override
        public List<Descriptor> referrers(String digest, String artifactType) {
          return List.of();
        }

        @Override
        public Optional<Manifest> tag(String tag) {
          return Optional.empty();
        }
      };
    }
  }

  /** Accepts digests listed in {@link #signed} when the policy names key {@code good-key}. */
  static final class FakeVerifier implements Verifier, VerifierProvider {
    final Set<String> signed = ConcurrentHashMap.newKeySet();
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public String id() {
      return "fake-verify";
    }

    @Override
    public Verifier create(ProviderContext context) {
      return this;
    }

    @Override
    public boolean supports(TrustPolicy policy) {
      return !policy.publicKeys().isEmpty();
    }

    @Override
    public VerificationResult verify(Revision revision, ArtifactAccess access, TrustPolicy policy) {
      calls.incrementAndGet();
      if (policy.publicKeys().contains("good-key") && signed.contains(revision.digest())) {
        return VerificationResult.accepted(
            revision.subject(), "sig-" + revision.digest().substring(7, 15), "good-key", List.of());
      }
      return VerificationResult.refused(
          revision.subject(), List.of("public key #1: no matching signatures"));
    }
  }

  /** A container engine in memory; labels are the deployed digest and config hash. */
  static final class FakeDeployer implements Deployer, DeployerProvider {
    record Running(String digest, String configHash, Path checkout, String trigger) {}

    final Map<String, Running> running = new ConcurrentHashMap<>();
    final List<String> log = new CopyOnWriteArrayList<>();
    final AtomicInteger deploys = new AtomicInteger();
    final AtomicInteger concurrentMax = new AtomicInteger();
    private final AtomicInteger concurrent = new AtomicInteger();
    volatile Duration deployDelay = Duration.ZERO;
    final Set<String> failing = ConcurrentHashMap.newKeySet();
    volatile boolean engineDown;
    private final String id;

    FakeDeployer() {
      this("fake-deployer");
    }

    FakeDeployer(String id) {
      this.id = id;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public Deployer create(ProviderContext context) {
      return this;
    }

    @Override
    public DeployResult deploy(DeploymentPlan plan) {
      int now = concurrent.incrementAndGet();
      concurrentMax.accumulateAndGet(now, Math::max);
      try {
        if (!deployDelay.isZero()) {
          Thread.sleep(deployDelay.toMillis());
        }
        if (engineDown) {
          throw new DeployException("Cannot connect to the Docker daemon", plan.name());
        }
        if (failing.contains(plan.name())) {
          throw new DeployException(
              "docker compose up failed",
              plan.name(),
              List.of("docker", "compose", "up"),
              1,
              "service web: image not found",
              null);
        }
        if (!Files.isDirectory(plan.checkout())) {
          throw new DeployException("checkout missing: " + plan.checkout(), plan.name());
        }
        deploys.incrementAndGet();
        running.put(
            plan.name(),
            new Running(
                plan.revision().digest(),
                plan.configHash(),
                plan.checkout(),
                plan.trigger().label()));
        log.add("deploy " + plan.name() + " " + plan.revision().digest());
        return new DeployResult(
            plan.name(),
            plan.revision().digest(),
            false,
            "deployed",
            plannedCommands(plan),
            Duration.ofMillis(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeployException("interrupted", plan.name());
      } finally {
        concurrent.decrementAndGet();
      }
    }

    @Override
    public void destroy(DeploymentPlan plan) {
      if (engineDown) {
        throw new DeployException("Cannot connect to the Docker daemon", plan.name());
      }
      running.remove(plan.name());
      log.add("destroy " + plan.name());
    }

    @Override
    public Optional<DeploymentStatus> inspect(String name, String context) {
      if (engineDown) {
        throw new DeployException("Cannot connect to the Docker daemon", name);
      }
      Running r = running.get(name);
      if (r == null) {
        return Optional.empty();
      }
      return Optional.of(
          new DeploymentStatus(
              name,
              true,
              true,
              r.digest(),
              "",
              r.configHash(),
              Map.of("cd.doco.deployment.target.sha", r.digest()),
              List.of(new ServiceStatus("web", "c1", "running", ""))));
    }

    @Override
    public List<List<String>> plannedCommands(DeploymentPlan plan) {
      List<List<String>> out = new ArrayList<>();
      out.add(
          List.of(
              "docker",
              "compose",
              "--project-directory",
              plan.checkout().resolve(plan.config().workingDir()).normalize().toString(),
              "-p",
              plan.name(),
              "up",
              "-d"));
      return out;
    }
  }

  static Map<String, String> files(String compose) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(".doco-cd.yaml", "name: app\n");
    m.put("compose.yaml", compose);
    return m;
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
