package dev.doco.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeployConfigTest {
  @Test
  void withX_replacesOnlyThatComponent() {
    DeployConfig base = DeployConfig.defaults("web");
    DeployConfig c =
        base.withTimeout(Duration.ofSeconds(5))
            .withComposeFiles(List.of("a.yml"))
            .withEnvironment(Map.of("K", "V"))
            .withTrusted(true);
    assertEquals(Duration.ofSeconds(5), c.timeout());
    assertEquals(List.of("a.yml"), c.composeFiles());
    assertEquals(Map.of("K", "V"), c.environment());
    assertTrue(c.trusted());
    assertEquals("web", c.name());
    assertEquals(base.envFiles(), c.envFiles());
    assertEquals(DeployConfig.DEFAULT_TIMEOUT, base.timeout()); // base unchanged
  }

  /** Every record component has a withX method that changes exactly that component. */
  @Test
  void everyComponent_hasAWorkingWithMethod() throws Exception {
    DeployConfig base = DeployConfig.defaults("n");
    List<String> missing = new ArrayList<>();
    for (RecordComponent rc : DeployConfig.class.getRecordComponents()) {
      String name =
          "with" + Character.toUpperCase(rc.getName().charAt(0)) + rc.getName().substring(1);
      Method with;
      try {
        with = DeployConfig.class.getMethod(name, rc.getType());
      } catch (NoSuchMethodException e) {
        missing.add(name);
        continue;
      }
      Object current = rc.getAccessor().invoke(base);
      Object other = different(rc.getType(), current);
      DeployConfig changed = (DeployConfig) with.invoke(base, other);
      assertEquals(other, rc.getAccessor().invoke(changed), name);
      assertNotEquals(base, changed, name);
      assertEquals(base, with.invoke(changed, current), name + " back");
    }
    assertEquals(List.of(), missing);
  }

  private static Object different(Class<?> type, Object current) {
    if (type == String.class) {
      return current + "x";
    }
    if (type == boolean.class) {
      return !(Boolean) current;
    }
    if (type == int.class) {
      return (Integer) current + 1;
    }
    if (type == Duration.class) {
      return ((Duration) current).plusSeconds(1);
    }
    if (type == List.class) {
      return List.of("other");
    }
    if (type == Map.class) {
      return Map.of("other", "v");
    }
    if (type == BuildConfig.class) {
      return new BuildConfig(true, true, Map.of(), true);
    }
    if (type == DestroyConfig.class) {
      return new DestroyConfig(true, false, false, false);
    }
    if (type == AutoDiscoveryConfig.class) {
      return new AutoDiscoveryConfig(true, 2, true, true, false);
    }
    if (type == ReconciliationConfig.class) {
      return new ReconciliationConfig(false, List.of("die"), 1, "SIGHUP", 0, 0);
    }
    if (type == SwarmConfig.class) {
      return new SwarmConfig(1, 2);
    }
    if (type == TrustPolicyOverride.class) {
      return new TrustPolicyOverride(true, List.of(), List.of(), null);
    }
    throw new AssertionError("add a value for " + type);
  }

  @Test
  void toBuilder_roundTrips() {
    DeployConfig c = DeployConfig.defaults("a").withGitDepth(3);
    assertEquals(c, c.toBuilder().build());
    assertEquals("b", c.toBuilder().name("b").build().name());
  }

  @Test
  void collections_areCopiedAndImmutable() {
    List<String> files = new ArrayList<>(List.of("a.yml"));
    DeployConfig c = DeployConfig.defaults("a").withComposeFiles(files);
    files.add("b.yml");
    assertEquals(List.of("a.yml"), c.composeFiles());
    assertThrows(UnsupportedOperationException.class, () -> c.composeFiles().add("c"));
  }

  @Test
  void trustedOverride_onlyWhenTrustedAndNotEmpty() {
    TrustPolicyOverride o = new TrustPolicyOverride(true, List.of(), List.of(), null);
    assertFalse(DeployConfig.defaults("a").withOci(o).trustedOverride().isPresent());
    assertTrue(
        DeployConfig.defaults("a").withOci(o).withTrusted(true).trustedOverride().isPresent());
    assertFalse(DeployConfig.defaults("a").withTrusted(true).trustedOverride().isPresent());
  }
}
