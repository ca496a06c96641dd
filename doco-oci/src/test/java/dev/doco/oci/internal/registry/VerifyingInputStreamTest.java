package dev.doco.oci.internal.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.oci.internal.registry.VerifyingInputStream.MismatchException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Digest and size verification of streamed blobs ({@link VerifyingInputStream}, {@link Digests}):
 * content that matches passes through unchanged; content that is longer, shorter or different fails
 * with a {@link MismatchException} naming what was expected and what came.
 */
class VerifyingInputStreamTest {
  private static final byte[] CONTENT = "hello, registry\n".getBytes(StandardCharsets.UTF_8);
  private static final String DIGEST = Digests.sha256(CONTENT);

  private static VerifyingInputStream stream(byte[] content, String digest, long size) {
    return new VerifyingInputStream(new ByteArrayInputStream(content), digest, size);
  }

  private static byte[] readAll(VerifyingInputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[5];
    int n;
    while ((n = in.read(buf, 0, buf.length)) >= 0) {
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  @Test
  void readingExactlyTheDeclaredSizeOfTamperedContent_failsWithoutReadingToEnd()
      throws IOException {
    // The connection has not signalled end of stream yet (more bytes follow): the check must come
    // from reaching the declared size, not from the end of the stream.
    byte[] tampered = java.util.Arrays.copyOf(CONTENT, CONTENT.length + 8);
    tampered[0] ^= 1;
    try (VerifyingInputStream in =
        new VerifyingInputStream(new ByteArrayInputStream(tampered), DIGEST, CONTENT.length)) {
      MismatchException e =
          assertThrows(MismatchException.class, () -> in.readNBytes(CONTENT.length));
      assertEquals(DIGEST, e.expected());
    }
  }

  @Test
  void readingExactlyTheDeclaredSizeOfGoodContent_returnsIt() throws IOException {
    try (VerifyingInputStream in =
        new VerifyingInputStream(new ByteArrayInputStream(CONTENT), DIGEST, CONTENT.length)) {
      assertArrayEquals(CONTENT, in.readNBytes(CONTENT.length));
    }
  }

  @Test
  void sha256_ofEmptyInput_isTheKnownVector() {
    assertEquals(
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        Digests.sha256(new byte[0]));
  }

  @Test
  void of_usesTheAlgorithmOfTheDigestItIsGiven() {
    String sha512 = Digests.of(CONTENT, "sha512:");
    assertTrue(sha512.startsWith("sha512:"), sha512);
    assertEquals("sha512:".length() + 128, sha512.length());
    assertEquals(DIGEST, Digests.of(CONTENT, "sha256:"));
  }

  @Test
  void isValid_acceptsOnlyLowercaseSha256AndSha512OfTheRightLength() {
    assertTrue(Digests.isValid("sha256:" + "0".repeat(64)));
    assertTrue(Digests.isValid("sha512:" + "f".repeat(128)));
    assertFalse(Digests.isValid("sha256:" + "0".repeat(63)));
    assertFalse(Digests.isValid("sha256:" + "A".repeat(64)));
    assertFalse(Digests.isValid("sha384:" + "0".repeat(96)));
    assertFalse(Digests.isValid("sha512:" + "0".repeat(64)));
  }

  @Test
  void matchingContent_withKnownSize_passesThroughAndCountsBytes() throws IOException {
    VerifyingInputStream in = stream(CONTENT, DIGEST, CONTENT.length);
    assertArrayEquals(CONTENT, readAll(in));
    assertEquals(CONTENT.length, in.count());
    assertEquals(-1, in.read(new byte[4], 0, 4), "end of stream stays end of stream");
  }

  @Test
  void matchingContent_withUnknownSize_passes() throws IOException {
    assertArrayEquals(CONTENT, readAll(stream(CONTENT, DIGEST, -1)));
  }

  @Test
  void matchingSha512Content_passes() throws IOException {
    String digest = Digests.of(CONTENT, "sha512:");
    assertArrayEquals(CONTENT, readAll(stream(CONTENT, digest, CONTENT.length)));
  }

  @Test
  void singleByteReads_returnUnsignedBytesAndThenEndOfStream() throws IOException {
    byte[] content = {(byte) 0xff, 0x00, (byte) 0x80};
    VerifyingInputStream in = stream(content, Digests.sha256(content), content.length);
    assertEquals(0xff, in.read());
    assertEquals(0x00, in.read());
    assertEquals(0x80, in.read());
    assertEquals(-1, in.read());
  }

  @Test
  void longerThanItsSize_failsAsSoonAsTheExtraByteArrives() {
    // The declared bytes match the digest; one extra byte follows them.
    byte[] longer = java.util.Arrays.copyOf(CONTENT, CONTENT.length + 1);
    VerifyingInputStream in = stream(longer, DIGEST, CONTENT.length);
    MismatchException e = assertThrows(MismatchException.class, () -> readAll(in));
    assertTrue(e.getMessage().contains("is longer than its descriptor size"), e.getMessage());
    assertEquals(DIGEST, e.expected());
    assertEquals("more than " + CONTENT.length + " bytes", e.actual());
  }

  @Test
  void anyByteForAnEmptyBlob_isTooLong() {
    VerifyingInputStream in = stream(new byte[] {1}, Digests.sha256(new byte[0]), 0);
    MismatchException e = assertThrows(MismatchException.class, () -> in.read(new byte[8], 0, 8));
    assertTrue(e.getMessage().contains("is longer than its descriptor size 0"), e.getMessage());
  }

  @Test
  void emptyBlob_withSizeZero_passes() throws IOException {
    VerifyingInputStream in = stream(new byte[0], Digests.sha256(new byte[0]), 0);
    assertEquals(-1, in.read(new byte[8], 0, 8));
  }

  @Test
  void shorterThanItsSize_failsAtEndOfStream() {
    VerifyingInputStream in = stream(CONTENT, DIGEST, CONTENT.length + 1);
    MismatchException e = assertThrows(MismatchException.class, () -> readAll(in));
    assertTrue(e.getMessage().contains("ended after " + CONTENT.length + " bytes"), e.getMessage());
    assertEquals(CONTENT.length + " bytes", e.actual());
  }

  @Test
  void differentContentOfTheSameSize_failsWithBothDigests() {
    byte[] other = CONTENT.clone();
    other[0] ^= 1;
    VerifyingInputStream in = stream(other, DIGEST, other.length);
    MismatchException e = assertThrows(MismatchException.class, () -> readAll(in));
    assertEquals(DIGEST, e.expected());
    assertEquals(Digests.sha256(other), e.actual());
    assertTrue(e.getMessage().contains("does not match its digest"), e.getMessage());
  }

  @Test
  void skip_hashesWhatItSkips() throws IOException {
    VerifyingInputStream in = stream(CONTENT, DIGEST, CONTENT.length);
    assertEquals(3, in.skip(3));
    assertEquals(3, in.count());
    byte[] rest = readAll(in);
    assertEquals(CONTENT.length - 3, rest.length);
    assertEquals(CONTENT[3], rest[0]);
  }

  @Test
  void skipPastTheEnd_returnsWhatWasThereAndVerifies() throws IOException {
    VerifyingInputStream in = stream(CONTENT, DIGEST, CONTENT.length);
    assertEquals(CONTENT.length, in.skip(CONTENT.length + 100L));
    assertEquals(-1, in.read());
  }

  @Test
  void skipPastTheEnd_ofTamperedContent_fails() {
    byte[] other = CONTENT.clone();
    other[1] ^= 1;
    VerifyingInputStream in = stream(other, DIGEST, other.length);
    assertThrows(MismatchException.class, () -> in.skip(1000));
  }

  @Test
  void markAndReset_areNotSupported() {
    VerifyingInputStream in = stream(CONTENT, DIGEST, CONTENT.length);
    assertFalse(in.markSupported());
    in.mark(10);
    assertThrows(IOException.class, in::reset);
  }

  @Test
  void zeroLengthRead_midStream_returnsZeroAndDoesNotEndTheStream() throws IOException {
    VerifyingInputStream in = stream(CONTENT, DIGEST, CONTENT.length);
    assertEquals(2, in.read(new byte[2], 0, 2));
    assertEquals(0, in.read(new byte[2], 0, 0));
    assertEquals(2, in.count());
    assertArrayEquals(java.util.Arrays.copyOfRange(CONTENT, 2, CONTENT.length), readAll(in));
  }

  @Test
  void skipLongerThanOneBuffer_skipsExactlyWhatWasAsked() throws IOException {
    byte[] big = new byte[20_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    VerifyingInputStream in = stream(big, Digests.sha256(big), big.length);
    assertEquals(10_000, in.skip(10_000));
    assertEquals(10_000, in.count());
    assertEquals(big[10_000] & 0xff, in.read());
  }
}
