package dev.doco.compose;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Starts a subprocess. The default runs {@link ProcessBuilder} with exactly {@code environment}
 * (nothing inherited); tests inject their own to assert the exact argv without Docker.
 *
 * <pre>{@code
 * ComposeDeployer deployer = ComposeDeployer.builder(context)
 *     .launcher((argv, env, dir) -> { recorded.add(argv); return fakeProcess(); })
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface ProcessLauncher {

  /**
   * Starts {@code argv} in {@code directory} with exactly {@code environment}.
   *
   * @throws IOException when the executable cannot be started (e.g. not installed)
   */
  Process start(List<String> argv, Map<String, String> environment, Path directory)
      throws IOException;

  /** The real thing: a {@link ProcessBuilder} with a cleared, then filled, environment. */
  ProcessLauncher SYSTEM =
      (argv, environment, directory) -> {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().clear();
        pb.environment().putAll(environment);
        pb.directory(directory.toFile());
        return pb.start();
      };
}
