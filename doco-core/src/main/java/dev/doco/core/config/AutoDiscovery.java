package dev.doco.core.config;

import dev.doco.core.ConfigException;
import dev.doco.core.config.Yaml.Ctx;
import dev.doco.core.config.Yaml.Entry;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * doco-cd's {@code auto_discovery}, inside a checked-out artifact: one deployment per directory
 * that holds one of the base config's {@code compose_files}.
 *
 * <p>The rules (doco-cd's, with the differences marked):
 *
 * <ul>
 *   <li>The walk starts at the base config's {@code working_dir} (relative to the artifact root),
 *       which must be a directory inside the artifact, also after resolving links. It visits that
 *       directory and its subdirectories in name order; {@code depth} limits how deep (1 = direct
 *       subdirectories only, 0 = unlimited). Directories named {@code .git .github .vscode .idea
 *       node_modules} are skipped with everything below them.
 *   <li>Links: a directory that is a symbolic link is never entered (as doco-cd's {@code WalkDir});
 *       a compose file that is a link counts only when it resolves to a regular file inside the
 *       artifact (a link out of the artifact is reported and ignored).
 *   <li>Each deployment is a copy of the base config with {@code working_dir} set to the directory
 *       (relative to the artifact root), marked {@link DeployConfig#autoDiscovered()}, named after
 *       the directory. doco-cd keeps the base {@code name} for the directory named like the
 *       repository checkout; an artifact checkout is named after a tag or digest, so doco's
 *       equivalent is the artifact root itself: compose files directly at the artifact root
 *       (working_dir {@code .}) deploy under the base {@code name}, which must then be set.
 *   <li>A nested {@code .doco-cd.yaml} (else {@code .doco-cd.yml}; always these default names,
 *       never a target's, and only as regular files) in a discovered directory other than the
 *       artifact root (whose config files are the base configs) is merged on top. It must hold
 *       exactly one YAML document. Only keys written in it apply: scalars replace (also {@code
 *       false} and {@code 0}: doco-cd drops those as Go zero values; a null value counts as
 *       unwritten), lists replace when non-empty, maps merge key by key, {@code build destroy
 *       reconciliation swarm} merge field by field. {@code reference repository_url auto_discovery
 *       git_depth source} are never overridden, and its {@code oci:} block is ignored (doco-cd
 *       merges it and then trusts it for inline configs): a file inside the artifact cannot choose
 *       the policy that verifies it. A nested {@code working_dir} is relative to the artifact root,
 *       as in doco-cd. The merged config is validated like a root document.
 *   <li>After expansion every name must be unique.
 * </ul>
 */
final class AutoDiscovery {
  /** Directory names never walked into. */
  static final Set<String> SKIPPED_DIRS =
      Set.of(".git", ".github", ".vscode", ".idea", "node_modules");

  /** Keys a nested file may not override. */
  static final Set<String> NEVER_OVERRIDDEN =
      Set.of("reference", "repository_url", "auto_discovery", "git_depth", "source");

  private AutoDiscovery() {}

  /**
   * A config plus where its name comes from, for the unique-name check.
   *
   * @param what "document 2 of .doco-cd.yaml", "auto-discovered directory apps/web", ...
   */
  private record Named(
      DeployConfig config, String what, @Nullable String origin, int document, int line) {}

  /** One directory to visit: its path, its path relative to the walk's start, its depth. */
  private record Dir(Path path, String rel, int depth) {}

  static DeployConfigLoader.Result expand(Path artifactRoot, List<DeployConfig> configs) {
    List<String> warnings = new ArrayList<>();
    List<Named> out = new ArrayList<>();
    Path rootReal = null;
    for (DeployConfig c : configs) {
      if (!c.autoDiscovery().enabled() || c.autoDiscovered()) {
        out.add(
            new Named(
                c,
                c.origin().isEmpty()
                    ? "deployment " + (c.document() + 1)
                    : "document " + (c.document() + 1) + " of " + c.origin(),
                originOrNull(c),
                c.document(),
                -1));
        continue;
      }
      if (rootReal == null) {
        rootReal = realPath(artifactRoot, c);
      }
      out.addAll(discover(artifactRoot, rootReal, c, warnings));
    }
    checkUnique(out);
    List<DeployConfig> result = new ArrayList<>();
    for (Named n : out) {
      result.add(n.config());
    }
    return new DeployConfigLoader.Result(result, warnings);
  }

  private static @Nullable String originOrNull(DeployConfig c) {
    return c.origin().isEmpty() ? null : c.origin();
  }

  private static ConfigException baseError(DeployConfig base, String detail) {
    return new ConfigException(
        DeployConfigLoader.PREFIX + detail, originOrNull(base), base.document(), -1);
  }

  private static Path realPath(Path artifactRoot, DeployConfig base) {
    try {
      return artifactRoot.toRealPath();
    } catch (IOException e) {
      throw baseError(
          base,
          "auto_discovery cannot read the artifact directory "
              + artifactRoot
              + " ("
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + "); check that the checkout exists and is readable");
    }
  }

  /** The deployments one auto-discovery config generates, in walk order. */
  private static List<Named> discover(
      Path root, Path rootReal, DeployConfig base, List<String> warnings) {
    String wd = base.workingDir();
    Path start = root.resolve(wd).normalize();
    if (!Files.exists(start)) {
      throw baseError(
          base,
          "auto_discovery: working_dir '"
              + wd
              + "' does not exist in the artifact; point working_dir at the directory that holds"
              + " the compose directories");
    }
    Path startReal;
    try {
      startReal = start.toRealPath();
    } catch (IOException e) {
      throw baseError(
          base, "auto_discovery cannot resolve working_dir '" + wd + "' (" + e.getMessage() + ")");
    }
    if (!startReal.startsWith(rootReal)) {
      throw baseError(
          base,
          "auto_discovery: working_dir '"
              + wd
              + "' leads out of the artifact through a symbolic link; auto-discovery walks only"
              + " directories inside the artifact");
    }
    if (!Files.isDirectory(startReal)) {
      throw baseError(
          base,
          "auto_discovery: working_dir '"
              + wd
              + "' is not a directory; point working_dir at the directory that holds the compose"
              + " directories");
    }
    int maxDepth = base.autoDiscovery().depth();
    List<Named> found = new ArrayList<>();
    Deque<Dir> todo = new ArrayDeque<>();
    todo.push(new Dir(start, "", 0));
    while (!todo.isEmpty()) {
      Dir d = todo.pop();
      String dirWd = d.rel().isEmpty() ? wd : Yaml.clean(wd + "/" + d.rel());
      if (hasComposeFile(d.path(), dirWd, base, rootReal, warnings)) {
        found.add(generate(d.path(), dirWd, base, warnings));
      }
      if (maxDepth > 0 && d.depth() >= maxDepth) {
        continue;
      }
      List<Dir> children = new ArrayList<>();
      for (Path child : sortedChildren(d.path(), dirWd, base)) {
        String name = child.getFileName().toString();
        String childRel = d.rel().isEmpty() ? name : d.rel() + "/" + name;
        if (Files.isSymbolicLink(child)) {
          if (Files.isDirectory(child)) {
            warnings.add(
                Yaml.where(base.origin(), base.document(), -1)
                    + ": auto_discovery does not enter "
                    + Yaml.clean(wd + "/" + childRel)
                    + ", a symbolic link to a directory"
                    + (insideArtifact(child, rootReal) ? "" : " outside the artifact")
                    + "; put the compose directory itself into the artifact");
          }
          continue;
        }
        if (SKIPPED_DIRS.contains(name) || !Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        children.add(new Dir(child, childRel, d.depth() + 1));
      }
      for (int i = children.size() - 1; i >= 0; i--) {
        todo.push(children.get(i));
      }
    }
    if (found.isEmpty()) {
      warnings.add(
          Yaml.where(base.origin(), base.document(), -1)
              + ": auto_discovery found no directory with any of "
              + base.composeFiles()
              + " under working_dir '"
              + wd
              + "'"
              + (maxDepth > 0 ? " (depth " + maxDepth + ")" : "")
              + "; this document deploys nothing");
    }
    return found;
  }

  private static List<Path> sortedChildren(Path dir, String dirWd, DeployConfig base) {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        children.add(p);
      }
    } catch (IOException e) {
      throw baseError(
          base,
          "auto_discovery cannot list directory '"
              + dirWd
              + "' ("
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + "); check the artifact's permissions");
    }
    children.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
    return children;
  }

  private static boolean insideArtifact(Path p, Path rootReal) {
    try {
      return p.toRealPath().startsWith(rootReal);
    } catch (IOException e) {
      return false;
    }
  }

  /** True when {@code dir} holds one of the base's compose files inside the artifact. */
  private static boolean hasComposeFile(
      Path dir, String dirWd, DeployConfig base, Path rootReal, List<String> warnings) {
    for (String f : base.composeFiles()) {
      Path p = dir.resolve(f);
      if (!Files.exists(p)) {
        continue;
      }
      Path real;
      try {
        real = p.toRealPath();
      } catch (IOException e) {
        continue;
      }
      if (!real.startsWith(rootReal)) {
        warnings.add(
            Yaml.where(base.origin(), base.document(), -1)
                + ": auto_discovery ignores "
                + Yaml.clean(dirWd + "/" + f)
                + ": it is a symbolic link that leads out of the artifact");
        continue;
      }
      if (Files.isRegularFile(real)) {
        return true;
      }
    }
    return false;
  }

  /** The deployment for one compose directory, with its nested file merged. */
  private static Named generate(Path dir, String dirWd, DeployConfig base, List<String> warnings) {
    boolean atRoot = dirWd.equals(".");
    String name;
    if (atRoot) {
      if (base.name().isEmpty()) {
        throw baseError(
            base,
            "auto_discovery found compose files directly at the artifact root; a deployment there"
                + " takes the name: of this document, which is empty. Add name: <project>, or move"
                + " the compose files into a subdirectory");
      }
      name = base.name();
    } else {
      name = dirWd.substring(dirWd.lastIndexOf('/') + 1);
    }
    DeployConfig generated =
        base.toBuilder().name(name).workingDir(dirWd).autoDiscovered(true).build();
    String what = "auto-discovered directory " + dirWd;
    Named plain = new Named(generated, what, originOrNull(base), base.document(), -1);
    if (atRoot) {
      return plain;
    }
    for (String fileName : DeployConfigLoader.DEFAULT_FILE_NAMES) {
      Path p = dir.resolve(fileName);
      String origin = dirWd + "/" + fileName;
      if (Files.isSymbolicLink(p)) {
        warnings.add(
            origin
                + ": not read: a nested .doco-cd file is read only when it is a regular file, not a"
                + " symbolic link");
        continue;
      }
      if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        return merge(generated, DeployConfigLoader.read(p, origin), origin, what, warnings);
      }
    }
    return plain;
  }

  /** {@code generated} with the single document of a nested file merged on top. */
  private static Named merge(
      DeployConfig generated, String text, String origin, String what, List<String> warnings) {
    List<Yaml.Document> docs = new ArrayList<>();
    for (Yaml.Document d : Yaml.documents(text, origin, "failed to decode yaml: ")) {
      if (d.root() != null) {
        docs.add(d);
      }
    }
    if (docs.isEmpty()) {
      throw new ConfigException(
          "no yaml documents found in file; a nested .doco-cd file holds the settings this"
              + " directory overrides: write them, or delete the file",
          origin,
          -1,
          -1);
    }
    if (docs.size() > 1) {
      Yaml.Document second = docs.get(1);
      throw new ConfigException(
          "nested .doco-cd configuration file must contain only a single YAML document (this one"
              + " has "
              + docs.size()
              + "); keep one document with this directory's overrides and move other deployments"
              + " into the root config file",
          origin,
          second.index(),
          Yaml.line(second.root()));
    }
    Yaml.Document doc = docs.get(0);
    Node root = Objects.requireNonNull(doc.root());
    Ctx ctx = new Ctx(origin, doc.index(), DeployConfigLoader.PREFIX, warnings::add);
    Map<String, Entry> m =
        ctx.mapping(root, "nested deploy configuration (a mapping of settings to override)");
    ctx.warnUnknown(m, DeployConfigLoader.KEYS, "");
    DeployConfig.Builder b = generated.toBuilder();
    Map<String, Entry> applied = new LinkedHashMap<>();
    int nameLine = -1;
    for (Entry e : m.values()) {
      String k = e.key();
      Node v = e.value();
      if (NEVER_OVERRIDDEN.contains(k)) {
        ctx.warn(
            e.keyNode(),
            "'"
                + k
                + "' in a nested .doco-cd file is ignored: it is never overridden per directory;"
                + " set it in the document that enables auto_discovery");
        continue;
      }
      if (k.equals("oci")) {
        ctx.warn(
            e.keyNode(),
            "the oci: trust override in a nested .doco-cd file is ignored: a file inside the"
                + " artifact cannot choose the policy that verifies it; put it in an inline"
                + " POLL_CONFIG deployment instead");
        continue;
      }
      if (!DeployConfigLoader.KEYS.contains(k) || Yaml.isNull(v)) {
        continue; // unknown (warned above) or written without a value: not set
      }
      switch (k) {
        case "name" -> {
          String n = ctx.string(v, k);
          if (n.isEmpty()) {
            throw ctx.error(
                v,
                "name in a nested .doco-cd file must not be empty; remove the key to use the"
                    + " directory name");
          }
          b.name(n);
          nameLine = Yaml.line(v);
        }
        case "version" -> b.version(ctx.string(v, k));
        case "webhook_filter" -> b.webhookFilter(ctx.string(v, k));
        case "working_dir" -> {
          String wd = ctx.string(v, k);
          b.workingDir(wd);
          ctx.warn(
              v,
              "working_dir in a nested .doco-cd file is relative to the artifact root (as in"
                  + " doco-cd), not to "
                  + generated.workingDir()
                  + "; this deployment uses '"
                  + Yaml.clean(wd)
                  + "'");
        }
        case "context" -> b.context(ctx.string(v, k));
        case "compose_files" -> {
          List<String> l = ctx.stringList(v, k);
          if (l.isEmpty()) {
            continue;
          }
          b.composeFiles(l);
        }
        case "env_files" -> {
          List<String> l = ctx.stringList(v, k);
          if (l.isEmpty()) {
            continue;
          }
          b.envFiles(l);
        }
        case "profiles" -> {
          List<String> l = ctx.stringList(v, k);
          if (l.isEmpty()) {
            continue;
          }
          b.profiles(l);
        }
        case "environment" -> {
          Map<String, String> env = new LinkedHashMap<>(generated.environment());
          env.putAll(ctx.stringMap(v, k));
          b.environment(env);
        }
        case "external_secrets" -> {
          Map<String, Object> secrets = new LinkedHashMap<>(generated.externalSecrets());
          secrets.putAll(DeployConfigLoader.externalSecrets(v, ctx));
          b.externalSecrets(secrets);
        }
        case "remove_orphans" -> b.removeOrphans(ctx.bool(v, k));
        case "prune_images" -> b.pruneImages(ctx.bool(v, k));
        case "force_recreate" -> b.forceRecreate(ctx.bool(v, k));
        case "force_image_pull" -> b.forceImagePull(ctx.bool(v, k));
        case "wait_running_jobs" -> b.waitRunningJobs(ctx.bool(v, k));
        case "timeout" -> b.timeout(Duration.ofSeconds(ctx.integer(v, k)));
        case "build" -> b.build(DeployConfigLoader.build(v, ctx, generated.build()));
        case "destroy" -> b.destroy(DeployConfigLoader.destroy(v, ctx, generated.destroy()));
        case "reconciliation" ->
            b.reconciliation(
                DeployConfigLoader.reconciliationRaw(v, ctx, generated.reconciliation(), true));
        case "swarm" -> b.swarm(DeployConfigLoader.swarm(v, ctx, generated.swarm()));
        default -> {
          continue;
        }
      }
      applied.put(k, e);
    }
    DeployConfig merged = DeployConfigLoader.validate(b.build(), applied, root, ctx);
    if (nameLine > 0) {
      return new Named(merged, what + " (named in " + origin + ")", origin, doc.index(), nameLine);
    }
    return new Named(
        merged,
        what,
        generated.origin().isEmpty() ? null : generated.origin(),
        generated.document(),
        -1);
  }

  private static void checkUnique(List<Named> all) {
    Map<String, Named> seen = new HashMap<>();
    for (Named n : all) {
      String name = n.config().name();
      if (name.isEmpty()) {
        continue;
      }
      Named first = seen.putIfAbsent(name, n);
      if (first != null) {
        // point at a nested file's name: line when one of the two has it
        Named at = n.line() > 0 || first.line() <= 0 ? n : first;
        throw new ConfigException(
            DeployConfigLoader.PREFIX
                + "duplicate project/stack name found in configuration file: "
                + name
                + " ("
                + first.what()
                + " and "
                + n.what()
                + "); give each deployment its own name: rename a directory, set name: in a"
                + " nested .doco-cd.yaml, or narrow auto_discovery with working_dir or depth",
            at.origin(),
            at.document(),
            at.line());
      }
    }
  }
}
