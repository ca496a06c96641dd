package dev.doco.core;

import dev.doco.core.spi.DeployerProvider;
import dev.doco.core.spi.ProviderContext;
import dev.doco.core.spi.SourceProvider;
import dev.doco.core.spi.VerifierProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The providers doco uses, found with {@link ServiceLoader} and/or registered explicitly.
 *
 * <p><b>Order</b> (deterministic): explicitly registered providers first, in registration order;
 * then discovered providers by descending {@code priority()}, then by {@code id()}. A discovered
 * provider whose id equals an earlier one is ignored (and listed in {@link #problems()}). A
 * provider that fails to load ({@link ServiceConfigurationError}, e.g. a broken jar) is reported in
 * {@link #problems()} and logged; discovery goes on.
 *
 * <pre>{@code
 * Providers providers = Providers.builder().register(new MySourceProvider()).build();
 * SourceProvider oci = providers.sourceFor("ghcr.io/acme/cfg:main");
 * }</pre>
 */
public final class Providers {
  private static final Logger LOG = LoggerFactory.getLogger(Providers.class);

  /** {@code scheme://} at the start of a reference. */
  private static final Pattern URL_SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*)://");

  /**
   * {@code scheme:} at the start of a reference (only counts when some provider declares the
   * scheme).
   */
  private static final Pattern OPAQUE_SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*):");

  /** The scheme of bare registry references. */
  public static final String DEFAULT_SCHEME = "oci";

  private final List<SourceProvider> sources;
  private final List<VerifierProvider> verifiers;
  private final List<DeployerProvider> deployers;
  private final List<String> problems;

  private Providers(
      List<SourceProvider> sources,
      List<VerifierProvider> verifiers,
      List<DeployerProvider> deployers,
      List<String> problems) {
    this.sources = List.copyOf(sources);
    this.verifiers = List.copyOf(verifiers);
    this.deployers = List.copyOf(deployers);
    this.problems = List.copyOf(problems);
  }

  /** Providers discovered with the thread context class loader (or this class's loader). */
  public static Providers discover() {
    return builder().build();
  }

  /** Providers discovered with {@code loader}. */
  public static Providers discover(ClassLoader loader) {
    return builder().classLoader(loader).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<SourceProvider> sourceProviders() {
    return sources;
  }

  public List<VerifierProvider> verifierProviders() {
    return verifiers;
  }

  public List<DeployerProvider> deployerProviders() {
    return deployers;
  }

  /** Providers that could not be loaded or were shadowed, one message each. */
  public List<String> problems() {
    return problems;
  }

  /** Opaque schemes that are always schemes, whether or not a provider is present. */
  private static final java.util.Set<String> KNOWN_OPAQUE_SCHEMES = java.util.Set.of("oci-layout");

  /** {@code host:port/...} or {@code host:port} at the start: a registry, not a scheme. */
  private static final Pattern HOST_PORT = Pattern.compile("^[a-zA-Z0-9.-]+:[0-9]+(/|$)");

  /**
   * The scheme of {@code reference}: {@code x} for {@code x://...}; {@code oci-layout} for {@code
   * oci-layout:PATH}; {@code x} for {@code x:...} when a provider declares scheme {@code x} (and
   * the text after the colon is not a port); otherwise {@link #DEFAULT_SCHEME} (a bare registry
   * reference such as {@code localhost:5000/cfg:main} or {@code ghcr.io/org/cfg:main}).
   */
  public String schemeOf(String reference) {
    var url = URL_SCHEME.matcher(reference);
    if (url.find()) {
      return url.group(1).toLowerCase(Locale.ROOT);
    }
    if (HOST_PORT.matcher(reference).find()) {
      return DEFAULT_SCHEME;
    }
    var opaque = OPAQUE_SCHEME.matcher(reference);
    if (opaque.find()) {
      String s = opaque.group(1).toLowerCase(Locale.ROOT);
      if (KNOWN_OPAQUE_SCHEMES.contains(s)) {
        return s;
      }
      for (SourceProvider p : sources) {
        if (p.schemes().contains(s)) {
          return s;
        }
      }
    }
    return DEFAULT_SCHEME;
  }

  /**
   * The first source provider (in the documented order) handling the scheme of {@code reference}.
   *
   * @throws ProviderException when none does; the message names the module to add
   */
  public SourceProvider sourceFor(String reference) {
    String scheme = schemeOf(reference);
    for (SourceProvider p : sources) {
      if (p.schemes().contains(scheme)) {
        return p;
      }
    }
    String hint =
        scheme.equals("oci") || scheme.equals("oci-layout")
            ? "add dev.doco:doco-oci to the class path"
            : "add a jar with a dev.doco.core.spi.SourceProvider for scheme '" + scheme + "'";
    throw new ProviderException(
        "no source provider for scheme '"
            + scheme
            + "' (reference "
            + reference
            + "); "
            + hint
            + describe("source providers found", sources, p -> p.id() + " " + p.schemes()));
  }

  /**
   * The deployer provider with {@code id}, or (when {@code id} is empty) the first applicable one
   * in order.
   *
   * @throws ProviderException when none matches; the message names {@code doco-compose}
   */
  public DeployerProvider deployer(String id, ProviderContext context) {
    for (DeployerProvider p : deployers) {
      if (id.isEmpty() ? p.isApplicable(context) : p.id().equals(id)) {
        return p;
      }
    }
    throw new ProviderException(
        (id.isEmpty() ? "no applicable deployer" : "no deployer with id '" + id + "'")
            + "; add dev.doco:doco-compose to the class path (ids compose and swarm)"
            + describe("deployers found", deployers, DeployerProvider::id));
  }

  /**
   * All verifier providers. When verification is enabled and this is empty, callers must refuse the
   * artifact (fail closed); {@link #requireVerifiers()} does that.
   */
  public List<VerifierProvider> requireVerifiers() {
    if (verifiers.isEmpty()) {
      throw new ProviderException(
          "signature verification is enabled but no verifier is available; refusing to deploy unverified"
              + " artifacts. Add dev.doco:doco-verify to the class path");
    }
    return verifiers;
  }

  private static <T> String describe(String what, List<T> list, Function<T, String> f) {
    return list.isEmpty()
        ? " (no " + what.replace(" found", "") + " found)"
        : " (" + what + ": " + list.stream().map(f).collect(Collectors.joining(", ")) + ")";
  }

  /**
   * Builds a {@link Providers}: explicit registrations plus (unless disabled) ServiceLoader
   * discovery.
   */
  public static final class Builder {
    private final List<SourceProvider> sources = new ArrayList<>();
    private final List<VerifierProvider> verifiers = new ArrayList<>();
    private final List<DeployerProvider> deployers = new ArrayList<>();
    private @Nullable ClassLoader loader;
    private boolean discover = true;

    private Builder() {}

    public Builder register(SourceProvider provider) {
      sources.add(provider);
      return this;
    }

    public Builder register(VerifierProvider provider) {
      verifiers.add(provider);
      return this;
    }

    public Builder register(DeployerProvider provider) {
      deployers.add(provider);
      return this;
    }

    /** The class loader for discovery (default: the thread context class loader). */
    public Builder classLoader(ClassLoader classLoader) {
      this.loader = classLoader;
      return this;
    }

    /** Whether to discover providers with ServiceLoader (default true). */
    public Builder discover(boolean enabled) {
      this.discover = enabled;
      return this;
    }

    public Providers build() {
      List<String> problems = new ArrayList<>();
      ClassLoader cl = loader;
      if (cl == null) {
        cl = Thread.currentThread().getContextClassLoader();
      }
      if (cl == null) {
        cl = Providers.class.getClassLoader();
      }
      return new Providers(
          merge(
              sources,
              discover ? load(SourceProvider.class, cl, problems) : List.of(),
              SourceProvider::id,
              SourceProvider::priority,
              problems),
          merge(
              verifiers,
              discover ? load(VerifierProvider.class, cl, problems) : List.of(),
              VerifierProvider::id,
              VerifierProvider::priority,
              problems),
          merge(
              deployers,
              discover ? load(DeployerProvider.class, cl, problems) : List.of(),
              DeployerProvider::id,
              DeployerProvider::priority,
              problems),
          problems);
    }

    /**
     * Stop discovery of one type after this many errors in a row (a loader that never advances).
     */
    private static final int MAX_CONSECUTIVE_ERRORS = 100;

    private static <T> List<T> load(Class<T> type, ClassLoader cl, List<String> problems) {
      List<T> found = new ArrayList<>();
      Iterator<T> it = ServiceLoader.load(type, cl).iterator();
      int consecutiveErrors = 0;
      while (consecutiveErrors < MAX_CONSECUTIVE_ERRORS) {
        try {
          if (!it.hasNext()) {
            break;
          }
          found.add(it.next());
          consecutiveErrors = 0;
        } catch (ServiceConfigurationError | LinkageError e) {
          consecutiveErrors++;
          String msg = "could not load a " + type.getSimpleName() + ": " + e.getMessage();
          problems.add(msg);
          LOG.warn("{} (ignored; other providers still load)", msg, e);
        }
      }
      return found;
    }

    private static <T> List<T> merge(
        List<T> explicit,
        List<T> discovered,
        Function<T, String> id,
        java.util.function.ToIntFunction<T> priority,
        List<String> problems) {
      Map<String, T> byId = new LinkedHashMap<>();
      for (T p : explicit) {
        T previous = byId.putIfAbsent(id.apply(p), p);
        if (previous != null && previous != p) {
          String msg =
              "explicitly registered provider "
                  + p.getClass().getName()
                  + " ignored: id '"
                  + id.apply(p)
                  + "' was registered before by "
                  + previous.getClass().getName();
          problems.add(msg);
          LOG.warn(msg);
        }
      }
      List<T> sorted = new ArrayList<>(discovered);
      sorted.sort(
          Comparator.comparingInt(priority)
              .reversed()
              .thenComparing(id, Comparator.naturalOrder()));
      for (T p : sorted) {
        T previous = byId.putIfAbsent(id.apply(p), p);
        if (previous != null && previous != p) {
          String msg =
              "provider "
                  + p.getClass().getName()
                  + " ignored: id '"
                  + id.apply(p)
                  + "' is already taken by "
                  + previous.getClass().getName();
          problems.add(msg);
          LOG.debug(msg);
        }
      }
      return List.copyOf(byId.values());
    }
  }

  /** The first provider of any kind with this id, for diagnostics. */
  public Optional<Object> byId(String id) {
    for (List<?> l : List.of(sources, verifiers, deployers)) {
      for (Object p : l) {
        String pid =
            p instanceof SourceProvider s
                ? s.id()
                : p instanceof VerifierProvider v ? v.id() : ((DeployerProvider) p).id();
        if (pid.equals(id)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }
}
