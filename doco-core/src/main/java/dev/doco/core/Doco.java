package dev.doco.core;

import dev.doco.core.config.DeployConfigLoader;
import dev.doco.core.config.PollConfig;
import dev.doco.core.config.TrustPolicy;
import dev.doco.core.engine.PollWatcher;
import dev.doco.core.engine.internal.Engine;
import dev.doco.core.engine.internal.EngineAccess;
import dev.doco.core.engine.internal.Metrics;
import dev.doco.core.engine.internal.RunOutcome;
import dev.doco.core.engine.internal.UuidV7;
import dev.doco.core.spi.Checkout;
import dev.doco.core.spi.DeployResult;
import dev.doco.core.spi.VerificationResult;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * doco's entry point: deploys Docker Compose stacks from (signed) OCI artifacts.
 *
 * <p>One trigger runs one pipeline: resolve the reference to a digest (one {@code HEAD}); stop
 * there when that digest and the trusted configuration were already applied (nothing downloaded);
 * verify signatures with the global trust policy, then with each trusted deployment's effective
 * policy; fetch into the live checkout ({@code <data>/checkouts/<registry>/<repository>/<tag>});
 * load the deploy configs (inline ones win); deploy each; record the outcome under {@code
 * <data>/state/}. A failure at any step leaves the running version as it was.
 *
 * <pre>{@code
 * try (Doco doco = Doco.builder()
 *         .dataDirectory(Path.of("/var/lib/doco"))
 *         .trustPolicy(TrustPolicyLoader.fromEnvironment(System.getenv()))
 *         .build();
 *     Deployment d = doco.deploy("ghcr.io/acme/platform-config:main")) {
 *   System.out.println("running " + d.revision().digest());
 * }
 * }</pre>
 *
 * <p>Providers (sources, verifiers, deployers) come from {@link Providers}: ServiceLoader discovery
 * by default, or registered explicitly. Thread-safe; close it to stop watchers and release sources.
 */
public final class Doco implements AutoCloseable {
  /** doco's version, as in the {@code doco_cd_info} metric. */
  public static final String VERSION = "0.1.0-SNAPSHOT";

  static {
    EngineAccess.install(d -> d.engine);
  }

  private final Engine engine;
  private final List<PollWatcher> watchers = new ArrayList<>();

  private Doco(Engine engine) {
    this.engine = engine;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Deploys {@code reference} (any reference a source accepts) with default options. */
  public Deployment deploy(String reference) {
    return deploy(reference, DeployOptions.DEFAULTS);
  }

  /**
   * Deploys {@code reference}: resolve, skip if unchanged, verify, fetch, load configs, deploy.
   *
   * @return a handle that destroys the deployments when closed
   * @throws VerificationException when the trust policy refuses the artifact
   * @throws SourceException when the artifact cannot be resolved or fetched
   * @throws ConfigException when its deploy configs are invalid
   * @throws DeployException when a deployment failed (the others may have succeeded; see {@link
   *     #status()})
   */
  public Deployment deploy(String reference, DeployOptions options) {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(options, "options");
    RunOutcome outcome = run(reference, options);
    DocoException error = outcome.error();
    if (error != null) {
      throw error;
    }
    Revision revision = Objects.requireNonNull(outcome.revision());
    List<DeployResult> results = new ArrayList<>();
    for (RunOutcome.DeploymentOutcome o : outcome.deployments()) {
      DeployResult r = o.result();
      results.add(
          r != null
              ? r
              : new DeployResult(
                  o.name(),
                  revision.digest(),
                  o.action() != RunOutcome.Action.DEPLOYED,
                  o.message(),
                  List.of(),
                  Duration.ZERO));
    }
    return new Deployment(
        this,
        outcome.jobId(),
        revision,
        Objects.requireNonNull(outcome.checkout()),
        results,
        outcome.unchanged());
  }

  RunOutcome run(String reference, DeployOptions options) {
    String jobId = UuidV7.next(engine.clock()).toString();
    return engine.run(new Engine.Job(jobId, reference, options));
  }

  /** A dry run of {@link #deploy(String)}. */
  public Plan plan(String reference) {
    return plan(reference, DeployOptions.DEFAULTS);
  }

  /**
   * A dry run: resolves, verifies and fetches into a temporary directory, then lists what each
   * deployment would do and which commands would run. Nothing is deployed, the live checkout and
   * the state are untouched.
   *
   * @throws VerificationException when the trust policy would refuse the artifact
   */
  public Plan plan(String reference, DeployOptions options) {
    String jobId = UuidV7.next(engine.clock()).toString();
    return engine.plan(new Engine.Job(jobId, reference, options));
  }

  /**
   * Resolves {@code reference}, verifies it with the global trust policy and extracts it into
   * {@code destination} (which ends up holding exactly the artifact's files); nothing is deployed.
   *
   * @throws VerificationException when the trust policy refuses the artifact
   */
  public Checkout pull(String reference, Path destination, String target) {
    String jobId = UuidV7.next(engine.clock()).toString();
    return engine.pull(
        new Engine.Job(jobId, reference, DeployOptions.DEFAULTS.withTarget(target)), destination);
  }

  /**
   * Resolves {@code reference} and verifies its signatures with the global trust policy.
   *
   * @return which signature was accepted and which key or identity matched
   * @throws VerificationException when refused (every rule tried is listed)
   * @throws ConfigException when the trust policy is disabled
   */
  public VerificationResult verify(String reference) {
    return engine.verifyOnly(reference);
  }

  /**
   * Removes deployment {@code name} (Compose project / Swarm stack) with its config's {@code
   * destroy} options, and forgets its state.
   *
   * @throws DeployException when no such deployment is known or removing it failed
   */
  public void destroy(String name) {
    engine.destroy(name);
  }

  /** Every deployment doco knows, merged with what the container engine reports. */
  public List<DeploymentState> status() {
    return engine.status(true);
  }

  /** One deployment's state. */
  public Optional<DeploymentState> status(String name) {
    return engine.status(true).stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /**
   * Starts polling {@code polls} (each at start, then {@code interval} after each run ends, with
   * jitter); stopped by closing the returned watcher or this {@code Doco}.
   */
  public synchronized PollWatcher watch(List<PollConfig> polls) {
    PollWatcher w = PollWatcher.start(this, polls);
    watchers.add(w);
    return w;
  }

  /** The data directory. */
  public Path dataDirectory() {
    return engine.settings().dataDirectory();
  }

  @Override
  public void close() {
    List<PollWatcher> copy;
    synchronized (this) {
      copy = new ArrayList<>(watchers);
      watchers.clear();
    }
    copy.forEach(PollWatcher::close);
    engine.close();
  }

  /** Builds a {@link Doco}. */
  public static final class Builder {
    private @Nullable Providers providers;
    private @Nullable Path dataDirectory;
    private Map<String, String> settings = Map.of();
    private DocoListener listener = DocoListener.NONE;
    private TrustPolicy trustPolicy = TrustPolicy.DISABLED;
    private Clock clock = Clock.systemUTC();
    private int maxConcurrentDeployments = -1;
    private @Nullable String deployerId;
    private Duration labelRecheck = Duration.ofMinutes(10);
    private Duration backoffBase = Duration.ofSeconds(30);
    private Duration backoffMax = Duration.ofMinutes(30);

    private Builder() {}

    /** The providers (default: {@link Providers#discover()}). */
    public Builder providers(Providers value) {
      this.providers = Objects.requireNonNull(value);
      return this;
    }

    /**
     * The data directory holding checkouts and state (default: setting {@code DATA_MOUNT_PATH},
     * else {@code /data}, as doco-cd).
     */
    public Builder dataDirectory(Path value) {
      this.dataDirectory = Objects.requireNonNull(value);
      return this;
    }

    /**
     * doco-cd's environment variables ({@code DOCKER_CONFIG}, {@code OCI_INSECURE_REGISTRIES},
     * {@code MAX_CONCURRENT_DEPLOYMENTS}, ...), handed to the providers. Default: none (pass {@code
     * System.getenv()} to behave like the app).
     */
    public Builder settings(Map<String, String> value) {
      this.settings = Map.copyOf(value);
      return this;
    }

    /** Receives progress and outcome events. */
    public Builder listener(DocoListener value) {
      this.listener = Objects.requireNonNull(value);
      return this;
    }

    /** The global trust policy (default: disabled, as doco-cd). */
    public Builder trustPolicy(TrustPolicy value) {
      this.trustPolicy = Objects.requireNonNull(value);
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value);
      return this;
    }

    /**
     * At most this many deployments run at once (default: setting {@code
     * MAX_CONCURRENT_DEPLOYMENTS}, else 4).
     */
    public Builder maxConcurrentDeployments(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxConcurrentDeployments must be at least 1");
      }
      this.maxConcurrentDeployments = value;
      return this;
    }

    /**
     * The deployer provider id ({@code compose}, {@code swarm}, ...); default: setting {@code
     * DOCO_DEPLOYER}, else the first applicable one.
     */
    public Builder deployer(String id) {
      this.deployerId = Objects.requireNonNull(id);
      return this;
    }

    /**
     * How long the container engine's confirmation that a deployment runs its recorded digest is
     * trusted before an unchanged trigger asks again (default 10 minutes).
     */
    public Builder labelRecheck(Duration value) {
      this.labelRecheck = Objects.requireNonNull(value);
      return this;
    }

    /**
     * Retry backoff of poll triggers after a failed attempt at the same digest: {@code base},
     * doubled per further failure, at most {@code max} (default 30 s and 30 min).
     */
    public Builder retryBackoff(Duration base, Duration max) {
      this.backoffBase = Objects.requireNonNull(base);
      this.backoffMax = Objects.requireNonNull(max);
      return this;
    }

    public Doco build() {
      Path data = dataDirectory;
      if (data == null) {
        String fromSettings = settings.get("DATA_MOUNT_PATH");
        data = Path.of(fromSettings == null || fromSettings.isBlank() ? "/data" : fromSettings);
      }
      int max = maxConcurrentDeployments;
      if (max < 0) {
        String s = settings.get("MAX_CONCURRENT_DEPLOYMENTS");
        try {
          max = s == null || s.isBlank() ? 4 : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
          throw new ConfigException(
              "MAX_CONCURRENT_DEPLOYMENTS must be a whole number, got '" + s + "'",
              "MAX_CONCURRENT_DEPLOYMENTS",
              -1,
              -1);
        }
        if (max < 1) {
          throw new ConfigException(
              "MAX_CONCURRENT_DEPLOYMENTS must be at least 1, got " + max,
              "MAX_CONCURRENT_DEPLOYMENTS",
              -1,
              -1);
        }
      }
      String deployer = deployerId;
      if (deployer == null) {
        deployer = settings.getOrDefault("DOCO_DEPLOYER", "").trim();
      }
      Metrics metrics =
          new Metrics(
              VERSION, settings.getOrDefault("LOG_LEVEL", "info"), clock.instant().toString());
      DocoListener counting =
          event -> {
            if (event instanceof DocoEvent.HttpExchange h) {
              metrics.inc(Metrics.REGISTRY_REQUESTS, h.method(), Integer.toString(h.status()));
              if (h.bytes() > 0) {
                metrics.add(Metrics.BYTES_PULLED, h.bytes());
              }
            }
          };
      DocoListener all = counting.andThen(listener);
      Engine.Settings s =
          new Engine.Settings(
              data.toAbsolutePath().normalize(),
              settings,
              trustPolicy,
              clock,
              max,
              deployer,
              labelRecheck,
              backoffBase,
              backoffMax);
      Providers p = providers != null ? providers : Providers.discover();
      return new Doco(new Engine(p, all, s, metrics, DeployConfigLoader::load));
    }
  }
}
