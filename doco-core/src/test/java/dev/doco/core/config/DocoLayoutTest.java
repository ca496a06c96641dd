package dev.doco.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mirrors doco-cd's {@code service_test.go} layout and config-file tests. */
class DocoLayoutTest {
  @TempDir Path dir;

  private void write(String name, String text) throws IOException {
    Files.writeString(dir.resolve(name), text);
  }

  @Test
  void acceptsVersionInConfig() throws IOException {
    write(".doco-cd.yaml", "name: a\nversion: doco.v1\n");
    assertEquals(dir.resolve(".doco-cd.yaml"), DocoLayout.check(dir, ""));
  }

  @Test
  void acceptsMissingVersion_defaultsToV1() throws IOException {
    write(".doco-cd.yaml", "name: a\n");
    DocoLayout.check(dir, "");
  }

  @Test
  void rejectsUnsupportedVersion() throws IOException {
    write(".doco-cd.yaml", "name: a\nversion: doco.v2\n");
    ConfigException e = assertThrows(ConfigException.class, () -> DocoLayout.check(dir, ""));
    assertTrue(
        e.getMessage()
            .contains("invalid OCI artifact layout: expected layout=doco.v1 in .doco-cd.yaml"),
        e.getMessage());
    assertEquals(2, e.line());
  }

  @Test
  void firstNonEmptyVersionDecides() throws IOException {
    write(
        ".doco-cd.yml",
        "name: a\nversion: ''\n---\nname: b\nversion: doco.v1\n---\nname: c\nversion: doco.v9\n");
    DocoLayout.check(dir, "");
    write(".doco-cd.yml", "name: a\n---\nname: b\nversion: doco.v9\n---\nversion: doco.v1\n");
    ConfigException e = assertThrows(ConfigException.class, () -> DocoLayout.check(dir, ""));
    assertEquals(1, e.document());
  }

  @Test
  void acceptsCustomTargetConfig() throws IOException {
    write(".doco-cd.production.yaml", "name: a\n");
    assertEquals(dir.resolve(".doco-cd.production.yaml"), DocoLayout.check(dir, "production"));
  }

  @Test
  void customTargetDoesNotFallBackToDefault() throws IOException {
    write(".doco-cd.yaml", "name: a\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> DocoLayout.check(dir, "production"));
    assertTrue(
        e.getMessage().contains("expected .doco-cd.production.yml or .doco-cd.production.yaml"),
        e.getMessage());
  }

  @Test
  void customTargetMissingBothFiles() {
    assertThrows(ConfigException.class, () -> DocoLayout.check(dir, "staging"));
  }

  @Test
  void noConfig_isDocoCdsLayoutError() {
    ConfigException e = assertThrows(ConfigException.class, () -> DocoLayout.check(dir, ""));
    assertEquals(
        "invalid OCI artifact layout: expected .doco-cd.yml or .doco-cd.yaml at artifact root",
        e.getMessage());
  }

  @Test
  void yamlError_isFailedToReadLayout() throws IOException {
    write(".doco-cd.yaml", "name: [a\n");
    ConfigException e = assertThrows(ConfigException.class, () -> DocoLayout.check(dir, ""));
    assertTrue(e.getMessage().contains("failed to read layout from .doco-cd.yaml"), e.getMessage());
  }

  // TestFindArtifactConfigFile_*
  @Test
  void findConfigFile_noCustomTarget_findsYml() throws IOException {
    write(".doco-cd.yml", "name: a\n");
    assertEquals(
        dir.resolve(".doco-cd.yml"), DeployConfigLoader.findConfigFile(dir, "").orElseThrow());
  }

  @Test
  void findConfigFile_customTargetDoesNotFallBackToDefault() throws IOException {
    write(".doco-cd.yaml", "name: a\n");
    assertTrue(DeployConfigLoader.findConfigFile(dir, "production").isEmpty());
  }

  @Test
  void findConfigFile_customTargetReturnsTargetConfig() throws IOException {
    write(".doco-cd.yaml", "name: a\n");
    write(".doco-cd.production.yaml", "name: b\n");
    assertEquals(
        dir.resolve(".doco-cd.production.yaml"),
        DeployConfigLoader.findConfigFile(dir, "production").orElseThrow());
  }
}
