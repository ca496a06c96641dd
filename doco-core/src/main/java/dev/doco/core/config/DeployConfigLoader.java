package dev.doco.core.config;

import dev.doco.core.ConfigException;
import dev.doco.core.config.Yaml.Ctx;
import dev.doco.core.config.Yaml.Entry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads deploy configs ({@code .doco-cd.yaml}) with doco-cd's keys, defaults and validation, plus
 * doco's stricter checks: {@code webhook_filter} is compiled at load, {@code working_dir}, compose
 * and env file paths may not leave the artifact, unknown keys are reported (file, document, line),
 * and an {@code oci:} override inside an artifact is reported as ignored.
 *
 * <pre>{@code
 * DeployConfigLoader.Result r = DeployConfigLoader.load(checkoutDir, "");
 * r.warnings().forEach(log::warn);
 * for (DeployConfig c : r.configs()) { ... }
 * }</pre>
 *
 * <p>Every error is a {@link ConfigException} naming the file, the document (1-based in the
 * message, 0-based in {@link ConfigException#document()}) and the line.
 */
public final class DeployConfigLoader {
  /** Default file names, in priority order. */
  public static final List<String> DEFAULT_FILE_NAMES = List.of(".doco-cd.yaml", ".doco-cd.yml");

  /** Largest config file read (a config is a few KiB; this stops a hostile artifact). */
  static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

  static final String PREFIX = "invalid deploy configuration: ";

  static final Set<String> KEYS =
      Set.of(
          "name",
          "source",
          "version",
          "repository_url",
          "reference",
          "webhook_filter",
          "working_dir",
          "context",
          "compose_files",
          "environment",
          "env_files",
          "profiles",
          "remove_orphans",
          "prune_images",
          "force_recreate",
          "force_image_pull",
          "wait_running_jobs",
          "timeout",
          "git_depth",
          "build",
          "destroy",
          "auto_discovery",
          "reconciliation",
          "swarm",
          "external_secrets",
          "oci");

  private static final Set<String> RECONCILIATION_EVENTS =
      Set.of("die", "destroy", "update", "stop", "kill", "oom", "unhealthy");
  private static final Pattern GIT_URL =
      Pattern.compile("(?i)(https?|ssh|git)://[^\\s]+|file:///[^\\s]*|[\\w.-]+@[\\w.-]+:[^\\s]+");

  private DeployConfigLoader() {}

  /**
   * Deploy configs plus non-fatal findings (unknown keys, ignored overrides), each naming file,
   * document and line.
   */
  public record Result(List<DeployConfig> configs, List<String> warnings) {
    public Result {
      configs = List.copyOf(configs);
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * The config file names for {@code target}: {@code .doco-cd.yaml, .doco-cd.yml}, or {@code
   * .doco-cd.<target>.yaml, .doco-cd.<target>.yml} (no fallback to the default names).
   *
   * @throws ConfigException when the target is not a plain name (contains a path separator)
   */
  public static List<String> fileNames(String target) {
    if (target.isEmpty()) {
      return DEFAULT_FILE_NAMES;
    }
    if (target.contains("/") || target.contains("\\") || target.indexOf('\0') >= 0) {
      throw new ConfigException(
          "invalid target \""
              + target
              + "\": a target is a plain name (.doco-cd.<target>.yaml at the artifact root), without"
              + " path separators");
    }
    return List.of(".doco-cd." + target + ".yaml", ".doco-cd." + target + ".yml");
  }

  /**
   * The config file for {@code target} directly at {@code root}: the first of {@link
   * #fileNames(String)} that is a regular file (symbolic links are not followed).
   */
  public static Optional<Path> findConfigFile(Path root, String target) {
    for (String name : fileNames(target)) {
      Path p = root.resolve(name);
      if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** {@code .doco-cd.y(a)ml} or {@code .doco-cd.<t>.y(a)ml}, as doco-cd's messages write it. */
  static String displayName(String target) {
    return target.isEmpty() ? ".doco-cd.y(a)ml" : ".doco-cd." + target + ".y(a)ml";
  }

  /**
   * Loads {@code .doco-cd.yaml} (then {@code .doco-cd.yml}) or, for a non-empty {@code target},
   * {@code .doco-cd.<target>.yaml|yml} from the artifact root, and {@linkplain #expand expands} its
   * {@code auto_discovery} documents into one deployment per compose directory. Configs read here
   * are untrusted.
   *
   * @throws ConfigException when no file is found, it cannot be read, a document (or a nested
   *     auto-discovery file) is invalid, or two deployments end up with the same name
   */
  public static Result load(Path artifactRoot, String target) {
    Path file =
        findConfigFile(artifactRoot, target)
            .orElseThrow(
                () ->
                    new ConfigException(
                        "configuration file not found in repository: "
                            + displayName(target)
                            + " (looked for "
                            + String.join(" and ", fileNames(target))
                            + " directly in "
                            + artifactRoot
                            + "); add one at the artifact root",
                        null,
                        -1,
                        -1));
    String name = file.getFileName().toString();
    Result parsed = parse(read(file, name), name, false);
    Result expanded = expand(artifactRoot, parsed.configs());
    List<String> warnings = new ArrayList<>(parsed.warnings());
    warnings.addAll(expanded.warnings());
    return new Result(expanded.configs(), warnings);
  }

  /**
   * Replaces each config with {@code auto_discovery} enabled by the deployments it discovers under
   * its {@code working_dir} in {@code artifactRoot} (one per directory holding one of its {@code
   * compose_files}, named after the directory, with a nested single-document {@code
   * .doco-cd.y(a)ml} merged on top), keeps the other configs as they are, and checks that all names
   * are unique. Generated configs carry {@link DeployConfig#autoDiscovered()} and are never
   * expanded again, so calling this on {@link #load}'s result changes nothing. {@link #load} calls
   * it; call it yourself for inline (trusted) configs, which stay trusted with their own {@code
   * oci:} override (a nested file's {@code oci:} is ignored). The rules are on {@link
   * AutoDiscovery}.
   *
   * @param artifactRoot the checkout directory the configs' working directories are relative to
   * @throws ConfigException when a working directory is missing or leads out of the artifact, a
   *     nested file is invalid or has several documents, or two deployments share a name
   */
  public static Result expand(Path artifactRoot, List<DeployConfig> configs) {
    return AutoDiscovery.expand(artifactRoot, configs);
  }

  static String read(Path file, String origin) {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new ConfigException(
            "file is " + size + " bytes; a config file may be at most " + MAX_FILE_BYTES + " bytes",
            origin,
            -1,
            -1);
      }
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot read file ("
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + "); check that the path exists and is readable",
          origin,
          -1,
          -1,
          e);
    }
  }

  /**
   * Parses a (multi-document) deploy config: one deployment per YAML document.
   *
   * @param origin file name or variable for messages
   * @param trusted true for inline configs from the poll config; only these may carry an {@code
   *     oci:} trust override
   * @throws ConfigException when the text has no document or any document is invalid
   */
  public static Result parse(String yaml, String origin, boolean trusted) {
    List<String> warnings = new ArrayList<>();
    List<DeployConfig> configs = new ArrayList<>();
    List<Node> nameNodes = new ArrayList<>();
    List<Yaml.Document> docs = Yaml.documents(yaml, origin, "failed to decode yaml: ");
    for (Yaml.Document d : docs) {
      Node root = d.root();
      if (root == null) {
        continue;
      }
      Ctx ctx = new Ctx(origin, d.index(), PREFIX, warnings::add);
      Parsed p = parseDocument(root, ctx, trusted);
      configs.add(p.config());
      nameNodes.add(p.nameNode() == null ? root : p.nameNode());
    }
    if (configs.isEmpty()) {
      throw new ConfigException(
          "no yaml documents found in file; write at least `name: <project>`", origin, -1, -1);
    }
    checkUniqueNames(configs, nameNodes, origin);
    return new Result(configs, warnings);
  }

  static void checkUniqueNames(List<DeployConfig> configs, List<Node> at, String origin) {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < configs.size(); i++) {
      DeployConfig c = configs.get(i);
      if (c.name().isEmpty() || c.autoDiscovery().enabled()) {
        continue;
      }
      Integer first = seen.putIfAbsent(c.name(), i);
      if (first != null) {
        throw new ConfigException(
            PREFIX
                + "duplicate project/stack name found in configuration file: "
                + c.name()
                + " (also used in document "
                + (configs.get(first).document() + 1)
                + "); give each deployment its own name",
            origin,
            c.document(),
            Yaml.line(at.get(i)));
      }
    }
  }

  /** A parsed document plus the node of its {@code name} (for messages). */
  record Parsed(DeployConfig config, @org.jspecify.annotations.Nullable Node nameNode) {}

  /** Parses and validates one deploy config mapping. */
  static Parsed parseDocument(Node root, Ctx ctx, boolean trusted) {
    Map<String, Entry> m = ctx.mapping(root, "deploy configuration (a mapping of settings)");
    ctx.warnUnknown(m, KEYS, "");
    DeployConfig.Builder b =
        DeployConfig.defaults("").toBuilder()
            .trusted(trusted)
            .origin(ctx.origin)
            .document(ctx.document);
    Node nameNode = null;
    for (Entry e : m.values()) {
      Node v = e.value();
      String k = e.key();
      switch (k) {
        case "name" -> {
          b.name(ctx.string(v, k));
          nameNode = v;
        }
        case "source" -> b.source(ctx.string(v, k));
        case "version" -> b.version(ctx.string(v, k));
        case "repository_url" -> b.repositoryUrl(ctx.string(v, k));
        case "reference" -> b.reference(ctx.string(v, k));
        case "webhook_filter" -> b.webhookFilter(ctx.string(v, k));
        case "working_dir" -> b.workingDir(ctx.string(v, k));
        case "context" -> b.context(ctx.string(v, k));
        case "compose_files" -> b.composeFiles(ctx.stringList(v, k));
        case "environment" -> b.environment(ctx.stringMap(v, k));
        case "env_files" -> b.envFiles(ctx.stringList(v, k));
        case "profiles" -> b.profiles(ctx.stringList(v, k));
        case "remove_orphans" -> b.removeOrphans(ctx.bool(v, k));
        case "prune_images" -> b.pruneImages(ctx.bool(v, k));
        case "force_recreate" -> b.forceRecreate(ctx.bool(v, k));
        case "force_image_pull" -> b.forceImagePull(ctx.bool(v, k));
        case "wait_running_jobs" -> b.waitRunningJobs(ctx.bool(v, k));
        case "timeout" -> b.timeout(Duration.ofSeconds(ctx.integer(v, k)));
        case "git_depth" -> b.gitDepth(ctx.int32(v, k));
        case "build" -> b.build(build(v, ctx, BuildConfig.DEFAULT));
        case "destroy" -> b.destroy(destroy(v, ctx, DestroyConfig.DEFAULT));
        case "auto_discovery" -> b.autoDiscovery(autoDiscovery(v, ctx));
        case "reconciliation" ->
            b.reconciliation(reconciliationRaw(v, ctx, ReconciliationConfig.DEFAULT, false));
        case "swarm" -> b.swarm(swarm(v, ctx, SwarmConfig.DEFAULT));
        case "external_secrets" -> b.externalSecrets(externalSecrets(v, ctx));
        case "oci" -> b.oci(TrustPolicyLoader.override(v, ctx));
        default -> {
          // unknown: already warned
        }
      }
    }
    DeployConfig c = b.build();
    return new Parsed(validate(c, m, root, ctx), nameNode);
  }

  /**
   * doco-cd's {@code Config.Validate} order, plus doco's checks. Warnings about a key's value are
   * given only when {@code m} holds the key, so re-validating a merged config (see {@link
   * AutoDiscovery}) does not repeat the base document's warnings at the nested file.
   */
  static DeployConfig validate(DeployConfig c, Map<String, Entry> m, Node root, Ctx ctx) {
    // 1. normalise source and repository_url
    String source = c.source().trim().toLowerCase(Locale.ROOT);
    String repoUrl = c.repositoryUrl().trim();
    if (repoUrl.startsWith("/")) {
      repoUrl = "file://" + repoUrl;
    }
    // 2. source
    if (!source.equals("git") && !source.equals("oci")) {
      throw ctx.error(
          at(m, "source", root),
          "invalid source type \"" + c.source() + "\": must be \"git\" or \"oci\"");
    }
    // 3. version
    String version = c.version().isEmpty() ? DocoLayout.V1 : c.version();
    if (source.equals("oci") && !version.equals(DocoLayout.V1)) {
      throw ctx.error(
          at(m, "version", root),
          "unsupported oci version \"" + version + "\"; doco and doco-cd support doco.v1");
    }
    // 4. name
    if (c.name().isEmpty() && !c.autoDiscovery().enabled()) {
      throw ctx.error(
          at(m, "name", root),
          "key not found: name (every deployment needs a Compose project / stack name, or"
              + " auto_discovery: true)");
    }
    // 5. git_depth
    if (c.gitDepth() < 0) {
      throw ctx.error(at(m, "git_depth", root), "git_depth must be >= 0");
    }
    // 6. swarm retentions
    Integer cr = c.swarm().configRetention();
    if (cr != null && cr < -1) {
      throw ctx.error(at(m, "swarm", root), "swarm.config_retention must be >= -1");
    }
    Integer sr = c.swarm().secretRetention();
    if (sr != null && sr < -1) {
      throw ctx.error(at(m, "swarm", root), "swarm.secret_retention must be >= -1");
    }
    // 7. reconciliation numbers
    ReconciliationConfig r = c.reconciliation();
    Node rAt = at(m, "reconciliation", root);
    if (r.restartTimeout() < 0) {
      throw ctx.error(rAt, "reconciliation.restart_timeout must be >= 0");
    }
    if (r.restartLimit() < 0) {
      throw ctx.error(rAt, "reconciliation.restart_limit must be >= 0");
    }
    if (r.restartWindow() < 0) {
      throw ctx.error(rAt, "reconciliation.restart_window must be >= 0");
    }
    if (r.restartLimit() > 0 && r.restartWindow() <= 0) {
      throw ctx.error(
          rAt, "reconciliation.restart_window must be > 0 when reconciliation.restart_limit > 0");
    }
    // 8. working_dir, context
    Node wdAt = at(m, "working_dir", root);
    String wd = Yaml.clean(c.workingDir());
    if (wd.startsWith("/")) {
      String rel = Yaml.clean("./" + wd.substring(1));
      ctx.warn(
          wdAt,
          "working_dir '"
              + c.workingDir()
              + "' is absolute; it is read relative to the artifact root as '"
              + rel
              + "'");
      wd = rel;
    }
    if (!Yaml.isLocal(wd)) {
      throw ctx.error(
          wdAt,
          "invalid working directory: resolved path is outside the allowed base directory"
              + " (working_dir: "
              + c.workingDir()
              + "); use a directory inside the artifact");
    }
    String context = c.context().trim();
    // 9. compose_files
    Node cfAt = at(m, "compose_files", root);
    if (c.composeFiles().isEmpty()) {
      throw ctx.error(cfAt, "key not found: compose_files (the list is empty)");
    }
    List<String> composeFiles = new ArrayList<>();
    for (String f : c.composeFiles()) {
      if (!Yaml.isLocal(f)) {
        throw ctx.error(
            item(cfAt, m, "compose_files", f),
            "invalid file path: "
                + f
                + " (compose files are relative to working_dir and may not leave it)");
      }
      composeFiles.add(Yaml.clean(f));
    }
    // 10. reconciliation events
    ReconciliationConfig reconciliation = normaliseEvents(r, rAt, ctx);

    // doco: env_files stay inside the artifact
    Node efAt = at(m, "env_files", root);
    for (String f : c.envFiles()) {
      if (f.startsWith("remote:")) {
        if (!m.containsKey("env_files")) {
          continue;
        }
        ctx.warn(
            item(efAt, m, "env_files", f),
            "env file '"
                + f
                + "' loads from repository_url, which is git-only; doco cannot load it for an OCI"
                + " artifact");
        continue;
      }
      if (f.isEmpty() || f.startsWith("/") || !Yaml.isLocal(wd + "/" + f)) {
        throw ctx.error(
            item(efAt, m, "env_files", f),
            "invalid env file path: "
                + f
                + " (env files are relative to working_dir and must stay inside the artifact)");
      }
    }
    if (!repoUrl.isEmpty()) {
      if (!GIT_URL.matcher(repoUrl).matches()) {
        throw ctx.error(
            at(m, "repository_url", root),
            "repository_url \""
                + c.repositoryUrl()
                + "\" is not a git URL (http(s)://, ssh://, git://, user@host:path or file:///path)");
      }
      if (m.containsKey("repository_url")) {
        ctx.warn(
            at(m, "repository_url", root),
            "repository_url is git-only; doco deploys the compose files of the OCI artifact and does"
                + " not clone "
                + repoUrl);
      }
    }
    // doco: timeout
    if (c.timeout().isNegative()) {
      throw ctx.error(at(m, "timeout", root), "timeout must be >= 0 (seconds)");
    }
    // doco: auto_discovery depth
    if (c.autoDiscovery().depth() < 0) {
      throw ctx.error(
          at(m, "auto_discovery", root), "auto_discovery.depth must be >= 0 (0 = unlimited)");
    }
    // doco: webhook_filter compiled now (doco-cd panics on a bad pattern at deploy time)
    if (!c.webhookFilter().isEmpty()) {
      try {
        Pattern.compile(c.webhookFilter());
      } catch (PatternSyntaxException e) {
        throw ctx.error(
            at(m, "webhook_filter", root),
            "invalid webhook_filter \""
                + c.webhookFilter()
                + "\": "
                + e.getDescription()
                + " near index "
                + e.getIndex()
                + "; write a regular expression matched against the artifact tag, e.g."
                + " ^v[0-9]+\\.");
      }
    }
    // doco: an artifact cannot choose the policy that verifies it
    if (!c.trusted() && !c.oci().isEmpty() && m.containsKey("oci")) {
      ctx.warn(
          at(m, "oci", root),
          "the oci: trust override is ignored here: a config read from an artifact cannot choose"
              + " the policy that verifies it; put it in an inline POLL_CONFIG deployment instead");
    }
    return c.toBuilder()
        .source(source)
        .repositoryUrl(repoUrl)
        .version(version)
        .workingDir(wd)
        .context(context)
        .composeFiles(composeFiles)
        .reconciliation(reconciliation)
        .build();
  }

  /** Where to point for {@code key}: a scalar value itself, else the key (a block starts below). */
  private static Node at(Map<String, Entry> m, String key, Node fallback) {
    Entry e = m.get(key);
    if (e == null) {
      return fallback;
    }
    return e.value() instanceof ScalarNode ? e.value() : e.keyNode();
  }

  /** The sequence item with value {@code v}, for a precise line; else the sequence. */
  private static Node item(Node at, Map<String, Entry> m, String key, String v) {
    Entry e = m.get(key);
    Node seq = e == null ? at : e.value();
    if (seq instanceof SequenceNode s) {
      for (Node n : s.getValue()) {
        if (n instanceof ScalarNode sc && sc.getValue().equals(v)) {
          return n;
        }
      }
    }
    return at;
  }

  private static ReconciliationConfig normaliseEvents(ReconciliationConfig r, Node at, Ctx ctx) {
    Set<String> events = new LinkedHashSet<>();
    for (String raw : r.events()) {
      String e = raw.trim().toLowerCase(Locale.ROOT);
      if (e.isEmpty()) {
        throw ctx.error(at, "reconciliation.events contains an empty event");
      }
      if (e.equals("remove") || e.equals("delete")) {
        e = "destroy";
      }
      if (!RECONCILIATION_EVENTS.contains(e)) {
        throw ctx.error(
            at,
            "unsupported reconciliation event \""
                + raw
                + "\" (allowed: die, destroy, update, stop, kill, oom, unhealthy; aliases remove,"
                + " delete)");
      }
      events.add(e);
    }
    boolean enabled = r.enabled() && !events.isEmpty();
    return new ReconciliationConfig(
        enabled,
        List.copyOf(events),
        r.restartTimeout(),
        r.restartSignal().trim().toUpperCase(Locale.ROOT),
        r.restartLimit(),
        r.restartWindow());
  }

  /**
   * {@code build:} over {@code d} (the defaults, or a base config for a nested override): keys
   * present replace, {@code args} merge key by key.
   */
  static BuildConfig build(Node v, Ctx ctx, BuildConfig d) {
    if (Yaml.isNull(v)) {
      return d;
    }
    Map<String, Entry> m = ctx.mapping(v, "build options (a mapping)");
    ctx.warnUnknown(m, Set.of("force_image_pull", "quiet", "args", "no_cache"), "build");
    Map<String, String> args = new LinkedHashMap<>(d.args());
    if (m.containsKey("args")) {
      args.putAll(ctx.stringMap(m.get("args").value(), "build.args"));
    }
    return new BuildConfig(
        bool(m, "force_image_pull", d.forceImagePull(), ctx, "build."),
        bool(m, "quiet", d.quiet(), ctx, "build."),
        args,
        bool(m, "no_cache", d.noCache(), ctx, "build."));
  }

  private static boolean bool(
      Map<String, Entry> m, String key, boolean def, Ctx ctx, String section) {
    Entry e = m.get(key);
    return e == null ? def : ctx.bool(e.value(), section + key);
  }

  private static int int32(Map<String, Entry> m, String key, int def, Ctx ctx, String section) {
    Entry e = m.get(key);
    return e == null ? def : ctx.int32(e.value(), section + key);
  }

  /**
   * A bool-or-object value: the bool, or null for a mapping; a wrong type is doco-cd's "expected
   * bool or object" error.
   */
  private static @org.jspecify.annotations.Nullable Boolean boolOrObject(
      Node v, Ctx ctx, String key) {
    if (v instanceof ScalarNode) {
      Boolean b = ctx.boolOrNull(v);
      if (b == null) {
        throw ctx.error(
            v,
            "invalid "
                + key
                + " value: expected bool or object (got "
                + Yaml.describe(v)
                + "); write "
                + key
                + ": true or "
                + key
                + ": {enabled: true, ...}");
      }
      return b;
    }
    if (v instanceof SequenceNode) {
      throw ctx.error(v, "invalid " + key + " value: expected bool or object (got a list)");
    }
    return null;
  }

  /** {@code destroy:} over {@code d} (the defaults, or a base config for a nested override). */
  static DestroyConfig destroy(Node v, Ctx ctx, DestroyConfig d) {
    if (Yaml.isNull(v)) {
      return d;
    }
    Boolean b = boolOrObject(v, ctx, "destroy");
    if (b != null) {
      return new DestroyConfig(b, d.removeVolumes(), d.removeImages(), d.removeDir());
    }
    Map<String, Entry> m = ctx.mapping(v, "destroy");
    ctx.warnUnknown(
        m, Set.of("enabled", "remove_volumes", "remove_images", "remove_dir"), "destroy");
    return new DestroyConfig(
        bool(m, "enabled", d.enabled(), ctx, "destroy."),
        bool(m, "remove_volumes", d.removeVolumes(), ctx, "destroy."),
        bool(m, "remove_images", d.removeImages(), ctx, "destroy."),
        bool(m, "remove_dir", d.removeDir(), ctx, "destroy."));
  }

  private static AutoDiscoveryConfig autoDiscovery(Node v, Ctx ctx) {
    AutoDiscoveryConfig d = AutoDiscoveryConfig.DEFAULT;
    if (Yaml.isNull(v)) {
      return d;
    }
    Boolean b = boolOrObject(v, ctx, "auto_discovery");
    if (b != null) {
      return new AutoDiscoveryConfig(b, d.depth(), d.delete(), d.removeVolumes(), d.removeImages());
    }
    Map<String, Entry> m = ctx.mapping(v, "auto_discovery");
    ctx.warnUnknown(
        m,
        Set.of("enabled", "depth", "delete", "remove_volumes", "remove_images"),
        "auto_discovery");
    return new AutoDiscoveryConfig(
        bool(m, "enabled", d.enabled(), ctx, "auto_discovery."),
        int32(m, "depth", d.depth(), ctx, "auto_discovery."),
        bool(m, "delete", d.delete(), ctx, "auto_discovery."),
        bool(m, "remove_volumes", d.removeVolumes(), ctx, "auto_discovery."),
        bool(m, "remove_images", d.removeImages(), ctx, "auto_discovery."));
  }

  /**
   * Reconciliation as written (events normalised later, in doco-cd's validation order), over {@code
   * d}. With {@code overlay} (a nested override), an empty {@code events} list keeps {@code d}'s
   * events, as lists replace only when non-empty.
   */
  static ReconciliationConfig reconciliationRaw(
      Node v, Ctx ctx, ReconciliationConfig d, boolean overlay) {
    if (Yaml.isNull(v)) {
      return d;
    }
    Boolean b = boolOrObject(v, ctx, "reconciliation");
    if (b != null) {
      return new ReconciliationConfig(
          b,
          d.events(),
          d.restartTimeout(),
          d.restartSignal(),
          d.restartLimit(),
          d.restartWindow());
    }
    Map<String, Entry> m = ctx.mapping(v, "reconciliation");
    ctx.warnUnknown(
        m,
        Set.of(
            "enabled",
            "events",
            "restart_timeout",
            "restart_signal",
            "restart_limit",
            "restart_window"),
        "reconciliation");
    Entry events = m.get("events");
    Entry signal = m.get("restart_signal");
    List<String> eventList =
        events == null ? d.events() : ctx.stringList(events.value(), "reconciliation.events");
    if (overlay && eventList.isEmpty()) {
      eventList = d.events();
    }
    return new ReconciliationConfig(
        bool(m, "enabled", d.enabled(), ctx, "reconciliation."),
        eventList,
        int32(m, "restart_timeout", d.restartTimeout(), ctx, "reconciliation."),
        signal == null
            ? d.restartSignal()
            : ctx.string(signal.value(), "reconciliation.restart_signal"),
        int32(m, "restart_limit", d.restartLimit(), ctx, "reconciliation."),
        int32(m, "restart_window", d.restartWindow(), ctx, "reconciliation."));
  }

  /** {@code swarm:} over {@code d}; an unset or null retention keeps {@code d}'s. */
  static SwarmConfig swarm(Node v, Ctx ctx, SwarmConfig d) {
    if (Yaml.isNull(v)) {
      return d;
    }
    Map<String, Entry> m = ctx.mapping(v, "swarm");
    ctx.warnUnknown(m, Set.of("config_retention", "secret_retention"), "swarm");
    Entry c = m.get("config_retention");
    Entry s = m.get("secret_retention");
    Integer config = d.configRetention();
    if (c != null && !Yaml.isNull(c.value())) {
      config = ctx.int32(c.value(), "swarm.config_retention");
    }
    Integer secret = d.secretRetention();
    if (s != null && !Yaml.isNull(s.value())) {
      secret = ctx.int32(s.value(), "swarm.secret_retention");
    }
    return new SwarmConfig(config, secret);
  }

  static Map<String, Object> externalSecrets(Node v, Ctx ctx) {
    if (Yaml.isNull(v)) {
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Entry e : ctx.mapping(v, "external_secrets (a mapping)").values()) {
      Node val = e.value();
      if (val instanceof SequenceNode) {
        throw ctx.decodeError(
            val,
            "external_secrets."
                + e.key()
                + " must be a secret reference string or an object, not a list");
      }
      out.put(e.key(), ctx.plain(val));
    }
    return out;
  }

  /** Parses one inline deployment (a poll config's {@code deployments:} item); trusted. */
  static DeployConfig parseInline(Node item, String origin, Consumer<String> warnings) {
    Ctx ctx = new Ctx(origin, 0, PREFIX, warnings);
    return parseDocument(item, ctx, true).config();
  }
}
