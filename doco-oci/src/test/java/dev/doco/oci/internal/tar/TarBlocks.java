package dev.doco.oci.internal.tar;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Builds tar bytes by hand, field by field, independently of {@link TarWriter}, so that tests can
 * state exactly which header bytes the reader sees (including malformed ones).
 */
final class TarBlocks {
  static final int BLOCK = 512;

  private TarBlocks() {}

  /** A 512-byte header; fields are set at their USTAR offsets. */
  static final class Header {
    final byte[] b = new byte[BLOCK];

    /** A POSIX ustar header with name, type, mode 0644, uid/gid 0, size 0, mtime 1700000000. */
    static Header ustar(String name, char type) {
      Header h = new Header();
      h.set(0, name);
      h.set(100, "0000644\0");
      h.set(108, "0000000\0");
      h.set(116, "0000000\0");
      h.set(124, "00000000000\0");
      h.set(136, "14524770400\0");
      h.b[156] = (byte) type;
      h.set(257, "ustar\0");
      h.set(263, "00");
      return h;
    }

    /** Writes {@code s} (UTF-8) at {@code off}, as is: no terminator added. */
    Header set(int off, String s) {
      byte[] v = s.getBytes(StandardCharsets.UTF_8);
      System.arraycopy(v, 0, b, off, v.length);
      return this;
    }

    Header bytes(int off, int... v) {
      for (int i = 0; i < v.length; i++) {
        b[off + i] = (byte) v[i];
      }
      return this;
    }

    Header size(long size) {
      return set(124, String.format(Locale.ROOT, "%011o\0", size));
    }

    Header link(String link) {
      return set(157, link);
    }

    Header mode(String octalField) {
      return set(100, octalField);
    }

    Header mtime(String octalField) {
      return set(136, octalField);
    }

    Header mode(int mode) {
      return mode(String.format(Locale.ROOT, "%07o\0", mode));
    }

    Header mtime(long mtime) {
      return mtime(String.format(Locale.ROOT, "%011o\0", mtime));
    }

    Header prefix(String prefix) {
      return set(345, prefix);
    }

    /** Unsigned byte sum with the checksum field counted as spaces (what POSIX specifies). */
    long unsignedSum() {
      long sum = 0;
      for (int i = 0; i < BLOCK; i++) {
        sum += (i >= 148 && i < 156) ? ' ' : b[i] & 0xff;
      }
      return sum;
    }

    /** Signed byte sum (what some historic Unix tars stored). */
    long signedSum() {
      long sum = 0;
      for (int i = 0; i < BLOCK; i++) {
        sum += (i >= 148 && i < 156) ? ' ' : b[i];
      }
      return sum;
    }

    /** The block with the checksum field set to {@code sum} the way GNU tar writes it. */
    byte[] withChecksum(long sum) {
      byte[] out = b.clone();
      byte[] chk = String.format(Locale.ROOT, "%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(chk, 0, out, 148, 8);
      return out;
    }

    /** The block with its correct (unsigned) checksum. */
    byte[] sealed() {
      return withChecksum(unsignedSum());
    }
  }

  /** Content padded with zeros to a whole number of blocks. */
  static byte[] padded(byte[] content) {
    return Arrays.copyOf(content, (content.length + BLOCK - 1) / BLOCK * BLOCK);
  }

  static byte[] padded(String content) {
    return padded(content.getBytes(StandardCharsets.UTF_8));
  }

  /** A metadata entry ('x', 'g', 'L', 'K') holding {@code data}, padded. */
  static byte[] meta(char type, String data) {
    byte[] d = data.getBytes(StandardCharsets.UTF_8);
    return cat(Header.ustar("././@meta", type).size(d.length).sealed(), padded(d));
  }

  /** One PAX record with a correct length prefix. */
  static String paxRecord(String key, String value) {
    int body = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8).length;
    for (int digits = 1; ; digits++) {
      int len = body + digits;
      if (Integer.toString(len).length() == digits) {
        return len + " " + key + "=" + value + "\n";
      }
    }
  }

  static byte[] end() {
    return new byte[2 * BLOCK];
  }

  static byte[] cat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** An entry as read, with its content. */
  record Read(TarEntry entry, String content) {}

  /** Reads every entry and its whole content (content read through {@link TarReader#content()}). */
  static List<Read> readAll(InputStream in) throws IOException {
    TarReader r = new TarReader(in, 1 << 16);
    List<Read> all = new ArrayList<>();
    for (TarEntry e; (e = r.next()) != null; ) {
      all.add(new Read(e, new String(drain(r.content()), StandardCharsets.UTF_8)));
    }
    return all;
  }

  static List<Read> readAll(byte[] tar) throws IOException {
    return readAll(new java.io.ByteArrayInputStream(tar));
  }

  /** Reads a stream to its end, tolerating zero-length reads (which readAllBytes treats as end). */
  static byte[] drain(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[1000];
    for (int n; (n = in.read(buf, 0, buf.length)) >= 0; ) {
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  /** A field of a header block as a string, NULs and all. */
  static String field(byte[] block, int off, int len) {
    return new String(block, off, len, StandardCharsets.UTF_8);
  }

  /** Returns 0 bytes on every other call and at most 1 byte otherwise (a slow network stream). */
  static final class Trickle extends InputStream {
    private final byte[] data;
    private int pos;
    private boolean starve;

    Trickle(byte[] data) {
      this.data = data;
    }

    @Override
    public int read() {
      throw new AssertionError("single-byte reads are not expected");
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos == data.length) {
        return -1;
      }
      starve = !starve;
      if (starve || len == 0) {
        return 0;
      }
      b[off] = data[pos++];
      return 1;
    }
  }
}
