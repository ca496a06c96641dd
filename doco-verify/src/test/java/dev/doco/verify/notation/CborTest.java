package dev.doco.verify.notation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CborTest {
  private static byte[] hex(String h) {
    return HexFormat.of().parseHex(h);
  }

  @Test
  void decode_rfc8949Examples() throws Exception {
    assertEquals(0L, Cbor.decode(hex("00")));
    assertEquals(-1000L, Cbor.decode(hex("3903e7")));
    assertEquals(1000000000000L, Cbor.decode(hex("1b000000e8d4a51000")));
    assertEquals("IETF", Cbor.decode(hex("6449455446")));
    assertArrayEquals(hex("01020304"), (byte[]) Cbor.decode(hex("4401020304")));
    assertEquals(List.of(1L, List.of(2L, 3L)), Cbor.decode(hex("8201820203")));
    assertEquals(Map.of("a", 1L, 2L, "b"), Cbor.decode(hex("a261610102616" + "2")));
    assertEquals(new Cbor.Tagged(1, 1363896240L), Cbor.decode(hex("c11a514b67b0")));
    assertEquals(Boolean.TRUE, Cbor.decode(hex("f5")));
    assertEquals(Cbor.NULL, Cbor.decode(hex("f6")));
  }

  @Test
  void decode_rejectsTrailingBytes() {
    Cbor.CborException e = assertThrows(Cbor.CborException.class, () -> Cbor.decode(hex("0000")));
    assertTrue(e.getMessage().contains("trailing"), e.getMessage());
  }

  @Test
  void decode_rejectsIndefiniteLengths() {
    for (String h : new String[] {"5f42010243030405ff", "9f01ff", "bf6161 01ff".replace(" ", "")}) {
      Cbor.CborException e = assertThrows(Cbor.CborException.class, () -> Cbor.decode(hex(h)), h);
      assertTrue(e.getMessage().contains("indefinite"), e.getMessage());
    }
  }

  @Test
  void decode_rejectsTruncatedAndOversizedLengths() {
    assertThrows(Cbor.CborException.class, () -> Cbor.decode(hex("44010203")));
    assertThrows(Cbor.CborException.class, () -> Cbor.decode(hex("5bffffffffffffffff")));
    assertThrows(Cbor.CborException.class, () -> Cbor.decode(hex("9a7fffffff")));
    assertThrows(Cbor.CborException.class, () -> Cbor.decode(hex("19")));
  }

  @Test
  void decode_rejectsDuplicateKeysReservedInfoBadUtf8AndDeepNesting() {
    assertThrows(Cbor.CborException.class, () -> Cbor.decode(hex("a201010102")));
    assertThrows(Cbor.CborException.class, () -> Cbor.decode(hex("1c")));
    assertThrows(Cbor.CborException.class, () -> Cbor.decode(hex("62c328")));
    assertThrows(Cbor.CborException.class, () -> Cbor.decode(hex("a14000")));
    assertThrows(Cbor.CborException.class, () -> Cbor.decode(hex("81".repeat(40) + "00")));
  }

  @Test
  void encoder_roundTripsThroughTheDecoder() throws Exception {
    byte[] enc =
        new Cbor.Encoder()
            .tag(18)
            .array(4)
            .bytes(new byte[] {1})
            .map(2)
            .integer(33)
            .bytes(new byte[300])
            .text("k")
            .integer(-70000)
            .bytes(new byte[0])
            .integer(1L << 40)
            .toByteArray();
    Cbor.Tagged t = (Cbor.Tagged) Cbor.decode(enc);
    assertEquals(18, t.tag());
    List<?> parts = (List<?>) t.value();
    assertEquals(300, ((byte[]) ((Map<?, ?>) parts.get(1)).get(33L)).length);
    assertEquals(-70000L, ((Map<?, ?>) parts.get(1)).get("k"));
    assertEquals(1L << 40, parts.get(3));
  }

  @Test
  void sigStructure_isTheRfc9052Encoding() {
    byte[] tbs = Cbor.sign1ToBeSigned(hex("a10126"), hex("aa"));
    assertArrayEquals(hex("846a5369676e61747572653143a101264041aa"), tbs);
  }
}
