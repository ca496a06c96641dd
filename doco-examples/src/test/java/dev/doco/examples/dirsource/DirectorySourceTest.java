package dev.doco.examples.dirsource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.Deployment;
import dev.doco.core.Doco;
import dev.doco.core.Providers;
import dev.doco.core.VerificationException;
import dev.doco.core.config.TrustPolicy;
import dev.doco.core.spi.DeployResult;
import dev.doco.core.spi.Deployer;
import dev.doco.core.spi.DeployerProvider;
import dev.doco.core.spi.DeploymentPlan;
import dev.doco.core.spi.DeploymentStatus;
import dev.doco.core.spi.ProviderContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySourceTest {
  @TempDir Path temp;

  /** Records deployments instead of running Compose. */
  static final class Recorder implements Deployer, DeployerProvider {
    final Map<String, String> running = new ConcurrentHashMap<>();
    final List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public String id() {
      return "recorder";
    }

    @Override
    public Deployer create(ProviderContext context) {
      return this;
    }

    @Override
    public DeployResult deploy(DeploymentPlan plan) {
      running.put(plan.name(), plan.revision().digest());
      log.add(plan.checkout().toString());
      return new DeployResult(
          plan.name(), plan.revision().digest(), false, "ok", List.of(), Duration.ZERO);
    }

    @Override
    public void destroy(DeploymentPlan plan) {
      running.remove(plan.name());
    }

    @Override
    public Optional<DeploymentStatus> inspect(String name, String context) {
      String d = running.get(name);
      return d == null
          ? Optional.empty()
          : Optional.of(new DeploymentStatus(name, true, true, d, "", "", Map.of(), List.of()));
    }

    @Override
    public List<List<String>> plannedCommands(DeploymentPlan plan) {
      return List.of();
    }
  }

  @Test
  void serviceLoader_findsTheDirectorySourceThroughMetaInfServices() {
    Providers p = Providers.discover();
    assertEquals("dir", p.sourceFor("dir:/srv/stack").id());
  }

  @Test
  void deployFromADirectory_redeploysOnlyWhenTheFilesChange() throws Exception {
    Path stack = temp.resolve("stack");
    Files.createDirectories(stack);
    Files.writeString(stack.resolve(".doco-cd.yaml"), "name: web\n");
    Files.writeString(stack.resolve("compose.yaml"), "services: {web: {image: busybox}}\n");
    Recorder recorder = new Recorder();
    Providers providers = Providers.builder().register(recorder).build(); // dir source discovered
    try (Doco doco =
        Doco.builder().providers(providers).dataDirectory(temp.resolve("data")).build()) {
      Deployment first = doco.deploy("dir:" + stack);
      assertTrue(Files.isRegularFile(first.checkout().resolve("compose.yaml")));
      assertTrue(doco.deploy("dir:" + stack).unchanged());

      Files.writeString(stack.resolve("compose.yaml"), "services: {web: {image: busybox:2}}\n");
      Deployment second = doco.deploy("dir:" + stack);

      assertNotEquals(first.revision().digest(), second.revision().digest());
      assertEquals(2, recorder.log.size());
    }
  }

  @Test
  void withVerificationEnabled_aDirectoryIsRefused() throws Exception {
    Path stack = temp.resolve("stack");
    Files.createDirectories(stack);
    Files.writeString(stack.resolve(".doco-cd.yaml"), "name: web\n");
    TrustPolicy policy =
        new TrustPolicy(
            true,
            List.of("-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----"),
            List.of(),
            true,
            null,
            null);
    try (Doco doco =
        Doco.builder()
            .providers(Providers.builder().register(new Recorder()).build())
            .dataDirectory(temp.resolve("data"))
            .trustPolicy(policy)
            .build()) {
      assertThrows(VerificationException.class, () -> doco.deploy("dir:" + stack));
    }
  }
}
