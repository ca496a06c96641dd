package dev.doco.oci.internal.tar;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A deterministic tar writer: USTAR headers with uid/gid 0, empty owner names and the given mtime
 * (0 to 8^11 - 1 seconds; others are refused with an IllegalArgumentException, as the octal field
 * cannot hold them); a PAX record when a name or link does not fit USTAR or is not ASCII. Same
 * calls, same bytes.
 */
public final class TarWriter implements AutoCloseable {
  private static final int BLOCK = 512;

  private final OutputStream out;
  private boolean closed;

  public TarWriter(OutputStream out) {
    this.out = out;
  }

  /** Writes a directory entry ({@code name} without trailing slash; one is added). */
  public void directory(String name, int mode, long mtime) throws IOException {
    header(name + "/", '5', mode, 0, "", mtime);
  }

  /** Writes a regular file of {@code size} bytes copied from {@code content}. */
  public void file(String name, int mode, long mtime, long size, InputStream content)
      throws IOException {
    header(name, '0', mode, size, "", mtime);
    byte[] buf = new byte[65536];
    long left = size;
    while (left > 0) {
      int n = content.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        throw new IOException("file " + name + " shrank while it was being packaged");
      }
      out.write(buf, 0, n);
      left -= n;
    }
    pad(size);
  }

  /** Writes a symbolic link. */
  public void symlink(String name, String target, long mtime) throws IOException {
    header(name, '2', 0777, 0, target, mtime);
  }

  /** Writes a hard link to an earlier entry. */
  public void hardlink(String name, String target, long mtime) throws IOException {
    header(name, '1', 0644, 0, target, mtime);
  }

  /** Writes a raw entry with any type flag (tests build hostile archives with it). */
  public void raw(String name, char type, int mode, long size, String link, byte[] content)
      throws IOException {
    header(name, type, mode, size, link, 0);
    out.write(content);
    pad(content.length);
  }

  private void header(String name, char type, int mode, long size, String link, long mtime)
      throws IOException {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    byte[] linkBytes = link.getBytes(StandardCharsets.UTF_8);
    String ustarName = name;
    String prefix = "";
    boolean needPax = !isAscii(name) || !isAscii(link) || linkBytes.length > 100;
    if (!needPax && nameBytes.length > 100) {
      int split = splitPoint(name);
      if (split == 0) {
        needPax = true;
      } else {
        prefix = name.substring(0, split);
        ustarName = name.substring(split + 1);
      }
    }
    boolean bigSize = size > 077777777777L;
    if (needPax || bigSize) {
      StringBuilder records = new StringBuilder();
      if (needPax) {
        records.append(paxRecord("path", name));
        if (!link.isEmpty()) {
          records.append(paxRecord("linkpath", link));
        }
        ustarName = asciiTail(name, 100);
        prefix = "";
      }
      if (bigSize) {
        records.append(paxRecord("size", Long.toString(size)));
      }
      byte[] data = records.toString().getBytes(StandardCharsets.UTF_8);
      writeHeader("PaxHeaders/" + asciiTail(name, 80), "", 'x', 0644, data.length, "", mtime);
      out.write(data);
      pad(data.length);
      if (needPax) {
        link = asciiTail(link, 100);
      }
    }
    writeHeader(ustarName, prefix, type, mode, bigSize ? 0 : size, link, mtime);
  }

  private void writeHeader(
      String name, String prefix, char type, int mode, long size, String link, long mtime)
      throws IOException {
    byte[] h = new byte[BLOCK];
    put(h, 0, 100, name);
    octal(h, 100, 8, mode);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, mtime);
    h[156] = (byte) type;
    put(h, 157, 100, link);
    put(h, 257, 6, "ustar");
    h[263] = '0';
    h[264] = '0';
    put(h, 345, 155, prefix);
    long sum = 8 * ' '; // the checksum field itself counts as eight spaces
    for (byte b : h) {
      sum += b & 0xff;
    }
    String chk = String.format(java.util.Locale.ROOT, "%06o", sum);
    put(h, 148, 6, chk);
    h[154] = 0;
    h[155] = ' ';
    out.write(h);
  }

  private static String paxRecord(String key, String value) {
    String body = " " + key + "=" + value + "\n";
    int bodyLen = body.getBytes(StandardCharsets.UTF_8).length;
    int len = bodyLen; // the smallest length that counts its own digits
    while (Integer.toString(len).length() + bodyLen != len) {
      len = Integer.toString(len).length() + bodyLen;
    }
    return len + body;
  }

  /**
   * Where to split an ASCII name into USTAR prefix (at most 155 bytes) + "/" + name (1 to 100
   * bytes): the last such slash, or 0 if there is none (0 would leave the prefix empty).
   */
  private static int splitPoint(String name) {
    // From the second-to-last character (a trailing slash is part of the name) down to index 1.
    for (int i = name.length() - 2; i >= 1; i--) {
      if (name.charAt(i) == '/' && i <= 155 && name.length() - i - 1 <= 100) {
        return i;
      }
    }
    return 0;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 127) {
        return false;
      }
    }
    return true;
  }

  private static String asciiTail(String s, int max) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b.append(c > 127 ? '_' : c);
    }
    String a = b.toString();
    return a.substring(Math.max(0, a.length() - max));
  }

  private static void put(byte[] h, int off, int len, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(b, 0, h, off, Math.min(len, b.length));
  }

  /** Zero-padded octal digits filling the field but its last byte, which stays NUL. */
  private static void octal(byte[] h, int off, int len, long v) {
    String digits = String.format(java.util.Locale.ROOT, "%0" + (len - 1) + "o", v);
    if (digits.length() >= len) { // too big, or negative (two's complement)
      throw new IllegalArgumentException(
          v + " does not fit a " + len + "-byte octal tar header field");
    }
    put(h, off, len, digits);
  }

  private void pad(long size) throws IOException {
    out.write(new byte[(int) ((BLOCK - (size % BLOCK)) % BLOCK)]);
  }

  /** Writes the end-of-archive marker (two zero blocks); does not close the underlying stream. */
  public void finish() throws IOException {
    if (!closed) {
      out.write(new byte[BLOCK * 2]);
      closed = true;
    }
  }

  @Override
  public void close() throws IOException {
    finish();
    out.flush();
  }
}
