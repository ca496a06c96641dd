package dev.doco.core.spi;

import dev.doco.core.Revision;
import java.nio.file.Path;

/**
 * Where artifacts come from: a registry, a local OCI layout, or a plugin's own scheme.
 *
 * <p>Implementations are thread-safe. Methods throw {@link dev.doco.core.SourceException} (with the
 * reference and digest) when the artifact cannot be resolved or read.
 */
public interface Source extends AutoCloseable {

  /**
   * Resolves {@code reference} to a digest cheaply (for a registry, one {@code HEAD}): nothing is
   * downloaded beyond the manifest headers.
   */
  Revision resolve(String reference);

  /**
   * Fetches the files of {@code revision} into {@code directory}, which afterwards holds either its
   * complete previous content (on failure) or the complete new tree (on success), never a mix. The
   * directory itself is created if missing and otherwise kept (same inode).
   */
  Checkout fetch(Revision revision, Path directory, FetchOptions options);

  /** Read access to the artifact's repository, for verification of {@code revision}. */
  ArtifactAccess access(Revision revision);

  @Override
  default void close() {}
}
