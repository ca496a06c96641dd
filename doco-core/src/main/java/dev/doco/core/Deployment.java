package dev.doco.core;

import dev.doco.core.spi.DeployResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What {@link Doco#deploy} applied: the revision and one result per deployment. Closing it tears
 * the deployments down ({@link Doco#destroy}), so a test can write:
 *
 * <pre>{@code
 * try (Deployment d = doco.deploy("oci-layout:build/stack:1")) {
 *   // the stack runs; check it answers
 * } // stack removed
 * }</pre>
 *
 * <p>When nothing changed (same digest and configuration), the results are skipped ones and closing
 * still removes the stacks. Call {@link #keep()} to leave them running.
 */
public final class Deployment implements AutoCloseable {
  private final Doco doco;
  private final String jobId;
  private final Revision revision;
  private final Path checkout;
  private final List<DeployResult> results;
  private final boolean unchanged;
  private final AtomicBoolean closed = new AtomicBoolean();

  Deployment(
      Doco doco,
      String jobId,
      Revision revision,
      Path checkout,
      List<DeployResult> results,
      boolean unchanged) {
    this.doco = doco;
    this.jobId = jobId;
    this.revision = revision;
    this.checkout = checkout;
    this.results = List.copyOf(results);
    this.unchanged = unchanged;
  }

  /** The job id (UUIDv7) of the trigger, as in logs. */
  public String jobId() {
    return jobId;
  }

  /** What the reference resolved to. */
  public Revision revision() {
    return revision;
  }

  /** The live checkout the deployments run from. */
  public Path checkout() {
    return checkout;
  }

  /** One result per deployment, in config order. */
  public List<DeployResult> results() {
    return results;
  }

  /** The deployment (project / stack) names. */
  public List<String> names() {
    List<String> names = new ArrayList<>();
    results.forEach(r -> names.add(r.name()));
    return names;
  }

  /** True when the digest and configuration were unchanged, so nothing was downloaded. */
  public boolean unchanged() {
    return unchanged;
  }

  /** Leaves the deployments running when this handle is closed. */
  public Deployment keep() {
    closed.set(true);
    return this;
  }

  /** Destroys every deployment of this handle (once). */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    DocoException first = null;
    for (String name : names()) {
      try {
        doco.destroy(name);
      } catch (DocoException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public String toString() {
    return "Deployment[" + revision.subject() + " " + names() + "]";
  }
}
