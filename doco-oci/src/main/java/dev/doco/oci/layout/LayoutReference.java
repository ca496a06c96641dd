package dev.doco.oci.layout;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A reference to an artifact in an OCI image layout: {@code oci-layout:PATH[:TAG|@DIGEST]} (also
 * {@code oci-layout://PATH...}). Like skopeo's {@code oci:} transport, {@code @N} (a number)
 * selects the N-th entry of {@code index.json}; without tag or digest the layout must hold exactly
 * one manifest.
 *
 * @param path the layout directory (absolute, normalised)
 * @param tag the tag ({@code org.opencontainers.image.ref.name}), or null
 * @param digest the manifest digest, or null
 * @param index the {@code index.json} position, or -1
 */
public record LayoutReference(Path path, @Nullable String tag, @Nullable String digest, int index) {
  /** The scheme prefix. */
  public static final String SCHEME = "oci-layout:";

  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
  private static final Pattern DIGEST = Pattern.compile("sha(256:[a-f0-9]{64}|512:[a-f0-9]{128})");

  /**
   * Parses {@code oci-layout:PATH[:TAG|@DIGEST|@N]}.
   *
   * @throws IllegalArgumentException with what is wrong and the expected form
   */
  public static LayoutReference parse(String reference) {
    if (!reference.startsWith(SCHEME)) {
      throw new IllegalArgumentException(
          "'" + reference + "' is not an OCI layout reference: expected oci-layout:PATH[:TAG]");
    }
    String rest = reference.substring(SCHEME.length());
    if (rest.startsWith("//")) {
      rest = rest.substring(2);
    }
    String tag = null;
    String digest = null;
    int index = -1;
    int at = rest.lastIndexOf('@');
    int slash = rest.lastIndexOf('/');
    if (at > slash && at >= 0) {
      String sel = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (DIGEST.matcher(sel).matches()) {
        digest = sel;
      } else if (sel.matches("[0-9]{1,6}")) {
        index = Integer.parseInt(sel);
      } else {
        throw new IllegalArgumentException(
            "'"
                + reference
                + "': '"
                + sel
                + "' is neither a sha256/sha512 digest nor an index.json position");
      }
    } else {
      int colon = rest.lastIndexOf(':');
      if (colon > slash && colon >= 0) {
        String t = rest.substring(colon + 1);
        rest = rest.substring(0, colon);
        if (!TAG.matcher(t).matches()) {
          throw new IllegalArgumentException(
              "'" + reference + "': '" + t + "' is not a valid tag ([A-Za-z0-9_][A-Za-z0-9._-]*)");
        }
        tag = t;
      }
    }
    if (rest.isEmpty()) {
      throw new IllegalArgumentException(
          "'" + reference + "' names no directory: expected oci-layout:PATH[:TAG]");
    }
    return new LayoutReference(Path.of(rest).toAbsolutePath().normalize(), tag, digest, index);
  }

  /** The tag, when one was given. */
  public Optional<String> tagValue() {
    return Optional.ofNullable(tag);
  }

  /** {@code oci-layout:/abs/path}: the repository name of revisions from this layout. */
  public String repository() {
    return SCHEME + path;
  }

  /** The tag, digest or {@code @N} selector as written, or {@code ""} when none. */
  public String selector() {
    if (digest != null) {
      return digest;
    }
    if (tag != null) {
      return tag;
    }
    return index >= 0 ? "@" + index : "";
  }
}
