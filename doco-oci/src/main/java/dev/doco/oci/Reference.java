package dev.doco.oci;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A parsed, validated OCI reference: {@code registry/repository[:tag][@digest]}.
 *
 * <p>Normalisation follows go-containerregistry's weak validation (what doco-cd, Flux and cosign
 * users expect): a missing registry means Docker Hub; Docker Hub's aliases ({@code docker.io},
 * {@code index.docker.io}, {@code registry-1.docker.io}, {@code registry.hub.docker.com}) become
 * {@code index.docker.io}; single-component Hub repositories get {@code library/}; a missing tag
 * means {@code latest} (unless a digest is given); the first path component is a registry only when
 * it is {@code localhost} or contains a {@code .} or {@code :}; in {@code repo:tag@digest} both are
 * kept and the digest is what gets fetched. Validation is the stricter distribution grammar
 * (lowercase path components separated by {@code .}, {@code _}, {@code __} or dashes; tags {@code
 * [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}}; {@code sha256} and {@code sha512} digests), and a failure
 * names the bad part. A leading {@code oci://} is stripped. The registry's case is kept.
 *
 * <pre>{@code
 * Reference ref = Reference.parse("ghcr.io/acme/cfg:main");
 * ref.registry();   // "ghcr.io"
 * ref.repository(); // "acme/cfg"
 * ref.tag();        // Optional["main"]
 * }</pre>
 *
 * @param registry the registry host[:port], Docker Hub canonicalised to {@code index.docker.io}
 * @param repository the repository path, e.g. {@code library/alpine}
 * @param tag the tag, or null when the reference names only a digest
 * @param digest the digest ({@code sha256:<64 hex>} or {@code sha512:<128 hex>}), or null
 */
public record Reference(
    String registry, String repository, @Nullable String tag, @Nullable String digest) {

  /** Docker Hub's canonical registry name (ggcr's {@code DefaultRegistry}). */
  public static final String DOCKER_HUB = "index.docker.io";

  /** Docker Hub's API host. */
  public static final String DOCKER_HUB_API = "registry-1.docker.io";

  /** Docker Hub's key in {@code config.json} and for credential helpers. */
  public static final String DOCKER_HUB_CREDENTIAL_KEY = "https://index.docker.io/v1/";

  /** The tag used when a reference has neither tag nor digest. */
  public static final String DEFAULT_TAG = "latest";

  private static final Set<String> HUB_ALIASES =
      Set.of("docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com");

  private static final Pattern PATH_COMPONENT =
      Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern DOMAIN_COMPONENT =
      Pattern.compile("(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])");
  private static final Pattern IPV6 = Pattern.compile("\\[[a-fA-F0-9:.%]+\\]");
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
  private static final Pattern SHA256 = Pattern.compile("[a-f0-9]{64}");
  private static final Pattern SHA512 = Pattern.compile("[a-f0-9]{128}");
  private static final int NAME_MAX = 255;

  /** Validates the components; prefer {@link #parse(String)}. */
  public Reference {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    String original = registry + "/" + repository;
    checkRegistry(registry, original);
    checkRepository(repository, original);
    if (tag != null) {
      checkTag(tag, original);
    }
    if (digest != null) {
      checkDigest(digest, original);
    }
  }

  /**
   * Parses {@code text} (see the class comment for the rules).
   *
   * @throws InvalidReferenceException naming the bad part and what a valid one looks like
   */
  public static Reference parse(String text) {
    Objects.requireNonNull(text, "text");
    String s = text;
    if (s.startsWith("oci://")) {
      s = s.substring("oci://".length());
    }
    if (s.isEmpty()) {
      throw new InvalidReferenceException(
          text, "it is empty; expected something like ghcr.io/org/repo:tag");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new InvalidReferenceException(
            text, "it contains whitespace or a control character at position " + i);
      }
    }
    if (s.contains("://")) {
      throw new InvalidReferenceException(
          text,
          "it contains a URL scheme '"
              + s.substring(0, s.indexOf("://") + 3)
              + "'; write the reference without it (only oci:// is accepted and stripped)");
    }
    String digest = null;
    int at = s.indexOf('@');
    if (at >= 0) {
      if (s.lastIndexOf('@') != at) {
        throw new InvalidReferenceException(text, "it contains more than one '@'");
      }
      digest = s.substring(at + 1);
      s = s.substring(0, at);
      checkDigest(digest, text);
    }
    String tag = null;
    int colon = s.lastIndexOf(':');
    if (colon > s.lastIndexOf('/')) { // a ':' after the last '/' starts the tag
      tag = s.substring(colon + 1);
      s = s.substring(0, colon);
      if (tag.isEmpty()) {
        throw new InvalidReferenceException(
            text, "the tag after ':' is empty; write name:tag or leave the ':' out");
      }
      checkTag(tag, text);
    }
    if (s.isEmpty()) {
      throw new InvalidReferenceException(text, "the repository name is empty");
    }
    String registry;
    String repository;
    int slash = s.indexOf('/');
    String first = s.substring(0, Math.max(0, slash)); // "" without a '/'
    if (first.equals("localhost") || first.contains(".") || first.contains(":")) {
      registry = first;
      repository = s.substring(slash + 1);
    } else {
      registry = DOCKER_HUB;
      repository = s;
    }
    checkRegistry(registry, text);
    if (HUB_ALIASES.contains(registry.toLowerCase(Locale.ROOT))) {
      registry = DOCKER_HUB;
    }
    checkRepository(repository, text);
    if (registry.equals(DOCKER_HUB) && !repository.contains("/")) {
      repository = "library/" + repository;
    }
    if (tag == null && digest == null) {
      tag = DEFAULT_TAG;
    }
    if (registry.length() + 1 + repository.length() > NAME_MAX) {
      throw new InvalidReferenceException(
          text, "the name is longer than " + NAME_MAX + " characters");
    }
    return new Reference(registry, repository, tag, digest);
  }

  private static void checkRegistry(String registry, String text) {
    if (registry.isEmpty()) {
      throw new InvalidReferenceException(text, "the registry is empty");
    }
    String host = registry;
    String port = null;
    if (registry.startsWith("[")) {
      int end = registry.indexOf(']');
      if (end == -1) {
        throw new InvalidReferenceException(
            text, "registry '" + registry + "' has an unclosed IPv6 '['");
      }
      host = registry.substring(0, end + 1);
      String rest = registry.substring(end + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new InvalidReferenceException(
              text, "registry '" + registry + "' has junk after the IPv6 address");
        }
        port = rest.substring(1);
      }
      if (!IPV6.matcher(host).matches()) {
        throw new InvalidReferenceException(
            text, "registry '" + registry + "' is not a valid IPv6 address");
      }
    } else {
      int c = registry.indexOf(':');
      if (c >= 0) {
        host = registry.substring(0, c);
        port = registry.substring(c + 1);
      }
      if (host.isEmpty()) {
        throw new InvalidReferenceException(
            text, "registry '" + registry + "' has no host before the ':'");
      }
      for (String part : host.split("\\.", -1)) {
        if (!DOMAIN_COMPONENT.matcher(part).matches()) {
          throw new InvalidReferenceException(
              text,
              "registry '"
                  + registry
                  + "' has an invalid host part '"
                  + part
                  + "' (letters, digits and inner dashes only)");
        }
      }
    }
    if (port != null) {
      if (!PORT.matcher(port).matches() || Integer.parseInt(port) == 0) {
        throw new InvalidReferenceException(
            text, "registry '" + registry + "' has an invalid port '" + port + "'");
      }
      if (Integer.parseInt(port) > 65535) {
        throw new InvalidReferenceException(
            text, "registry '" + registry + "' has a port above 65535");
      }
    }
  }

  private static void checkRepository(String repository, String text) {
    if (repository.isEmpty()) {
      throw new InvalidReferenceException(text, "the repository path is empty");
    }
    for (String component : repository.split("/", -1)) {
      if (component.isEmpty()) {
        throw new InvalidReferenceException(
            text,
            "repository '"
                + repository
                + "' has an empty path component (leading, trailing or //)");
      }
      if (!PATH_COMPONENT.matcher(component).matches()) {
        String why =
            component.chars().anyMatch(Character::isUpperCase)
                ? "repository names must be lowercase"
                : "path components are lowercase letters and digits, separated by '.', '_', '__'"
                    + " or dashes, starting and ending with a letter or digit";
        throw new InvalidReferenceException(
            text,
            "repository path component '"
                + component
                + "' of '"
                + repository
                + "' is invalid: "
                + why);
      }
    }
  }

  private static void checkTag(String tag, String text) {
    if (!TAG.matcher(tag).matches()) {
      throw new InvalidReferenceException(
          text,
          "tag '"
              + tag
              + "' is invalid: tags are 1-128 characters of letters, digits, '_', '.' and '-',"
              + " not starting with '.' or '-'");
    }
  }

  private static void checkDigest(String digest, String text) {
    int c = digest.indexOf(':');
    if (c < 0) {
      throw new InvalidReferenceException(
          text, "digest '" + digest + "' has no algorithm; expected sha256:<64 hex digits>");
    }
    String alg = digest.substring(0, c);
    String hex = digest.substring(c + 1);
    switch (alg) {
      case "sha256" -> {
        if (!SHA256.matcher(hex).matches()) {
          throw new InvalidReferenceException(
              text,
              "digest '" + digest + "' is invalid: sha256 needs exactly 64 lowercase hex digits");
        }
      }
      case "sha512" -> {
        if (!SHA512.matcher(hex).matches()) {
          throw new InvalidReferenceException(
              text,
              "digest '" + digest + "' is invalid: sha512 needs exactly 128 lowercase hex digits");
        }
      }
      default ->
          throw new InvalidReferenceException(
              text,
              "digest algorithm '" + alg + "' is not supported; use sha256 (or sha512) digests");
    }
  }

  /** The tag, if any (absent only for digest-only references). */
  public Optional<String> tagValue() {
    return Optional.ofNullable(tag);
  }

  /** The digest, if any. */
  public Optional<String> digestValue() {
    return Optional.ofNullable(digest);
  }

  /** What to fetch: the digest when present (it wins over the tag), else the tag. */
  public String identifier() {
    if (digest != null) {
      return digest;
    }
    return tag != null ? tag : DEFAULT_TAG;
  }

  /** {@code registry/repository}, e.g. {@code index.docker.io/library/alpine}. */
  public String name() {
    return registry + "/" + repository;
  }

  /** The host[:port] to talk to: Docker Hub's API host for Hub, else {@link #registry()}. */
  public String apiHost() {
    return registry.equals(DOCKER_HUB) ? DOCKER_HUB_API : registry;
  }

  /** The key under which {@code config.json} and credential helpers store this registry. */
  public String credentialKey() {
    return registry.equals(DOCKER_HUB) ? DOCKER_HUB_CREDENTIAL_KEY : registry;
  }

  /** The same repository at {@code newDigest}; the tag is kept for display. */
  public Reference withDigest(String newDigest) {
    return new Reference(registry, repository, tag, newDigest);
  }

  /** The same repository at {@code newTag}, without a digest. */
  public Reference withTag(String newTag) {
    return new Reference(registry, repository, newTag, null);
  }

  /** Another repository on the same registry. */
  public Reference withRepository(String newRepository) {
    return new Reference(registry, newRepository, tag, digest);
  }

  /** The token scope for {@code actions}, e.g. {@code repository:library/alpine:pull}. */
  public String scope(String actions) {
    return "repository:" + repository + ":" + actions;
  }

  /** {@code registry/repository[:tag][@digest]}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(name());
    if (tag != null) {
      b.append(':').append(tag);
    }
    if (digest != null) {
      b.append('@').append(digest);
    }
    return b.toString();
  }
}
