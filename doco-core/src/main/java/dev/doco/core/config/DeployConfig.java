package dev.doco.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One deployment, as one YAML document of a {@code .doco-cd.yaml} (or one inline {@code
 * deployments:} entry of a poll config). Keys and defaults are doco-cd's; see the README's
 * configuration section.
 *
 * @param name Compose project / Swarm stack name
 * @param source {@code git} or {@code oci} (informational)
 * @param version layout version, {@code doco.v1}
 * @param reference git reference; for OCI, overwritten with the artifact tag
 * @param webhookFilter regular expression the webhook's tag must match (empty: no filter);
 *     validated at load
 * @param workingDir directory of the compose files, relative to the artifact root, cleaned
 * @param context Docker context ("" = default)
 * @param composeFiles compose files relative to {@code workingDir}
 * @param environment interpolation variables (applied to OCI deployments, unlike doco-cd)
 * @param envFiles dotenv files relative to {@code workingDir}
 * @param timeout readiness wait
 * @param oci per-deployment trust override; honoured only when {@code trusted}
 * @param trusted true for inline poll configs, false for configs read from an artifact
 * @param origin where this config was read from (file name or {@code POLL_CONFIG}), for messages
 * @param document zero-based document index in {@code origin}
 */
public record DeployConfig(
    String name,
    String source,
    String version,
    String repositoryUrl,
    String reference,
    String webhookFilter,
    String workingDir,
    String context,
    List<String> composeFiles,
    Map<String, String> environment,
    List<String> envFiles,
    List<String> profiles,
    boolean removeOrphans,
    boolean pruneImages,
    boolean forceRecreate,
    boolean forceImagePull,
    boolean waitRunningJobs,
    Duration timeout,
    int gitDepth,
    BuildConfig build,
    DestroyConfig destroy,
    AutoDiscoveryConfig autoDiscovery,
    ReconciliationConfig reconciliation,
    SwarmConfig swarm,
    Map<String, Object> externalSecrets,
    TrustPolicyOverride oci,
    boolean trusted,
    String origin,
    int document) {

  /** compose-go's default file names, in order; only this exact list skips missing files. */
  public static final List<String> DEFAULT_COMPOSE_FILES =
      List.of("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml");

  public static final List<String> DEFAULT_ENV_FILES = List.of(".env");

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(180);

  public DeployConfig {
    composeFiles = List.copyOf(composeFiles);
    environment = Map.copyOf(environment);
    envFiles = List.copyOf(envFiles);
    profiles = List.copyOf(profiles);
    externalSecrets = Map.copyOf(externalSecrets);
  }

  /** A config with doco-cd's defaults for everything but the name. */
  public static DeployConfig defaults(String name) {
    return new DeployConfig(
        name,
        "git",
        "doco.v1",
        "",
        "",
        "",
        ".",
        "",
        DEFAULT_COMPOSE_FILES,
        Map.of(),
        DEFAULT_ENV_FILES,
        List.of(),
        true,
        true,
        false,
        false,
        true,
        DEFAULT_TIMEOUT,
        0,
        BuildConfig.DEFAULT,
        DestroyConfig.DEFAULT,
        AutoDiscoveryConfig.DEFAULT,
        ReconciliationConfig.DEFAULT,
        SwarmConfig.DEFAULT,
        Map.of(),
        TrustPolicyOverride.NONE,
        false,
        "",
        0);
  }

  /**
   * True when {@link #composeFiles()} is exactly the default list (missing files are then skipped).
   */
  public boolean usesDefaultComposeFiles() {
    return composeFiles.equals(DEFAULT_COMPOSE_FILES);
  }

  /** The trust override, only when this config is trusted and has one. */
  public Optional<TrustPolicyOverride> trustedOverride() {
    return trusted && !oci.isEmpty() ? Optional.of(oci) : Optional.empty();
  }

  public DeployConfig withReference(String newReference) {
    return new DeployConfig(
        name,
        source,
        version,
        repositoryUrl,
        newReference,
        webhookFilter,
        workingDir,
        context,
        composeFiles,
        environment,
        envFiles,
        profiles,
        removeOrphans,
        pruneImages,
        forceRecreate,
        forceImagePull,
        waitRunningJobs,
        timeout,
        gitDepth,
        build,
        destroy,
        autoDiscovery,
        reconciliation,
        swarm,
        externalSecrets,
        oci,
        trusted,
        origin,
        document);
  }
}
