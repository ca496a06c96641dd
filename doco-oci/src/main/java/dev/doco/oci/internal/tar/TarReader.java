package dev.doco.oci.internal.tar;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A streaming tar reader: USTAR, POSIX PAX ({@code path}, {@code linkpath}, {@code size}, {@code
 * mtime}) and GNU ({@code L}/{@code K} long names, base-256 numbers). Never buffers entry content;
 * metadata records (PAX, GNU long names) are capped at {@code maxMetadataBytes}.
 *
 * <p>Usage: {@code for (TarEntry e; (e = r.next()) != null; ) { r.content() ... }}. Unread content
 * is skipped by the next {@link #next()}.
 */
public final class TarReader {
  private static final int BLOCK = 512;

  private final InputStream in;
  private final int maxMetadataBytes;
  private final byte[] header = new byte[BLOCK];
  private long remaining; // content bytes of the current entry not yet read
  private long padding; // padding bytes after the current entry's content
  private boolean done;
  private final EntryStream entryStream = new EntryStream();

  public TarReader(InputStream in, int maxMetadataBytes) {
    this.in = in;
    this.maxMetadataBytes = maxMetadataBytes;
  }

  /** The next entry, or null at the end of the archive. */
  public @Nullable TarEntry next() throws IOException {
    if (done) {
      return null;
    }
    skipRest();
    Map<String, String> pax = new HashMap<>();
    String longName = null;
    String longLink = null;
    while (true) {
      if (!readBlock(header)) {
        done = true; // EOF without end-of-archive blocks: tolerated, like GNU tar
        return null;
      }
      if (isZero(header)) {
        // End of archive: one or two zero blocks. Do not insist on the second one.
        done = true;
        return null;
      }
      verifyChecksum();
      char flag = (char) (header[156] & 0xff);
      long size = number(124, 12, "size");
      if (size < 0) {
        throw new TarFormatException("negative entry size in tar header");
      }
      switch (flag) {
        case 'x', 'X' -> {
          parsePax(readMetadata(size, "PAX header"), pax);
          continue;
        }
        case 'g' -> {
          readMetadata(size, "PAX global header"); // global defaults: nothing doco needs
          continue;
        }
        case 'L' -> {
          longName = cString(readMetadata(size, "GNU long name"));
          continue;
        }
        case 'K' -> {
          longLink = cString(readMetadata(size, "GNU long link name"));
          continue;
        }
        default -> {}
      }
      String name = longName != null ? longName : ustarName();
      String link = longLink != null ? longLink : field(157, 100);
      if (pax.containsKey("path")) {
        name = pax.get("path");
      }
      if (pax.containsKey("linkpath")) {
        link = pax.get("linkpath");
      }
      if (pax.containsKey("size")) {
        size = parsePaxLong(pax.get("size"), "size");
      }
      long mtime = number(136, 12, "mtime");
      if (pax.containsKey("mtime")) {
        mtime = parsePaxLong(pax.get("mtime"), "mtime");
      }
      int mode = (int) (number(100, 8, "mode") & 07777);
      TarEntry.Type type =
          switch (flag) {
            case '0', '\0', '7' -> TarEntry.Type.FILE;
            case '1' -> TarEntry.Type.HARDLINK;
            case '2' -> TarEntry.Type.SYMLINK;
            case '3' -> TarEntry.Type.CHAR_DEVICE;
            case '4' -> TarEntry.Type.BLOCK_DEVICE;
            case '5' -> TarEntry.Type.DIRECTORY;
            case '6' -> TarEntry.Type.FIFO;
            default -> TarEntry.Type.UNSUPPORTED;
          };
      if (pax.keySet().stream().anyMatch(k -> k.startsWith("GNU.sparse."))) {
        type = TarEntry.Type.UNSUPPORTED;
      }
      if (type == TarEntry.Type.FILE && name.endsWith("/") && flag == '\0') {
        type = TarEntry.Type.DIRECTORY; // old V7 archives mark directories by a trailing slash
      }
      // Only regular files carry content; for the others a size field still occupies blocks.
      remaining = size;
      padding = (BLOCK - (size % BLOCK)) % BLOCK;
      return new TarEntry(
          name,
          type,
          mode,
          type == TarEntry.Type.FILE ? size : 0,
          type == TarEntry.Type.SYMLINK || type == TarEntry.Type.HARDLINK ? link : "",
          mtime,
          flag);
    }
  }

  /** The content of the entry returned by the last {@link #next()}; exactly its size bytes. */
  public InputStream content() {
    return entryStream;
  }

  private void skipRest() throws IOException {
    byte[] buf = new byte[8192];
    while (remaining > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
      if (n < 0) {
        throw new EOFException("tar archive truncated inside an entry");
      }
      remaining -= n;
    }
    long pad = padding;
    padding = 0;
    while (pad > 0) {
      int n = in.read(buf, 0, (int) pad);
      if (n < 0) {
        break; // some writers omit the final padding; the next read sees the end
      }
      pad -= n;
    }
  }

  private byte[] readMetadata(long size, String what) throws IOException {
    if (size > maxMetadataBytes) {
      throw new TarFormatException(
          what + " of " + size + " bytes exceeds the limit of " + maxMetadataBytes + " bytes");
    }
    byte[] data = new byte[(int) size];
    int off = 0;
    while (off < data.length) {
      int n = in.read(data, off, data.length - off);
      if (n < 0) {
        throw new EOFException("tar archive truncated inside a " + what);
      }
      off += n;
    }
    long pad = (BLOCK - (size % BLOCK)) % BLOCK;
    byte[] skip = new byte[(int) pad];
    readFully(skip);
    return data;
  }

  private void readFully(byte[] b) throws IOException {
    int off = 0;
    while (off < b.length) {
      int n = in.read(b, off, b.length - off);
      if (n < 0) {
        throw new EOFException("tar archive truncated");
      }
      off += n;
    }
  }

  /** Reads one block; false on a clean EOF before its first byte. */
  private boolean readBlock(byte[] b) throws IOException {
    int off = 0;
    while (off < b.length) {
      int n = in.read(b, off, b.length - off);
      if (n < 0) {
        if (off == 0) {
          return false;
        }
        throw new EOFException("tar archive truncated inside a header");
      }
      off += n;
    }
    return true;
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private void verifyChecksum() throws IOException {
    long stored = number(148, 8, "checksum");
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      byte b = (i >= 148 && i < 156) ? (byte) ' ' : header[i];
      unsigned += b & 0xff;
      signed += b;
    }
    if (stored != unsigned && stored != signed) {
      throw new TarFormatException(
          "tar header checksum mismatch (not a tar archive, or a corrupted one)");
    }
  }

  private String ustarName() {
    String name = field(0, 100);
    boolean ustar =
        header[257] == 'u'
            && header[258] == 's'
            && header[259] == 't'
            && header[260] == 'a'
            && header[261] == 'r'
            && header[262] == 0;
    if (ustar) {
      String prefix = field(345, 155);
      if (!prefix.isEmpty()) {
        return prefix + "/" + name;
      }
    }
    return name;
  }

  private String field(int off, int len) {
    int end = off;
    while (end < off + len && header[end] != 0) {
      end++;
    }
    return new String(header, off, end - off, StandardCharsets.UTF_8);
  }

  private long number(int off, int len, String what) throws TarFormatException {
    if ((header[off] & 0x80) != 0) {
      // GNU base-256: big-endian two's complement in the remaining bits.
      long v = (header[off] & 0x40) != 0 ? -1 : 0;
      v = (v << 6) | (header[off] & 0x3f);
      for (int i = 1; i < len; i++) {
        long top = v >> 55; // the bits the shift below drops, and the new sign bit
        if (top != 0 && top != -1) {
          throw new TarFormatException("tar header " + what + " field overflows");
        }
        v = (v << 8) | (header[off + i] & 0xff);
      }
      return v;
    }
    // Octal digits, optionally led by and ended with spaces or NULs. At most 12 digits (36 bits):
    // no overflow possible.
    long v = 0;
    boolean digits = false;
    for (int i = off; i < off + len; i++) {
      byte b = header[i];
      if (b == 0 || b == ' ') {
        if (digits) {
          break;
        }
        continue;
      }
      if (b < '0' || b > '7') {
        throw new TarFormatException("tar header " + what + " field is not an octal number");
      }
      v = (v << 3) | (b - '0');
      digits = true;
    }
    return v;
  }

  private static String cString(byte[] b) {
    int end = 0;
    while (end < b.length && b[end] != 0) {
      end++;
    }
    return new String(b, 0, end, StandardCharsets.UTF_8);
  }

  private static void parsePax(byte[] data, Map<String, String> into) throws TarFormatException {
    int pos = 0;
    while (pos < data.length) {
      if (data[pos] == 0) {
        break;
      }
      int space = pos;
      while (space < data.length && data[space] != ' ') {
        space++;
      }
      if (space >= data.length) {
        throw new TarFormatException("malformed PAX record");
      }
      int len;
      try {
        len = Integer.parseInt(new String(data, pos, space - pos, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        throw new TarFormatException("malformed PAX record length");
      }
      if (len <= space - pos + 2 || pos + len > data.length || data[pos + len - 1] != '\n') {
        throw new TarFormatException("malformed PAX record");
      }
      String rec = new String(data, space + 1, pos + len - space - 2, StandardCharsets.UTF_8);
      int eq = rec.indexOf('=');
      if (eq <= 0) {
        throw new TarFormatException("malformed PAX record (no key)");
      }
      into.put(rec.substring(0, eq), rec.substring(eq + 1));
      pos += len;
    }
  }

  private static long parsePaxLong(@Nullable String s, String what) throws TarFormatException {
    String digits = s == null ? "" : s.trim();
    if (what.equals("mtime")) {
      digits = digits.split("\\.", 2)[0]; // whole seconds; the fraction is dropped
    }
    try {
      long v = Long.parseLong(digits);
      if (v < 0 && !what.equals("mtime")) {
        throw new TarFormatException("negative PAX " + what);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new TarFormatException("malformed PAX " + what + ": " + s);
    }
  }

  private final class EntryStream extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      while (true) {
        int n = read(one, 0, 1);
        if (n > 0) {
          return one[0] & 0xff;
        }
        if (n < 0) {
          return -1;
        }
        // n == 0: a stream that returned nothing (not yet at its end); no byte to return yet
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n < 0) {
        throw new EOFException("tar archive truncated inside an entry");
      }
      remaining -= n;
      return n;
    }

    @Override
    public void close() {
      // The archive stream stays open; the rest of the entry is skipped by next().
    }
  }
}
