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

  /** A builder initialised with this config's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A copy with {@code name} replaced. */
  public DeployConfig withName(String newName) {
    return toBuilder().name(newName).build();
  }

  /** A copy with {@code source} replaced. */
  public DeployConfig withSource(String newSource) {
    return toBuilder().source(newSource).build();
  }

  /** A copy with {@code version} replaced. */
  public DeployConfig withVersion(String newVersion) {
    return toBuilder().version(newVersion).build();
  }

  /** A copy with {@code repositoryUrl} replaced. */
  public DeployConfig withRepositoryUrl(String newRepositoryUrl) {
    return toBuilder().repositoryUrl(newRepositoryUrl).build();
  }

  /** A copy with {@code reference} replaced. */
  public DeployConfig withReference(String newReference) {
    return toBuilder().reference(newReference).build();
  }

  /** A copy with {@code webhookFilter} replaced. */
  public DeployConfig withWebhookFilter(String newWebhookFilter) {
    return toBuilder().webhookFilter(newWebhookFilter).build();
  }

  /** A copy with {@code workingDir} replaced. */
  public DeployConfig withWorkingDir(String newWorkingDir) {
    return toBuilder().workingDir(newWorkingDir).build();
  }

  /** A copy with {@code context} replaced. */
  public DeployConfig withContext(String newContext) {
    return toBuilder().context(newContext).build();
  }

  /** A copy with {@code composeFiles} replaced. */
  public DeployConfig withComposeFiles(List<String> newComposeFiles) {
    return toBuilder().composeFiles(newComposeFiles).build();
  }

  /** A copy with {@code environment} replaced. */
  public DeployConfig withEnvironment(Map<String, String> newEnvironment) {
    return toBuilder().environment(newEnvironment).build();
  }

  /** A copy with {@code envFiles} replaced. */
  public DeployConfig withEnvFiles(List<String> newEnvFiles) {
    return toBuilder().envFiles(newEnvFiles).build();
  }

  /** A copy with {@code profiles} replaced. */
  public DeployConfig withProfiles(List<String> newProfiles) {
    return toBuilder().profiles(newProfiles).build();
  }

  /** A copy with {@code removeOrphans} replaced. */
  public DeployConfig withRemoveOrphans(boolean newRemoveOrphans) {
    return toBuilder().removeOrphans(newRemoveOrphans).build();
  }

  /** A copy with {@code pruneImages} replaced. */
  public DeployConfig withPruneImages(boolean newPruneImages) {
    return toBuilder().pruneImages(newPruneImages).build();
  }

  /** A copy with {@code forceRecreate} replaced. */
  public DeployConfig withForceRecreate(boolean newForceRecreate) {
    return toBuilder().forceRecreate(newForceRecreate).build();
  }

  /** A copy with {@code forceImagePull} replaced. */
  public DeployConfig withForceImagePull(boolean newForceImagePull) {
    return toBuilder().forceImagePull(newForceImagePull).build();
  }

  /** A copy with {@code waitRunningJobs} replaced. */
  public DeployConfig withWaitRunningJobs(boolean newWaitRunningJobs) {
    return toBuilder().waitRunningJobs(newWaitRunningJobs).build();
  }

  /** A copy with {@code timeout} replaced. */
  public DeployConfig withTimeout(Duration newTimeout) {
    return toBuilder().timeout(newTimeout).build();
  }

  /** A copy with {@code gitDepth} replaced. */
  public DeployConfig withGitDepth(int newGitDepth) {
    return toBuilder().gitDepth(newGitDepth).build();
  }

  /** A copy with {@code build} replaced. */
  public DeployConfig withBuild(BuildConfig newBuild) {
    return toBuilder().build(newBuild).build();
  }

  /** A copy with {@code destroy} replaced. */
  public DeployConfig withDestroy(DestroyConfig newDestroy) {
    return toBuilder().destroy(newDestroy).build();
  }

  /** A copy with {@code autoDiscovery} replaced. */
  public DeployConfig withAutoDiscovery(AutoDiscoveryConfig newAutoDiscovery) {
    return toBuilder().autoDiscovery(newAutoDiscovery).build();
  }

  /** A copy with {@code reconciliation} replaced. */
  public DeployConfig withReconciliation(ReconciliationConfig newReconciliation) {
    return toBuilder().reconciliation(newReconciliation).build();
  }

  /** A copy with {@code swarm} replaced. */
  public DeployConfig withSwarm(SwarmConfig newSwarm) {
    return toBuilder().swarm(newSwarm).build();
  }

  /** A copy with {@code externalSecrets} replaced. */
  public DeployConfig withExternalSecrets(Map<String, Object> newExternalSecrets) {
    return toBuilder().externalSecrets(newExternalSecrets).build();
  }

  /** A copy with {@code oci} replaced. */
  public DeployConfig withOci(TrustPolicyOverride newOci) {
    return toBuilder().oci(newOci).build();
  }

  /** A copy with {@code trusted} replaced. */
  public DeployConfig withTrusted(boolean newTrusted) {
    return toBuilder().trusted(newTrusted).build();
  }

  /** A copy with {@code origin} replaced. */
  public DeployConfig withOrigin(String newOrigin) {
    return toBuilder().origin(newOrigin).build();
  }

  /** A copy with {@code document} replaced. */
  public DeployConfig withDocument(int newDocument) {
    return toBuilder().document(newDocument).build();
  }

  /**
   * A mutable builder for {@link DeployConfig}; start from {@link DeployConfig#defaults(String)}
   * and {@link DeployConfig#toBuilder()}.
   */
  public static final class Builder {
    private String name;
    private String source;
    private String version;
    private String repositoryUrl;
    private String reference;
    private String webhookFilter;
    private String workingDir;
    private String context;
    private List<String> composeFiles;
    private Map<String, String> environment;
    private List<String> envFiles;
    private List<String> profiles;
    private boolean removeOrphans;
    private boolean pruneImages;
    private boolean forceRecreate;
    private boolean forceImagePull;
    private boolean waitRunningJobs;
    private Duration timeout;
    private int gitDepth;
    private BuildConfig build;
    private DestroyConfig destroy;
    private AutoDiscoveryConfig autoDiscovery;
    private ReconciliationConfig reconciliation;
    private SwarmConfig swarm;
    private Map<String, Object> externalSecrets;
    private TrustPolicyOverride oci;
    private boolean trusted;
    private String origin;
    private int document;

    private Builder(DeployConfig c) {
      this.name = c.name;
      this.source = c.source;
      this.version = c.version;
      this.repositoryUrl = c.repositoryUrl;
      this.reference = c.reference;
      this.webhookFilter = c.webhookFilter;
      this.workingDir = c.workingDir;
      this.context = c.context;
      this.composeFiles = c.composeFiles;
      this.environment = c.environment;
      this.envFiles = c.envFiles;
      this.profiles = c.profiles;
      this.removeOrphans = c.removeOrphans;
      this.pruneImages = c.pruneImages;
      this.forceRecreate = c.forceRecreate;
      this.forceImagePull = c.forceImagePull;
      this.waitRunningJobs = c.waitRunningJobs;
      this.timeout = c.timeout;
      this.gitDepth = c.gitDepth;
      this.build = c.build;
      this.destroy = c.destroy;
      this.autoDiscovery = c.autoDiscovery;
      this.reconciliation = c.reconciliation;
      this.swarm = c.swarm;
      this.externalSecrets = c.externalSecrets;
      this.oci = c.oci;
      this.trusted = c.trusted;
      this.origin = c.origin;
      this.document = c.document;
    }

    public Builder name(String value) {
      this.name = value;
      return this;
    }

    public Builder source(String value) {
      this.source = value;
      return this;
    }

    public Builder version(String value) {
      this.version = value;
      return this;
    }

    public Builder repositoryUrl(String value) {
      this.repositoryUrl = value;
      return this;
    }

    public Builder reference(String value) {
      this.reference = value;
      return this;
    }

    public Builder webhookFilter(String value) {
      this.webhookFilter = value;
      return this;
    }

    public Builder workingDir(String value) {
      this.workingDir = value;
      return this;
    }

    public Builder context(String value) {
      this.context = value;
      return this;
    }

    public Builder composeFiles(List<String> value) {
      this.composeFiles = value;
      return this;
    }

    public Builder environment(Map<String, String> value) {
      this.environment = value;
      return this;
    }

    public Builder envFiles(List<String> value) {
      this.envFiles = value;
      return this;
    }

    public Builder profiles(List<String> value) {
      this.profiles = value;
      return this;
    }

    public Builder removeOrphans(boolean value) {
      this.removeOrphans = value;
      return this;
    }

    public Builder pruneImages(boolean value) {
      this.pruneImages = value;
      return this;
    }

    public Builder forceRecreate(boolean value) {
      this.forceRecreate = value;
      return this;
    }

    public Builder forceImagePull(boolean value) {
      this.forceImagePull = value;
      return this;
    }

    public Builder waitRunningJobs(boolean value) {
      this.waitRunningJobs = value;
      return this;
    }

    public Builder timeout(Duration value) {
      this.timeout = value;
      return this;
    }

    public Builder gitDepth(int value) {
      this.gitDepth = value;
      return this;
    }

    public Builder build(BuildConfig value) {
      this.build = value;
      return this;
    }

    public Builder destroy(DestroyConfig value) {
      this.destroy = value;
      return this;
    }

    public Builder autoDiscovery(AutoDiscoveryConfig value) {
      this.autoDiscovery = value;
      return this;
    }

    public Builder reconciliation(ReconciliationConfig value) {
      this.reconciliation = value;
      return this;
    }

    public Builder swarm(SwarmConfig value) {
      this.swarm = value;
      return this;
    }

    public Builder externalSecrets(Map<String, Object> value) {
      this.externalSecrets = value;
      return this;
    }

    public Builder oci(TrustPolicyOverride value) {
      this.oci = value;
      return this;
    }

    public Builder trusted(boolean value) {
      this.trusted = value;
      return this;
    }

    public Builder origin(String value) {
      this.origin = value;
      return this;
    }

    public Builder document(int value) {
      this.document = value;
      return this;
    }

    public DeployConfig build() {
      return new DeployConfig(
          name,
          source,
          version,
          repositoryUrl,
          reference,
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
}
