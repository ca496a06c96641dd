package dev.doco.examples.cli;

import dev.doco.core.Deployment;
import dev.doco.core.Doco;
import dev.doco.core.Plan;
import dev.doco.core.config.TrustPolicy;
import dev.doco.core.config.TrustPolicyLoader;
import dev.doco.core.spi.VerificationResult;
import dev.doco.oci.layout.OciLayout;
import dev.doco.oci.pack.PackagedArtifact;
import dev.doco.oci.pack.Packager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code doco quickstart}: packages the example stack shipped in this jar into a local OCI layout,
 * signs it with a freshly generated key, verifies it, then deploys it with Docker Compose when an
 * engine answers (or shows the dry-run plan and how to install Docker). Needs no registry.
 */
@Command(
    name = "quickstart",
    description = {
      "Packages the example stack into a local OCI layout, signs it with a new key, verifies it,",
      "and deploys it with Docker Compose (or shows the plan when no Docker engine answers)."
    })
final class Quickstart implements Callable<Integer> {
  static final String NAME = "doco-quickstart";
  static final String RESOURCES = "/dev/doco/examples/quickstart/";

  @SuppressWarnings("NullAway.Init") // injected by picocli before call()
  @ParentCommand
  DocoCli root;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Checkouts and state (default: $DATA_MOUNT_PATH, else ~/.local/share/doco).")
  @Nullable Path dataDir;

  @Option(
      names = "--image",
      paramLabel = "IMAGE",
      description =
          "Image with busybox httpd for the example service (default: $DOCO_QUICKSTART_IMAGE,"
              + " else busybox:1.36).")
  @Nullable String image;

  @Option(names = "--port", description = "Host port of the example service (default 8080).")
  int port = 8080;

  @Option(names = "--dry-run", description = "Only show the plan, even when Docker answers.")
  boolean dryRun;

  @Override
  public Integer call() throws Exception {
    Path data = root.dataDirectory(dataDir).toAbsolutePath().normalize();
    Path home = data.resolve("quickstart");
    Path stack = home.resolve("stack");
    Path layout = home.resolve("layout");
    String img = image;
    if (img == null || img.isBlank()) {
      img = root.env.getOrDefault("DOCO_QUICKSTART_IMAGE", "busybox:1.36");
    }

    // 1. The example stack, from this jar.
    DocoCli.deleteTree(stack);
    Files.createDirectories(stack.resolve("www"));
    copy("compose.yaml", stack.resolve("compose.yaml"));
    copy("www/index.html", stack.resolve("www/index.html"));
    Files.writeString(
        stack.resolve(".doco-cd.yaml"),
        resource("doco-cd.yaml.template")
            .replace("@IMAGE@", img)
            .replace("@PORT@", Integer.toString(port)));
    root.err.println("1/4 example stack written to " + stack);

    // 2. Package it into an OCI image layout (what `doco package DIR --oci-layout` does).
    Path work = Files.createTempDirectory("doco-quickstart-");
    PackagedArtifact artifact;
    try {
      artifact = Packager.builder().build().pack(stack, work);
      artifact.writeLayout(layout, "v1");
    } finally {
      DocoCli.deleteTree(work);
    }
    String reference = "oci-layout:" + layout + ":v1";
    root.err.println("2/4 packaged " + reference + " (" + artifact.digest() + ")");

    // 3. Sign it with a fresh key (cosign's classic format) and write the trust policy.
    CosignLayoutSigner signer = CosignLayoutSigner.generate();
    String signature =
        signer.sign(OciLayout.open(layout), "oci-layout:" + layout, artifact.digest());
    Path publicKey = home.resolve("cosign.pub");
    Files.writeString(publicKey, signer.publicKeyPem());
    String policyYaml = trustPolicyYaml(signer.publicKeyPem());
    Path policyFile = home.resolve("trust-policy.yaml");
    Files.writeString(policyFile, policyYaml);
    TrustPolicy policy = TrustPolicyLoader.parse(policyYaml, policyFile.toString());
    root.err.println("3/4 signed with a new key (" + publicKey + "), signature " + signature);

    try (Doco doco =
        Doco.builder()
            .settings(root.env)
            .dataDirectory(data)
            .trustPolicy(policy)
            .listener(new Progress(root.err, System.console() != null))
            .build()) {
      VerificationResult v = doco.verify(reference);
      root.out.println("verified " + v.subject() + " with " + v.acceptedBy().orElse("the new key"));

      // 4. Deploy, or show the plan.
      String docker = root.env.getOrDefault("DOCO_DOCKER", "docker");
      List<String> problems = new ArrayList<>();
      boolean engine =
          !dryRun
              && answers(List.of(docker, "version"), problems)
              && answers(List.of(docker, "compose", "version"), problems);
      if (!engine) {
        Plan plan = doco.plan(reference);
        root.out.println(DocoCli.Text.plan(plan));
        if (!dryRun) {
          root.out.println();
          root.out.println(
              "No Docker engine with Compose v2 answered (" + String.join("; ", problems) + ").");
          root.out.println(
              "Install Docker Engine and the Compose plugin (https://docs.docker.com/engine/install/),");
          root.out.println("start it, then run `doco quickstart` again to deploy the stack above.");
        }
        return DocoCli.OK;
      }
      Deployment d = doco.deploy(reference).keep();
      root.out.println(
          "4/4 deployed " + String.join(", ", d.names()) + " from " + d.revision().digest());
      root.out.println("The service answers on http://localhost:" + port + "/");
      root.out.println(
          "Remove it with: java -jar doco.jar destroy " + NAME + " --data-dir " + data);
      return DocoCli.OK;
    }
  }

  static String trustPolicyYaml(String publicKeyPem) {
    StringBuilder b = new StringBuilder();
    b.append("# Written by doco quickstart: accept artifacts signed by the quickstart key.\n");
    b.append("enabled: true\n");
    b.append("ignore_tlog: true   # offline key signature: no transparency-log entry\n");
    b.append("public_keys:\n  - |\n");
    for (String line : publicKeyPem.strip().split("\n")) {
      b.append("    ").append(line).append('\n');
    }
    return b.toString();
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = Quickstart.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IOException("resource " + RESOURCES + name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void copy(String name, Path target) throws IOException {
    Files.writeString(target, resource(name));
  }

  /** Runs {@code argv} with a 15 s timeout; true when it exits 0. */
  static boolean answers(List<String> argv, List<String> problems) {
    Process p;
    try {
      p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    } catch (IOException e) {
      problems.add(argv.get(0) + " not found");
      return false;
    }
    try {
      // one merged stream, drained on a thread so a chatty child cannot block
      Thread drain =
          new Thread(
              () -> {
                try (InputStream in = p.getInputStream()) {
                  in.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (IOException ignored) {
                  // the process is gone
                }
              },
              "doco-quickstart-drain");
      drain.setDaemon(true);
      drain.start();
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroy();
        if (!p.waitFor(2, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
        problems.add(String.join(" ", argv) + " timed out");
        return false;
      }
      if (p.exitValue() != 0) {
        problems.add(String.join(" ", argv) + " exited " + p.exitValue());
        return false;
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return false;
    }
  }
}
