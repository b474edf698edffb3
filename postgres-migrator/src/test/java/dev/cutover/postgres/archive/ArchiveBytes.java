package dev.cutover.postgres.archive;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Test helper: writes the archive's primitive encodings, to build small synthetic archives. */
final class ArchiveBytes {
  final ByteArrayOutputStream out = new ByteArrayOutputStream();

  ArchiveBytes bytes(int... bs) {
    for (int b : bs) {
      out.write(b);
    }
    return this;
  }

  ArchiveBytes raw(byte[] b) {
    out.writeBytes(b);
    return this;
  }

  ArchiveBytes integer(int v) {
    out.write(v < 0 ? 1 : 0);
    int m = Math.abs(v);
    for (int i = 0; i < 4; i++) {
      out.write((m >>> (8 * i)) & 0xff);
    }
    return this;
  }

  ArchiveBytes str(String s) {
    if (s == null) {
      return integer(-1);
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    integer(b.length);
    out.writeBytes(b);
    return this;
  }

  ArchiveBytes offset(int flag, long pos) {
    out.write(flag);
    for (int i = 0; i < 8; i++) {
      out.write((int) ((pos >>> (8 * i)) & 0xff));
    }
    return this;
  }

  /** A 1.MINOR header (custom format, 4-byte ints, 8-byte offsets). */
  ArchiveBytes header(int minor, int compressionLevelOrAlgorithm) {
    raw("PGDMP".getBytes(StandardCharsets.US_ASCII)).bytes(1, minor, 0, 4, 8, 1);
    if (minor >= 15) {
      bytes(compressionLevelOrAlgorithm);
    } else {
      integer(compressionLevelOrAlgorithm);
    }
    integer(8).integer(42).integer(3).integer(24).integer(10).integer(126).integer(0);
    return str("srcdb").str("15.20").str("15.20");
  }

  /** A TOC entry with the fields of a 1.MINOR archive. */
  ArchiveBytes entry(int minor, int dumpId, String desc, int section, String namespace, String tag, String defn,
      int offsetFlag, long offset, String... deps) {
    integer(dumpId).integer(offsetFlag == 3 ? 0 : 1).str("0").str("0").str(tag).str(desc).integer(section).str(defn)
        .str("").str(null).str(namespace).str(null);
    if (minor >= 14) {
      str(null);
    }
    if (minor >= 16) {
      integer(0);
    }
    str(null).str("false");
    for (String d : deps) {
      str(d);
    }
    return str(null).offset(offsetFlag, offset);
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }
}
