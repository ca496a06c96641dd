package dev.doco.core.spi;

import dev.doco.core.Revision;
import java.nio.file.Path;

/**
 * A directory holding one complete, validated {@code doco.v1} tree of {@code revision}. The
 * directory keeps its identity (inode) across updates, so bind mounts into it stay valid.
 */
public record Checkout(Revision revision, Path directory, long files, long bytes) {}
