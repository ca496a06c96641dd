package dev.doco.oci.internal.http;

import dev.doco.core.ConfigException;
import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which registries may be spoken to over plain HTTP: loopback and localhost always, plus the
 * entries of doco-cd's {@code OCI_INSECURE_REGISTRIES} ({@code host[:port],...}).
 */
public final class InsecureRegistries {
  /** The setting name doco-cd uses. */
  public static final String SETTING = "OCI_INSECURE_REGISTRIES";

  private static final Pattern HOST = Pattern.compile("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]+\\]");

  private final Set<String> entries;

  private InsecureRegistries(Set<String> entries) {
    this.entries = Set.copyOf(entries);
  }

  /** Only loopback and localhost. */
  public static InsecureRegistries loopbackOnly() {
    return new InsecureRegistries(Set.of());
  }

  /**
   * Parses doco-cd's format: comma-separated {@code host[:port]}, trimmed, lower-cased,
   * de-duplicated; anything with {@code / ? # @}, an empty port, port 0 or above 65535 is refused.
   *
   * @throws ConfigException naming the bad entry
   */
  public static InsecureRegistries parse(String csv) {
    Set<String> out = new LinkedHashSet<>();
    for (String raw : csv.split(",", -1)) {
      String e = raw.trim().toLowerCase(Locale.ROOT);
      if (e.isEmpty()) {
        continue;
      }
      out.add(validate(e, raw.trim()));
    }
    return new InsecureRegistries(out);
  }

  private static String validate(String e, String raw) {
    String expected =
        "failed to parse "
            + SETTING
            + ": invalid OCI insecure registry \""
            + raw
            + "\": expected host[:port]";
    if (e.chars().anyMatch(c -> c == '/' || c == '?' || c == '#' || c == '@')) {
      throw new ConfigException(expected + " (no scheme, path, query or user)", SETTING, -1, -1);
    }
    String host = e;
    String port = null;
    if (e.startsWith("[")) {
      int end = e.indexOf(']');
      if (end < 0) {
        throw new ConfigException(expected, SETTING, -1, -1);
      }
      host = e.substring(0, end + 1);
      String rest = e.substring(end + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new ConfigException(expected, SETTING, -1, -1);
        }
        port = rest.substring(1);
      }
      if (!IPV6.matcher(host).matches()) {
        throw new ConfigException(expected, SETTING, -1, -1);
      }
    } else {
      int c = e.indexOf(':');
      if (c >= 0) {
        host = e.substring(0, c);
        port = e.substring(c + 1);
      }
      if (!HOST.matcher(host).matches()) {
        throw new ConfigException(expected, SETTING, -1, -1);
      }
    }
    if (port != null) {
      int p;
      try {
        p = port.isEmpty() || port.length() > 5 ? -1 : Integer.parseInt(port);
      } catch (NumberFormatException ex) {
        p = -1;
      }
      if (p < 1 || p > 65535) {
        throw new ConfigException(
            "failed to parse "
                + SETTING
                + ": invalid OCI insecure registry \""
                + raw
                + "\": invalid port",
            SETTING,
            -1,
            -1);
      }
    }
    return e;
  }

  /** The listed entries (normalised). */
  public Set<String> entries() {
    return entries;
  }

  /**
   * True when plain HTTP is allowed for {@code registry} ({@code host[:port]}): a listed entry
   * (exact, or the host alone when the entry has no port), localhost, {@code *.localhost}, or a
   * loopback IP literal.
   */
  public boolean allows(String registry) {
    String r = registry.toLowerCase(Locale.ROOT);
    if (entries.contains(r)) {
      return true;
    }
    String host = hostOf(r);
    if (entries.contains(host)) {
      return true;
    }
    return isLoopback(host);
  }

  /** The host part of {@code host[:port]} (IPv6 keeps its brackets). */
  public static String hostOf(String registry) {
    if (registry.startsWith("[")) {
      int end = registry.indexOf(']');
      return end < 0 ? registry : registry.substring(0, end + 1);
    }
    int c = registry.indexOf(':');
    return c < 0 ? registry : registry.substring(0, c);
  }

  /** localhost, {@code *.localhost}, or a loopback IP literal. */
  public static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return true;
    }
    return IpLiterals.isIpLiteral(h) && IpLiterals.parse(h).isLoopbackAddress();
  }

  /** IP literal helpers that never do DNS lookups. */
  public static final class IpLiterals {
    private static final Pattern V4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    private IpLiterals() {}

    /** True for dotted IPv4 or (bracketed or bare) IPv6 literals. */
    public static boolean isIpLiteral(String host) {
      String h = strip(host);
      return V4.matcher(h).matches() || (h.contains(":") && h.matches("[0-9a-fA-F:.]+"));
    }

    /** Parses a literal (no DNS: callers check {@link #isIpLiteral} first). */
    public static InetAddress parse(String host) {
      try {
        return InetAddress.getByName(strip(host));
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException("not an IP literal: " + host, e);
      }
    }

    /** True for loopback, private (RFC 1918 / ULA), link-local or unspecified literals. */
    public static boolean isInternal(String host) {
      if (!isIpLiteral(host)) {
        return false;
      }
      InetAddress a = parse(host);
      byte[] b = a.getAddress();
      boolean ula = b.length == 16 && (b[0] & 0xfe) == 0xfc;
      return a.isLoopbackAddress()
          || a.isSiteLocalAddress()
          || a.isLinkLocalAddress()
          || a.isAnyLocalAddress()
          || ula;
    }

    private static String strip(String host) {
      return host.startsWith("[") && host.endsWith("]")
          ? host.substring(1, host.length() - 1)
          : host;
    }
  }
}
