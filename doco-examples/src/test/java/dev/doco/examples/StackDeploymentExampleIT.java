package dev.doco.examples;

import static dev.doco.examples.E2e.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.Deployment;
import dev.doco.core.Doco;
import dev.doco.core.testing.Peer;
import dev.doco.core.testing.Peers;
import dev.doco.oci.pack.Packager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example of a JUnit 5 test written against doco: package a stack into an OCI layout, deploy
 * it, check the service answers, and let the {@link Deployment} handle tear it down.
 */
class StackDeploymentExampleIT {
  @TempDir Path work;

  @Test
  void deployedStackAnswers_andIsRemovedWhenTheHandleCloses() throws Exception {
    Peers.require(Peer.DOCKER, Peer.COMPOSE, Peer.TEST_IMAGE);
    int port = E2e.freePort();
    Path stack = E2e.stack(work.resolve("stack"), "example-" + port, port, "hello test");
    Packager.builder()
        .build()
        .pack(stack, work.resolve("tmp"))
        .writeLayout(work.resolve("layout"), "v1");

    try (Doco doco =
        Doco.builder()
            .dataDirectory(work.resolve("data"))
            .settings(Map.of("DOCKER_SWARM_FEATURES", "false", "DOCO_DOCKER", E2e.tool("docker")))
            .build()) {
      try (Deployment d = doco.deploy("oci-layout:" + work.resolve("layout") + ":v1")) {
        await(
            "the service answers",
            Duration.ofSeconds(30),
            () -> E2e.get("http://127.0.0.1:" + port + "/").contains("hello test"));
      }
      assertTrue(
          E2e.containerIds("example-" + port).isEmpty(), "closing the handle removed the stack");
    } finally {
      E2e.down("example-" + port);
    }
  }
}
