package dev.doco.compose;

import dev.doco.compose.internal.ChildEnvironment;
import dev.doco.compose.internal.CommandResult;
import dev.doco.compose.internal.ComposeArgs;
import dev.doco.compose.internal.ContainerInfo;
import dev.doco.compose.internal.DockerCli;
import dev.doco.compose.internal.JsonTree;
import dev.doco.compose.internal.Labels;
import dev.doco.compose.internal.ProjectFiles;
import dev.doco.compose.internal.Support;
import dev.doco.core.DeployException;
import dev.doco.core.config.BuildConfig;
import dev.doco.core.config.DeployConfig;
import dev.doco.core.config.DestroyConfig;
import dev.doco.core.spi.DeployResult;
import dev.doco.core.spi.Deployer;
import dev.doco.core.spi.DeploymentPlan;
import dev.doco.core.spi.DeploymentStatus;
import dev.doco.core.spi.ProviderContext;
import dev.doco.core.spi.ServiceStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys Compose projects with the real {@code docker compose} CLI (Compose v2 plugin).
 *
 * <p>A deployment: one {@code docker ps} call reads the project's containers and their {@code
 * cd.doco.*} labels; when they all carry the digest and config hash being deployed (and run), it is
 * skipped with no further call. Otherwise {@code docker compose config --services} validates the
 * files and names the services (a broken file stops here, before any container is touched), a
 * generated override file adds the labels to every service (the user's files are not edited), and
 * {@code docker compose up -d --build} runs with the deploy config's options (services with a
 * {@code build:} section are rebuilt on every deployment, as doco-cd does; non-default {@code
 * build:} options in the deploy config run {@code docker compose build} with them first).
 *
 * <pre>{@code
 * Deployer deployer = ComposeDeployer.builder(ProviderContext.fromEnvironment(dataDir)).build();
 * DeployResult result = deployer.deploy(plan);
 * }</pre>
 *
 * <p>Settings read from the {@link ProviderContext}: {@code DOCO_DOCKER} (docker executable,
 * default {@code docker} on {@code PATH}), {@code DOCO_COMMAND_TIMEOUT} (seconds for {@code up} and
 * {@code down} on top of the readiness {@code timeout}, default 600), {@code PASS_ENV} (pass the
 * whole environment to Compose interpolation), {@code DOCKER_*} (passed to the CLI; {@code
 * DOCKER_CONFIG} holds registry credentials). Events: {@link
 * dev.doco.core.DocoEvent.CommandStarted} and {@link dev.doco.core.DocoEvent.DeployOutput} per
 * line; outcomes are returned or thrown.
 */
public final class ComposeDeployer implements Deployer {
  private static final Logger LOG = LoggerFactory.getLogger(ComposeDeployer.class);

  static final String KIND = "compose";
  static final Duration QUERY_TIMEOUT = Duration.ofSeconds(60);
  static final String OVERRIDE_FILE = "doco.labels.json";

  private final DockerCli cli;
  private final Map<String, String> settings;
  private final Path dataDirectory;
  private final Duration commandTimeout;
  private final Clock clock;
  private final Set<String> checkedContexts = ConcurrentHashMap.newKeySet();

  private ComposeDeployer(Builder b) {
    this.settings = b.context.settings();
    this.dataDirectory = b.context.dataDirectory().toAbsolutePath().normalize();
    String exe =
        b.executable != null ? b.executable : b.context.setting("DOCO_DOCKER").orElse("docker");
    this.cli = new DockerCli(exe, b.launcher, b.context.listener(), dataDirectory);
    this.commandTimeout = Support.seconds(settings, "DOCO_COMMAND_TIMEOUT", Duration.ofMinutes(10));
    this.clock = b.clock;
  }

  public static Builder builder(ProviderContext context) {
    return new Builder(context);
  }

  /** Builds a {@link ComposeDeployer}. */
  public static final class Builder {
    private final ProviderContext context;
    private ProcessLauncher launcher = ProcessLauncher.SYSTEM;
    private @Nullable String executable;
    private Clock clock = Clock.systemUTC();

    private Builder(ProviderContext context) {
      this.context = context;
    }

    /** How processes start (tests inject a fake). */
    public Builder launcher(ProcessLauncher launcher) {
      this.launcher = launcher;
      return this;
    }

    /** The docker executable (default: setting {@code DOCO_DOCKER}, else {@code docker}). */
    public Builder executable(String executable) {
      this.executable = executable;
      return this;
    }

    /** The clock for {@code cd.doco.deployment.timestamp}. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public ComposeDeployer build() {
      return new ComposeDeployer(this);
    }
  }

  @Override
  public DeployResult deploy(DeploymentPlan plan) {
    long start = System.nanoTime();
    String name = Support.checkName(plan.name());
    DeployConfig config = plan.config();
    String context = Support.checkContext(config.context(), name);
    String digest = plan.revision().digest();
    ProjectFiles files = ProjectFiles.resolve(plan);
    Map<String, String> base = ChildEnvironment.base(settings, context);
    List<List<String>> ran = new ArrayList<>();
    preflight(name, context, base, ran);

    List<ContainerInfo> before = listContainers(name, context, base, ran);
    if (!config.forceRecreate()) {
      Optional<String> unchanged = unchanged(before, digest, plan.configHash());
      if (unchanged.isPresent()) {
        LOG.debug("deployment {}: {}", name, unchanged.get());
        return new DeployResult(name, digest, true, unchanged.get(), ran, since(start));
      }
    }

    Map<String, String> env = ChildEnvironment.withInterpolation(base, config.environment(), name);
    List<String> composeNoOverride = composeBase(context, name, files, null, config.profiles());
    List<String> servicesArgv = new ArrayList<>(composeNoOverride);
    servicesArgv.addAll(List.of("config", "--services"));
    CommandResult services = run(name, servicesArgv, env, QUERY_TIMEOUT, false, ran);
    if (!services.ok()) {
      throw DockerCli.failure(
          name,
          "the compose files of " + name + " are invalid; nothing was changed",
          services,
          "Fix the compose file (check it with 'docker compose config'); the running containers"
              + " were left as they were");
    }
    Path override = Support.stateDir(dataDirectory, KIND, context, name).resolve(OVERRIDE_FILE);
    Map<String, String> labels =
        Labels.of(plan, files.workingDir(), Instant.now(clock), Labels.docoVersion());
    Support.writeAtomically(override, overrideJson(services.lines(), labels), name);

    Set<String> imagesBefore =
        config.pruneImages() ? imageIds(name, context, base, ids(before), ran) : Set.of();

    List<String> build = buildArgv(composeNoOverride, config);
    if (!build.isEmpty()) {
      CommandResult b = run(name, build, env, commandTimeout, true, ran);
      if (!b.ok()) {
        throw DockerCli.failure(
            name,
            "docker compose build failed for " + name,
            b,
            "Fix the Dockerfile or the build section; the running containers were left as they"
                + " were");
      }
    }
    List<String> up =
        upArgv(composeBase(context, name, files, override, config.profiles()), config);
    Duration upTimeout = commandTimeout.plus(waitTimeout(config));
    CommandResult r = run(name, up, env, upTimeout, true, ran);
    if (!r.ok()) {
      throw DockerCli.failure(
          name,
          "docker compose up failed for " + name,
          r,
          "The files were valid, so Compose failed while pulling, creating or starting containers;"
              + " containers it had not reached yet still run the previous version ('docker"
              + " compose -p "
              + name
              + " ps' shows them)");
    }
    if (config.pruneImages() && !imagesBefore.isEmpty()) {
      List<ContainerInfo> after = listContainers(name, context, base, ran);
      Set<String> unused = new LinkedHashSet<>(imagesBefore);
      unused.removeAll(imageIds(name, context, base, ids(after), ran));
      pruneImages(name, context, base, unused, ran);
    }
    int n = services.lines().size();
    return new DeployResult(
        name,
        digest,
        false,
        "deployed " + digest + " (" + n + (n == 1 ? " service)" : " services)"),
        ran,
        since(start));
  }

  @Override
  public void destroy(DeploymentPlan plan) {
    String name = Support.checkName(plan.name());
    DeployConfig config = plan.config();
    String context = Support.checkContext(config.context(), name);
    DestroyConfig options = config.destroy();
    Map<String, String> base = ChildEnvironment.base(settings, context);
    List<List<String>> ran = new ArrayList<>();
    preflight(name, context, base, ran);
    List<ContainerInfo> containers = listContainers(name, context, base, ran);
    Path stateDir = Support.stateDir(dataDirectory, KIND, context, name);
    if (containers.isEmpty()) {
      LOG.info("deployment {}: no containers found, nothing to destroy", name);
    } else {
      if (containers.stream().noneMatch(ContainerInfo::managed)) {
        throw new DeployException(
            "project "
                + name
                + " is not managed by doco (no container has label "
                + DocoLabels.MANAGER
                + "=doco or doco-cd); refusing to destroy it. Remove it yourself with 'docker"
                + " compose -p "
                + name
                + " down' if that is what you want",
            name);
      }
      List<String> argv = new ArrayList<>();
      Map<String, String> env = base;
      ProjectFiles files = null;
      try {
        files = ProjectFiles.resolve(plan);
      } catch (DeployException e) {
        LOG.debug("deployment {}: destroying by project name only: {}", name, e.getMessage());
      }
      if (files != null) {
        env = ChildEnvironment.withInterpolation(base, config.environment(), name);
        argv.addAll(composeBase(context, name, files, null, config.profiles()));
      } else {
        argv.addAll(Support.docker(cli.executable(), context));
        argv.addAll(List.of("compose", "-p", name));
      }
      argv.addAll(downArgs(config.removeOrphans(), options));
      CommandResult r = run(name, argv, env, commandTimeout, true, ran);
      if (!r.ok()) {
        throw DockerCli.failure(name, "docker compose down failed for " + name, r, "");
      }
    }
    if (options.removeDir()) {
      Support.removeCheckout(plan, dataDirectory, stateDir);
    }
  }

  @Override
  public Optional<DeploymentStatus> inspect(String name, String context) {
    Support.checkName(name);
    Support.checkContext(context, name);
    Map<String, String> base = ChildEnvironment.base(settings, context);
    List<ContainerInfo> containers = listContainers(name, context, base, new ArrayList<>());
    if (containers.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(status(name, containers));
  }

  @Override
  public List<List<String>> plannedCommands(DeploymentPlan plan) {
    String name = Support.checkName(plan.name());
    DeployConfig config = plan.config();
    String context = Support.checkContext(config.context(), name);
    ProjectFiles files = ProjectFiles.resolve(plan);
    Path override = Support.stateDir(dataDirectory, KIND, context, name).resolve(OVERRIDE_FILE);
    List<String> noOverride = composeBase(context, name, files, null, config.profiles());
    List<String> services = new ArrayList<>(noOverride);
    services.addAll(List.of("config", "--services"));
    List<List<String>> planned = new ArrayList<>();
    planned.add(psArgv(context, name));
    planned.add(services);
    List<String> build = buildArgv(noOverride, config);
    if (!build.isEmpty()) {
      planned.add(build);
    }
    planned.add(upArgv(composeBase(context, name, files, override, config.profiles()), config));
    return List.copyOf(planned);
  }

  // ------------------------------------------------------------------------------------ argv

  private List<String> composeBase(
      String context,
      String name,
      ProjectFiles files,
      @Nullable Path override,
      List<String> profiles) {
    return ComposeArgs.base(cli.executable(), context, name, files, override, profiles);
  }

  /**
   * {@code docker compose build} with the deploy config's {@code build:} options, or empty when
   * they are the defaults: then {@code up --build} builds (doco-cd builds on every deployment, so a
   * changed Dockerfile in a new artifact version is never left unbuilt behind an existing tag).
   */
  static List<String> buildArgv(List<String> composeBase, DeployConfig config) {
    if (upBuilds(config)) {
      return List.of();
    }
    BuildConfig b = config.build();
    List<String> a = new ArrayList<>(composeBase);
    a.add("build");
    if (b.forceImagePull()) {
      a.add("--pull");
    }
    if (b.noCache()) {
      a.add("--no-cache");
    }
    if (b.quiet()) {
      a.add("--quiet");
    }
    for (Map.Entry<String, String> e : new TreeMap<>(b.args()).entrySet()) {
      a.addAll(List.of("--build-arg", e.getKey() + "=" + e.getValue()));
    }
    return a;
  }

  /** Default build options: {@code up --build} builds; otherwise a separate build step does. */
  private static boolean upBuilds(DeployConfig config) {
    return config.build().equals(BuildConfig.DEFAULT);
  }

  static List<String> upArgv(List<String> composeBase, DeployConfig config) {
    List<String> a = new ArrayList<>(composeBase);
    a.addAll(List.of("up", "-d"));
    if (upBuilds(config)) {
      a.add("--build"); // a no-op for services without a build section
    }
    if (config.removeOrphans()) {
      a.add("--remove-orphans");
    }
    if (config.forceImagePull()) {
      a.addAll(List.of("--pull", "always"));
    }
    if (config.forceRecreate()) {
      a.add("--force-recreate");
    }
    Duration wait = waitTimeout(config);
    if (!wait.isZero()) {
      a.addAll(List.of("--wait", "--wait-timeout", Long.toString(wait.toSeconds())));
    }
    return a;
  }

  static List<String> downArgs(boolean removeOrphans, DestroyConfig options) {
    List<String> a = new ArrayList<>();
    a.add("down");
    if (removeOrphans) {
      a.add("--remove-orphans");
    }
    if (options.removeVolumes()) {
      a.add("--volumes");
    }
    if (options.removeImages()) {
      a.addAll(List.of("--rmi", "all"));
    }
    return a;
  }

  private static Duration waitTimeout(DeployConfig config) {
    Duration t = config.timeout();
    return t.isNegative() || t.toSeconds() == 0 ? Duration.ZERO : Duration.ofSeconds(t.toSeconds());
  }

  List<String> psArgv(String context, String name) {
    List<String> a = new ArrayList<>(Support.docker(cli.executable(), context));
    a.addAll(
        List.of(
            "ps",
            "-a",
            "--no-trunc",
            "--filter",
            "label=com.docker.compose.project=" + name,
            "--format",
            ContainerInfo.template()));
    return a;
  }

  // ---------------------------------------------------------------------------------- engine

  private void preflight(
      String name, String context, Map<String, String> env, List<List<String>> ran) {
    if (checkedContexts.contains(context)) {
      return;
    }
    ran.add(cli.requireCompose(name, context, env));
    checkedContexts.add(context);
  }

  private List<ContainerInfo> listContainers(
      String name, String context, Map<String, String> env, List<List<String>> ran) {
    CommandResult r = run(name, psArgv(context, name), env, QUERY_TIMEOUT, false, ran);
    if (!r.ok()) {
      throw DockerCli.failure(
          name,
          "cannot list the containers of " + name,
          r,
          "Check that the Docker engine answers ('docker info')"
              + (context.isEmpty() ? "" : " in context " + context));
    }
    return ContainerInfo.parse(r.stdout()).stream().filter(c -> !c.oneoff()).toList();
  }

  /**
   * Why the project can be left alone, or empty: every container must carry {@code digest} and
   * {@code configHash}, at least one must run, and none may be unhealthy, restarting, dead or
   * stopped with an error (a one-shot service that exited 0 is fine).
   */
  static Optional<String> unchanged(
      List<ContainerInfo> containers, String digest, String configHash) {
    if (containers.isEmpty() || digest.isBlank()) {
      return Optional.empty();
    }
    for (ContainerInfo c : containers) {
      if (!c.label(DocoLabels.TARGET_SHA).trim().equals(digest.trim())
          || !c.label(DocoLabels.CONFIG_SHA).equals(configHash)) {
        return Optional.empty();
      }
      boolean fine = c.running() ? !c.health().equals("unhealthy") : c.completed();
      if (!fine) {
        return Optional.empty();
      }
    }
    if (containers.stream().noneMatch(ContainerInfo::running)) {
      return Optional.empty();
    }
    return Optional.of(
        "digest and configuration unchanged; " + containers.size() + " container(s) run " + digest);
  }

  static DeploymentStatus status(String name, List<ContainerInfo> containers) {
    ContainerInfo latest =
        containers.stream()
            .max(Comparator.comparing((ContainerInfo c) -> c.label(DocoLabels.TIMESTAMP)))
            .orElseThrow();
    List<ServiceStatus> services =
        containers.stream()
            .sorted(Comparator.comparing(ContainerInfo::service).thenComparing(ContainerInfo::id))
            .map(c -> new ServiceStatus(c.service(), c.id(), c.state(), c.health()))
            .toList();
    return new DeploymentStatus(
        name,
        containers.stream().anyMatch(ContainerInfo::running),
        containers.stream().anyMatch(ContainerInfo::managed),
        latest.label(DocoLabels.TARGET_SHA),
        latest.label(DocoLabels.TARGET_REF),
        latest.label(DocoLabels.CONFIG_SHA),
        latest.labels(),
        services);
  }

  /** The override file: {@code services.<s>.labels} = the doco labels, for every service. */
  static String overrideJson(List<String> services, Map<String, String> labels) {
    Map<String, Object> svc = new LinkedHashMap<>();
    for (String s : services) {
      svc.put(s.trim(), Map.of("labels", labels));
    }
    return JsonTree.write(Map.of("services", svc));
  }

  private static List<String> ids(List<ContainerInfo> containers) {
    return containers.stream().map(ContainerInfo::id).toList();
  }

  private Set<String> imageIds(
      String name,
      String context,
      Map<String, String> env,
      List<String> containerIds,
      List<List<String>> ran) {
    if (containerIds.isEmpty()) {
      return Set.of();
    }
    List<String> a = new ArrayList<>(Support.docker(cli.executable(), context));
    a.addAll(List.of("inspect", "--type", "container", "--format", "{{.Image}}"));
    a.addAll(containerIds);
    CommandResult r = run(name, a, env, QUERY_TIMEOUT, false, ran);
    if (!r.ok()) {
      LOG.warn(
          "deployment {}: cannot read image IDs, images will not be pruned: {}",
          name,
          r.stderrTail());
      return Set.of();
    }
    return new LinkedHashSet<>(r.lines());
  }

  /** Removes images no longer used; "in use", "conflict" and "no such image" are not errors. */
  private void pruneImages(
      String name,
      String context,
      Map<String, String> env,
      Set<String> imageIds,
      List<List<String>> ran) {
    for (String id : imageIds) {
      List<String> a = new ArrayList<>(Support.docker(cli.executable(), context));
      a.addAll(List.of("image", "rm", id));
      CommandResult r = run(name, a, env, QUERY_TIMEOUT, false, ran);
      if (!r.ok()) {
        LOG.debug("deployment {}: image {} kept: {}", name, id, r.stderrTail());
      }
    }
  }

  private CommandResult run(
      String name,
      List<String> argv,
      Map<String, String> env,
      Duration timeout,
      boolean stream,
      List<List<String>> ran) {
    ran.add(argv);
    return cli.run(new DockerCli.Call(name, argv, env, timeout, stream));
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
