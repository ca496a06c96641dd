package dev.doco.core.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.config.PollConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArtifactAllowListTest {
  static PollConfig poll(String url, String target) {
    return new PollConfig("oci", url, "", Duration.ofSeconds(60), target, false, true, List.of());
  }

  @Test
  void pollEntries_allowTheirOwnArtifactOnly() {
    ArtifactAllowList list =
        new ArtifactAllowList(List.of(poll("ghcr.io/acme/cfg:main", "")), List.of());
    assertTrue(list.allows("ghcr.io/acme/cfg:main"));
    assertTrue(list.allows("oci://GHCR.io/acme/cfg:main"));
    assertFalse(list.allows("ghcr.io/acme/cfg:dev"));
    assertFalse(list.allows("ghcr.io/acme/cfg2:main"));
  }

  @Test
  void pollEntryWithoutTag_meansLatest() {
    ArtifactAllowList list = new ArtifactAllowList(List.of(poll("nginx", "")), List.of());
    assertTrue(list.allows("docker.io/library/nginx:latest"));
    assertTrue(list.allows("index.docker.io/library/nginx"));
    assertFalse(list.allows("nginx:1.27"));
  }

  @Test
  void allowListEntries_referenceRepositoryAndPrefixForms() {
    ArtifactAllowList list =
        new ArtifactAllowList(
            List.of(),
            List.of(
                "ghcr.io/acme/cfg:prod",
                "ghcr.io/acme/app",
                "registry.local:5000/team/",
                "ghcr.io/ops*"));
    assertTrue(list.allows("ghcr.io/acme/cfg:prod"));
    assertFalse(list.allows("ghcr.io/acme/cfg:dev"));
    assertTrue(list.allows("ghcr.io/acme/app:any"));
    assertTrue(list.allows("ghcr.io/acme/app@sha256:" + "a".repeat(64)));
    assertFalse(list.allows("ghcr.io/acme/application:x"));
    assertTrue(list.allows("registry.local:5000/team/x/y:1"));
    assertFalse(list.allows("registry.local:5000/teams/x:1"));
    assertTrue(list.allows("ghcr.io/ops-tools/cfg:1"));
    assertFalse(list.allows("ghcr.io/acme/other:1"));
  }

  @Test
  void pollFor_matchesUrlAndTarget() {
    PollConfig prod = poll("ghcr.io/acme/cfg:main", "prod");
    ArtifactAllowList list = new ArtifactAllowList(List.of(prod), List.of());
    assertEquals(prod, list.pollFor("ghcr.io/acme/cfg:main", "prod").orElseThrow());
    assertTrue(list.pollFor("ghcr.io/acme/cfg:main", "").isEmpty());
  }
}
