package dev.doco.compose;

import java.util.List;
import java.util.Set;

/**
 * The {@code cd.doco.*} label keys doco writes on containers (Compose) and services (Swarm). They
 * are doco-cd's keys, so either tool can read what the other deployed.
 */
public final class DocoLabels {
  private DocoLabels() {}

  /** Who manages the project: {@value #MANAGER_DOCO} (doco) or {@code doco-cd}. */
  public static final String MANAGER = "cd.doco.metadata.manager";

  public static final String VERSION = "cd.doco.metadata.version";
  public static final String NAME = "cd.doco.deployment.name";

  /** RFC 3339 UTC time of the deployment. */
  public static final String TIMESTAMP = "cd.doco.deployment.timestamp";

  public static final String WORKING_DIR = "cd.doco.deployment.working_dir";
  public static final String CONFIG_TARGET = "cd.doco.deployment.config.target";

  /** What started the deployment (poll, webhook, api, manual). */
  public static final String TRIGGER = "cd.doco.deployment.trigger";

  /** The deployed artifact digest. */
  public static final String TARGET_SHA = "cd.doco.deployment.target.sha";

  /** The deployed tag (for a digest reference, the hex part). */
  public static final String TARGET_REF = "cd.doco.deployment.target.ref";

  /** The hash of the trusted deploy configuration (a change redeploys). */
  public static final String CONFIG_SHA = "cd.doco.deployment.config.sha";

  public static final String SOURCE = "cd.doco.source";
  public static final String SOURCE_NAME = "cd.doco.source.name";
  public static final String SOURCE_URL = "cd.doco.source.url";

  /** The value of {@link #MANAGER} that doco writes. */
  public static final String MANAGER_DOCO = "doco";

  /** The value of {@link #MANAGER} that doco-cd writes. */
  public static final String MANAGER_DOCO_CD = "doco-cd";

  /** Managers whose projects doco may update and destroy. */
  public static final Set<String> MANAGERS = Set.of(MANAGER_DOCO, MANAGER_DOCO_CD);

  /** Every key above, in a stable order. */
  public static final List<String> ALL =
      List.of(
          MANAGER,
          VERSION,
          NAME,
          TIMESTAMP,
          WORKING_DIR,
          CONFIG_TARGET,
          TRIGGER,
          TARGET_SHA,
          TARGET_REF,
          CONFIG_SHA,
          SOURCE,
          SOURCE_NAME,
          SOURCE_URL);

  /**
   * The keys that do not change with every deployment; on Swarm only these go on containers, so a
   * redeploy does not restart tasks (as doco-cd does).
   */
  public static final List<String> STABLE =
      List.of(MANAGER, NAME, WORKING_DIR, CONFIG_TARGET, TARGET_REF, SOURCE, SOURCE_NAME);
}
