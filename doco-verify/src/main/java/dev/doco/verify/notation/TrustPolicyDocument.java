package dev.doco.verify.notation;

import dev.doco.core.ConfigException;
import dev.doco.verify.notation.Level.Action;
import dev.doco.verify.notation.Level.Check;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Notation's OCI trust policy ({@code trustpolicy.oci.json}, or the older {@code
 * trustpolicy.json}), version 1.0, validated as notation-go does.
 */
record TrustPolicyDocument(String origin, List<TrustPolicyDocument.Statement> statements) {

  static final String OCI_FILE = "trustpolicy.oci.json";
  static final String LEGACY_FILE = "trustpolicy.json";

  private static final Pattern STORE_NAME = Pattern.compile("[a-zA-Z0-9_.-]+");
  private static final Pattern SCOPE =
      Pattern.compile(
          "[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]+)?"
              + "(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)+");

  /** A named trust store reference such as {@code ca:acme-rockets}. */
  record StoreRef(String type, String name) {
    @Override
    public String toString() {
      return type + ":" + name;
    }
  }

  /**
   * One trust policy statement.
   *
   * @param actions the effective action per check (level defaults plus {@code override})
   * @param verifyTimestamp {@code always} or {@code afterCertExpiry}
   * @param identities parsed {@code x509.subject} DNs, in policy order; empty with {@code
   *     anyIdentity}
   */
  record Statement(
      String name,
      List<String> registryScopes,
      Level level,
      Map<Check, Action> actions,
      String verifyTimestamp,
      List<StoreRef> trustStores,
      List<String> trustedIdentities,
      List<Map<String, String>> identities,
      boolean anyIdentity) {

    Statement {
      registryScopes = List.copyOf(registryScopes);
      actions = Map.copyOf(actions);
      trustStores = List.copyOf(trustStores);
      trustedIdentities = List.copyOf(trustedIdentities);
      identities = List.copyOf(identities);
    }

    Action action(Check check) {
      Action a = actions.get(check);
      return a == null ? level.defaultAction(check) : a;
    }

    List<StoreRef> stores(String type) {
      return trustStores.stream().filter(s -> s.type().equals(type)).toList();
    }

    /** A short description for results: {@code "wabbit" (strict)}. */
    String describe() {
      return "\"" + name + "\" (" + level.key() + ")";
    }
  }

  TrustPolicyDocument {
    statements = List.copyOf(statements);
  }

  /**
   * Loads the policy from a file, or from a directory holding {@value #OCI_FILE} or {@value
   * #LEGACY_FILE}.
   */
  static TrustPolicyDocument load(Path fileOrDirectory) {
    Path file = fileOrDirectory;
    if (Files.isDirectory(fileOrDirectory)) {
      file = fileOrDirectory.resolve(OCI_FILE);
      if (!Files.exists(file)) {
        file = fileOrDirectory.resolve(LEGACY_FILE);
      }
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          "Notation trust policy file not found; point notation.trust_policy at a "
              + OCI_FILE
              + " (or "
              + LEGACY_FILE
              + ") file or its directory",
          file.toString(),
          -1,
          -1);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot read the Notation trust policy: " + e.getMessage(), file.toString(), -1, -1, e);
    }
    try {
      return parse(bytes, file.toString());
    } catch (Malformed e) {
      throw new ConfigException(
          "invalid Notation trust policy: " + e.getMessage(), file.toString(), -1, -1, e);
    }
  }

  static TrustPolicyDocument parse(byte[] json, String origin) throws Malformed {
    Map<String, Object> top = Json.object(json, "trust policy");
    String version = Json.string(top, "version", "trust policy");
    if (!version.equals("1.0")) {
      throw new Malformed(
          "trust policy version \"" + version + "\" is not supported (use \"1.0\")");
    }
    Object raw = top.get("trustPolicies");
    if (!(raw instanceof List<?> list) || list.isEmpty()) {
      throw new Malformed("trust policy has no \"trustPolicies\" statements");
    }
    List<Statement> statements = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> scopes = new HashSet<>();
    boolean global = false;
    for (Object o : list) {
      if (!(o instanceof Map<?, ?>)) {
        throw new Malformed("every entry of \"trustPolicies\" must be an object");
      }
      @SuppressWarnings("unchecked")
      Statement s = statement((Map<String, Object>) o);
      if (!names.add(s.name())) {
        throw new Malformed("more than one trust policy statement is named \"" + s.name() + "\"");
      }
      for (String scope : s.registryScopes()) {
        if (scope.equals("*")) {
          if (global) {
            throw new Malformed("more than one trust policy statement uses the global scope \"*\"");
          }
          global = true;
          if (s.level() == Level.SKIP) {
            throw new Malformed(
                "statement \""
                    + s.name()
                    + "\": the global scope \"*\" cannot use level skip; list the repositories"
                    + " to skip explicitly");
          }
        } else if (!scopes.add(scope)) {
          throw new Malformed(
              "registry scope \"" + scope + "\" appears in more than one trust policy statement");
        }
      }
      statements.add(s);
    }
    return new TrustPolicyDocument(origin, statements);
  }

  private static Statement statement(Map<String, Object> m) throws Malformed {
    String name = Json.optString(m, "name", "trust policy statement");
    if (name == null || name.isBlank()) {
      throw new Malformed("a trust policy statement has no \"name\"");
    }
    String what = "statement \"" + name + "\"";
    List<String> scopes = Json.optStrings(m, "registryScopes", what);
    if (scopes == null || scopes.isEmpty()) {
      throw new Malformed(what + ": \"registryScopes\" is missing or empty");
    }
    if (scopes.contains("*") && scopes.size() > 1) {
      throw new Malformed(what + ": the global scope \"*\" must be the only registry scope");
    }
    for (String scope : scopes) {
      if (!scope.equals("*") && !SCOPE.matcher(scope).matches()) {
        throw new Malformed(
            what
                + ": registry scope \""
                + scope
                + "\" must be a fully qualified repository (registry/namespace/repo, no tag or"
                + " digest, no wildcards) or \"*\"");
      }
    }
    Map<String, Object> sv = Json.object(m, "signatureVerification", what);
    String levelName = Json.string(sv, "level", what + " signatureVerification");
    Level level;
    try {
      level = Level.valueOf(levelName.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Malformed(
          what + ": unknown level \"" + levelName + "\" (strict, permissive, audit or skip)");
    }
    Map<Check, Action> actions = new EnumMap<>(Check.class);
    for (Check c : Check.values()) {
      actions.put(c, level.defaultAction(c));
    }
    Map<String, Object> override = Json.optObject(sv, "override", what + " signatureVerification");
    if (override != null && !override.isEmpty()) {
      if (level == Level.SKIP) {
        throw new Malformed(what + ": level skip cannot be customised with \"override\"");
      }
      for (Map.Entry<String, Object> e : override.entrySet()) {
        Check check = checkByKey(e.getKey(), what);
        if (!(e.getValue() instanceof String v)) {
          throw new Malformed(what + ": override of " + e.getKey() + " must be a string");
        }
        Action a;
        try {
          a = Action.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException ex) {
          throw new Malformed(what + ": override value \"" + v + "\" is not enforce, log or skip");
        }
        if (a == Action.SKIP && check != Check.REVOCATION) {
          throw new Malformed(
              what + ": only revocation can be overridden to skip (" + e.getKey() + ")");
        }
        actions.put(check, a);
      }
    }
    String verifyTimestamp = Json.optString(sv, "verifyTimestamp", what);
    if (verifyTimestamp == null || verifyTimestamp.isEmpty()) {
      verifyTimestamp = "always";
    }
    if (!verifyTimestamp.equals("always") && !verifyTimestamp.equals("afterCertExpiry")) {
      throw new Malformed(
          what + ": verifyTimestamp \"" + verifyTimestamp + "\" is not always or afterCertExpiry");
    }
    List<String> storesRaw = Json.optStrings(m, "trustStores", what);
    List<String> identitiesRaw = Json.optStrings(m, "trustedIdentities", what);
    storesRaw = storesRaw == null ? List.of() : storesRaw;
    identitiesRaw = identitiesRaw == null ? List.of() : identitiesRaw;
    if (level == Level.SKIP) {
      if (!storesRaw.isEmpty() || !identitiesRaw.isEmpty()) {
        throw new Malformed(
            what
                + " is set to skip signature verification but configures trust stores or trusted"
                + " identities; remove them");
      }
    } else {
      if (storesRaw.isEmpty()) {
        throw new Malformed(what + ": \"trustStores\" is missing or empty");
      }
      if (identitiesRaw.isEmpty()) {
        throw new Malformed(what + ": \"trustedIdentities\" is missing or empty");
      }
    }
    List<StoreRef> stores = new ArrayList<>();
    for (String s : storesRaw) {
      stores.add(storeRef(s, what));
    }
    boolean any = false;
    List<Map<String, String>> dns = new ArrayList<>();
    for (String id : identitiesRaw) {
      if (id.equals("*")) {
        if (identitiesRaw.size() > 1) {
          throw new Malformed(what + ": the wildcard trusted identity \"*\" must be the only one");
        }
        any = true;
        continue;
      }
      String[] prefixAndDn = id.split(":", 2);
      if (prefixAndDn.length != 2 || !prefixAndDn[0].trim().equals("x509.subject")) {
        throw new Malformed(
            what + ": trusted identity \"" + id + "\" must be \"*\" or \"x509.subject: <DN>\"");
      }
      Map<String, String> dn;
      try {
        dn = DistinguishedName.parse(prefixAndDn[1].trim());
      } catch (Malformed e) {
        throw new Malformed(what + ": trusted identity \"" + id + "\": " + e.getMessage(), e);
      }
      if (!dn.containsKey("C") || !dn.containsKey("ST") || !dn.containsKey("O")) {
        throw new Malformed(
            what + ": trusted identity \"" + id + "\" must contain at least C, ST (or S) and O");
      }
      if (dns.contains(dn)) {
        throw new Malformed(what + ": trusted identity \"" + id + "\" is listed twice");
      }
      dns.add(dn);
    }
    return new Statement(
        name, scopes, level, actions, verifyTimestamp, stores, identitiesRaw, dns, any);
  }

  private static Check checkByKey(String key, String what) throws Malformed {
    if (key.equals(Check.INTEGRITY.key)) {
      throw new Malformed(what + ": integrity cannot be overridden");
    }
    for (Check c : Check.values()) {
      if (c.key.equals(key)) {
        return c;
      }
    }
    throw new Malformed(
        what
            + ": unknown override \""
            + key
            + "\" (authenticity, authenticTimestamp, expiry or revocation)");
  }

  private static StoreRef storeRef(String s, String what) throws Malformed {
    String[] typeAndName = s.split(":", 2);
    if (typeAndName.length != 2
        || !Set.of("ca", "signingAuthority", "tsa").contains(typeAndName[0])
        || !STORE_NAME.matcher(typeAndName[1]).matches()) {
      throw new Malformed(
          what
              + ": trust store \""
              + s
              + "\" must be ca:NAME, signingAuthority:NAME or tsa:NAME (NAME of letters, digits,"
              + " '_', '.', '-')");
    }
    return new StoreRef(typeAndName[0], typeAndName[1]);
  }

  /**
   * The statement that applies to {@code repository}: an exact registry scope wins, else the global
   * {@code *} statement.
   */
  Optional<Statement> select(String repository) {
    String repo = normaliseRepository(repository);
    @Nullable Statement global = null;
    for (Statement s : statements) {
      for (String scope : s.registryScopes()) {
        if (scope.equals("*")) {
          global = s;
        } else if (normaliseRepository(scope).equals(repo)) {
          return Optional.of(s);
        }
      }
    }
    return Optional.ofNullable(global);
  }

  /** Docker Hub has several host names; compare them as one. */
  static String normaliseRepository(String repository) {
    for (String host : List.of("index.docker.io/", "registry-1.docker.io/")) {
      if (repository.startsWith(host)) {
        return "docker.io/" + repository.substring(host.length());
      }
    }
    return repository;
  }
}
