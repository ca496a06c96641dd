package dev.doco.core.engine.internal;

import dev.doco.core.ConfigException;
import dev.doco.core.DeployException;
import dev.doco.core.DeployOptions;
import dev.doco.core.DeploymentState;
import dev.doco.core.DocoEvent;
import dev.doco.core.DocoEvent.Stage;
import dev.doco.core.DocoException;
import dev.doco.core.DocoListener;
import dev.doco.core.Plan;
import dev.doco.core.ProviderException;
import dev.doco.core.Providers;
import dev.doco.core.Revision;
import dev.doco.core.SourceException;
import dev.doco.core.VerificationException;
import dev.doco.core.config.DeployConfig;
import dev.doco.core.config.DeployConfigLoader;
import dev.doco.core.config.TrustPolicies;
import dev.doco.core.config.TrustPolicy;
import dev.doco.core.engine.internal.RunOutcome.Action;
import dev.doco.core.engine.internal.RunOutcome.DeploymentOutcome;
import dev.doco.core.spi.Checkout;
import dev.doco.core.spi.DeployResult;
import dev.doco.core.spi.Deployer;
import dev.doco.core.spi.DeployerProvider;
import dev.doco.core.spi.DeploymentPlan;
import dev.doco.core.spi.DeploymentStatus;
import dev.doco.core.spi.FetchOptions;
import dev.doco.core.spi.ProviderContext;
import dev.doco.core.spi.Source;
import dev.doco.core.spi.SourceProvider;
import dev.doco.core.spi.Trigger;
import dev.doco.core.spi.VerificationResult;
import dev.doco.core.spi.Verifier;
import dev.doco.core.spi.VerifierProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline of one trigger: resolve → unchanged? stop → verify → fetch → load configs → deploy
 * each → record. See {@code ARCHITECTURE.md}. Thread-safe: triggers for the same artifact (same
 * checkout directory) run one at a time, deployments of one stack one at a time, and at most {@code
 * maxConcurrentDeployments} deployments at once overall.
 */
public final class Engine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

  /**
   * Loads the deploy configs of a checkout (seam for tests; normally {@link DeployConfigLoader}).
   */
  @FunctionalInterface
  public interface ConfigLoader {
    DeployConfigLoader.Result load(Path checkout, String target);
  }

  /**
   * Engine settings.
   *
   * @param settings doco-cd's environment variables, passed on to providers
   * @param labelRecheck how long a confirmation from the engine's labels is trusted before an
   *     unchanged trigger asks again
   * @param backoffBase first retry delay after a failed attempt at the same digest (poll triggers)
   * @param backoffMax longest retry delay
   */
  public record Settings(
      Path dataDirectory,
      Map<String, String> settings,
      TrustPolicy globalPolicy,
      Clock clock,
      int maxConcurrentDeployments,
      String deployerId,
      Duration labelRecheck,
      Duration backoffBase,
      Duration backoffMax) {
    public Settings {
      settings = Map.copyOf(settings);
      if (maxConcurrentDeployments < 1) {
        throw new IllegalArgumentException(
            "MAX_CONCURRENT_DEPLOYMENTS must be at least 1, got " + maxConcurrentDeployments);
      }
    }
  }

  /**
   * One trigger.
   *
   * @param id job id (UUIDv7), shown in logs and webhook responses
   */
  public record Job(String id, String reference, DeployOptions options) {
    public Trigger trigger() {
      return options.trigger();
    }

    public String target() {
      return options.target();
    }
  }

  private record FailureMemo(String digest, String triggerHash, int count, Instant at) {}

  private final Providers providers;
  private final DocoListener listener;
  private final Settings settings;
  private final Metrics metrics;
  private final ConfigLoader configLoader;
  private final StateStore store;
  private final CheckoutLayout layout;
  private final ProviderContext providerContext;
  private final Semaphore deploySlots;
  private final ExecutorService deployPool;
  private final Map<String, Source> sources = new ConcurrentHashMap<>();
  private final Map<String, ReentrantLock> artifactLocks = new ConcurrentHashMap<>();
  private final Map<String, ReentrantLock> stackLocks = new ConcurrentHashMap<>();
  private final Map<String, Instant> labelsConfirmed = new ConcurrentHashMap<>();
  private final Map<String, FailureMemo> failures = new ConcurrentHashMap<>();
  private final Map<String, DeploymentPlan> lastPlans = new ConcurrentHashMap<>();
  private final AtomicInteger active = new AtomicInteger();
  private volatile @Nullable Chosen defaultDeployer;
  private final Map<String, Chosen> deployers = new ConcurrentHashMap<>();
  private volatile @Nullable List<Verifier> verifiers;

  public Engine(
      Providers providers,
      DocoListener listener,
      Settings settings,
      Metrics metrics,
      ConfigLoader configLoader) {
    this.providers = providers;
    this.listener = listener;
    this.settings = settings;
    this.metrics = metrics;
    this.configLoader = configLoader;
    this.store = new StateStore(settings.dataDirectory().resolve("state"));
    this.layout = new CheckoutLayout(settings.dataDirectory());
    this.providerContext =
        new ProviderContext(settings.settings(), settings.dataDirectory(), listener);
    this.deploySlots = new Semaphore(settings.maxConcurrentDeployments(), true);
    AtomicInteger n = new AtomicInteger();
    this.deployPool =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "doco-deploy-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  public StateStore store() {
    return store;
  }

  public CheckoutLayout layout() {
    return layout;
  }

  public Metrics metrics() {
    return metrics;
  }

  public Settings settings() {
    return settings;
  }

  public Clock clock() {
    return settings.clock();
  }

  private void emit(DocoEvent event) {
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      LOG.warn("event listener failed on {}", event.getClass().getSimpleName(), e);
    }
  }

  // ---------------------------------------------------------------- providers

  Source source(String reference) {
    SourceProvider p = providers.sourceFor(reference);
    return sources.computeIfAbsent(p.id(), id -> p.create(providerContext));
  }

  /** A deployer and the id of its provider. */
  record Chosen(String id, Deployer deployer) {}

  /** The deployer for new deployments (chosen and created on first use). */
  public Deployer deployer() {
    return defaultDeployer().deployer();
  }

  private Chosen defaultDeployer() {
    Chosen c = defaultDeployer;
    if (c == null) {
      synchronized (this) {
        c = defaultDeployer;
        if (c == null) {
          DeployerProvider p = providers.deployer(settings.deployerId(), providerContext);
          c = deployers.computeIfAbsent(p.id(), id -> new Chosen(id, p.create(providerContext)));
          defaultDeployer = c;
        }
      }
    }
    return c;
  }

  /** The deployer that deployed {@code s} (so a Compose project is never handled by Swarm). */
  private Chosen deployerFor(@Nullable StateRecord s) {
    if (s == null || s.deployer().isEmpty()) {
      return defaultDeployer();
    }
    Chosen known = deployers.get(s.deployer());
    if (known != null) {
      return known;
    }
    DeployerProvider p = providers.deployer(s.deployer(), providerContext);
    return deployers.computeIfAbsent(p.id(), id -> new Chosen(id, p.create(providerContext)));
  }

  private List<Verifier> verifiers() {
    List<Verifier> v = verifiers;
    if (v == null) {
      synchronized (this) {
        v = verifiers;
        if (v == null) {
          List<Verifier> created = new ArrayList<>();
          for (VerifierProvider p : providers.requireVerifiers()) {
            created.add(p.create(providerContext));
          }
          v = List.copyOf(created);
          verifiers = v;
        }
      }
    }
    return v;
  }

  // ---------------------------------------------------------------- the pipeline

  /** Runs one trigger to its end; never throws for pipeline failures (see {@link RunOutcome}). */
  public RunOutcome run(Job job) {
    long started = System.nanoTime();
    DeployOptions options = job.options();
    Source source;
    Revision revision;
    try {
      source = source(job.reference());
      revision = source.resolve(job.reference());
    } catch (RuntimeException e) {
      DocoException error = asDoco(e, Stage.RESOLVE, job.reference());
      emit(new DocoEvent.Failed(job.reference(), Stage.RESOLVE, Engine.message(error)));
      return new RunOutcome(
          job.id(), null, false, Engine.message(error), null, List.of(), Stage.RESOLVE, error);
    }
    String expected = options.expectedDigest();
    if (expected != null && !expected.isBlank() && !expected.trim().equals(revision.digest())) {
      SourceException error =
          new SourceException(
              "artifact digest does not match expected digest: expected "
                  + expected.trim()
                  + " got "
                  + revision.digest()
                  + " (the tag moved since the webhook was sent, or the sender names another"
                  + " artifact)",
              job.reference(),
              revision.digest());
      emit(new DocoEvent.Failed(job.reference(), Stage.RESOLVE, Engine.message(error)));
      return new RunOutcome(
          job.id(), revision, false, Engine.message(error), null, List.of(), Stage.RESOLVE, error);
    }
    Path checkoutDir;
    try {
      checkoutDir = layout.directory(revision, options.target());
    } catch (SourceException e) {
      return new RunOutcome(
          job.id(), revision, false, Engine.message(e), null, List.of(), Stage.RESOLVE, e);
    }
    ReentrantLock lock =
        artifactLocks.computeIfAbsent(checkoutDir.toString(), k -> new ReentrantLock(true));
    lock.lock();
    try {
      return runLocked(job, source, revision, checkoutDir);
    } finally {
      lock.unlock();
      LOG.debug(
          "job {} ({}) ended after {} ms",
          job.id(),
          job.reference(),
          (System.nanoTime() - started) / 1_000_000);
    }
  }

  static String sourceKey(Revision revision, String target) {
    return revision.repository() + ":" + revision.tag() + "#" + target;
  }

  /** Hash of the trusted inputs of a trigger: target, inline configs, global trust policy. */
  String triggerHash(DeployOptions options) {
    return Canonical.hash(options.target(), options.deployments(), settings.globalPolicy());
  }

  /** Hash of one deployment's effective configuration. */
  static String configHash(DeployConfig config, String target, TrustPolicy effective) {
    return Canonical.hash(config, target, effective);
  }

  private RunOutcome runLocked(Job job, Source source, Revision revision, Path checkoutDir) {
    DeployOptions options = job.options();
    String key = sourceKey(revision, options.target());
    String triggerHash = triggerHash(options);
    Instant now = settings.clock().instant();

    // 2. unchanged? stop before downloading anything.
    Optional<String> unchanged = unchangedReason(job, revision, key, triggerHash, now);
    if (unchanged.isPresent()) {
      List<DeploymentOutcome> outcomes = new ArrayList<>();
      for (StateRecord s : store.bySource(key)) {
        emit(new DocoEvent.Skipped(s.name(), revision.digest(), unchanged.get()));
        outcomes.add(new DeploymentOutcome(s.name(), Action.SKIPPED, null, unchanged.get(), null));
      }
      metrics.inc(Metrics.SKIPPED, revision.repository());
      LOG.debug("{}: {}", revision.subject(), unchanged.get());
      return new RunOutcome(
          job.id(), revision, true, unchanged.get(), checkoutDir, outcomes, null, null);
    }

    // 3. verify with the global policy, then with each trusted deployment's effective policy.
    Map<String, Optional<VerificationResult>> verified = new LinkedHashMap<>();
    Map<String, DocoException> refusedInline = new LinkedHashMap<>();
    Map<Integer, DocoException> refusedBases = new LinkedHashMap<>();
    try {
      verify(source, revision, settings.globalPolicy(), verified);
      for (int i = 0; i < options.deployments().size(); i++) {
        TrustPolicy effective = effectivePolicy(options.deployments().get(i));
        try {
          verify(source, revision, effective, verified);
        } catch (VerificationException e) {
          // Keyed by position: an auto-discovery base usually has no name of its own.
          refusedBases.put(i, e);
        }
      }
      if (!options.deployments().isEmpty() && refusedBases.size() == options.deployments().size()) {
        throw refusedBases.values().iterator().next();
      }
    } catch (RuntimeException e) {
      return failBeforeDeploy(job, revision, key, triggerHash, checkoutDir, Stage.VERIFY, e, now);
    }

    // 4. fetch into the live checkout (complete old tree or complete new tree, never a mix).
    Checkout checkout;
    try {
      checkout = source.fetch(revision, checkoutDir, new FetchOptions(options.target()));
    } catch (RuntimeException e) {
      return failBeforeDeploy(job, revision, key, triggerHash, checkoutDir, Stage.FETCH, e, now);
    }

    // 5. deploy configs: inline ones win.
    List<DeployConfig> configs;
    try {
      configs =
          loadConfigs(checkout.directory(), options, revision, refusedBases, refusedInline)
              .configs();
    } catch (RuntimeException e) {
      return failBeforeDeploy(job, revision, key, triggerHash, checkoutDir, Stage.CONFIG, e, now);
    }

    // 6. deploy each.
    List<DeploymentOutcome> outcomes =
        deployAll(job, revision, checkout.directory(), configs, refusedInline, key, triggerHash);

    // 7. deployments that no longer come from this artifact stop counting for the unchanged check.
    Set<String> names = new HashSet<>();
    configs.forEach(c -> names.add(c.name()));
    for (StateRecord s : store.bySource(key)) {
      if (!names.contains(s.name())) {
        store.save(s.withActive(false));
      }
    }
    DeploymentOutcome firstFailure =
        outcomes.stream().filter(o -> o.action() == Action.FAILED).findFirst().orElse(null);
    if (firstFailure == null) {
      failures.remove(key);
      return new RunOutcome(job.id(), revision, false, "ok", checkoutDir, outcomes, null, null);
    }
    int count =
        outcomes.stream()
            .filter(o -> o.action() == Action.FAILED)
            .mapToInt(o -> store.get(o.name()).map(StateRecord::failures).orElse(1))
            .max()
            .orElse(1);
    failures.put(key, new FailureMemo(revision.digest(), triggerHash, count, now));
    DocoException error = firstFailure.error();
    return new RunOutcome(
        job.id(),
        revision,
        false,
        firstFailure.message(),
        checkoutDir,
        outcomes,
        Stage.DEPLOY,
        error != null ? error : new DeployException(firstFailure.message(), firstFailure.name()));
  }

  private TrustPolicy effectivePolicy(DeployConfig c) {
    return c.trustedOverride()
        .map(o -> TrustPolicies.effective(settings.globalPolicy(), o))
        .orElse(settings.globalPolicy());
  }

  /**
   * Loads the deploy configs: the inline ones (each expanded by auto-discovery over the checkout)
   * when there are any, else the artifact's. A deployment generated from an inline base whose
   * effective policy refused the artifact is added to {@code refusedInline} under its own name.
   */
  private DeployConfigLoader.Result loadConfigs(
      Path checkout,
      DeployOptions options,
      Revision revision,
      Map<Integer, DocoException> refusedBases,
      Map<String, DocoException> refusedInline) {
    List<DeployConfig> raw;
    List<String> warnings;
    if (!options.deployments().isEmpty()) {
      raw = new ArrayList<>();
      warnings = new ArrayList<>();
      for (int i = 0; i < options.deployments().size(); i++) {
        DeployConfigLoader.Result r =
            DeployConfigLoader.expand(checkout, List.of(options.deployments().get(i)));
        DocoException refused = refusedBases.get(i);
        for (DeployConfig c : r.configs()) {
          raw.add(c);
          if (refused != null) {
            refusedInline.put(c.name(), refused);
          }
        }
        warnings.addAll(r.warnings());
      }
    } else {
      DeployConfigLoader.Result r = configLoader.load(checkout, options.target());
      raw = r.configs();
      warnings = r.warnings();
    }
    for (String w : warnings) {
      LOG.warn("{}: {}", revision.subject(), w);
    }
    List<DeployConfig> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (DeployConfig c : raw) {
      if (!seen.add(c.name())) {
        throw new ConfigException(
            "duplicate project/stack name found in configuration file: "
                + c.name()
                + "; give each deployment its own name",
            c.origin().isEmpty() ? null : c.origin(),
            c.document(),
            -1);
      }
      out.add(c.withReference(revision.tag()));
    }
    return new DeployConfigLoader.Result(out, warnings);
  }

  private Optional<String> unchangedReason(
      Job job, Revision revision, String key, String triggerHash, Instant now) {
    if (job.options().force()) {
      return Optional.empty();
    }
    List<StateRecord> states = store.bySource(key);
    FailureMemo memo = failures.get(key);
    if (memo == null) {
      memo = memoFromStates(states);
    }
    if (memo != null
        && memo.digest().equals(revision.digest())
        && memo.triggerHash().equals(triggerHash)) {
      if (job.trigger() == Trigger.POLL) {
        Instant next = memo.at().plus(backoff(memo.count()));
        if (now.isBefore(next)) {
          return Optional.of(
              "the last "
                  + memo.count()
                  + " attempt(s) at this digest failed; next retry after "
                  + next
                  + " (backoff)");
        }
      }
      return Optional.empty();
    }
    if (states.isEmpty()) {
      return Optional.empty();
    }
    for (StateRecord s : states) {
      if (s.result() != DeploymentState.Result.SUCCEEDED
          || !s.digest().equals(revision.digest())
          || !s.triggerHash().equals(triggerHash)) {
        return Optional.empty();
      }
    }
    if (!labelsAgree(states, now)) {
      return Optional.empty();
    }
    return Optional.of("digest " + revision.digest() + " and configuration unchanged");
  }

  private static @Nullable FailureMemo memoFromStates(List<StateRecord> states) {
    FailureMemo memo = null;
    for (StateRecord s : states) {
      if (s.result() == DeploymentState.Result.FAILED && s.failures() > 0) {
        if (memo == null || s.failures() > memo.count()) {
          memo =
              new FailureMemo(
                  s.attemptedDigest(), s.triggerHash(), s.failures(), s.lastAttemptAt());
        }
      }
    }
    return memo;
  }

  /** Exponential: base, 2×base, 4×base, ... up to max. */
  Duration backoff(int failureCount) {
    Duration d = settings.backoffBase();
    for (int i = 1; i < failureCount && d.compareTo(settings.backoffMax()) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(settings.backoffMax()) > 0 ? settings.backoffMax() : d;
  }

  /**
   * The engine's labels win: a deployment whose stack is gone, or whose label names another digest,
   * is not unchanged. A confirmation is trusted for {@code labelRecheck}.
   */
  private boolean labelsAgree(List<StateRecord> states, Instant now) {
    for (StateRecord s : states) {
      Instant confirmed = labelsConfirmed.get(s.name());
      if (confirmed != null && now.isBefore(confirmed.plus(settings.labelRecheck()))) {
        continue;
      }
      Optional<DeploymentStatus> status;
      try {
        status = deployerFor(s).deployer().inspect(s.name(), s.context());
      } catch (RuntimeException e) {
        LOG.warn(
            "cannot ask the container engine about {} ({}); deploying again to be sure",
            s.name(),
            Engine.message(e));
        return false;
      }
      if (status.isEmpty()) {
        LOG.info(
            "{} is recorded as deployed but the engine does not know it; redeploying", s.name());
        store.save(s.withAppliedDigest(""));
        return false;
      }
      String labelled = status.get().digest();
      if (!labelled.isEmpty() && !labelled.equals(s.digest())) {
        LOG.info(
            "{}: the engine's labels say {} while the state file says {}; the labels win",
            s.name(),
            labelled,
            s.digest());
        store.save(s.withAppliedDigest(labelled));
        return false;
      }
      labelsConfirmed.put(s.name(), now);
    }
    return true;
  }

  private void verify(
      Source source,
      Revision revision,
      TrustPolicy policy,
      Map<String, Optional<VerificationResult>> cache) {
    String policyKey = Canonical.text(policy);
    if (cache.containsKey(policyKey)) {
      return;
    }
    if (!policy.enabled()) {
      cache.put(policyKey, Optional.empty());
      return;
    }
    String subject = revision.subject();
    if (policy.hasNoRules()) {
      refuse(
          revision,
          List.of(
              "the trust policy is enabled but has no trust rules: add public_keys,"
                  + " keyless_identities or notation to it"));
    }
    List<Verifier> all;
    try {
      all = verifiers();
    } catch (ProviderException e) {
      refuse(revision, List.of(Engine.message(e)));
      return;
    }
    List<String> attempts = new ArrayList<>();
    boolean supported = false;
    var access = source.access(revision);
    for (Verifier v : all) {
      if (!v.supports(policy)) {
        continue;
      }
      supported = true;
      VerificationResult r = v.verify(revision, access, policy);
      if (r.accepted()) {
        emit(
            new DocoEvent.VerificationPassed(
                subject, r.acceptedSignature().orElse(""), r.acceptedBy().orElse("")));
        for (String note : r.notes()) {
          LOG.info("{}: {}", subject, note);
        }
        metrics.inc(Metrics.VERIFICATIONS, revision.repository(), "accepted");
        cache.put(policyKey, Optional.of(r));
        return;
      }
      attempts.addAll(r.attempts());
    }
    if (!supported) {
      attempts.add(
          "no verifier on the class path can check the rules of this trust policy; add"
              + " dev.doco:doco-verify (cosign keys and identities, Notation)");
    }
    refuse(revision, attempts);
  }

  private void refuse(Revision revision, List<String> attempts) {
    emit(new DocoEvent.VerificationFailed(revision.subject(), attempts));
    metrics.inc(Metrics.VERIFICATIONS, revision.repository(), "refused");
    throw new VerificationException(revision.subject(), attempts);
  }

  private RunOutcome failBeforeDeploy(
      Job job,
      Revision revision,
      String key,
      String triggerHash,
      Path checkoutDir,
      Stage stage,
      RuntimeException e,
      Instant now) {
    DocoException error = asDoco(e, stage, job.reference());
    emit(new DocoEvent.Failed(revision.subject(), stage, Engine.message(error)));
    LOG.warn("{} ({}): {} failed: {}", job.reference(), job.id(), stage, Engine.message(error));
    int count = 0;
    List<DeploymentOutcome> outcomes = new ArrayList<>();
    for (StateRecord s : store.bySource(key)) {
      StateRecord failed = failed(s, revision, triggerHash, error, job.trigger(), now);
      store.save(failed);
      count = Math.max(count, failed.failures());
      outcomes.add(
          new DeploymentOutcome(s.name(), Action.FAILED, null, Engine.message(error), error));
    }
    FailureMemo previous = failures.get(key);
    if (count == 0) {
      count =
          previous != null
                  && previous.digest().equals(revision.digest())
                  && previous.triggerHash().equals(triggerHash)
              ? previous.count() + 1
              : 1;
    }
    failures.put(key, new FailureMemo(revision.digest(), triggerHash, count, now));
    return new RunOutcome(
        job.id(), revision, false, Engine.message(error), checkoutDir, outcomes, stage, error);
  }

  private static StateRecord failed(
      StateRecord s,
      Revision revision,
      String triggerHash,
      DocoException error,
      Trigger trigger,
      Instant now) {
    boolean sameAttempt =
        s.attemptedDigest().equals(revision.digest()) && s.triggerHash().equals(triggerHash);
    int count = s.result() == DeploymentState.Result.FAILED && sameAttempt ? s.failures() + 1 : 1;
    return new StateRecord(
        s.name(),
        s.reference(),
        s.repository(),
        s.tag(),
        s.target(),
        s.context(),
        s.checkout(),
        s.sourceKey(),
        s.digest(),
        s.configHash(),
        s.appliedAt(),
        revision.digest(),
        triggerHash,
        now,
        DeploymentState.Result.FAILED,
        Engine.message(error),
        count,
        trigger.label(),
        true,
        s.deployer());
  }

  private static DocoException asDoco(RuntimeException e, Stage stage, String reference) {
    if (e instanceof DocoException d) {
      return d;
    }
    String what =
        switch (stage) {
          case RESOLVE -> "failed to resolve " + reference;
          case VERIFY -> "signature verification could not run for " + reference;
          case FETCH -> "failed to fetch " + reference;
          case CONFIG -> "failed to read the deploy configuration of " + reference;
          case DEPLOY -> "deployment failed for " + reference;
          case DESTROY -> "destroy failed for " + reference;
        };
    String detail = Engine.message(e) == null ? e.getClass().getSimpleName() : Engine.message(e);
    if (e instanceof UncheckedIOException) {
      return new SourceException(what + ": " + detail, reference, null, e);
    }
    return new DocoException(what + ": " + detail, e);
  }

  // ---------------------------------------------------------------- deploying

  private List<DeploymentOutcome> deployAll(
      Job job,
      Revision revision,
      Path checkout,
      List<DeployConfig> configs,
      Map<String, DocoException> refused,
      String key,
      String triggerHash) {
    List<DeploymentOutcome> outcomes = new ArrayList<>();
    List<Future<DeploymentOutcome>> futures = new ArrayList<>();
    List<DeployConfig> toRun = new ArrayList<>();
    for (DeployConfig c : configs) {
      DocoException refusal = refused.get(c.name());
      if (refusal != null) {
        Instant now = settings.clock().instant();
        store
            .get(c.name())
            .ifPresent(
                s -> store.save(failed(s, revision, triggerHash, refusal, job.trigger(), now)));
        outcomes.add(
            new DeploymentOutcome(c.name(), Action.FAILED, null, Engine.message(refusal), refusal));
        continue;
      }
      if (job.trigger() == Trigger.WEBHOOK && !webhookFilterMatches(c, revision.tag())) {
        String reason =
            "webhook_filter '" + c.webhookFilter() + "' does not match " + revision.tag();
        emit(new DocoEvent.Skipped(c.name(), revision.digest(), reason));
        outcomes.add(new DeploymentOutcome(c.name(), Action.SKIPPED, null, reason, null));
        continue;
      }
      toRun.add(c);
    }
    if (toRun.size() == 1) {
      outcomes.add(deployOne(job, revision, checkout, toRun.get(0), key, triggerHash));
      return outcomes;
    }
    for (DeployConfig c : toRun) {
      futures.add(deployPool.submit(() -> deployOne(job, revision, checkout, c, key, triggerHash)));
    }
    for (int i = 0; i < futures.size(); i++) {
      try {
        outcomes.add(futures.get(i).get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        DocoException error = new DocoException("interrupted while deploying", e);
        outcomes.add(
            new DeploymentOutcome(toRun.get(i).name(), Action.FAILED, null, "interrupted", error));
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        DocoException error =
            cause instanceof DocoException d
                ? d
                : new DocoException("deployment failed: " + cause, cause);
        outcomes.add(
            new DeploymentOutcome(
                toRun.get(i).name(), Action.FAILED, null, Engine.message(error), error));
      }
    }
    return outcomes;
  }

  private static boolean webhookFilterMatches(DeployConfig c, String tag) {
    if (c.webhookFilter().isEmpty()) {
      return true;
    }
    try {
      return Pattern.compile(c.webhookFilter()).matcher(tag).find();
    } catch (PatternSyntaxException e) {
      return false; // validated at load; a bad pattern never deploys
    }
  }

  private DeploymentOutcome deployOne(
      Job job,
      Revision revision,
      Path checkout,
      DeployConfig config,
      String key,
      String triggerHash) {
    String name = config.name();
    String repository = revision.repository();
    TrustPolicy effective = effectivePolicy(config);
    String hash = configHash(config, job.target(), effective);
    DeploymentPlan plan =
        new DeploymentPlan(config, checkout, revision, job.trigger(), job.target(), hash);
    Optional<StateRecord> previous = store.get(name);
    boolean same =
        previous.isPresent()
            && previous.get().result() == DeploymentState.Result.SUCCEEDED
            && previous.get().digest().equals(revision.digest())
            && previous.get().configHash().equals(hash)
            && previous.get().sourceKey().equals(key);
    if (same && !job.options().force() && !config.forceRecreate() && !config.destroy().enabled()) {
      String reason = "digest " + revision.digest() + " and config hash unchanged";
      store.save(
          succeeded(
              previous.get(),
              revision,
              job,
              plan,
              key,
              triggerHash,
              null,
              previous.get().deployer()));
      lastPlans.put(name, plan);
      emit(new DocoEvent.Skipped(name, revision.digest(), reason));
      return new DeploymentOutcome(name, Action.SKIPPED, null, reason, null);
    }
    String deployerId = previous.map(StateRecord::deployer).orElse("");
    metrics.gaugeAdd(Metrics.DEPLOYMENTS_QUEUED, 1, repository);
    boolean queued = true;
    long started = System.nanoTime();
    try {
      deploySlots.acquire();
      metrics.gaugeAdd(Metrics.DEPLOYMENTS_QUEUED, -1, repository);
      queued = false;
      ReentrantLock stack =
          stackLocks.computeIfAbsent(config.context() + "/" + name, k -> new ReentrantLock(true));
      stack.lock();
      metrics.gaugeAdd(Metrics.DEPLOYMENTS_ACTIVE, 1);
      active.incrementAndGet();
      try {
        Chosen chosen = deployerFor(previous.orElse(null));
        deployerId = chosen.id();
        Deployer d = chosen.deployer();
        if (config.destroy().enabled()) {
          d.destroy(plan);
          store.delete(name);
          lastPlans.remove(name);
          labelsConfirmed.remove(name);
          emit(new DocoEvent.Destroyed(name));
          return new DeploymentOutcome(name, Action.DESTROYED, null, "destroyed", null);
        }
        DeployResult result = d.deploy(plan);
        Instant now = settings.clock().instant();
        store.save(
            succeeded(
                previous.orElse(null), revision, job, plan, key, triggerHash, now, chosen.id()));
        lastPlans.put(name, plan);
        labelsConfirmed.put(name, now);
        metrics.inc(Metrics.DEPLOYMENTS, repository, name);
        metrics.observe(
            Metrics.DEPLOYMENT_DURATION, (System.nanoTime() - started) / 1e9, repository, name);
        if (result.skipped()) {
          emit(new DocoEvent.Skipped(name, revision.digest(), result.message()));
          return new DeploymentOutcome(name, Action.SKIPPED, result, result.message(), null);
        }
        emit(new DocoEvent.Deployed(name, revision.digest(), result.duration()));
        return new DeploymentOutcome(name, Action.DEPLOYED, result, result.message(), null);
      } finally {
        active.decrementAndGet();
        metrics.gaugeAdd(Metrics.DEPLOYMENTS_ACTIVE, -1);
        stack.unlock();
        deploySlots.release();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      DocoException error = new DeployException("interrupted while waiting to deploy", name);
      return new DeploymentOutcome(name, Action.FAILED, null, Engine.message(error), error);
    } catch (RuntimeException e) {
      DocoException error = asDoco(e, Stage.DEPLOY, name);
      Instant now = settings.clock().instant();
      StateRecord base =
          previous.orElseGet(() -> fresh(name, revision, job, plan, key, triggerHash, now));
      StateRecord failed = failed(base, revision, triggerHash, error, job.trigger(), now);
      store.save(
          new StateRecord(
              failed.name(),
              job.reference(),
              revision.repository(),
              revision.tag(),
              job.target(),
              config.context(),
              checkout.toString(),
              key,
              failed.digest(),
              failed.configHash(),
              failed.appliedAt(),
              failed.attemptedDigest(),
              failed.triggerHash(),
              failed.lastAttemptAt(),
              failed.result(),
              failed.lastError(),
              failed.failures(),
              failed.trigger(),
              true,
              deployerId));
      lastPlans.putIfAbsent(name, plan);
      metrics.inc(Metrics.DEPLOYMENT_ERRORS, repository, name);
      emit(new DocoEvent.Failed(name, Stage.DEPLOY, Engine.message(error)));
      LOG.warn("deployment {} of {} failed: {}", name, revision.subject(), Engine.message(error));
      return new DeploymentOutcome(name, Action.FAILED, null, Engine.message(error), error);
    } finally {
      if (queued) {
        metrics.gaugeAdd(Metrics.DEPLOYMENTS_QUEUED, -1, repository);
      }
    }
  }

  private StateRecord fresh(
      String name,
      Revision revision,
      Job job,
      DeploymentPlan plan,
      String key,
      String triggerHash,
      Instant now) {
    return new StateRecord(
        name,
        job.reference(),
        revision.repository(),
        revision.tag(),
        job.target(),
        plan.config().context(),
        plan.checkout().toString(),
        key,
        "",
        "",
        null,
        revision.digest(),
        triggerHash,
        now,
        DeploymentState.Result.FAILED,
        "",
        0,
        job.trigger().label(),
        true,
        "");
  }

  private StateRecord succeeded(
      @Nullable StateRecord previous,
      Revision revision,
      Job job,
      DeploymentPlan plan,
      String key,
      String triggerHash,
      @Nullable Instant appliedAt,
      String deployerId) {
    Instant now = settings.clock().instant();
    Instant applied = appliedAt != null ? appliedAt : previous != null ? previous.appliedAt() : now;
    return new StateRecord(
        plan.name(),
        job.reference(),
        revision.repository(),
        revision.tag(),
        job.target(),
        plan.config().context(),
        plan.checkout().toString(),
        key,
        revision.digest(),
        plan.configHash(),
        applied,
        revision.digest(),
        triggerHash,
        now,
        DeploymentState.Result.SUCCEEDED,
        "",
        0,
        job.trigger().label(),
        true,
        deployerId);
  }

  // ---------------------------------------------------------------- plan, destroy, status

  /** A dry run: resolves, verifies, fetches into a temporary directory, asks the deployer. */
  public Plan plan(Job job) {
    DeployOptions options = job.options();
    Source source = source(job.reference());
    Revision revision = source.resolve(job.reference());
    String expected = options.expectedDigest();
    if (expected != null && !expected.isBlank() && !expected.trim().equals(revision.digest())) {
      throw new SourceException(
          "artifact digest does not match expected digest: expected "
              + expected.trim()
              + " got "
              + revision.digest(),
          job.reference(),
          revision.digest());
    }
    Path live = layout.directory(revision, options.target());
    Map<String, Optional<VerificationResult>> verified = new LinkedHashMap<>();
    List<String> verification = new ArrayList<>();
    verify(source, revision, settings.globalPolicy(), verified);
    describe("global policy", settings.globalPolicy(), verified, verification);
    for (DeployConfig c : options.deployments()) {
      TrustPolicy effective = effectivePolicy(c);
      verify(source, revision, effective, verified);
      if (!effective.equals(settings.globalPolicy())) {
        describe("policy of " + c.name(), effective, verified, verification);
      }
    }
    Path tmp;
    try {
      Path tmpRoot = settings.dataDirectory().resolve("tmp");
      Files.createDirectories(tmpRoot);
      tmp = Files.createTempDirectory(tmpRoot, "plan-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for the dry run", e);
    }
    try {
      Checkout checkout = source.fetch(revision, tmp, new FetchOptions(options.target()));
      DeployConfigLoader.Result loaded =
          loadConfigs(checkout.directory(), options, revision, Map.of(), new LinkedHashMap<>());
      String key = sourceKey(revision, options.target());
      List<Plan.Step> steps = new ArrayList<>();
      Deployer d = null;
      String deployerProblem = "";
      try {
        d = deployer();
      } catch (ProviderException e) {
        deployerProblem = Engine.message(e);
      }
      for (DeployConfig c : loaded.configs()) {
        String hash = configHash(c, options.target(), effectivePolicy(c));
        DeploymentPlan p =
            new DeploymentPlan(
                c, checkout.directory(), revision, job.trigger(), job.target(), hash);
        List<List<String>> commands = new ArrayList<>();
        if (d != null) {
          for (List<String> argv : d.plannedCommands(p)) {
            List<String> fixed = new ArrayList<>();
            for (String arg : argv) {
              fixed.add(arg.replace(tmp.toString(), live.toString()));
            }
            commands.add(fixed);
          }
        }
        Optional<StateRecord> s = store.get(c.name());
        Plan.Action action;
        String reason;
        if (c.destroy().enabled()) {
          action = Plan.Action.DESTROY;
          reason = "the config says destroy: true";
        } else if (s.isPresent()
            && s.get().result() == DeploymentState.Result.SUCCEEDED
            && s.get().digest().equals(revision.digest())
            && s.get().configHash().equals(hash)
            && s.get().sourceKey().equals(key)
            && !options.force()
            && !c.forceRecreate()) {
          action = Plan.Action.UNCHANGED;
          reason = "already runs " + revision.digest() + " with this configuration";
        } else {
          action = Plan.Action.DEPLOY;
          reason =
              s.isEmpty() || s.get().digest().isEmpty()
                  ? "new deployment"
                  : !s.get().digest().equals(revision.digest())
                      ? "digest changes from " + s.get().digest() + " to " + revision.digest()
                      : "configuration changed";
        }
        if (d == null) {
          reason = reason + " (commands unknown: " + deployerProblem + ")";
        }
        steps.add(new Plan.Step(c.name(), action, reason, hash, commands));
      }
      return new Plan(revision, options.target(), live, verification, steps, loaded.warnings());
    } finally {
      deleteRecursively(tmp);
    }
  }

  /**
   * Resolves and verifies {@code job}'s reference with the global policy, then fetches it into
   * {@code destination} (verify and extract only; nothing is deployed or recorded).
   */
  public Checkout pull(Job job, Path destination) {
    Source source = source(job.reference());
    Revision revision = source.resolve(job.reference());
    verify(source, revision, settings.globalPolicy(), new LinkedHashMap<>());
    return source.fetch(revision, destination, new FetchOptions(job.target()));
  }

  /**
   * Resolves {@code reference} and verifies it with the global policy.
   *
   * @return the accepted result (which signature, which key or identity)
   * @throws VerificationException when refused
   * @throws dev.doco.core.ConfigException when the global policy is disabled
   */
  public VerificationResult verifyOnly(String reference) {
    if (!settings.globalPolicy().enabled()) {
      throw new ConfigException(
          "the trust policy is disabled: set enabled: true in it to verify signatures");
    }
    Source source = source(reference);
    Revision revision = source.resolve(reference);
    Map<String, Optional<VerificationResult>> cache = new LinkedHashMap<>();
    verify(source, revision, settings.globalPolicy(), cache);
    return cache.values().iterator().next().orElseThrow();
  }

  private static void describe(
      String what,
      TrustPolicy policy,
      Map<String, Optional<VerificationResult>> verified,
      List<String> out) {
    Optional<VerificationResult> r =
        verified.getOrDefault(Canonical.text(policy), Optional.empty());
    if (r.isEmpty()) {
      out.add(what + ": verification disabled");
    } else {
      out.add(
          what
              + ": accepted signature "
              + r.get().acceptedSignature().orElse("?")
              + " matched by "
              + r.get().acceptedBy().orElse("?"));
      r.get().notes().forEach(n -> out.add(what + ": note: " + n));
    }
  }

  /**
   * Destroys {@code name} with its last known deploy config (from this process, else re-read from
   * its checkout, else defaults).
   *
   * @throws DeployException when doco has no state for the name and the engine does not know it
   */
  public void destroy(String name) {
    Optional<StateRecord> state = store.get(name);
    DeploymentPlan plan = lastPlans.get(name);
    if (plan == null) {
      plan = planFromState(name, state.orElse(null));
    }
    Deployer d = deployerFor(state.orElse(null)).deployer();
    if (state.isEmpty()) {
      Optional<DeploymentStatus> status = d.inspect(name, plan.config().context());
      if (status.isEmpty()) {
        throw new DeployException(
            "no deployment named '" + name + "': `doco status` lists the deployments doco knows",
            name);
      }
    }
    DeploymentPlan destroyPlan =
        new DeploymentPlan(
            plan.config().withDestroy(plan.config().destroy()),
            plan.checkout(),
            plan.revision(),
            Trigger.MANUAL,
            plan.target(),
            plan.configHash());
    ReentrantLock stack =
        stackLocks.computeIfAbsent(
            plan.config().context() + "/" + name, k -> new ReentrantLock(true));
    stack.lock();
    try {
      d.destroy(destroyPlan);
      store.delete(name);
      lastPlans.remove(name);
      labelsConfirmed.remove(name);
    } catch (RuntimeException e) {
      emit(new DocoEvent.Failed(name, Stage.DESTROY, Engine.message(e)));
      throw e;
    } finally {
      stack.unlock();
    }
    emit(new DocoEvent.Destroyed(name));
    if (plan.config().destroy().removeDir()) {
      Path dir = plan.checkout();
      boolean shared = store.all().stream().anyMatch(s -> Path.of(s.checkout()).equals(dir));
      if (!shared && dir.startsWith(layout.root()) && !dir.equals(layout.root())) {
        deleteRecursively(dir);
      }
    }
  }

  private DeploymentPlan planFromState(String name, @Nullable StateRecord s) {
    DeployConfig config = DeployConfig.defaults(name);
    Path checkout = layout.root();
    Revision revision = new Revision(name, "", "", "", "", Map.of());
    String target = "";
    if (s != null) {
      checkout = Path.of(s.checkout());
      target = s.target();
      revision = new Revision(s.reference(), s.repository(), s.tag(), s.digest(), "", Map.of());
      config = config.withContext(s.context());
      if (Files.isDirectory(checkout)) {
        try {
          for (DeployConfig c : configLoader.load(checkout, target).configs()) {
            if (c.name().equals(name)) {
              config = c;
            }
          }
        } catch (RuntimeException e) {
          LOG.info(
              "cannot re-read the deploy config of {} from {} ({}); destroying with defaults",
              name,
              checkout,
              Engine.message(e));
        }
      }
    }
    return new DeploymentPlan(config, checkout, revision, Trigger.MANUAL, target, "");
  }

  /** Every known deployment; with {@code askEngine}, merged with the engine's labels. */
  public List<DeploymentState> status(boolean askEngine) {
    List<DeploymentState> out = new ArrayList<>();
    for (StateRecord s : store.all()) {
      DeploymentStatus engine = null;
      if (askEngine) {
        try {
          engine = deployerFor(s).deployer().inspect(s.name(), s.context()).orElse(null);
        } catch (RuntimeException e) {
          LOG.warn("cannot ask the container engine about {}: {}", s.name(), Engine.message(e));
        }
      }
      out.add(s.toPublic(engine));
    }
    return out;
  }

  /** Empty when the container engine answers (asked through the deployer), else the error. */
  public Optional<String> health() {
    try {
      deployer().inspect("doco-health-probe", "");
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.of(Engine.message(e) == null ? e.toString() : Engine.message(e));
    }
  }

  /** Deployments running now. */
  public int activeDeployments() {
    return active.get();
  }

  /** The message of {@code t}, or its class name when it has none. */
  public static String message(Throwable t) {
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, @Nullable IOException exc)
                throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", dir, Engine.message(e));
    }
  }

  @Override
  public void close() {
    deployPool.shutdownNow();
    for (Source s : sources.values()) {
      try {
        s.close();
      } catch (RuntimeException e) {
        LOG.warn("closing source failed: {}", Engine.message(e));
      }
    }
    sources.clear();
  }
}
