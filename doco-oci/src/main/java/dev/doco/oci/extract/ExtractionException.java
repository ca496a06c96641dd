package dev.doco.oci.extract;

import dev.doco.core.SourceException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An artifact could not be materialised safely. Nothing of it reached the checkout directory: the
 * previous checkout is untouched. Carries the {@link Reason}, the layer (digest and media type) and
 * the archive entry concerned, when known; the message names them too.
 */
public class ExtractionException extends SourceException {
  private static final long serialVersionUID = 1L;

  /** Why an artifact was refused. */
  public enum Reason {
    /** An entry path starts with {@code /}. */
    ABSOLUTE_PATH,
    /** An entry path has a {@code ..} segment. */
    PARENT_TRAVERSAL,
    /** An entry path or link contains a backslash. */
    BACKSLASH,
    /** An entry path is empty, has a NUL, or is a bare whiteout. */
    INVALID_PATH,
    /** A character or block device, or a FIFO. */
    DEVICE_OR_FIFO,
    /** A GNU sparse file or another entry type doco does not materialise. */
    UNSUPPORTED_ENTRY,
    /** A symbolic link whose target resolves outside the checkout. */
    SYMLINK_OUTSIDE,
    /** An entry would be written through a link that leads outside the checkout. */
    PARENT_LINK_OUTSIDE,
    /** A hard link to something that is not a file already extracted in the checkout. */
    HARDLINK_TARGET,
    /** The total bytes budget was exceeded. */
    TOTAL_BYTES,
    /** The entry budget was exceeded. */
    ENTRIES,
    /** A single file exceeds the per-file budget. */
    FILE_SIZE,
    /** An entry path exceeds the path length budget. */
    PATH_LENGTH,
    /** A layer is neither an archive (tar, gzip or zstd tar) nor a titled file. */
    UNKNOWN_LAYER,
    /** A layer is a damaged archive (bad header, truncated data, bad compression). */
    CORRUPT_ARCHIVE,
    /** A blob's bytes do not match its digest (or descriptor size). */
    DIGEST_MISMATCH,
    /** The uncompressed tar does not match {@code io.deis.oras.content.digest}. */
    CONTENT_DIGEST_MISMATCH,
    /** An {@code oras push DIR} layer has an entry outside its directory. */
    OUTSIDE_LAYER_DIRECTORY,
    /** The manifest has no content layers, or cannot be read as an artifact. */
    NO_CONTENT,
    /** The extracted tree is not a {@code doco.v1} layout. */
    INVALID_LAYOUT,
    /** Reading a blob or writing the tree failed (I/O). */
    IO
  }

  private final Reason reason;
  private final @Nullable String layer;
  private final @Nullable String mediaType;
  private final @Nullable String entry;

  public ExtractionException(
      Reason reason,
      String message,
      String reference,
      @Nullable String digest,
      @Nullable String layer,
      @Nullable String mediaType,
      @Nullable String entry,
      @Nullable Throwable cause) {
    super(message, reference, digest, cause);
    this.reason = reason;
    this.layer = layer;
    this.mediaType = mediaType;
    this.entry = entry;
  }

  /** Why the artifact was refused. */
  public Reason reason() {
    return reason;
  }

  /** The digest of the layer concerned. */
  public Optional<String> layer() {
    return Optional.ofNullable(layer);
  }

  /** The media type of the layer concerned. */
  public Optional<String> mediaType() {
    return Optional.ofNullable(mediaType);
  }

  /** The archive entry concerned, as stored in the archive. */
  public Optional<String> entry() {
    return Optional.ofNullable(entry);
  }
}
