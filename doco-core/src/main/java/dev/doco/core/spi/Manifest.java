package dev.doco.core.spi;

import java.nio.charset.StandardCharsets;

/**
 * Raw manifest bytes, already checked against {@code digest} by whoever produced this value.
 *
 * @param digest {@code sha256:<hex>} of {@code bytes}
 * @param mediaType the manifest media type (from the content or the response header)
 * @param bytes the exact bytes (never re-serialised: signatures cover them)
 */
public record Manifest(String digest, String mediaType, byte[] bytes) {
  public Manifest {
    bytes = bytes.clone();
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  public String text() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Manifest m
        && m.digest.equals(digest)
        && m.mediaType.equals(mediaType)
        && java.util.Arrays.equals(m.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "Manifest[" + digest + ", " + mediaType + ", " + bytes.length + " bytes]";
  }
}
