package dev.doco.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerSettingsTest {
  @TempDir Path dir;

  @Test
  void webhookSecretFile_isReadWithoutItsTrailingNewline() throws Exception {
    Path f = Files.writeString(dir.resolve("secret"), "s3cret\n");
    ServerSettings s = ServerSettings.fromEnvironment(Map.of("WEBHOOK_SECRET_FILE", f.toString()));
    assertEquals("s3cret", s.webhookSecret());
  }

  @Test
  void noSecret_meansNoWebhooks_andAllowListSplitsOnCommasAndSpaces() {
    ServerSettings s =
        ServerSettings.fromEnvironment(
            Map.of("WEBHOOK_ALLOWED_ARTIFACTS", " ghcr.io/a/cfg, ghcr.io/b/*\nquay.io/c/ "));
    assertNull(s.webhookSecret());
    assertEquals(List.of("ghcr.io/a/cfg", "ghcr.io/b/*", "quay.io/c/"), s.allowedArtifacts());
  }

  @Test
  void missingSecretFile_namesTheVariableAndThePathAndSaysWhatToDo() {
    Path missing = dir.resolve("missing");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ServerSettings.fromEnvironment(Map.of("WEBHOOK_SECRET_FILE", missing.toString())));
    assertTrue(
        e.getMessage().contains("cannot read WEBHOOK_SECRET_FILE " + missing + " (NoSuchFile"),
        e.getMessage());
    assertTrue(e.getMessage().contains("or set WEBHOOK_SECRET instead"), e.getMessage());
  }

  @Test
  void secretAndSecretFileTogether_isAnError() throws Exception {
    Path f = Files.writeString(dir.resolve("secret"), "a");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ServerSettings.fromEnvironment(
                    Map.of("WEBHOOK_SECRET", "b", "WEBHOOK_SECRET_FILE", f.toString())));
    assertTrue(
        e.getMessage().contains("both WEBHOOK_SECRET and WEBHOOK_SECRET_FILE"), e.getMessage());
  }
}
