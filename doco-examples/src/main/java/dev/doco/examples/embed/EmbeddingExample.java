package dev.doco.examples.embed;

import dev.doco.core.Deployment;
import dev.doco.core.DeploymentState;
import dev.doco.core.Doco;
import dev.doco.core.DocoEvent;
import dev.doco.core.Plan;
import dev.doco.core.config.TrustPolicyLoader;
import java.nio.file.Path;
import java.util.List;

/**
 * Embedding doco in a Java program: build a {@link Doco}, look at the plan, deploy, read the state,
 * tear down.
 *
 * <pre>
 * java -cp doco.jar dev.doco.examples.embed.EmbeddingExample REF DATA_DIR [--keep]
 * </pre>
 *
 * <p>REF is any reference a source on the class path accepts: {@code ghcr.io/org/cfg:main}, {@code
 * oci-layout:PATH:TAG}, or {@code dir:PATH} (the example directory source of this module). The
 * trust policy comes from {@code OCI_TRUST_POLICY(_FILE)} like in {@code doco serve}.
 */
public final class EmbeddingExample {
  private EmbeddingExample() {}

  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: EmbeddingExample REF DATA_DIR [--keep]");
      System.exit(2);
    }
    boolean keep = List.of(args).contains("--keep");
    System.exit(run(args[0], Path.of(args[1]), keep) ? 0 : 1);
  }

  /** Plans, deploys and (unless {@code keep}) removes {@code reference}; true on success. */
  public static boolean run(String reference, Path dataDir, boolean keep) {
    try (Doco doco =
        Doco.builder()
            .dataDirectory(dataDir)
            .settings(System.getenv())
            .trustPolicy(TrustPolicyLoader.fromEnvironment(System.getenv()))
            .listener(EmbeddingExample::print)
            .build()) {
      Plan plan = doco.plan(reference);
      for (Plan.Step step : plan.steps()) {
        System.out.println(
            "plan: " + step.deployment() + " -> " + step.action() + " (" + step.reason() + ")");
      }
      Deployment deployment = doco.deploy(reference);
      try {
        for (DeploymentState s : doco.status()) {
          System.out.println(
              "state: " + s.name() + " runs " + s.digest() + " (" + s.result() + ")");
        }
      } finally {
        if (keep) {
          deployment.keep();
        }
        deployment.close();
      }
      return true;
    }
  }

  private static void print(DocoEvent event) {
    if (event instanceof DocoEvent.Deployed d) {
      System.out.println("event: deployed " + d.deployment() + " " + d.digest());
    } else if (event instanceof DocoEvent.Destroyed d) {
      System.out.println("event: destroyed " + d.deployment());
    } else if (event instanceof DocoEvent.Failed f) {
      System.out.println("event: failed " + f.subject() + ": " + f.message());
    }
  }
}
