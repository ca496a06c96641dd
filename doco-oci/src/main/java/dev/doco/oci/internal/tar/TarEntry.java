package dev.doco.oci.internal.tar;

/**
 * One tar header, after PAX and GNU long-name records were applied.
 *
 * @param name the entry path as stored (not yet checked or normalised)
 * @param type the entry type
 * @param mode the permission bits as stored (including setuid/setgid/sticky)
 * @param size the content size in bytes (0 for everything but regular files)
 * @param linkName the link target for symlinks and hardlinks, else ""
 * @param mtime modification time in seconds since the epoch
 * @param typeFlag the raw type flag character, for messages
 */
public record TarEntry(
    String name, Type type, int mode, long size, String linkName, long mtime, char typeFlag) {

  /** Entry kinds; everything tar can hold that doco has to decide about. */
  public enum Type {
    FILE,
    DIRECTORY,
    SYMLINK,
    HARDLINK,
    CHAR_DEVICE,
    BLOCK_DEVICE,
    FIFO,
    /** GNU sparse files, volume labels and other types doco does not materialise. */
    UNSUPPORTED
  }
}
