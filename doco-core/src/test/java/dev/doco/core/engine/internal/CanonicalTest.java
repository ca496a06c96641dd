package dev.doco.core.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.doco.core.config.DeployConfig;
import dev.doco.core.config.TrustPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalTest {
  @Test
  void hash_ignoresMapOrderAndWhereTheConfigWasRead() {
    Map<String, String> ab = new LinkedHashMap<>();
    ab.put("A", "1");
    ab.put("B", "2");
    Map<String, String> ba = new LinkedHashMap<>();
    ba.put("B", "2");
    ba.put("A", "1");
    DeployConfig one = DeployConfig.defaults("web").withEnvironment(ab).withOrigin("POLL_CONFIG");
    DeployConfig two =
        DeployConfig.defaults("web").withEnvironment(ba).withOrigin("file.yaml").withDocument(3);

    assertEquals(
        Canonical.hash(one, "", TrustPolicy.DISABLED),
        Canonical.hash(two, "", TrustPolicy.DISABLED));
  }

  @Test
  void hash_changesWithEnvironmentTargetAndPolicy() {
    DeployConfig c = DeployConfig.defaults("web");
    String base = Canonical.hash(c, "", TrustPolicy.DISABLED);
    assertNotEquals(
        base, Canonical.hash(c.withEnvironment(Map.of("A", "1")), "", TrustPolicy.DISABLED));
    assertNotEquals(base, Canonical.hash(c, "prod", TrustPolicy.DISABLED));
    assertNotEquals(
        base,
        Canonical.hash(c, "", new TrustPolicy(true, List.of("k"), List.of(), false, null, null)));
  }
}
