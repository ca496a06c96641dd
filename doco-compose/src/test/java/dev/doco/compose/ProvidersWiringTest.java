package dev.doco.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.core.DocoListener;
import dev.doco.core.Providers;
import dev.doco.core.spi.DeployerProvider;
import dev.doco.core.spi.ProviderContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvidersWiringTest {
  @TempDir Path data;

  @Test
  void serviceLoader_findsComposeAndSwarm_swarmFirstByPriority() {
    Providers providers = Providers.discover();
    List<String> ids = providers.deployerProviders().stream().map(DeployerProvider::id).toList();
    assertTrue(
        ids.indexOf("swarm") >= 0 && ids.indexOf("compose") > ids.indexOf("swarm"), ids.toString());
    assertTrue(providers.problems().isEmpty(), providers.problems().toString());
  }

  @Test
  void selection_picksSwarmOnAManager_composeOtherwise_eitherById() {
    ProviderContext ctx = new ProviderContext(Map.of("PATH", "/usr/bin"), data, DocoListener.NONE);
    Providers onManager =
        Providers.builder()
            .discover(false)
            .register(
                new SwarmDeployerProvider(new FakeDocker().on(List.of("info"), "active true\n")))
            .register(new ComposeDeployerProvider())
            .build();
    assertEquals("swarm", onManager.deployer("", ctx).id());
    assertEquals("compose", onManager.deployer("compose", ctx).id());

    Providers plain =
        Providers.builder()
            .discover(false)
            .register(
                new SwarmDeployerProvider(new FakeDocker().on(List.of("info"), "inactive false\n")))
            .register(new ComposeDeployerProvider())
            .build();
    assertEquals("compose", plain.deployer("", ctx).id());
    assertEquals("swarm", plain.deployer("swarm", ctx).id());
    assertInstanceOf(SwarmDeployer.class, plain.deployer("swarm", ctx).create(ctx));
    assertInstanceOf(ComposeDeployer.class, plain.deployer("", ctx).create(ctx));
  }
}
