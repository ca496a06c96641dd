package dev.doco.core.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The little doco-cd does with a poll entry's OCI {@code url} at load time: check it parses (as
 * go-containerregistry's {@code name.ParseReference} with weak validation) and take its identifier
 * (the tag, default {@code latest}, or the digest). The full parser lives in doco-oci; core cannot
 * depend on it.
 */
final class ArtifactRefs {
  private static final Pattern URL_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://");
  private static final String REPOSITORY_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_-./";
  private static final Pattern TAG = Pattern.compile("[\\w.-]{1,128}");
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern REGISTRY =
      Pattern.compile(
          "[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?(:[0-9]{1,5})?|\\[[0-9a-fA-F:]+\\](:[0-9]{1,5})?");

  private ArtifactRefs() {}

  /** The part a registry reference parser should see: {@code oci://} removed. */
  private static String bare(String url) {
    return url.startsWith("oci://") ? url.substring("oci://".length()) : url;
  }

  /** True when the url names another source (a plugin scheme or a local OCI layout). */
  static boolean isForeign(String url) {
    return url.startsWith("oci-layout:")
        || (!url.startsWith("oci://") && URL_SCHEME.matcher(url).find());
  }

  /** The tag (default {@code latest}) or the digest ({@code sha256:...}) of {@code url}. */
  static String identifier(String url) {
    String s = bare(url);
    if (s.startsWith("oci-layout:")) {
      s = s.substring("oci-layout:".length());
    } else {
      var m = URL_SCHEME.matcher(s);
      if (m.find()) {
        s = s.substring(m.end());
      }
    }
    int at = s.lastIndexOf('@');
    if (at >= 0) {
      return s.substring(at + 1);
    }
    int slash = s.lastIndexOf('/');
    int colon = s.lastIndexOf(':');
    if (colon > slash) {
      return s.substring(colon + 1);
    }
    return "latest";
  }

  /** Why {@code url} is not a valid registry reference, or empty when it is. */
  static Optional<String> problem(String url) {
    if (isForeign(url)) {
      return Optional.empty();
    }
    String s = bare(url);
    if (s.isEmpty()) {
      return Optional.of("empty reference");
    }
    String base = s;
    int at = s.indexOf('@');
    if (at >= 0) {
      String digest = s.substring(at + 1);
      if (!DIGEST.matcher(digest).matches()) {
        return Optional.of("a digest must be sha256: followed by 64 lower-case hex digits");
      }
      base = s.substring(0, at);
    }
    int slash = base.lastIndexOf('/');
    int colon = base.lastIndexOf(':');
    if (colon > slash) {
      String tag = base.substring(colon + 1);
      if (!TAG.matcher(tag).matches()) {
        return Optional.of(
            "tag \"" + tag + "\" may contain only letters, digits, _ . - (at most 128)");
      }
      base = base.substring(0, colon);
    }
    String repo = base;
    int first = base.indexOf('/');
    if (first >= 0) {
      String host = base.substring(0, first);
      if (host.contains(".") || host.contains(":") || host.equals("localhost")) {
        if (!REGISTRY.matcher(host).matches()) {
          return Optional.of("registry \"" + host + "\" is not a valid host[:port]");
        }
        repo = base.substring(first + 1);
      }
    }
    if (repo.length() < 2 || repo.length() > 255) {
      return Optional.of("repository \"" + repo + "\" must be 2 to 255 characters");
    }
    for (int i = 0; i < repo.length(); i++) {
      if (REPOSITORY_CHARS.indexOf(repo.charAt(i)) < 0) {
        return Optional.of(
            "repository \"" + repo + "\" may contain only lower-case letters, digits and _ - . /");
      }
    }
    return Optional.empty();
  }
}
