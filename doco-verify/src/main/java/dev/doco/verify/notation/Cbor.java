package dev.doco.verify.notation;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict CBOR (RFC 8949) decoder and encoder, enough for COSE_Sign1.
 *
 * <p>Decoding accepts definite lengths only, rejects trailing bytes, reserved additional
 * information, invalid UTF-8 in text strings, duplicate map keys, map keys other than integers and
 * text strings, and nesting deeper than {@value #MAX_DEPTH}. Values decode to {@link Long}, {@code
 * byte[]}, {@link String}, {@link List}, {@link Map} (insertion-ordered), {@link Tagged}, {@link
 * Boolean}, {@link Double} or {@link #NULL} (for both {@code null} and {@code undefined}).
 */
final class Cbor {
  static final int MAX_DEPTH = 16;

  /** The CBOR {@code null} and {@code undefined} simple values. */
  static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  /** A tagged data item. */
  record Tagged(long tag, Object value) {}

  /** Malformed or unsupported CBOR. */
  static final class CborException extends Exception {
    private static final long serialVersionUID = 1L;

    CborException(String message) {
      super(message);
    }
  }

  private final byte[] data;
  private int pos;

  private Cbor(byte[] data) {
    this.data = data;
  }

  /** Decodes exactly one data item that spans all of {@code data}. */
  static Object decode(byte[] data) throws CborException {
    Cbor c = new Cbor(data);
    Object value = c.item(0);
    if (c.pos != data.length) {
      throw new CborException(
          "trailing bytes after the CBOR item ("
              + (data.length - c.pos)
              + " bytes at "
              + c.pos
              + ")");
    }
    return value;
  }

  private int u8() throws CborException {
    if (pos >= data.length) {
      throw new CborException("truncated CBOR at byte " + pos);
    }
    return data[pos++] & 0xff;
  }

  private long argument(int info) throws CborException {
    if (info < 24) {
      return info;
    }
    int n =
        switch (info) {
          case 24 -> 1;
          case 25 -> 2;
          case 26 -> 4;
          case 27 -> 8;
          case 31 -> throw new CborException("indefinite-length CBOR items are not accepted");
          default ->
              throw new CborException(
                  "reserved CBOR additional information " + info + " at byte " + (pos - 1));
        };
    long v = 0;
    for (int i = 0; i < n; i++) {
      v = (v << 8) | u8();
    }
    return v;
  }

  private int length(long n) throws CborException {
    if (n < 0 || n > data.length - pos) {
      throw new CborException(
          "CBOR length " + Long.toUnsignedString(n) + " exceeds the remaining input at " + pos);
    }
    return (int) n;
  }

  private Object item(int depth) throws CborException {
    if (depth > MAX_DEPTH) {
      throw new CborException("CBOR nested deeper than " + MAX_DEPTH);
    }
    int initial = u8();
    int major = initial >>> 5;
    int info = initial & 0x1f;
    if (major == 7) {
      return simple(info);
    }
    long arg = argument(info);
    switch (major) {
      case 0:
        if (arg < 0) {
          throw new CborException("CBOR unsigned integer does not fit in 63 bits");
        }
        return arg;
      case 1:
        if (arg < 0) {
          throw new CborException("CBOR negative integer does not fit in 64 bits");
        }
        return -1 - arg;
      case 2:
        {
          int n = length(arg);
          byte[] b = new byte[n];
          System.arraycopy(data, pos, b, 0, n);
          pos += n;
          return b;
        }
      case 3:
        {
          int n = length(arg);
          try {
            String s =
                StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data, pos, n))
                    .toString();
            pos += n;
            return s;
          } catch (CharacterCodingException e) {
            throw new CborException("invalid UTF-8 in CBOR text string at byte " + pos);
          }
        }
      case 4:
        {
          // each element takes at least one byte: bound the count before allocating
          int n = length(arg);
          List<Object> list = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            list.add(item(depth + 1));
          }
          return Collections.unmodifiableList(list);
        }
      case 5:
        {
          int n = length(arg);
          Map<Object, Object> map = new LinkedHashMap<>();
          for (int i = 0; i < n; i++) {
            int keyAt = pos;
            Object key = item(depth + 1);
            if (!(key instanceof Long) && !(key instanceof String)) {
              throw new CborException(
                  "CBOR map key at byte " + keyAt + " is neither an integer nor a text string");
            }
            Object value = item(depth + 1);
            if (map.put(key, value) != null) {
              throw new CborException("duplicate CBOR map key " + key);
            }
          }
          return Collections.unmodifiableMap(map);
        }
      case 6:
        if (arg < 0) {
          throw new CborException("CBOR tag does not fit in 63 bits");
        }
        return new Tagged(arg, item(depth + 1));
      default:
        throw new IllegalStateException("unreachable major type " + major);
    }
  }

  private Object simple(int info) throws CborException {
    switch (info) {
      case 20:
        return Boolean.FALSE;
      case 21:
        return Boolean.TRUE;
      case 22:
      case 23:
        return NULL;
      case 26:
        return (double) Float.intBitsToFloat((int) argument(26));
      case 27:
        return Double.longBitsToDouble(argument(27));
      case 31:
        throw new CborException("CBOR break outside an indefinite-length item");
      default:
        throw new CborException("unsupported CBOR simple value or float (info " + info + ")");
    }
  }

  /** A minimal CBOR encoder (integers, byte and text strings, arrays, maps, tags). */
  static final class Encoder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Encoder head(int major, long value) {
      int m = major << 5;
      if (value < 0) {
        throw new IllegalArgumentException("negative head value");
      } else if (value < 24) {
        out.write(m | (int) value);
      } else if (value < 0x100) {
        out.write(m | 24);
        out.write((int) value);
      } else if (value < 0x10000) {
        out.write(m | 25);
        writeBig(value, 2);
      } else if (value < 0x100000000L) {
        out.write(m | 26);
        writeBig(value, 4);
      } else {
        out.write(m | 27);
        writeBig(value, 8);
      }
      return this;
    }

    private void writeBig(long v, int n) {
      for (int i = n - 1; i >= 0; i--) {
        out.write((int) (v >>> (8 * i)) & 0xff);
      }
    }

    Encoder integer(long v) {
      return v >= 0 ? head(0, v) : head(1, -1 - v);
    }

    Encoder bytes(byte[] b) {
      head(2, b.length);
      out.write(b, 0, b.length);
      return this;
    }

    Encoder text(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      head(3, b.length);
      out.write(b, 0, b.length);
      return this;
    }

    Encoder array(int n) {
      return head(4, n);
    }

    Encoder map(int n) {
      return head(5, n);
    }

    Encoder tag(long tag) {
      return head(6, tag);
    }

    Encoder raw(byte[] encoded) {
      out.write(encoded, 0, encoded.length);
      return this;
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }

  /** COSE Sig_structure for COSE_Sign1 (RFC 9052 section 4.4), with no external AAD. */
  static byte[] sign1ToBeSigned(byte[] protectedBytes, byte[] payload) {
    return new Encoder()
        .array(4)
        .text("Signature1")
        .bytes(protectedBytes)
        .bytes(new byte[0])
        .bytes(payload)
        .toByteArray();
  }
}
