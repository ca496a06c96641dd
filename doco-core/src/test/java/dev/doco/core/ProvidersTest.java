package dev.doco.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.doco.core.spi.Deployer;
import dev.doco.core.spi.DeployerProvider;
import dev.doco.core.spi.ProviderContext;
import dev.doco.core.spi.Source;
import dev.doco.core.spi.SourceProvider;
import dev.doco.core.spi.Verifier;
import dev.doco.core.spi.VerifierProvider;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProvidersTest {
  @TempDir Path tmp;

  // ---- providers used by the tests (public, with public no-arg constructors, for ServiceLoader)

  public static class Src implements SourceProvider {
    private final String id;
    private final int priority;
    private final Set<String> schemes;

    public Src() {
      this("src", 0, Set.of("x"));
    }

    Src(String id, int priority, Set<String> schemes) {
      this.id = id;
      this.priority = priority;
      this.schemes = schemes;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public Set<String> schemes() {
      return schemes;
    }

    @Override
    public int priority() {
      return priority;
    }

    @Override
    public Source create(ProviderContext context) {
      throw new UnsupportedOperationException();
    }
  }

  public static class AlphaLow extends Src {
    public AlphaLow() {
      super("alpha", 0, Set.of("s"));
    }
  }

  public static class BetaLow extends Src {
    public BetaLow() {
      super("beta", 0, Set.of("s"));
    }
  }

  public static class GammaHigh extends Src {
    public GammaHigh() {
      super("gamma", 10, Set.of("s"));
    }
  }

  public static class OciDiscovered extends Src {
    public OciDiscovered() {
      super("oci", 100, Set.of("oci", "oci-layout"));
    }
  }

  public static class Exploding extends Src {
    public Exploding() {
      super("boom", 0, Set.of());
      throw new IllegalStateException("provider constructor failed");
    }
  }

  private static final class Dep implements DeployerProvider {
    private final String id;
    private final boolean applicable;

    Dep(String id, boolean applicable) {
      this.id = id;
      this.applicable = applicable;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public boolean isApplicable(ProviderContext context) {
      return applicable;
    }

    @Override
    public Deployer create(ProviderContext context) {
      throw new UnsupportedOperationException();
    }
  }

  private static final class Ver implements VerifierProvider {
    @Override
    public String id() {
      return "ver";
    }

    @Override
    public Verifier create(ProviderContext context) {
      throw new UnsupportedOperationException();
    }
  }

  private ProviderContext context() {
    return new ProviderContext(Map.of(), tmp, DocoListener.NONE);
  }

  /** A class loader whose only services file lists {@code names} for {@code type}. */
  private URLClassLoader loaderWithServices(Class<?> type, String... names) throws IOException {
    Path root = Files.createTempDirectory(tmp, "services");
    Path services = root.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(services.resolve(type.getName()), String.join("\n", names) + "\n");
    // parent: the test class loader, so the listed classes resolve (it also sees the test-scope
    // services file, which the tests account for)
    return new URLClassLoader(new URL[] {root.toUri().toURL()}, getClass().getClassLoader());
  }

  // ---- discovery

  @Test
  void discover_findsTheTestScopeProviderFromMetaInfServices() {
    Providers p = Providers.discover(getClass().getClassLoader());
    SourceProvider found = p.sourceFor(WiringTestSourceProvider.ID + "://anything");
    assertInstanceOf(WiringTestSourceProvider.class, found);
    assertTrue(p.problems().isEmpty(), p.problems().toString());
  }

  @Test
  void discover_usesTheThreadContextClassLoaderByDefault() {
    assertTrue(
        Providers.discover().sourceProviders().stream()
            .anyMatch(s -> s instanceof WiringTestSourceProvider));
  }

  @Test
  void discoverFalse_findsNothing() {
    Providers p = Providers.builder().discover(false).build();
    assertTrue(p.sourceProviders().isEmpty());
    assertTrue(p.verifierProviders().isEmpty());
    assertTrue(p.deployerProviders().isEmpty());
  }

  @Test
  void urlClassLoader_loadsAProviderCompiledAtTestTime() throws Exception {
    Optional<ToolProvider> javac = ToolProvider.findFirst("javac");
    assumeTrue(javac.isPresent(), "needs a JDK (javac tool)");
    Path src = tmp.resolve("src/plugin/S3SourceProvider.java");
    Files.createDirectories(src.getParent());
    Files.writeString(
        src,
        "package plugin;\n"
            + "public class S3SourceProvider implements dev.doco.core.spi.SourceProvider {\n"
            + "  public String id() { return \"plugin-s3\"; }\n"
            + "  public java.util.Set<String> schemes() { return java.util.Set.of(\"s3\"); }\n"
            + "  public dev.doco.core.spi.Source create(dev.doco.core.spi.ProviderContext c) {\n"
            + "    throw new UnsupportedOperationException(); }\n"
            + "}\n");
    Path classes = tmp.resolve("classes");
    Files.createDirectories(classes.resolve("META-INF/services"));
    String coreClasses =
        Path.of(SourceProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    java.io.StringWriter log = new java.io.StringWriter();
    java.io.PrintWriter out = new java.io.PrintWriter(log);
    int rc =
        javac.get().run(out, out, "-d", classes.toString(), "-cp", coreClasses, src.toString());
    out.flush();
    assertEquals(0, rc, "compiling the plugin: " + log);
    Files.writeString(
        classes.resolve("META-INF/services/dev.doco.core.spi.SourceProvider"),
        "# a plugin jar\nplugin.S3SourceProvider\n");

    try (URLClassLoader plugin =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Providers p = Providers.discover(plugin);
      SourceProvider s3 = p.sourceFor("s3://bucket/cfg.tar");
      assertEquals("plugin-s3", s3.id());
      assertSame(plugin, s3.getClass().getClassLoader());
      assertEquals("s3", p.schemeOf("s3:bucket/cfg"));
    }
    // not visible without the plugin's loader
    Providers without = Providers.discover(getClass().getClassLoader());
    ProviderException e =
        assertThrows(ProviderException.class, () -> without.sourceFor("s3://bucket/cfg.tar"));
    assertTrue(e.getMessage().contains("scheme 's3'"), e.getMessage());
    assertTrue(e.getMessage().contains("SourceProvider for scheme 's3'"), e.getMessage());
  }

  @Test
  void brokenProviderEntries_areReportedInProblems_andDiscoveryGoesOn() throws IOException {
    try (URLClassLoader cl =
        loaderWithServices(
            SourceProvider.class,
            "com.example.DoesNotExist",
            Exploding.class.getName(),
            AlphaLow.class.getName())) {
      Providers p = Providers.discover(cl);
      assertTrue(
          p.sourceProviders().stream().anyMatch(s -> s.id().equals("alpha")),
          p.sourceProviders().toString());
      assertTrue(
          p.problems().stream().anyMatch(m -> m.contains("com.example.DoesNotExist")),
          p.problems().toString());
      assertTrue(
          p.problems().stream().anyMatch(m -> m.contains(Exploding.class.getName())),
          p.problems().toString());
    }
  }

  // ---- order and duplicates

  @Test
  void discoveredOrder_isPriorityDescendingThenId() throws IOException {
    try (URLClassLoader cl =
        loaderWithServices(
            SourceProvider.class,
            BetaLow.class.getName(),
            AlphaLow.class.getName(),
            GammaHigh.class.getName())) {
      List<String> ids =
          Providers.discover(cl).sourceProviders().stream()
              .map(SourceProvider::id)
              .filter(id -> Set.of("alpha", "beta", "gamma").contains(id))
              .toList();
      assertEquals(List.of("gamma", "alpha", "beta"), ids);
      // gamma wins scheme "s" by priority
      assertEquals("gamma", Providers.discover(cl).sourceFor("s://x").id());
    }
  }

  @Test
  void explicitRegistration_comesFirst_andWinsADuplicateId() throws IOException {
    Src explicitOci = new Src("oci", -5, Set.of("oci", "oci-layout"));
    try (URLClassLoader cl =
        loaderWithServices(SourceProvider.class, OciDiscovered.class.getName())) {
      Providers p = Providers.builder().classLoader(cl).register(explicitOci).build();
      assertSame(explicitOci, p.sourceProviders().get(0));
      assertSame(explicitOci, p.sourceFor("ghcr.io/org/cfg:main"));
      assertFalse(p.sourceProviders().stream().anyMatch(s -> s instanceof OciDiscovered));
      assertTrue(
          p.problems().stream().anyMatch(m -> m.contains("'oci' is already taken")),
          p.problems().toString());
    }
  }

  @Test
  void explicitDuplicate_isReported_firstRegistrationWins() {
    Src first = new Src("dup", 0, Set.of("d"));
    Src second = new Src("dup", 0, Set.of("d"));
    Providers p = Providers.builder().discover(false).register(first).register(second).build();
    assertEquals(List.of(first), p.sourceProviders());
    assertEquals(1, p.problems().size());
  }

  // ---- zero providers

  @Test
  void noSourceProvider_isAClearErrorNamingDocoOci() {
    Providers p = Providers.builder().discover(false).build();
    ProviderException e =
        assertThrows(ProviderException.class, () -> p.sourceFor("ghcr.io/org/cfg:main"));
    assertTrue(e.getMessage().contains("dev.doco:doco-oci"), e.getMessage());
    assertTrue(e.getMessage().contains("no source providers found"), e.getMessage());
    ProviderException layout =
        assertThrows(ProviderException.class, () -> p.sourceFor("oci-layout:/srv/layout:v1"));
    assertTrue(layout.getMessage().contains("scheme 'oci-layout'"), layout.getMessage());
    assertTrue(layout.getMessage().contains("dev.doco:doco-oci"), layout.getMessage());
  }

  @Test
  void noDeployer_isAClearErrorNamingDocoCompose() {
    Providers p = Providers.builder().discover(false).build();
    ProviderException e = assertThrows(ProviderException.class, () -> p.deployer("", context()));
    assertTrue(e.getMessage().contains("dev.doco:doco-compose"), e.getMessage());
    ProviderException byId =
        assertThrows(ProviderException.class, () -> p.deployer("swarm", context()));
    assertTrue(byId.getMessage().contains("no deployer with id 'swarm'"), byId.getMessage());
  }

  @Test
  void deployer_byIdOrFirstApplicable() {
    Dep swarm = new Dep("swarm", false);
    Dep compose = new Dep("compose", true);
    Providers p = Providers.builder().discover(false).register(swarm).register(compose).build();
    assertSame(compose, p.deployer("", context()));
    assertSame(swarm, p.deployer("swarm", context()));
  }

  @Test
  void requireVerifiers_failsClosedWithoutVerifiers() {
    Providers none = Providers.builder().discover(false).build();
    ProviderException e = assertThrows(ProviderException.class, none::requireVerifiers);
    assertTrue(e.getMessage().contains("refusing to deploy unverified"), e.getMessage());
    assertTrue(e.getMessage().contains("dev.doco:doco-verify"), e.getMessage());

    Ver v = new Ver();
    assertEquals(
        List.of(v), Providers.builder().discover(false).register(v).build().requireVerifiers());
  }

  @Test
  void byId_findsAnyKind() {
    Ver v = new Ver();
    Providers p = Providers.builder().discover(false).register(v).build();
    assertSame(v, p.byId("ver").orElseThrow());
    assertTrue(p.byId("nope").isEmpty());
  }

  // ---- schemes

  @ParameterizedTest
  @CsvSource({
    "oci://ghcr.io/org/cfg:main, oci",
    "OCI://ghcr.io/org/cfg:main, oci",
    "oci-layout:/srv/layout:v1, oci-layout",
    "oci-layout:layout@sha256:abc, oci-layout",
    "localhost:5000/x:y, oci",
    "127.0.0.1:5000/x:y, oci",
    "registry.example:443/team/cfg, oci",
    "ghcr.io/org/cfg:main, oci",
    "busybox:latest, oci",
    "busybox, oci",
    "s3://bucket/cfg, s3",
    "doco-wiring-test:thing, doco-wiring-test",
    "unknownscheme:thing, oci",
  })
  void schemeOf(String reference, String scheme) {
    Providers p = Providers.discover(getClass().getClassLoader());
    assertEquals(scheme, p.schemeOf(reference));
  }

  @Test
  void sourceFor_pluginOpaqueScheme() {
    Providers p = Providers.discover(getClass().getClassLoader());
    assertNotNull(p.sourceFor("doco-wiring-test:thing"));
  }
}
