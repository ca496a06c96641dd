package dev.doco.core.engine.internal;

import dev.doco.core.config.PollConfig;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which artifacts a webhook may trigger: those of the poll entries, and those matching {@code
 * WEBHOOK_ALLOWED_ARTIFACTS} entries. doco-cd has no such list (any artifact its credentials can
 * read is deployed); doco refuses the rest with 403.
 *
 * <p>Matching works on normalized references: {@code oci://} dropped, registry host lower-cased,
 * Docker Hub spelled {@code docker.io} with {@code library/} for one-segment names, {@code :latest}
 * added when there is neither tag nor digest. An allow-list entry matches when it is
 *
 * <ul>
 *   <li>a reference with tag or digest: the same reference;
 *   <li>a repository without tag: any tag or digest of that repository;
 *   <li>a prefix ending in {@code /} or {@code *}: any reference starting with it.
 * </ul>
 */
public final class ArtifactAllowList {
  private final List<PollConfig> polls;
  private final List<String> entries;

  public ArtifactAllowList(List<PollConfig> polls, List<String> entries) {
    this.polls = List.copyOf(polls);
    this.entries = entries.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** True when a webhook may trigger {@code artifact}. */
  public boolean allows(String artifact) {
    String a = withDefaultTag(normalize(artifact));
    for (PollConfig p : polls) {
      if (withDefaultTag(normalize(p.url())).equals(a)) {
        return true;
      }
    }
    for (String e : entries) {
      if (matches(e, a)) {
        return true;
      }
    }
    return false;
  }

  /** The poll entry for {@code artifact} and {@code target}, whose inline configs then apply. */
  public Optional<PollConfig> pollFor(String artifact, String target) {
    String a = withDefaultTag(normalize(artifact));
    for (PollConfig p : polls) {
      if (p.target().equals(target) && withDefaultTag(normalize(p.url())).equals(a)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  static boolean matches(String entry, String normalizedArtifact) {
    if (entry.endsWith("*")) {
      return normalizedArtifact.startsWith(normalize(entry.substring(0, entry.length() - 1)));
    }
    if (entry.endsWith("/")) {
      return normalizedArtifact.startsWith(normalize(entry));
    }
    String e = normalize(entry);
    if (hasTagOrDigest(e)) {
      return withDefaultTag(e).equals(normalizedArtifact);
    }
    return repositoryOf(normalizedArtifact).equals(e);
  }

  /** Normalized spelling (see the class comment); never adds a tag. */
  static String normalize(String reference) {
    String s = reference.trim();
    if (s.startsWith("oci://")) {
      s = s.substring("oci://".length());
    }
    int slash = s.indexOf('/');
    String first = slash < 0 ? s : s.substring(0, slash);
    boolean hasRegistry =
        slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"));
    if (!hasRegistry) {
      if (slash < 0 && !s.isEmpty() && !s.endsWith("*")) {
        s = "library/" + s;
      } else if (slash < 0) {
        return s; // a bare prefix such as "acme*"
      }
      return "docker.io/" + s;
    }
    String host = first.toLowerCase(Locale.ROOT);
    if (host.equals("index.docker.io") || host.equals("registry-1.docker.io")) {
      host = "docker.io";
    }
    return host + s.substring(slash);
  }

  static boolean hasTagOrDigest(String normalized) {
    int slash = normalized.lastIndexOf('/');
    String last = normalized.substring(slash + 1);
    return last.contains(":") || last.contains("@");
  }

  static String withDefaultTag(String normalized) {
    return hasTagOrDigest(normalized) ? normalized : normalized + ":latest";
  }

  static String repositoryOf(String normalized) {
    int at = normalized.indexOf('@');
    String s = at >= 0 ? normalized.substring(0, at) : normalized;
    int slash = s.lastIndexOf('/');
    int colon = s.lastIndexOf(':');
    return colon > slash ? s.substring(0, colon) : s;
  }
}
