package dev.doco.compose;

import dev.doco.compose.internal.ChildEnvironment;
import dev.doco.compose.internal.CommandResult;
import dev.doco.compose.internal.ComposeArgs;
import dev.doco.compose.internal.DockerCli;
import dev.doco.compose.internal.JsonTree;
import dev.doco.compose.internal.Labels;
import dev.doco.compose.internal.ProjectFiles;
import dev.doco.compose.internal.StackFile;
import dev.doco.compose.internal.Support;
import dev.doco.compose.internal.SwarmService;
import dev.doco.core.DeployException;
import dev.doco.core.DocoListener;
import dev.doco.core.config.DeployConfig;
import dev.doco.core.config.DestroyConfig;
import dev.doco.core.spi.DeployResult;
import dev.doco.core.spi.Deployer;
import dev.doco.core.spi.DeploymentPlan;
import dev.doco.core.spi.DeploymentStatus;
import dev.doco.core.spi.ProviderContext;
import dev.doco.core.spi.ServiceStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys Swarm stacks with {@code docker stack deploy}.
 *
 * <p>{@code docker stack} does not read env files and interpolates only from its own environment,
 * so the project is first rendered by {@code docker compose config --format json} (same files, env
 * files, profiles and interpolation variables as the Compose deployer), adjusted for the stack
 * loader and labelled (full {@code cd.doco.*} set on services, stable subset on containers), then
 * written to doco's state directory and deployed with {@code --with-registry-auth}, {@code
 * --resolve-image always} and {@code --prune} (remove_orphans). Readiness: {@code --detach=false}
 * when the CLI has it (Docker 26+), else polling {@code docker service ls}, up to {@code timeout}.
 * {@code force_recreate} forces a rolling restart ({@code docker service update --force}). Not
 * supported on Swarm: {@code prune_images}, {@code destroy.remove_images} (logged).
 *
 * <pre>{@code
 * Deployer deployer = SwarmDeployer.builder(ProviderContext.fromEnvironment(dataDir)).build();
 * }</pre>
 */
public final class SwarmDeployer implements Deployer {
  private static final Logger LOG = LoggerFactory.getLogger(SwarmDeployer.class);

  static final String KIND = "swarm";
  static final String STACK_FILE = "stack.json";
  static final Duration QUERY_TIMEOUT = Duration.ofSeconds(60);
  static final String NAMESPACE = "com.docker.stack.namespace";

  private final DockerCli cli;
  private final Map<String, String> settings;
  private final Path dataDirectory;
  private final Duration commandTimeout;
  private final Duration pollInterval;
  private final Clock clock;
  private final Map<String, Boolean> detachFlag = new ConcurrentHashMap<>();
  private final Map<String, Boolean> checkedContexts = new ConcurrentHashMap<>();

  private SwarmDeployer(Builder b) {
    this.settings = b.context.settings();
    this.dataDirectory = b.context.dataDirectory().toAbsolutePath().normalize();
    String exe =
        b.executable != null ? b.executable : b.context.setting("DOCO_DOCKER").orElse("docker");
    this.cli = new DockerCli(exe, b.launcher, b.context.listener(), dataDirectory);
    this.commandTimeout = Support.seconds(settings, "DOCO_COMMAND_TIMEOUT", Duration.ofMinutes(10));
    this.pollInterval = b.pollInterval;
    this.clock = b.clock;
  }

  public static Builder builder(ProviderContext context) {
    return new Builder(context);
  }

  /** Builds a {@link SwarmDeployer}. */
  public static final class Builder {
    private final ProviderContext context;
    private ProcessLauncher launcher = ProcessLauncher.SYSTEM;
    private @Nullable String executable;
    private Clock clock = Clock.systemUTC();
    private Duration pollInterval = Duration.ofSeconds(1);

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

    /** How often to poll while waiting for services or removal (default 1 s). */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = interval;
      return this;
    }

    public SwarmDeployer build() {
      return new SwarmDeployer(this);
    }
  }

  /**
   * Whether the engine of {@code settings} ({@code DOCKER_HOST} / default context) is a Swarm
   * manager: {@code docker info} says {@code LocalNodeState=active} and {@code
   * ControlAvailable=true}. Any failure counts as no.
   */
  public static boolean isSwarmManager(ProviderContext context, ProcessLauncher launcher) {
    String exe = context.setting("DOCO_DOCKER").orElse("docker");
    DockerCli cli =
        new DockerCli(
            exe, launcher, DocoListener.NONE, context.dataDirectory().toAbsolutePath().normalize());
    List<String> argv =
        List.of(exe, "info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}");
    try {
      CommandResult r =
          cli.run(
              new DockerCli.Call(
                  "",
                  argv,
                  ChildEnvironment.base(context.settings(), ""),
                  Duration.ofSeconds(15),
                  false));
      return r.ok() && r.stdout().trim().equals("active true");
    } catch (DeployException e) {
      LOG.debug("docker info failed; not a Swarm manager: {}", e.getMessage());
      return false;
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

    List<SwarmService> before = services(name, context, base, ran);
    if (!config.forceRecreate()) {
      Optional<String> unchanged = unchanged(before, digest, plan.configHash());
      if (unchanged.isPresent()) {
        return new DeployResult(name, digest, true, unchanged.get(), ran, since(start));
      }
    }

    // Render: interpolation, env files and profiles applied by Compose itself.
    Map<String, String> env = ChildEnvironment.withInterpolation(base, config.environment(), name);
    List<String> render =
        new ArrayList<>(
            ComposeArgs.base(cli.executable(), context, name, files, null, config.profiles()));
    render.addAll(List.of("config", "--format", "json"));
    CommandResult rendered = run(name, render, env, QUERY_TIMEOUT, false, ran);
    if (!rendered.ok()) {
      throw DockerCli.failure(
          name,
          "the compose files of " + name + " are invalid; nothing was changed",
          rendered,
          "Fix the compose file (check it with 'docker compose config'); the running services"
              + " were left as they were");
    }
    Map<String, @Nullable Object> project;
    try {
      project = JsonTree.parseObject(rendered.stdout());
    } catch (IOException e) {
      throw new DeployException(
          "cannot read the output of 'docker compose config --format json': " + e.getMessage(),
          name,
          render,
          0,
          rendered.stderrTail(),
          e);
    }
    if (config.pruneImages()) {
      LOG.debug("deployment {}: prune_images is not supported on Swarm; skipped", name);
    }
    Map<String, String> labels =
        Labels.of(plan, files.workingDir(), Instant.now(clock), Labels.docoVersion());
    List<String> serviceNames = StackFile.prepare(project, labels, Labels.stable(labels));
    Path stackFile = Support.stateDir(dataDirectory, KIND, context, name).resolve(STACK_FILE);
    Support.writeAtomically(stackFile, JsonTree.write(project), name);

    Duration wait = waitTimeout(config);
    boolean cliWaits = !wait.isZero() && supportsDetach(name, context, base, ran);
    List<String> argv = stackDeployArgv(context, name, stackFile, config, cliWaits);
    CommandResult r =
        run(name, argv, base, cliWaits ? wait.plus(QUERY_TIMEOUT) : commandTimeout, true, ran);
    if (!r.ok()) {
      throw DockerCli.failure(
          name,
          "docker stack deploy failed for " + name,
          r,
          "Services Swarm had not updated yet keep running the previous version ('docker stack"
              + " services "
              + name
              + "')");
    }
    if (config.forceRecreate() && !before.isEmpty()) {
      for (SwarmService s : before) {
        List<String> force = new ArrayList<>(Support.docker(cli.executable(), context));
        force.addAll(List.of("service", "update", "--force", "--detach", s.name()));
        CommandResult fr = run(name, force, base, commandTimeout, true, ran);
        if (!fr.ok()) {
          throw DockerCli.failure(name, "cannot force-restart service " + s.name(), fr, "");
        }
      }
    }
    if (!wait.isZero() && (!cliWaits || config.forceRecreate())) {
      awaitConverged(name, context, base, wait, ran);
    }
    int n = serviceNames.size();
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
    List<SwarmService> services = services(name, context, base, ran);
    if (services.isEmpty()) {
      LOG.info("deployment {}: no services found, nothing to destroy", name);
    } else {
      if (services.stream().noneMatch(SwarmService::managed)) {
        throw new DeployException(
            "stack "
                + name
                + " is not managed by doco (no service has label "
                + DocoLabels.MANAGER
                + "=doco or doco-cd); refusing to destroy it. Remove it yourself with 'docker"
                + " stack rm "
                + name
                + "' if that is what you want",
            name);
      }
      List<String> rm = new ArrayList<>(Support.docker(cli.executable(), context));
      rm.addAll(List.of("stack", "rm", name));
      CommandResult r = run(name, rm, base, commandTimeout, true, ran);
      if (!r.ok()) {
        throw DockerCli.failure(name, "docker stack rm failed for " + name, r, "");
      }
      awaitRemoved(name, context, base, ran);
      if (options.removeVolumes()) {
        removeVolumes(name, context, base, ran);
      }
      if (options.removeImages()) {
        LOG.info("deployment {}: destroy.remove_images is not supported on Swarm", name);
      }
    }
    if (options.removeDir()) {
      Support.removeCheckout(
          plan, dataDirectory, Support.stateDir(dataDirectory, KIND, context, name));
    }
  }

  @Override
  public Optional<DeploymentStatus> inspect(String name, String context) {
    Support.checkName(name);
    Support.checkContext(context, name);
    List<SwarmService> services =
        services(name, context, ChildEnvironment.base(settings, context), new ArrayList<>());
    if (services.isEmpty()) {
      return Optional.empty();
    }
    SwarmService latest =
        services.stream()
            .max(Comparator.comparing((SwarmService s) -> s.label(DocoLabels.TIMESTAMP)))
            .orElseThrow();
    Map<String, String> doco = new HashMap<>();
    latest
        .labels()
        .forEach(
            (k, v) -> {
              if (k.startsWith("cd.doco.")) {
                doco.put(k, v);
              }
            });
    List<ServiceStatus> list =
        services.stream()
            .sorted(Comparator.comparing(SwarmService::name))
            .map(
                s ->
                    new ServiceStatus(
                        s.shortName(name),
                        s.id(),
                        s.running() == 0
                            ? "stopped"
                            : s.running() < s.desired() ? "degraded" : "running",
                        "replicas " + s.replicas()))
            .toList();
    return Optional.of(
        new DeploymentStatus(
            name,
            services.stream().anyMatch(s -> s.running() > 0),
            services.stream().anyMatch(SwarmService::managed),
            latest.label(DocoLabels.TARGET_SHA),
            latest.label(DocoLabels.TARGET_REF),
            latest.label(DocoLabels.CONFIG_SHA),
            doco,
            list));
  }

  @Override
  public List<List<String>> plannedCommands(DeploymentPlan plan) {
    String name = Support.checkName(plan.name());
    DeployConfig config = plan.config();
    String context = Support.checkContext(config.context(), name);
    ProjectFiles files = ProjectFiles.resolve(plan);
    List<String> render =
        new ArrayList<>(
            ComposeArgs.base(cli.executable(), context, name, files, null, config.profiles()));
    render.addAll(List.of("config", "--format", "json"));
    Path stackFile = Support.stateDir(dataDirectory, KIND, context, name).resolve(STACK_FILE);
    return List.of(
        serviceLsArgv(context, name),
        render,
        stackDeployArgv(context, name, stackFile, config, false));
  }

  // ------------------------------------------------------------------------------------ argv

  List<String> stackDeployArgv(
      String context, String name, Path stackFile, DeployConfig config, boolean cliWaits) {
    List<String> a = new ArrayList<>(Support.docker(cli.executable(), context));
    a.addAll(
        List.of(
            "stack",
            "deploy",
            "-c",
            stackFile.toString(),
            "--with-registry-auth",
            "--resolve-image",
            "always"));
    if (config.removeOrphans()) {
      a.add("--prune");
    }
    if (cliWaits) {
      a.add("--detach=false");
    }
    a.add(name);
    return a;
  }

  List<String> serviceLsArgv(String context, String name) {
    List<String> a = new ArrayList<>(Support.docker(cli.executable(), context));
    a.addAll(
        List.of(
            "service",
            "ls",
            "--filter",
            "label=" + NAMESPACE + "=" + name,
            "--format",
            "{{.ID}}\t{{.Name}}\t{{.Replicas}}"));
    return a;
  }

  private static Duration waitTimeout(DeployConfig config) {
    Duration t = config.timeout();
    return t.isNegative() || t.toSeconds() == 0 ? Duration.ZERO : Duration.ofSeconds(t.toSeconds());
  }

  // ---------------------------------------------------------------------------------- engine

  private void preflight(
      String name, String context, Map<String, String> env, List<List<String>> ran) {
    if (checkedContexts.containsKey(context)) {
      return;
    }
    ran.add(cli.requireCompose(name, context, env));
    checkedContexts.put(context, true);
  }

  /** Whether {@code docker stack deploy} has {@code --detach} (Docker CLI 26+); asked once. */
  private boolean supportsDetach(
      String name, String context, Map<String, String> env, List<List<String>> ran) {
    return detachFlag.computeIfAbsent(
        context,
        c -> {
          List<String> a = new ArrayList<>(Support.docker(cli.executable(), c));
          a.addAll(List.of("stack", "deploy", "--help"));
          CommandResult r = run(name, a, env, QUERY_TIMEOUT, false, ran);
          return r.ok() && r.stdout().contains("--detach");
        });
  }

  /** The stack's services with their labels: {@code service ls}, then {@code service inspect}. */
  List<SwarmService> services(
      String name, String context, Map<String, String> env, List<List<String>> ran) {
    CommandResult ls = run(name, serviceLsArgv(context, name), env, QUERY_TIMEOUT, false, ran);
    if (!ls.ok()) {
      String err = ls.stderrTail().toLowerCase(Locale.ROOT);
      if (err.contains("not a swarm manager") || err.contains("swarm mode")) {
        throw DockerCli.failure(
            name,
            "the engine is not a Swarm manager",
            ls,
            "Use the compose deployer, or run doco against a Swarm manager ('docker swarm init')");
      }
      throw DockerCli.failure(name, "cannot list the services of stack " + name, ls, "");
    }
    Map<String, String[]> rows = new HashMap<>();
    List<String> order = new ArrayList<>();
    for (String line : ls.lines()) {
      String[] f = line.split("\t", -1);
      if (f.length == 3) {
        rows.put(f[1], f);
        order.add(f[1]);
      }
    }
    if (order.isEmpty()) {
      return List.of();
    }
    List<String> inspect = new ArrayList<>(Support.docker(cli.executable(), context));
    inspect.addAll(
        List.of(
            "service",
            "inspect",
            "--format",
            "{{.Spec.Name}}\t{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}\t"
                + "{{json .Spec.Labels}}"));
    inspect.addAll(order);
    CommandResult in = run(name, inspect, env, QUERY_TIMEOUT, false, ran);
    if (!in.ok()) {
      throw DockerCli.failure(name, "cannot inspect the services of stack " + name, in, "");
    }
    List<SwarmService> out = new ArrayList<>();
    for (String line : in.lines()) {
      String[] f = line.split("\t", 3);
      String[] row = f.length == 3 ? rows.get(f[0]) : null;
      if (row == null) {
        continue;
      }
      out.add(new SwarmService(row[0], f[0], row[2], parseLabels(f[2]), f[1].trim()));
    }
    return out;
  }

  private static Map<String, String> parseLabels(String json) {
    Map<String, String> labels = new HashMap<>();
    try {
      Object v = JsonTree.parse(json);
      if (v instanceof Map<?, ?> m) {
        m.forEach((k, val) -> labels.put(String.valueOf(k), String.valueOf(val)));
      }
    } catch (IOException e) {
      LOG.debug("unreadable service labels {}", json, e);
    }
    return labels;
  }

  static Optional<String> unchanged(List<SwarmService> services, String digest, String hash) {
    if (services.isEmpty() || digest.isBlank()) {
      return Optional.empty();
    }
    for (SwarmService s : services) {
      if (!s.label(DocoLabels.TARGET_SHA).trim().equals(digest.trim())
          || !s.label(DocoLabels.CONFIG_SHA).equals(hash)
          || !s.converged()
          || s.updateFailed()) {
        return Optional.empty();
      }
    }
    return Optional.of(
        "digest and configuration unchanged; " + services.size() + " service(s) run " + digest);
  }

  private void awaitConverged(
      String name,
      String context,
      Map<String, String> env,
      Duration timeout,
      List<List<String>> ran) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<SwarmService> last = List.of();
    while (true) {
      last = services(name, context, env, ran);
      for (SwarmService s : last) {
        if (s.updateFailed()) {
          throw new DeployException(
              "the rolling update of service "
                  + s.name()
                  + " stopped ("
                  + s.updateState()
                  + "); see 'docker service ps --no-trunc "
                  + s.name()
                  + "'",
              name);
        }
      }
      if (!last.isEmpty() && last.stream().allMatch(SwarmService::converged)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        break;
      }
      sleep(name);
    }
    throw new DeployException(
        "stack "
            + name
            + " did not become ready within "
            + timeout.toSeconds()
            + " s ("
            + last.stream()
                .map(s -> s.name() + " " + s.replicas())
                .collect(Collectors.joining(", "))
            + "); see 'docker stack ps --no-trunc "
            + name
            + "'",
        name);
  }

  private void awaitRemoved(
      String name, String context, Map<String, String> env, List<List<String>> ran) {
    long deadline = System.nanoTime() + commandTimeout.toNanos();
    List<String> ps = new ArrayList<>(Support.docker(cli.executable(), context));
    ps.addAll(List.of("ps", "-aq", "--filter", "label=" + NAMESPACE + "=" + name));
    List<String> nets = new ArrayList<>(Support.docker(cli.executable(), context));
    nets.addAll(List.of("network", "ls", "-q", "--filter", "label=" + NAMESPACE + "=" + name));
    while (System.nanoTime() < deadline) {
      CommandResult c = run(name, ps, env, QUERY_TIMEOUT, false, ran);
      CommandResult n = run(name, nets, env, QUERY_TIMEOUT, false, ran);
      if (c.ok() && n.ok() && c.lines().isEmpty() && n.lines().isEmpty()) {
        return;
      }
      sleep(name);
    }
    throw new DeployException(
        "stack "
            + name
            + " was removed but its containers or networks are still there after "
            + commandTimeout.toSeconds()
            + " s; check 'docker ps -a --filter label="
            + NAMESPACE
            + "="
            + name
            + "'",
        name);
  }

  private void removeVolumes(
      String name, String context, Map<String, String> env, List<List<String>> ran) {
    List<String> ls = new ArrayList<>(Support.docker(cli.executable(), context));
    ls.addAll(List.of("volume", "ls", "-q", "--filter", "label=" + NAMESPACE + "=" + name));
    CommandResult r = run(name, ls, env, QUERY_TIMEOUT, false, ran);
    if (!r.ok()) {
      throw DockerCli.failure(name, "cannot list the volumes of stack " + name, r, "");
    }
    if (r.lines().isEmpty()) {
      return;
    }
    List<String> rm = new ArrayList<>(Support.docker(cli.executable(), context));
    rm.addAll(List.of("volume", "rm"));
    rm.addAll(r.lines());
    CommandResult d = run(name, rm, env, QUERY_TIMEOUT, true, ran);
    if (!d.ok()) {
      throw DockerCli.failure(name, "cannot remove the volumes of stack " + name, d, "");
    }
  }

  private void sleep(String name) {
    try {
      Thread.sleep(pollInterval.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeployException("interrupted while waiting for stack " + name, name);
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
