package dev.doco.compose.internal;

import dev.doco.compose.DocoLabels;
import dev.doco.core.spi.DeploymentPlan;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code cd.doco.*} labels of one deployment (doco-cd's keys, §6.3 of the reference). */
public final class Labels {
  private Labels() {}

  /**
   * Labels for {@code plan}, deployed from {@code workingDir} at {@code now}, in {@link
   * DocoLabels#ALL}'s order.
   */
  public static Map<String, String> of(
      DeploymentPlan plan, Path workingDir, Instant now, String version) {
    Map<String, String> l = new LinkedHashMap<>();
    l.put(DocoLabels.MANAGER, DocoLabels.MANAGER_DOCO);
    l.put(DocoLabels.VERSION, version);
    l.put(DocoLabels.NAME, plan.name());
    l.put(DocoLabels.TIMESTAMP, now.truncatedTo(ChronoUnit.SECONDS).toString());
    l.put(DocoLabels.WORKING_DIR, workingDir.toString());
    l.put(DocoLabels.CONFIG_TARGET, plan.target());
    l.put(DocoLabels.TRIGGER, plan.trigger().label());
    l.put(DocoLabels.TARGET_SHA, plan.revision().digest());
    l.put(DocoLabels.TARGET_REF, tagLabel(plan.revision().tag()));
    l.put(DocoLabels.CONFIG_SHA, plan.configHash());
    l.put(DocoLabels.SOURCE, "oci");
    l.put(DocoLabels.SOURCE_NAME, plan.revision().repository());
    l.put(DocoLabels.SOURCE_URL, plan.revision().reference());
    return l;
  }

  /** doco-cd's {@code ExtractOciArtifactTag}: a tag as is; {@code sha256:<hex>} gives the hex. */
  static String tagLabel(String tag) {
    int colon = tag.indexOf(':');
    return tag.startsWith("sha256:") && colon >= 0 ? tag.substring(colon + 1) : tag;
  }

  /** The subset of {@code labels} whose keys are in {@link DocoLabels#STABLE}. */
  public static Map<String, String> stable(Map<String, String> labels) {
    Map<String, String> l = new LinkedHashMap<>();
    for (String k : DocoLabels.STABLE) {
      String v = labels.get(k);
      if (v != null) {
        l.put(k, v);
      }
    }
    return l;
  }

  /** The doco version for {@link DocoLabels#VERSION}: the jar's, or {@code dev}. */
  public static String docoVersion() {
    String v = Labels.class.getPackage().getImplementationVersion();
    return v == null || v.isBlank() ? "dev" : v;
  }
}
