package dev.doco.verify.internal;

import dev.doco.core.spi.ArtifactAccess;
import java.io.IOException;
import java.io.InputStream;

/** Size and count caps for signature material (untrusted input from the registry). */
public final class Limits {
  private Limits() {}

  /** Signature manifests considered per artifact (per discovery path). */
  public static final int MAX_SIGNATURE_MANIFESTS = 32;

  /** Layers considered per signature manifest. */
  public static final int MAX_LAYERS = 32;

  /** A simple-signing payload or a bundle. */
  public static final int MAX_BLOB = 4 * 1024 * 1024;

  /** Transparency-log entries considered per bundle. */
  public static final int MAX_TLOG_ENTRIES = 8;

  /**
   * Reads a blob fully, refusing more than {@code MAX_BLOB} bytes, and checks its size and digest
   * ourselves (whatever the access already did).
   */
  public static byte[] readBlob(ArtifactAccess access, String digest, long size)
      throws IOException, SignatureCheckException {
    if (size > MAX_BLOB) {
      throw new SignatureCheckException("blob " + digest + " is too large (" + size + " bytes)");
    }
    byte[] data;
    try (InputStream in = access.blob(digest)) {
      data = in.readNBytes(MAX_BLOB + 1);
    }
    if (data.length > MAX_BLOB) {
      throw new SignatureCheckException("blob " + digest + " is too large");
    }
    if (size >= 0 && data.length != size) {
      throw new SignatureCheckException(
          "blob " + digest + " has " + data.length + " bytes, descriptor says " + size);
    }
    if (!Crypto.digestOf(data).equals(digest)) {
      throw new SignatureCheckException("blob content does not match its digest " + digest);
    }
    return data;
  }
}
