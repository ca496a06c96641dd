package dev.doco.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI without Docker or a registry: OCI layouts, dry runs, exit codes. */
class DocoCliTest {
  @TempDir Path temp;

  record Run(int exit, String out, String err) {}

  Run doco(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Map<String, String> env = new HashMap<>();
    env.put("DOCO_DEPLOYER", "compose"); // no engine probing for the dry runs
    env.put("DOCKER_SWARM_FEATURES", "false");
    env.put("DATA_MOUNT_PATH", temp.resolve("data").toString());
    int exit =
        DocoCli.run(
            args,
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  Path stack() throws Exception {
    Path dir = temp.resolve("stack");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(".doco-cd.yaml"), "name: web\n");
    Files.writeString(dir.resolve("compose.yaml"), "services:\n  web:\n    image: busybox\n");
    return dir;
  }

  @Test
  void unknownOptionOrMissingArgument_isUsageErrorExit2() {
    assertEquals(DocoCli.USAGE, doco("deploy").exit());
    assertEquals(DocoCli.USAGE, doco("status", "--nope").exit());
    assertEquals(DocoCli.USAGE, doco("package", "dir").exit(), "needs --push or --oci-layout");
  }

  @Test
  void status_withNothingDeployed_saysSo() {
    Run r = doco("status");
    assertEquals(0, r.exit(), r.err());
    assertEquals("no deployments", r.out().trim());
    assertEquals("[]", doco("status", "--json").out().trim());
  }

  @Test
  void packageToLayout_thenDryRunJson_listsTheComposeCommandsAndDeploysNothing() throws Exception {
    Path layout = temp.resolve("layout");
    Run packed = doco("package", stack().toString(), "--oci-layout", layout + ":v1");
    assertEquals(0, packed.exit(), packed.err());
    String digest = packed.out().trim();
    assertTrue(digest.matches("sha256:[0-9a-f]{64}"), digest);

    Run plan = doco("deploy", "oci-layout:" + layout + ":v1", "--dry-run", "--json");

    assertEquals(0, plan.exit(), plan.err());
    assertTrue(plan.out().contains("\"digest\":\"" + digest + "\""), plan.out());
    assertTrue(plan.out().contains("\"deployment\":\"web\""), plan.out());
    assertTrue(plan.out().contains("\"action\":\"deploy\""), plan.out());
    assertTrue(plan.out().contains("\"up\",\"-d\""), plan.out());
    assertEquals("no deployments", doco("status").out().trim());
  }

  @Test
  void package_isReproducible() throws Exception {
    Path stack = stack();
    String a = doco("package", stack.toString(), "--oci-layout", temp.resolve("a") + ":v1").out();
    String b = doco("package", stack.toString(), "--oci-layout", temp.resolve("b") + ":v1").out();
    assertEquals(a, b);
  }

  @Test
  void verify_unsignedArtifact_exits3AndListsWhatWasTried() throws Exception {
    Path layout = temp.resolve("layout");
    doco("package", stack().toString(), "--oci-layout", layout + ":v1");
    CosignLayoutSigner other = CosignLayoutSigner.generate();
    Path policy = temp.resolve("policy.yaml");
    Files.writeString(policy, Quickstart.trustPolicyYaml(other.publicKeyPem()));

    Run r =
        doco(
            "verify",
            "oci-layout:" + layout + ":v1",
            "--trust-policy",
            policy.toString(),
            "--json");

    assertEquals(DocoCli.REFUSED, r.exit(), r.err());
    assertTrue(r.out().contains("\"verified\":false"), r.out());
    assertEquals(
        DocoCli.REFUSED,
        doco("deploy", "oci-layout:" + layout + ":v1", "--trust-policy", policy.toString()).exit());
  }

  @Test
  void missingTrustPolicyFile_saysNoSuchFileWithItsPath() throws Exception {
    Path layout = temp.resolve("layout");
    doco("package", stack().toString(), "--oci-layout", layout + ":v1");
    Path missing = temp.resolve("no-such-policy.yaml");

    Run r = doco("verify", "oci-layout:" + layout + ":v1", "--trust-policy", missing.toString());

    assertEquals(DocoCli.FAILED, r.exit(), r.err());
    assertEquals("doco: no such file or directory: " + missing, r.err().trim());
  }

  @Test
  void packageWithoutDeployConfig_saysWhereToAddOne() throws Exception {
    Path empty = Files.createDirectories(temp.resolve("empty"));

    Run r = doco("package", empty.toString(), "--oci-layout", temp.resolve("l") + ":v1");

    assertEquals(DocoCli.FAILED, r.exit(), r.err());
    assertTrue(
        r.err().contains("expected .doco-cd.yml or .doco-cd.yaml at artifact root"), r.err());
    assertTrue(r.err().contains("(" + empty + ") is the artifact root"), r.err());
    assertTrue(r.err().contains("add a .doco-cd.yaml there"), r.err());
    assertEquals(
        List.of(), List.of(temp.toFile().list((d, n) -> n.equals("l"))), "no layout written");
  }

  @Test
  void describe_namesTheFileProblem_andKeepsOtherMessages() {
    assertEquals(
        "permission denied: /a (locked)",
        DocoCli.describe(new java.nio.file.AccessDeniedException("/a", null, "locked")));
    assertEquals(
        "not a directory: /a/b", DocoCli.describe(new java.nio.file.NotDirectoryException("/a/b")));
    assertEquals(
        "already exists: /a -> /b",
        DocoCli.describe(new java.nio.file.FileAlreadyExistsException("/a", "/b", " ")));
    assertEquals(
        "directory not empty: /d",
        DocoCli.describe(new java.nio.file.DirectoryNotEmptyException("/d")));
    assertEquals(
        "/x: disk full",
        DocoCli.describe(new java.nio.file.FileSystemException("/x", null, "disk full")));
    assertEquals("broken pipe", DocoCli.describe(new java.io.IOException("broken pipe")));
  }

  @Test
  void verify_signedArtifact_printsTheMatchedKey() throws Exception {
    Path layout = temp.resolve("layout");
    String digest =
        doco("package", stack().toString(), "--oci-layout", layout + ":v1").out().trim();
    CosignLayoutSigner signer = CosignLayoutSigner.generate();
    signer.sign(dev.doco.oci.layout.OciLayout.open(layout), "oci-layout:" + layout, digest);
    Path policy = temp.resolve("policy.yaml");
    Files.writeString(policy, Quickstart.trustPolicyYaml(signer.publicKeyPem()));

    Run r = doco("verify", "oci-layout:" + layout + ":v1", "--trust-policy", policy.toString());

    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("matched by: public key #1"), r.out());
  }

  @Test
  void quickstartDryRun_packagesSignsVerifiesAndShowsThePlan() {
    Run r = doco("quickstart", "--dry-run", "--data-dir", temp.resolve("qs").toString());

    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("verified oci-layout:"), r.out());
    assertTrue(r.out().contains("deploy doco-quickstart: new deployment"), r.out());
    assertTrue(Files.isRegularFile(temp.resolve("qs/quickstart/cosign.pub")));
  }

  @Test
  void pull_extractsTheArtifactFiles() throws Exception {
    Path layout = temp.resolve("layout");
    doco("package", stack().toString(), "--oci-layout", layout + ":v1");
    Path dest = temp.resolve("out");

    Run r = doco("pull", "oci-layout:" + layout + ":v1", dest.toString());

    assertEquals(0, r.exit(), r.err());
    assertEquals("name: web\n", Files.readString(dest.resolve(".doco-cd.yaml")));
  }
}
