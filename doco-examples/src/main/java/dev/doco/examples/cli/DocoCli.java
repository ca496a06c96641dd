package dev.doco.examples.cli;

import dev.doco.core.ConfigException;
import dev.doco.core.DeployOptions;
import dev.doco.core.Deployment;
import dev.doco.core.DeploymentState;
import dev.doco.core.Doco;
import dev.doco.core.DocoException;
import dev.doco.core.Plan;
import dev.doco.core.VerificationException;
import dev.doco.core.config.TrustPolicy;
import dev.doco.core.config.TrustPolicyLoader;
import dev.doco.core.engine.DocoServer;
import dev.doco.core.engine.ServerSettings;
import dev.doco.core.spi.Checkout;
import dev.doco.core.spi.DeployResult;
import dev.doco.core.spi.VerificationResult;
import dev.doco.oci.Reference;
import dev.doco.oci.RegistryClient;
import dev.doco.oci.pack.PackagedArtifact;
import dev.doco.oci.pack.Packager;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The {@code doco} command line: {@code serve} (the daemon, configured like doco-cd), {@code
 * deploy}, {@code destroy}, {@code status}, {@code pull}, {@code verify}, {@code package} and
 * {@code quickstart}.
 *
 * <p>Exit codes: 0 success, 1 failure, 2 usage error, 3 verification refused. Progress goes to
 * standard error; results (and {@code --json} documents) to standard output.
 */
@Command(
    name = "doco",
    mixinStandardHelpOptions = true,
    version = "doco " + Doco.VERSION,
    description =
        "Deploys Docker Compose stacks from signed OCI artifacts (a drop-in for doco-cd).",
    subcommands = {
      DocoCli.Serve.class,
      DocoCli.DeployCommand.class,
      DocoCli.Destroy.class,
      DocoCli.Status.class,
      DocoCli.Pull.class,
      DocoCli.Verify.class,
      DocoCli.PackageCommand.class,
      Quickstart.class
    })
public final class DocoCli implements Runnable {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int REFUSED = 3;

  final Map<String, String> env;
  final PrintStream out;
  final PrintStream err;
  @Nullable CommandLine commandLine;

  DocoCli(Map<String, String> env, PrintStream out, PrintStream err) {
    this.env = Map.copyOf(env);
    this.out = out;
    this.err = err;
  }

  /** The {@code java -jar doco.jar} entry point. */
  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    Optional<String> bad = Logging.configure(env.getOrDefault("LOG_LEVEL", "info"));
    if (bad.isPresent()) {
      System.err.println("doco: " + bad.get());
      System.exit(USAGE);
    }
    System.exit(run(args, env, System.out, System.err));
  }

  /** Runs the command line with {@code env} as the environment; returns the exit code. */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    DocoCli root = new DocoCli(env, out, err);
    CommandLine cl = new CommandLine(root);
    root.commandLine = cl;
    cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cl.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof VerificationException v) {
            err.println("doco: refused: " + v.getMessage());
            return REFUSED;
          }
          if (e instanceof ConfigException c) {
            err.println("doco: configuration error: " + c.getMessage());
            return FAILED;
          }
          if (e instanceof DocoException) {
            err.println("doco: " + e.getMessage());
            return FAILED;
          }
          if (e instanceof UncheckedIOException u) {
            IOException cause = u.getCause();
            err.println("doco: " + (cause != null ? describe(cause) : u.getMessage()));
            return FAILED;
          }
          if (e instanceof IOException io) {
            err.println("doco: " + describe(io));
            return FAILED;
          }
          err.println("doco: unexpected error: " + e);
          e.printStackTrace(err);
          return FAILED;
        });
    return cl.execute(args);
  }

  private static final Map<Class<?>, String> FILE_PROBLEMS =
      Map.of(
          NoSuchFileException.class, "no such file or directory",
          AccessDeniedException.class, "permission denied",
          NotDirectoryException.class, "not a directory",
          FileAlreadyExistsException.class, "already exists",
          DirectoryNotEmptyException.class, "directory not empty");

  /**
   * An I/O failure in words: the JDK's file exceptions carry only the path as their message ("doco:
   * /etc/policy.yaml" says nothing).
   */
  static String describe(IOException e) {
    String what = FILE_PROBLEMS.get(e.getClass());
    if (what == null || !(e instanceof FileSystemException f)) {
      return String.valueOf(e.getMessage());
    }
    String reason = f.getReason();
    return what
        + ": "
        + f.getFile()
        + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "")
        + (reason != null && !reason.isBlank() ? " (" + reason + ")" : "");
  }

  @Override
  public void run() {
    CommandLine cl = commandLine;
    if (cl != null) {
      cl.usage(out);
    }
  }

  /** The data directory: {@code --data-dir}, else {@code DATA_MOUNT_PATH}, else per user. */
  Path dataDirectory(@Nullable Path option) {
    if (option != null) {
      return option;
    }
    String fromEnv = env.get("DATA_MOUNT_PATH");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv);
    }
    String xdg = env.get("XDG_DATA_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".local", "share");
    return base.resolve("doco");
  }

  /** {@code --trust-policy FILE}, else {@code OCI_TRUST_POLICY(_FILE)}, else disabled. */
  TrustPolicy trustPolicy(@Nullable Path file) throws IOException {
    if (file != null) {
      return TrustPolicyLoader.parse(
          Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }
    return TrustPolicyLoader.fromEnvironment(env);
  }

  Doco doco(@Nullable Path dataDir, TrustPolicy policy, boolean quiet) {
    return Doco.builder()
        .settings(env)
        .dataDirectory(dataDirectory(dataDir))
        .trustPolicy(policy)
        .listener(quiet ? e -> {} : new Progress(err, System.console() != null))
        .build();
  }

  /** Options shared by the commands that use a data directory. */
  static final class DataOptions {
    @Option(
        names = "--data-dir",
        paramLabel = "DIR",
        description = "Checkouts and state (default: $DATA_MOUNT_PATH, else ~/.local/share/doco).")
    @Nullable Path dataDir;
  }

  // ------------------------------------------------------------------------------ serve

  @Command(
      name = "serve",
      description = {
        "Runs the daemon: polls POLL_CONFIG, serves signed webhooks, /v1/health and metrics.",
        "Configured by doco-cd's variables: POLL_CONFIG(_FILE), WEBHOOK_SECRET(_FILE),"
            + " OCI_TRUST_POLICY(_FILE), OCI_INSECURE_REGISTRIES, HTTP_PORT, METRICS_PORT,"
            + " MAX_CONCURRENT_DEPLOYMENTS, MAX_PAYLOAD_SIZE, DATA_MOUNT_PATH (default /data),"
            + " LOG_LEVEL, DOCKER_CONFIG, DOCKER_AUTH_CONFIG; plus WEBHOOK_ALLOWED_ARTIFACTS."
      })
  static final class Serve implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    @ParentCommand
    DocoCli root;

    @Override
    public Integer call() throws Exception {
      try (Served served = Served.start(root.env)) {
        Runtime.getRuntime().addShutdownHook(new Thread(served::close, "doco-shutdown"));
        served.server().awaitTermination();
      }
      return OK;
    }
  }

  /** What {@code doco serve} runs: the {@link Doco} and its {@link DocoServer}. */
  public record Served(Doco doco, DocoServer server) implements AutoCloseable {
    /** Starts what the serve command starts, from doco-cd's environment variables. */
    public static Served start(Map<String, String> env) {
      TrustPolicy policy = TrustPolicyLoader.fromEnvironment(env);
      ServerSettings settings = ServerSettings.fromEnvironment(env);
      String data = env.getOrDefault("DATA_MOUNT_PATH", "");
      Doco doco =
          Doco.builder()
              .settings(env)
              .dataDirectory(Path.of(data.isBlank() ? "/data" : data))
              .trustPolicy(policy)
              .build();
      try {
        return new Served(doco, DocoServer.start(doco, settings));
      } catch (RuntimeException e) {
        doco.close();
        throw e;
      }
    }

    @Override
    public void close() {
      server.close();
      doco.close();
    }
  }

  // ------------------------------------------------------------------------------ deploy

  @Command(
      name = "deploy",
      description = "Deploys REF (e.g. ghcr.io/org/cfg:main, oci://..., oci-layout:PATH:TAG).")
  static final class DeployCommand implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    @ParentCommand
    DocoCli root;

    @Parameters(paramLabel = "REF", description = "The artifact reference.")
    String reference = "";

    @Option(names = "--target", paramLabel = "T", description = "Use .doco-cd.T.y(a)ml.")
    String target = "";

    @Option(names = "--trust-policy", paramLabel = "FILE", description = "Trust policy YAML.")
    @Nullable Path trustPolicy;

    @Option(names = "--dry-run", description = "Show what would be deployed; change nothing.")
    boolean dryRun;

    @Option(names = "--force", description = "Deploy even when nothing changed.")
    boolean force;

    @Option(names = "--json", description = "Print the plan / result as JSON.")
    boolean json;

    @CommandLine.Mixin DataOptions data = new DataOptions();

    @Override
    public Integer call() throws Exception {
      try (Doco doco = root.doco(data.dataDir, root.trustPolicy(trustPolicy), false)) {
        DeployOptions options = DeployOptions.DEFAULTS.withTarget(target).withForce(force);
        if (dryRun) {
          Plan plan = doco.plan(reference, options);
          root.out.println(json ? JsonOut.plan(plan) : Text.plan(plan));
          return OK;
        }
        Deployment d = doco.deploy(reference, options).keep();
        if (json) {
          root.out.println(JsonOut.deployment(d));
        } else {
          for (DeployResult r : d.results()) {
            root.out.println(
                (r.skipped() ? "unchanged " : "deployed  ") + r.name() + " " + r.digest());
          }
        }
        return OK;
      }
    }
  }

  // ------------------------------------------------------------------------------ destroy

  @Command(name = "destroy", description = "Removes deployment NAME and forgets it.")
  static final class Destroy implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    @ParentCommand
    DocoCli root;

    @Parameters(paramLabel = "NAME")
    String name = "";

    @CommandLine.Mixin DataOptions data = new DataOptions();

    @Override
    public Integer call() throws Exception {
      try (Doco doco = root.doco(data.dataDir, TrustPolicy.DISABLED, false)) {
        doco.destroy(name);
        root.out.println("destroyed " + name);
        return OK;
      }
    }
  }

  // ------------------------------------------------------------------------------ status

  @Command(name = "status", description = "Shows what doco deployed (and what the engine runs).")
  static final class Status implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    @ParentCommand
    DocoCli root;

    @Parameters(paramLabel = "NAME", arity = "0..1")
    @Nullable String name;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @CommandLine.Mixin DataOptions data = new DataOptions();

    @Override
    public Integer call() {
      try (Doco doco = root.doco(data.dataDir, TrustPolicy.DISABLED, true)) {
        List<DeploymentState> states = new ArrayList<>();
        if (name != null) {
          Optional<DeploymentState> s = doco.status(name);
          if (s.isEmpty()) {
            root.err.println("doco: no deployment named '" + name + "' (doco status lists them)");
            return FAILED;
          }
          states.add(s.get());
        } else {
          states.addAll(doco.status());
        }
        root.out.println(json ? JsonOut.states(states) : Text.states(states));
        return OK;
      }
    }
  }

  // ------------------------------------------------------------------------------ pull

  @Command(name = "pull", description = "Verifies REF and extracts its files into DEST.")
  static final class Pull implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    @ParentCommand
    DocoCli root;

    @Parameters(index = "0", paramLabel = "REF")
    String reference = "";

    @Parameters(index = "1", paramLabel = "DEST")
    Path destination = Path.of(".");

    @Option(names = "--trust-policy", paramLabel = "FILE")
    @Nullable Path trustPolicy;

    @Option(names = "--target", paramLabel = "T")
    String target = "";

    @CommandLine.Mixin DataOptions data = new DataOptions();

    @Override
    public Integer call() throws Exception {
      try (Doco doco = root.doco(data.dataDir, root.trustPolicy(trustPolicy), false)) {
        Checkout c = doco.pull(reference, destination, target);
        root.out.println(
            "pulled "
                + c.revision().subject()
                + " into "
                + c.directory()
                + " ("
                + c.files()
                + " files, "
                + c.bytes()
                + " bytes)");
        return OK;
      }
    }
  }

  // ------------------------------------------------------------------------------ verify

  @Command(
      name = "verify",
      description =
          "Verifies REF's signatures; prints which signature and key or identity matched.")
  static final class Verify implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    @ParentCommand
    DocoCli root;

    @Parameters(paramLabel = "REF")
    String reference = "";

    @Option(names = "--trust-policy", paramLabel = "FILE", required = true)
    Path trustPolicy = Path.of("");

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @CommandLine.Mixin DataOptions data = new DataOptions();

    @Override
    public Integer call() throws Exception {
      TrustPolicy policy = root.trustPolicy(trustPolicy);
      try (Doco doco = root.doco(data.dataDir, policy, json)) {
        try {
          VerificationResult r = doco.verify(reference);
          if (json) {
            root.out.println(JsonOut.verification(r, true));
          } else {
            root.out.println("verified " + r.subject());
            root.out.println("  signature:  " + r.acceptedSignature().orElse("?"));
            root.out.println("  matched by: " + r.acceptedBy().orElse("?"));
            r.notes().forEach(n -> root.out.println("  note: " + n));
          }
          return OK;
        } catch (VerificationException e) {
          if (json) {
            root.out.println(
                JsonOut.verification(VerificationResult.refused(e.subject(), e.attempts()), false));
            return REFUSED;
          }
          throw e;
        }
      }
    }
  }

  // ------------------------------------------------------------------------------ package

  @Command(
      name = "package",
      description =
          "Packages DIR (with its .doco-cd.yaml) as a doco.v1 OCI artifact, reproducibly.")
  static final class PackageCommand implements Callable<Integer> {
    @SuppressWarnings("NullAway.Init") // injected by picocli before call()
    @ParentCommand
    DocoCli root;

    @Parameters(paramLabel = "DIR")
    Path directory = Path.of(".");

    @ArgGroup(exclusive = true, multiplicity = "1")
    Destination destination = new Destination();

    static final class Destination {
      @Option(names = "--push", paramLabel = "REF", description = "Push to a registry.")
      @Nullable String push;

      @Option(
          names = "--oci-layout",
          paramLabel = "PATH:TAG",
          description = "Write into an OCI image layout.")
      @Nullable String layout;
    }

    @Option(names = "--target", paramLabel = "T", description = "Require .doco-cd.T.y(a)ml.")
    String target = "";

    @Override
    public Integer call() throws Exception {
      Path work = Files.createTempDirectory("doco-package-");
      try {
        PackagedArtifact a = Packager.builder().target(target).build().pack(directory, work);
        String layout = destination.layout;
        String push = destination.push;
        if (layout != null) {
          int colon = layout.lastIndexOf(':');
          if (colon <= 0 || colon == layout.length() - 1) {
            throw new CommandLine.ParameterException(
                root.commandLine == null ? new CommandLine(this) : root.commandLine,
                "--oci-layout wants PATH:TAG, got '" + layout + "'");
          }
          Path path = Path.of(layout.substring(0, colon)).toAbsolutePath().normalize();
          String tag = layout.substring(colon + 1);
          a.writeLayout(path, tag);
          root.out.println(a.digest());
          root.err.println("deploy it with: doco deploy oci-layout:" + path + ":" + tag);
        } else if (push != null) {
          try (RegistryClient client =
              RegistryClient.builder()
                  .environment(root.env)
                  .listener(new Progress(root.err, System.console() != null))
                  .build()) {
            String digest = a.push(client, Reference.parse(push), 0);
            root.out.println(digest);
            root.err.println("pushed " + push + "@" + digest);
          }
        }
        return OK;
      } finally {
        deleteTree(work);
      }
    }
  }

  static void deleteTree(Path dir) {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort: a temporary directory
    }
  }

  // ------------------------------------------------------------------------------ text output

  /** Plain-text renderings. */
  static final class Text {
    private Text() {}

    static String plan(Plan plan) {
      StringBuilder b = new StringBuilder();
      b.append("artifact  ").append(plan.revision().subject()).append('\n');
      b.append("checkout  ").append(plan.checkout()).append('\n');
      for (String v : plan.verification()) {
        b.append("verify    ").append(v).append('\n');
      }
      for (String w : plan.warnings()) {
        b.append("warning   ").append(w).append('\n');
      }
      for (Plan.Step s : plan.steps()) {
        b.append(s.action().name().toLowerCase(Locale.ROOT))
            .append(' ')
            .append(s.deployment())
            .append(": ")
            .append(s.reason())
            .append('\n');
        for (List<String> cmd : s.commands()) {
          b.append("  $ ").append(shell(cmd)).append('\n');
        }
      }
      return b.toString().stripTrailing();
    }

    static String states(List<DeploymentState> states) {
      if (states.isEmpty()) {
        return "no deployments";
      }
      StringBuilder b = new StringBuilder();
      b.append(
          String.format(
              Locale.ROOT,
              "%-24s %-9s %-8s %-19s %s%n",
              "NAME",
              "RESULT",
              "RUNNING",
              "DIGEST",
              "REFERENCE"));
      for (DeploymentState s : states) {
        String digest = s.digest().length() > 19 ? s.digest().substring(0, 19) : s.digest();
        b.append(
            String.format(
                Locale.ROOT,
                "%-24s %-9s %-8s %-19s %s%n",
                s.name(),
                s.result().name().toLowerCase(Locale.ROOT),
                s.running() ? "yes" : "no",
                digest,
                s.reference()));
        if (!s.lastError().isEmpty()) {
          b.append("  last error: ").append(s.lastError().replace("\n", "\n    ")).append('\n');
        }
      }
      return b.toString().stripTrailing();
    }

    static String shell(List<String> argv) {
      List<String> quoted = new ArrayList<>();
      for (String a : argv) {
        quoted.add(a.matches("[A-Za-z0-9_./:=@%+,-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
      }
      return String.join(" ", quoted);
    }
  }

  /** JSON renderings (stable keys, snake_case like doco-cd's API). */
  static final class JsonOut {
    private JsonOut() {}

    static String plan(Plan plan) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("reference", plan.revision().reference());
      m.put("repository", plan.revision().repository());
      m.put("tag", plan.revision().tag());
      m.put("digest", plan.revision().digest());
      m.put("target", plan.target());
      m.put("checkout", plan.checkout().toString());
      m.put("verification", plan.verification());
      m.put("warnings", plan.warnings());
      List<Object> steps = new ArrayList<>();
      for (Plan.Step s : plan.steps()) {
        Map<String, Object> sm = new LinkedHashMap<>();
        sm.put("deployment", s.deployment());
        sm.put("action", s.action().name().toLowerCase(Locale.ROOT));
        sm.put("reason", s.reason());
        sm.put("config_hash", s.configHash());
        sm.put("commands", s.commands());
        steps.add(sm);
      }
      m.put("steps", steps);
      return write(m);
    }

    static String deployment(Deployment d) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("job_id", d.jobId());
      m.put("digest", d.revision().digest());
      m.put("unchanged", d.unchanged());
      List<Object> results = new ArrayList<>();
      for (DeployResult r : d.results()) {
        Map<String, Object> rm = new LinkedHashMap<>();
        rm.put("name", r.name());
        rm.put("skipped", r.skipped());
        rm.put("message", r.message());
        results.add(rm);
      }
      m.put("deployments", results);
      return write(m);
    }

    static String states(List<DeploymentState> states) {
      List<Object> list = new ArrayList<>();
      for (DeploymentState s : states) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("reference", s.reference());
        m.put("target", s.target());
        m.put("digest", s.digest());
        m.put("config_hash", s.configHash());
        m.put("applied_at", s.applied().map(Object::toString).orElse(null));
        m.put("result", s.result().name().toLowerCase(Locale.ROOT));
        m.put("last_attempt_at", s.lastAttemptAt().toString());
        m.put("last_error", s.lastError());
        m.put("failures", s.failures());
        m.put("running", s.running());
        m.put("checkout", s.checkout().toString());
        list.add(m);
      }
      return write(list);
    }

    static String verification(VerificationResult r, boolean accepted) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("subject", r.subject());
      m.put("verified", accepted);
      m.put("signature", r.acceptedSignature().orElse(null));
      m.put("matched_by", r.acceptedBy().orElse(null));
      m.put("attempts", r.attempts());
      m.put("notes", r.notes());
      return write(m);
    }

    static String write(@Nullable Object v) {
      StringBuilder b = new StringBuilder();
      write(b, v);
      return b.toString();
    }

    private static void write(StringBuilder b, @Nullable Object v) {
      if (v == null) {
        b.append("null");
      } else if (v instanceof String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
          char c = s.charAt(i);
          switch (c) {
            case '"' -> b.append("\\\"");
            case '\\' -> b.append("\\\\");
            case '\n' -> b.append("\\n");
            case '\r' -> b.append("\\r");
            case '\t' -> b.append("\\t");
            default -> {
              if (c < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
              } else {
                b.append(c);
              }
            }
          }
        }
        b.append('"');
      } else if (v instanceof Boolean || v instanceof Number) {
        b.append(v);
      } else if (v instanceof Map<?, ?> m) {
        b.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          if (!first) {
            b.append(',');
          }
          first = false;
          write(b, String.valueOf(e.getKey()));
          b.append(':');
          write(b, e.getValue());
        }
        b.append('}');
      } else if (v instanceof Iterable<?> it) {
        b.append('[');
        boolean first = true;
        for (Object o : it) {
          if (!first) {
            b.append(',');
          }
          first = false;
          write(b, o);
        }
        b.append(']');
      } else {
        write(b, v.toString());
      }
    }
  }
}
