package dev.doco.core.config;

import dev.doco.core.ConfigException;
import dev.doco.core.config.Yaml.Ctx;
import dev.doco.core.config.Yaml.Entry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads the global trust policy from {@code OCI_TRUST_POLICY} (YAML) or {@code
 * OCI_TRUST_POLICY_FILE} (a path), with doco-cd's keys and rules plus doco's additions {@code
 * trusted_root} and {@code notation}.
 *
 * <pre>{@code
 * TrustPolicy policy = TrustPolicyLoader.fromEnvironment(System.getenv());
 * }</pre>
 *
 * <p>Stricter than doco-cd: a keyless identity needs an {@code issuer} and exactly one of {@code
 * subject} / {@code subject_regexp} (doco-cd documents this but does not check it; with neither,
 * any signer of the issuer would pass), and {@code subject_regexp} is compiled at load.
 */
public final class TrustPolicyLoader {
  private static final Logger LOG = LoggerFactory.getLogger(TrustPolicyLoader.class);

  public static final String ENV = "OCI_TRUST_POLICY";
  public static final String ENV_FILE = "OCI_TRUST_POLICY_FILE";

  static final Set<String> KEYS =
      Set.of(
          "enabled",
          "public_keys",
          "keyless_identities",
          "ignore_tlog",
          "trusted_root",
          "notation");
  static final Set<String> OVERRIDE_KEYS =
      Set.of("verify", "public_keys", "keyless_identities", "ignore_tlog");
  static final Set<String> IDENTITY_KEYS = Set.of("issuer", "subject", "subject_regexp");

  private TrustPolicyLoader() {}

  /**
   * The global trust policy configured in {@code env}; disabled when neither variable is set (or
   * the value is empty). Warnings (unknown keys) are logged.
   *
   * @throws ConfigException when both variables are set, the file cannot be read, or the policy is
   *     invalid
   */
  public static TrustPolicy fromEnvironment(Map<String, String> env) {
    return fromEnvironment(env, w -> LOG.warn("{}", w));
  }

  /** As {@link #fromEnvironment(Map)}, with warnings sent to {@code warnings}. */
  public static TrustPolicy fromEnvironment(Map<String, String> env, Consumer<String> warnings) {
    String inline = env.getOrDefault(ENV, "");
    String file = env.getOrDefault(ENV_FILE, "");
    if (!inline.isEmpty() && !file.isEmpty()) {
      throw new ConfigException(
          "both secrets are set, please use one or the other: " + ENV + " or " + ENV_FILE);
    }
    if (!file.isEmpty()) {
      String text = DeployConfigLoader.read(Path.of(file), file);
      return parse(text, file, warnings);
    }
    return parse(inline, ENV, warnings);
  }

  /**
   * Parses a trust policy YAML document; empty text means disabled. Warnings are logged.
   *
   * @param origin the variable or file name, for messages
   */
  public static TrustPolicy parse(String yaml, String origin) {
    return parse(yaml, origin, w -> LOG.warn("{}", w));
  }

  /** As {@link #parse(String, String)}, with warnings sent to {@code warnings}. */
  public static TrustPolicy parse(String yaml, String origin, Consumer<String> warnings) {
    String prefix = "failed to parse " + ENV + ": ";
    List<Yaml.Document> docs = Yaml.documents(yaml, origin, prefix);
    Node root = null;
    int index = 0;
    for (Yaml.Document d : docs) {
      if (d.root() != null) {
        if (root != null) {
          throw new ConfigException(
              prefix + "expected one YAML document, found several", origin, d.index(), -1);
        }
        root = d.root();
        index = d.index();
      }
    }
    if (root == null) {
      return TrustPolicy.DISABLED;
    }
    Ctx ctx = new Ctx(origin, index, prefix, warnings, prefix);
    Map<String, Entry> m = ctx.mapping(root, "trust policy (a mapping)");
    if (m.containsKey("sops")) {
      throw ctx.error(
          m.get("sops").keyNode(),
          "the trust policy is SOPS-encrypted; doco does not decrypt SOPS files: decrypt it"
              + " (sops -d) before handing it to doco");
    }
    ctx.warnUnknown(m, KEYS, "");
    boolean enabled = false;
    boolean ignoreTlog = false;
    List<String> keys = List.of();
    List<KeylessIdentity> identities = List.of();
    String trustedRoot = null;
    NotationTrust notation = null;
    for (Entry e : m.values()) {
      Node v = e.value();
      switch (e.key()) {
        case "enabled" -> enabled = ctx.bool(v, "enabled");
        case "ignore_tlog" -> ignoreTlog = ctx.bool(v, "ignore_tlog");
        case "public_keys" -> keys = ctx.stringList(v, "public_keys");
        case "keyless_identities" -> identities = identities(v, ctx, "keyless_identities");
        case "trusted_root" -> {
          String s = ctx.string(v, "trusted_root").trim();
          trustedRoot = s.isEmpty() ? null : s;
        }
        case "notation" -> notation = notation(v, ctx);
        default -> {
          // warned
        }
      }
    }
    return normalise(new TrustPolicy(enabled, keys, identities, ignoreTlog, trustedRoot, notation));
  }

  /**
   * doco-cd's {@code NormalizeOciTrustPolicy}: when enabled, trims keys and drops empty ones (a
   * disabled policy is left as written; identities are always trimmed).
   */
  public static TrustPolicy normalise(TrustPolicy p) {
    if (!p.enabled()) {
      return p;
    }
    return new TrustPolicy(
        true,
        trimKeys(p.publicKeys()),
        p.keylessIdentities(),
        p.ignoreTlog(),
        p.trustedRoot(),
        p.notation());
  }

  static List<String> trimKeys(List<String> keys) {
    List<String> out = new ArrayList<>();
    for (String k : keys) {
      String t = k.trim();
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }

  private static @Nullable NotationTrust notation(Node v, Ctx ctx) {
    if (Yaml.isNull(v)) {
      return null;
    }
    Map<String, Entry> m = ctx.mapping(v, "notation (a mapping with trust_policy and trust_store)");
    ctx.warnUnknown(m, Set.of("trust_policy", "trust_store"), "notation");
    Entry policy = m.get("trust_policy");
    Entry store = m.get("trust_store");
    String p = policy == null ? "" : ctx.string(policy.value(), "notation.trust_policy").trim();
    String s = store == null ? "" : ctx.string(store.value(), "notation.trust_store").trim();
    if (p.isEmpty() || s.isEmpty()) {
      throw ctx.error(
          v,
          "notation needs both trust_policy (path to Notation's trustpolicy.oci.json) and"
              + " trust_store (path to the trust store directory with x509/...)");
    }
    return new NotationTrust(p, s);
  }

  /** A {@code keyless_identities} list, each identity validated. */
  static List<KeylessIdentity> identities(Node v, Ctx ctx, String key) {
    if (Yaml.isNull(v)) {
      return List.of();
    }
    if (!(v instanceof SequenceNode seq)) {
      throw ctx.decodeError(
          v,
          "cannot unmarshal "
              + Yaml.describe(v)
              + " into a list of keyless identities ("
              + key
              + "); write - issuer: ... with subject: or subject_regexp:");
    }
    List<KeylessIdentity> out = new ArrayList<>();
    for (Node item : seq.getValue()) {
      Map<String, Entry> m =
          ctx.mapping(item, "keyless identity (issuer + subject/subject_regexp)");
      ctx.warnUnknown(m, IDENTITY_KEYS, key);
      String issuer = str(m, "issuer", ctx);
      String subject = str(m, "subject", ctx);
      String regexp = str(m, "subject_regexp", ctx);
      KeylessIdentity id = new KeylessIdentity(issuer, subject, regexp);
      if (id.issuer().isEmpty()) {
        throw ctx.error(
            item,
            "keyless identity needs an issuer (the OIDC issuer URL, e.g."
                + " https://token.actions.githubusercontent.com)");
      }
      if (!id.subject().isEmpty() && !id.subjectRegexp().isEmpty()) {
        throw ctx.error(
            item,
            "keyless identity for issuer "
                + id.issuer()
                + " sets both subject and subject_regexp; they are mutually exclusive: keep"
                + " subject for an exact match or subject_regexp for a pattern");
      }
      if (id.subject().isEmpty() && id.subjectRegexp().isEmpty()) {
        throw ctx.error(
            item,
            "keyless identity for issuer "
                + id.issuer()
                + " has neither subject nor subject_regexp; it would accept any signer of that"
                + " issuer: add subject (exact) or subject_regexp (pattern)");
      }
      if (!id.subjectRegexp().isEmpty()) {
        try {
          Pattern.compile(id.subjectRegexp());
        } catch (PatternSyntaxException e) {
          throw ctx.error(
              m.containsKey("subject_regexp") ? m.get("subject_regexp").value() : item,
              "invalid subject_regexp \""
                  + id.subjectRegexp()
                  + "\": "
                  + e.getDescription()
                  + " near index "
                  + e.getIndex());
        }
      }
      out.add(id);
    }
    return out;
  }

  private static String str(Map<String, Entry> m, String key, Ctx ctx) {
    Entry e = m.get(key);
    return e == null ? "" : ctx.string(e.value(), key);
  }

  /** A per-deployment {@code oci:} block (verify, public_keys, keyless_identities, ignore_tlog). */
  static TrustPolicyOverride override(Node v, Ctx ctx) {
    if (Yaml.isNull(v)) {
      return TrustPolicyOverride.NONE;
    }
    Map<String, Entry> m = ctx.mapping(v, "oci trust override (a mapping)");
    ctx.warnUnknown(m, OVERRIDE_KEYS, "oci");
    Boolean verify = null;
    Boolean ignoreTlog = null;
    List<String> keys = List.of();
    List<KeylessIdentity> identities = List.of();
    for (Entry e : m.values()) {
      Node val = e.value();
      switch (e.key()) {
        case "verify" -> verify = Yaml.isNull(val) ? null : ctx.bool(val, "oci.verify");
        case "ignore_tlog" ->
            ignoreTlog = Yaml.isNull(val) ? null : ctx.bool(val, "oci.ignore_tlog");
        case "public_keys" -> keys = trimKeys(ctx.stringList(val, "oci.public_keys"));
        case "keyless_identities" -> identities = identities(val, ctx, "oci.keyless_identities");
        default -> {
          // warned
        }
      }
    }
    return new TrustPolicyOverride(verify, keys, identities, ignoreTlog);
  }
}
