package dev.doco.compose.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The common start of every {@code docker compose} argv of a deployment. */
public final class ComposeArgs {
  private ComposeArgs() {}

  /**
   * {@code docker [--context C] compose -p NAME --project-directory WD -f F... [-f OVERRIDE]
   * [--env-file E...] [--profile P...]}.
   */
  public static List<String> base(
      String executable,
      String context,
      String name,
      ProjectFiles files,
      @Nullable Path override,
      List<String> profiles) {
    List<String> a = new ArrayList<>(Support.docker(executable, context));
    a.addAll(List.of("compose", "-p", name, "--project-directory", files.workingDir().toString()));
    for (Path f : files.composeFiles()) {
      a.add("-f");
      a.add(f.toString());
    }
    if (override != null) {
      a.add("-f");
      a.add(override.toString());
    }
    for (Path e : files.envFiles()) {
      a.add("--env-file");
      a.add(e.toString());
    }
    for (String p : profiles) {
      a.add("--profile");
      a.add(p);
    }
    return a;
  }
}
