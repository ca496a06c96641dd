package dev.doco.smoke;

import dev.doco.core.Providers;
import dev.doco.core.spi.DeployerProvider;
import dev.doco.core.spi.SourceProvider;
import dev.doco.core.spi.VerifierProvider;
import dev.doco.oci.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleReader;
import java.lang.module.ResolvedModule;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs on the module path with every doco module and checks what their {@code module-info}
 * promise: providers found through {@link java.util.ServiceLoader} by doco-core (its {@code uses}
 * and each module's {@code provides}, which must match the module's {@code META-INF/services}
 * files), every non-internal package with public types exported, and a call across modules.
 * Prints one line per provider and per check; exits 1 naming each problem.
 */
public final class ModuleSmoke {
  private ModuleSmoke() {}

  public static void main(String[] args) throws Exception {
    List<String> problems = new ArrayList<>();
    if (ModuleSmoke.class.getModule().getName() == null) {
      problems.add("not on the module path: run with java --module-path ... -m dev.doco.smoke/...");
    }

    Providers providers = Providers.discover();
    TreeMap<String, String> loaded = new TreeMap<>(); // provider class -> service
    for (SourceProvider p : providers.sourceProviders()) {
      loaded.put(p.getClass().getName(), SourceProvider.class.getName());
      System.out.println("source   " + p.id() + " " + where(p));
    }
    for (VerifierProvider p : providers.verifierProviders()) {
      loaded.put(p.getClass().getName(), VerifierProvider.class.getName());
      System.out.println("verifier " + p.id() + " " + where(p));
    }
    for (DeployerProvider p : providers.deployerProviders()) {
      loaded.put(p.getClass().getName(), DeployerProvider.class.getName());
      System.out.println("deployer " + p.id() + " " + where(p));
    }
    for (String problem : providers.problems()) {
      problems.add("provider discovery: " + problem);
    }

    List<ResolvedModule> docoModules =
        ModuleLayer.boot().configuration().modules().stream()
            .filter(m -> m.name().startsWith("dev.doco.") && !m.name().equals("dev.doco.smoke"))
            .sorted((a, b) -> a.name().compareTo(b.name()))
            .collect(Collectors.toList());
    for (String required :
        List.of("dev.doco.core", "dev.doco.oci", "dev.doco.verify", "dev.doco.compose")) {
      if (docoModules.stream().noneMatch(m -> m.name().equals(required))) {
        problems.add(required + " is not on the module path");
      }
    }
    for (ResolvedModule module : docoModules) {
      checkModule(module, loaded, problems);
    }

    // A call across modules: the OCI module's public API, through its exports and requires.
    Reference reference = Reference.parse("ghcr.io/acme/config:main");
    System.out.println("reference " + reference);

    if (!problems.isEmpty()) {
      for (String problem : problems) {
        System.out.println("PROBLEM " + problem);
      }
      System.out.println("module smoke: " + problems.size() + " problem(s)");
      System.exit(1);
    }
    System.out.println("module smoke: ok (" + loaded.size() + " providers)");
  }

  private static String where(Object provider) {
    return "(" + provider.getClass().getName() + " in " + provider.getClass().getModule() + ")";
  }

  private static void checkModule(
      ResolvedModule module, TreeMap<String, String> loaded, List<String> problems)
      throws IOException, ClassNotFoundException {
    ModuleDescriptor descriptor = module.reference().descriptor();
    Module runtime = ModuleLayer.boot().findModule(module.name()).orElseThrow();
    if (descriptor.isAutomatic()) {
      problems.add(module.name() + " has no module-info (automatic module)");
      return;
    }
    Set<String> exported =
        descriptor.exports().stream()
            .filter(e -> !e.isQualified())
            .map(ModuleDescriptor.Exports::source)
            .collect(Collectors.toCollection(TreeSet::new));
    TreeSet<String> publicPackages = new TreeSet<>();
    try (ModuleReader reader = module.reference().open()) {
      List<String> entries;
      try (Stream<String> list = reader.list()) {
        entries = list.collect(Collectors.toList());
      }
      for (String entry : entries) {
        if (entry.startsWith("META-INF/services/") && !entry.endsWith("/")) {
          String service = entry.substring("META-INF/services/".length());
          Set<String> listed = servicesFile(reader, entry);
          Set<String> provided =
              descriptor.provides().stream()
                  .filter(p -> p.service().equals(service))
                  .flatMap(p -> p.providers().stream())
                  .collect(Collectors.toCollection(TreeSet::new));
          if (!listed.equals(provided)) {
            problems.add(
                module.name() + ": META-INF/services/" + service + " lists " + listed
                    + " but module-info provides " + provided);
          }
          for (String impl : listed) {
            if (service.startsWith("dev.doco.core.spi.") && !service.equals(loaded.get(impl))) {
              problems.add(module.name() + ": " + impl + " was not loaded as a " + service);
            }
          }
        }
        if (entry.endsWith(".class")
            && !entry.contains("$")
            && !entry.equals("module-info.class")
            && !entry.endsWith("package-info.class")
            && !entry.startsWith("META-INF/")) {
          String className = entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
          String pkg = className.substring(0, className.lastIndexOf('.'));
          Class<?> type = Class.forName(runtime, className);
          if (type != null && Modifier.isPublic(type.getModifiers())) {
            publicPackages.add(pkg);
          }
        }
      }
    }
    for (String pkg : publicPackages) {
      boolean internal = pkg.endsWith(".internal") || pkg.contains(".internal.");
      if (!internal && !exported.contains(pkg)) {
        problems.add(module.name() + ": package " + pkg + " has public types but is not exported");
      }
    }
    System.out.println("module   " + module.name() + " exports " + exported);
  }

  private static Set<String> servicesFile(ModuleReader reader, String entry) throws IOException {
    TreeSet<String> names = new TreeSet<>();
    try (InputStream in = reader.open(entry).orElseThrow()) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String name = line.replaceAll("#.*", "").trim();
        if (!name.isEmpty()) {
          names.add(name);
        }
      }
    }
    return names;
  }
}
