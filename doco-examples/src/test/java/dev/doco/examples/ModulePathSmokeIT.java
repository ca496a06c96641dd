package dev.doco.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles a small user module ({@code src/test/module-smoke/dev.doco.smoke}) against the packaged
 * doco modules and runs it on the module path, so a missing {@code exports}, {@code uses}, {@code
 * provides} or {@code requires} in a {@code module-info.java} fails the build, not a user. Needs no
 * peers; it is an IT because it needs the packaged jars of the other modules.
 */
class ModulePathSmokeIT {
  @TempDir Path temp;

  @Test
  void providersAndExports_workOnTheModulePath() throws Exception {
    List<String> modulePath = modulePath();
    Path sources = Path.of(System.getProperty("basedir", ".")).resolve("src/test/module-smoke");
    List<String> files;
    try (Stream<Path> walk = Files.walk(sources)) {
      files =
          walk.filter(p -> p.toString().endsWith(".java"))
              .map(Path::toString)
              .sorted()
              .collect(Collectors.toList());
    }
    Path out = temp.resolve("mods");
    Path bin = Path.of(System.getProperty("java.home"), "bin");
    List<String> javac = new ArrayList<>();
    javac.addAll(
        List.of(
            bin.resolve("javac").toString(),
            "--release",
            "17",
            "-Xlint:all,-requires-automatic",
            "--module-source-path",
            sources.toString(),
            "--module-path",
            String.join(File.pathSeparator, modulePath),
            "-d",
            out.toString()));
    javac.addAll(files);
    Run compiled = run(javac, temp.resolve("javac.log"));
    assertEquals(
        0,
        compiled.exitCode,
        "the smoke module compiles against the doco modules' exports:\n" + compiled.output);

    List<String> command = new ArrayList<>();
    command.add(bin.resolve("java").toString());
    command.add("--module-path");
    command.add(out + File.pathSeparator + String.join(File.pathSeparator, modulePath));
    command.add("-m");
    command.add("dev.doco.smoke/dev.doco.smoke.ModuleSmoke");
    Run smoke = run(command, temp.resolve("smoke.log"));
    String output = smoke.output;
    System.out.println(output);
    assertEquals(0, smoke.exitCode, "module smoke on " + command + ":\n" + output);
    assertTrue(output.contains("source   oci "), output);
    assertTrue(output.contains("deployer compose "), output);
    assertTrue(output.contains("deployer swarm "), output);
    assertTrue(output.lines().anyMatch(l -> l.startsWith("verifier ")), output);
    assertTrue(output.contains("module smoke: ok"), output);
  }

  private static final class Run {
    final int exitCode;
    final String output;

    Run(int exitCode, String output) {
      this.exitCode = exitCode;
      this.output = output;
    }
  }

  /** Runs {@code command} with stdout and stderr to {@code log}; fails after 120 s. */
  private static Run run(List<String> command, Path log) throws Exception {
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    process.getOutputStream().close();
    boolean exited = process.waitFor(120, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertTrue(exited, "ended within 120 s: " + command + "\n" + output);
    return new Run(process.exitValue(), output);
  }

  /**
   * The runtime module path: the doco library modules (jars or class directories with a
   * module-info) and their third-party jars from the test class path; test-only artifacts
   * (test-jars, test classes, JUnit and friends) and this module itself are left out.
   */
  private static List<String> modulePath() throws IOException {
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> path = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      Path p = Path.of(entry);
      String name =
          p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
      String normalized = entry.replace('\\', '/');
      boolean testOnly =
          name.endsWith("-tests.jar")
              || name.equals("test-classes")
              || name.startsWith("junit-")
              || name.startsWith("opentest4j")
              || name.startsWith("apiguardian")
              || name.startsWith("surefire")
              || name.startsWith("mockwebserver");
      boolean self = normalized.contains("/doco-examples/");
      boolean usable =
          Files.isDirectory(p)
              ? Files.exists(p.resolve("module-info.class"))
              : name.endsWith(".jar");
      if (!testOnly && !self && usable && Files.exists(p)) {
        path.add(entry);
      }
    }
    return path;
  }
}
