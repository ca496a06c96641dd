package dev.doco.core.engine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.DeploymentState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
  @TempDir Path dir;

  static StateRecord record(String name, String digest) {
    return new StateRecord(
        name,
        "ghcr.io/acme/cfg:main",
        "ghcr.io/acme/cfg",
        "main",
        "",
        "",
        "/data/checkouts/ghcr.io/acme/cfg/main",
        "ghcr.io/acme/cfg:main#",
        digest,
        "sha256:cfg",
        Instant.parse("2026-11-27T10:00:00Z"),
        digest,
        "sha256:trigger",
        Instant.parse("2026-11-27T10:00:01Z"),
        DeploymentState.Result.SUCCEEDED,
        "",
        0,
        "poll",
        true,
        "compose");
  }

  @Test
  void save_thenANewStoreReadsTheSameRecord() {
    new StateStore(dir).save(record("web", "sha256:aa"));

    StateRecord back = new StateStore(dir).get("web").orElseThrow();

    assertEquals(record("web", "sha256:aa"), back);
  }

  @Test
  void save_replacesTheFileAndLeavesNoTemporaryFiles() throws Exception {
    StateStore store = new StateStore(dir);
    store.save(record("web", "sha256:aa"));
    store.save(record("web", "sha256:bb"));

    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(dir.resolve("web.json")), files.toList());
    }
    assertTrue(Files.readString(dir.resolve("web.json")).contains("sha256:bb"));
  }

  @Test
  void fileFor_escapesNamesSoTheyCannotLeaveTheDirectory() {
    StateStore store = new StateStore(dir);
    assertEquals(dir.resolve("%2E.%2Fetc%2Fpasswd.json"), store.fileFor("../etc/passwd"));
    assertEquals(dir.resolve("my-app_1.v2.json"), store.fileFor("my-app_1.v2"));
  }

  @Test
  void corruptFile_isSetAsideAndTreatedAsAbsent() throws Exception {
    Files.writeString(dir.resolve("web.json"), "{not json");

    StateStore store = new StateStore(dir);

    assertTrue(store.get("web").isEmpty());
    assertTrue(Files.exists(dir.resolve("web.json.corrupt")));
  }

  @Test
  void bySource_returnsOnlyActiveRecordsOfThatSource() {
    StateStore store = new StateStore(dir);
    store.save(record("a", "sha256:aa"));
    store.save(record("b", "sha256:aa").withActive(false));

    assertEquals(
        List.of("a"),
        store.bySource("ghcr.io/acme/cfg:main#").stream().map(StateRecord::name).toList());
  }

  @Test
  void delete_removesFileAndRecord() {
    StateStore store = new StateStore(dir);
    store.save(record("web", "sha256:aa"));
    store.delete("web");
    assertFalse(Files.exists(dir.resolve("web.json")));
    assertTrue(new StateStore(dir).get("web").isEmpty());
  }
}
