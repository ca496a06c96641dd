package dev.doco.core.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.doco.core.Revision;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckoutLayoutTest {
  static Revision rev(String repo, String tag) {
    return new Revision(repo + ":" + tag, repo, tag, "sha256:" + "a".repeat(64), "m", Map.of());
  }

  @Test
  void directory_isPerRegistryRepositoryAndTag_withColonsSanitised() {
    CheckoutLayout l = new CheckoutLayout(Path.of("/data"));
    assertEquals(
        Path.of("/data/checkouts/127.0.0.1_5000/acme/cfg/main"),
        l.directory(rev("127.0.0.1:5000/acme/cfg", "main"), ""));
    assertNotEquals(
        l.directory(rev("ghcr.io/acme/cfg", "production"), ""),
        l.directory(rev("ghcr.io/acme/cfg", "staging"), ""));
    assertEquals(
        Path.of("/data/checkouts/ghcr.io/acme/cfg/main.prod"),
        l.directory(rev("ghcr.io/acme/cfg", "main"), "prod"));
  }

  @Test
  void directory_neutralisesTraversalAndHiddenSegments() {
    CheckoutLayout l = new CheckoutLayout(Path.of("/data"));
    assertEquals(
        Path.of("/data/checkouts/ghcr.io/___/___/etc/x"),
        l.directory(rev("ghcr.io/../../etc", "x"), ""));
    assertEquals(
        Path.of("/data/checkouts/oci-layout/tmp/_lay/v1"),
        l.directory(rev("oci-layout:/tmp/.lay", "v1"), ""));
  }
}
