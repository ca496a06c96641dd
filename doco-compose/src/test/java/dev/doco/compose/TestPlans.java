package dev.doco.compose;

import dev.doco.core.Revision;
import dev.doco.core.config.DeployConfig;
import dev.doco.core.spi.DeploymentPlan;
import dev.doco.core.spi.Trigger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Plans, checkouts and {@code docker ps} lines for tests. */
final class TestPlans {
  private TestPlans() {}

  static final String DIGEST_A = "sha256:" + "a".repeat(64);
  static final String DIGEST_B = "sha256:" + "b".repeat(64);

  static Revision revision(String tag, String digest) {
    return new Revision(
        "127.0.0.1:5000/acme/cfg:" + tag,
        "127.0.0.1:5000/acme/cfg",
        tag,
        digest,
        "application/vnd.oci.image.manifest.v1+json",
        Map.of());
  }

  static DeploymentPlan plan(DeployConfig config, Path checkout, String digest, String hash) {
    return new DeploymentPlan(config, checkout, revision("main", digest), Trigger.POLL, "", hash);
  }

  static Path write(Path dir, String file, String content) throws IOException {
    Path p = dir.resolve(file);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    return p;
  }

  /** One {@code docker ps --format ContainerInfo.template()} line. */
  static String psLine(
      String id, String state, String status, String service, Map<String, String> labels) {
    List<String> f = new ArrayList<>(List.of(id, state, status, service, "False"));
    for (String k : DocoLabels.ALL) {
      f.add(labels.getOrDefault(k, ""));
    }
    return String.join("\t", f);
  }

  static Map<String, String> docoLabels(String digest, String hash, String timestamp) {
    return Map.of(
        DocoLabels.MANAGER,
        "doco",
        DocoLabels.NAME,
        "web",
        DocoLabels.TARGET_SHA,
        digest,
        DocoLabels.TARGET_REF,
        "main",
        DocoLabels.CONFIG_SHA,
        hash,
        DocoLabels.TIMESTAMP,
        timestamp);
  }
}
