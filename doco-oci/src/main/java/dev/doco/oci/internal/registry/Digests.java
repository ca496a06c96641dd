package dev.doco.oci.internal.registry;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Digest helpers ({@code sha256:<hex>} and {@code sha512:<hex>}). */
public final class Digests {
  private Digests() {}

  /** A fresh MessageDigest for the algorithm of {@code digest}. */
  public static MessageDigest forDigest(String digest) {
    String alg = digest.startsWith("sha512:") ? "SHA-512" : "SHA-256";
    try {
      return MessageDigest.getInstance(alg);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(alg + " missing from this JVM", e);
    }
  }

  /** The algorithm prefix of {@code md}'s result. */
  public static String format(MessageDigest md, byte[] hash) {
    String prefix = md.getAlgorithm().equals("SHA-512") ? "sha512:" : "sha256:";
    return prefix + HexFormat.of().formatHex(hash);
  }

  /** {@code sha256:<hex>} of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    MessageDigest md = forDigest("sha256:");
    return format(md, md.digest(bytes));
  }

  /** The digest of {@code bytes} with the same algorithm as {@code like}. */
  public static String of(byte[] bytes, String like) {
    MessageDigest md = forDigest(like);
    return format(md, md.digest(bytes));
  }

  /** True for {@code sha256:<64 hex>} or {@code sha512:<128 hex>}. */
  public static boolean isValid(String digest) {
    return digest.matches("sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}");
  }
}
