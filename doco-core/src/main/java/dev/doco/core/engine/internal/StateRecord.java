package dev.doco.core.engine.internal;

import dev.doco.core.DeploymentState;
import dev.doco.core.spi.DeploymentStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One deployment's persisted state ({@code <data>/state/<name>.json}).
 *
 * @param sourceKey which trigger source produced it: {@code repository:tag#target}
 * @param digest last applied digest ("" when never applied)
 * @param configHash config hash of the last applied deployment
 * @param triggerHash hash of the trusted trigger inputs (target, inline configs, global policy) of
 *     the last attempt
 * @param attemptedDigest digest of the last attempt
 * @param active false once the deployment no longer comes from {@code sourceKey}'s configs
 * @param deployer id of the deployer provider that deployed it ({@code compose}, {@code swarm});
 *     later operations on the deployment use the same one
 */
public record StateRecord(
    String name,
    String reference,
    String repository,
    String tag,
    String target,
    String context,
    String checkout,
    String sourceKey,
    String digest,
    String configHash,
    @Nullable Instant appliedAt,
    String attemptedDigest,
    String triggerHash,
    Instant lastAttemptAt,
    DeploymentState.Result result,
    String lastError,
    int failures,
    String trigger,
    boolean active,
    String deployer) {

  static final int FORMAT_VERSION = 1;

  /** The public view, with the engine's status merged in (its digest label wins). */
  public DeploymentState toPublic(@Nullable DeploymentStatus engine) {
    String running = engine != null && !engine.digest().isEmpty() ? engine.digest() : digest;
    return new DeploymentState(
        name,
        reference,
        target,
        running,
        configHash,
        appliedAt,
        result,
        lastAttemptAt,
        lastError,
        failures,
        Path.of(checkout),
        engine);
  }

  public StateRecord withActive(boolean value) {
    return new StateRecord(
        name,
        reference,
        repository,
        tag,
        target,
        context,
        checkout,
        sourceKey,
        digest,
        configHash,
        appliedAt,
        attemptedDigest,
        triggerHash,
        lastAttemptAt,
        result,
        lastError,
        failures,
        trigger,
        value,
        deployer);
  }

  /** The applied digest replaced by what the engine's labels say ("" when the stack is gone). */
  public StateRecord withAppliedDigest(String value) {
    return new StateRecord(
        name,
        reference,
        repository,
        tag,
        target,
        context,
        checkout,
        sourceKey,
        value,
        configHash,
        appliedAt,
        attemptedDigest,
        triggerHash,
        lastAttemptAt,
        result,
        lastError,
        failures,
        trigger,
        active,
        deployer);
  }

  Map<String, @Nullable Object> toJson() {
    Map<String, @Nullable Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT_VERSION);
    m.put("name", name);
    m.put("reference", reference);
    m.put("repository", repository);
    m.put("tag", tag);
    m.put("target", target);
    m.put("context", context);
    m.put("checkout", checkout);
    m.put("source_key", sourceKey);
    m.put("digest", digest);
    m.put("config_hash", configHash);
    m.put("applied_at", appliedAt == null ? null : appliedAt.toString());
    m.put("attempted_digest", attemptedDigest);
    m.put("trigger_hash", triggerHash);
    m.put("last_attempt_at", lastAttemptAt.toString());
    m.put("result", result.name());
    m.put("last_error", lastError);
    m.put("failures", failures);
    m.put("trigger", trigger);
    m.put("active", active);
    m.put("deployer", deployer);
    return m;
  }

  static StateRecord fromJson(Map<String, @Nullable Object> m) {
    long format = Json.integer(m, "format", FORMAT_VERSION);
    if (format != FORMAT_VERSION) {
      throw new Json.JsonException("unsupported state format " + format);
    }
    String applied = Json.string(m, "applied_at", "");
    return new StateRecord(
        Json.string(m, "name", ""),
        Json.string(m, "reference", ""),
        Json.string(m, "repository", ""),
        Json.string(m, "tag", ""),
        Json.string(m, "target", ""),
        Json.string(m, "context", ""),
        Json.string(m, "checkout", ""),
        Json.string(m, "source_key", ""),
        Json.string(m, "digest", ""),
        Json.string(m, "config_hash", ""),
        applied.isEmpty() ? null : Instant.parse(applied),
        Json.string(m, "attempted_digest", ""),
        Json.string(m, "trigger_hash", ""),
        Instant.parse(Json.string(m, "last_attempt_at", Instant.EPOCH.toString())),
        DeploymentState.Result.valueOf(Json.string(m, "result", "FAILED")),
        Json.string(m, "last_error", ""),
        (int) Json.integer(m, "failures", 0),
        Json.string(m, "trigger", ""),
        Json.bool(m, "active", true),
        Json.string(m, "deployer", ""));
  }
}
