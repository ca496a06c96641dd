package dev.doco.verify.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.doco.core.spi.ArtifactAccess;
import dev.doco.core.spi.Descriptor;
import dev.doco.core.spi.Manifest;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** {@link Limits#readBlob}: the 4 MiB cap, the declared size and the digest, checked by us. */
class LimitsTest {
  /** Serves {@code data} for any digest, unchecked (as a careless registry client might). */
  static final class Serve implements ArtifactAccess {
    final byte[] data;
    final List<String> reads = new ArrayList<>();

    Serve(byte[] data) {
      this.data = data;
    }

    @Override
    public String repository() {
      return "registry.test/app";
    }

    @Override
    public Manifest manifest(String digest) {
      throw new UnsupportedOperationException();
    }

    @Override
    public InputStream blob(String digest) {
      reads.add(digest);
      return new ByteArrayInputStream(data);
    }

    @Override
    public List<Descriptor> referrers(String digest, @Nullable String artifactType) {
      return List.of();
    }

    @Override
    public Optional<Manifest> tag(String tag) {
      return Optional.empty();
    }
  }

  static String refusal(byte[] data, String digest, long size) {
    return assertThrows(
            SignatureCheckException.class, () -> Limits.readBlob(new Serve(data), digest, size))
        .getMessage();
  }

  @Test
  void blobOfExactly4MiB_isRead() throws Exception {
    byte[] data = new byte[Limits.MAX_BLOB];
    data[7] = 1;
    assertArrayEquals(data, Limits.readBlob(new Serve(data), Crypto.digestOf(data), data.length));
  }

  @Test
  void declaredSizeOver4MiB_isRefusedWithoutReading() {
    Serve s = new Serve(new byte[0]);
    SignatureCheckException e =
        assertThrows(
            SignatureCheckException.class,
            () -> Limits.readBlob(s, "sha256:" + "00".repeat(32), Limits.MAX_BLOB + 1L));
    assertEquals(
        "blob sha256:" + "00".repeat(32) + " is too large (4194305 bytes)", e.getMessage());
    assertEquals(List.of(), s.reads);
  }

  @Test
  void blobLongerThan4MiB_withUnknownSize_isRefused() {
    byte[] data = new byte[Limits.MAX_BLOB + 1];
    String d = Crypto.digestOf(data);
    assertEquals("blob " + d + " is too large", refusal(data, d, -1));
  }

  @Test
  void unknownSize_acceptsAnyLengthUnderTheCap() throws Exception {
    byte[] data = {1, 2, 3};
    assertArrayEquals(data, Limits.readBlob(new Serve(data), Crypto.digestOf(data), -1));
  }

  @Test
  void blobLongerThanDeclaredSizeZero_isRefused() {
    byte[] data = {1, 2, 3};
    String d = Crypto.digestOf(data);
    assertEquals("blob " + d + " has 3 bytes, descriptor says 0", refusal(data, d, 0));
  }

  @Test
  void blobWithOtherContent_isRefused() {
    String d = Crypto.digestOf(new byte[] {9});
    assertEquals("blob content does not match its digest " + d, refusal(new byte[] {1}, d, 1));
  }
}
