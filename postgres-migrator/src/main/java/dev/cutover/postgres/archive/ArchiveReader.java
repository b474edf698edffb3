package dev.cutover.postgres.archive;

import dev.cutover.core.PgToolException;
import dev.cutover.postgres.archive.internal.ArchiveInput;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the header and table of contents of a PostgreSQL custom-format archive ({@code pg_dump -Fc},
 * magic {@code PGDMP}) without any PostgreSQL client tool. The format is described in
 * {@code postgres-migrator/FORMAT.md}.
 *
 * <pre>{@code
 * ArchiveToc toc = ArchiveReader.readToc(Path.of("latest.dump"));
 * System.out.println(toc.summary(Files.size(path)));
 * }</pre>
 *
 * <p>Archive format versions 1.12 to 1.16 are read (pg_dump 9.0 to 18). Only the header and the
 * TOC are read (streaming, never the data area), so this is quick and uses little memory whatever
 * the archive's size. Thread-safe (stateless).
 */
public final class ArchiveReader {
  private static final String STEP = "archive.read";
  /** The newest archive version this reader understands: 1.16 (pg_dump 17 and 18). */
  static final int MAX_MINOR = 16;
  static final int MIN_MINOR = 12;

  private ArchiveReader() {}

  /**
   * Reads the header and the table of contents. Blocks on file I/O; opens and closes the file itself.
   *
   * @throws PgToolException when the file is missing or unreadable, is not a custom-format archive,
   *     is truncated, or has a format version this reader does not support
   */
  public static ArchiveToc readToc(Path archive) {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(archive), 1 << 16)) {
      return readToc(in, archive.toString());
    } catch (NoSuchFileException e) {
      throw new PgToolException(STEP, STEP + ": archive not found (" + archive + ")", false, e);
    } catch (IOException e) {
      throw new PgToolException(STEP, STEP + ": cannot read archive (" + archive + ": " + e.getMessage() + ")", false, e);
    }
  }

  /**
   * Reads the header and table of contents from {@code in}, leaving it positioned at the first data
   * block. Does not close {@code in}.
   *
   * @param source a name for messages (a path or a URL without credentials)
   * @throws PgToolException as {@link #readToc(Path)}
   */
  public static ArchiveToc readToc(InputStream in, String source) {
    ArchiveInput input = new ArchiveInput(in, 0);
    try {
      ArchiveHeader header = readHeader(input, source);
      List<TocEntry> entries = readEntries(input, header, source);
      return new ArchiveToc(header, entries, input.position());
    } catch (EOFException e) {
      throw new PgToolException(STEP, STEP + ": archive is truncated (" + source + ", " + e.getMessage()
          + "); download it again, and check that pg_dump finished", false, e);
    } catch (IOException e) {
      throw new PgToolException(STEP, STEP + ": cannot read archive (" + source + ": " + e.getMessage() + ")", false, e);
    }
  }

  private static PgToolException corrupt(String source, String what) {
    return new PgToolException(STEP, STEP + ": " + what + " (" + source + "); the archive is corrupt or not a pg_dump -Fc file",
        false, null);
  }

  private static ArchiveHeader readHeader(ArchiveInput in, String source) throws IOException {
    byte[] magic = new byte[5];
    for (int i = 0; i < 5; i++) {
      int b = in.readByteOrEof();
      if (b < 0) {
        throw new PgToolException(STEP, STEP + ": not a pg_dump custom-format archive: file too short (" + source
            + ", " + i + " bytes); expected one made with pg_dump -Fc", false, null);
      }
      magic[i] = (byte) b;
    }
    if (!"PGDMP".equals(new String(magic, StandardCharsets.ISO_8859_1))) {
      throw new PgToolException(STEP, STEP + ": not a pg_dump custom-format archive (" + source
          + " does not start with PGDMP); make the dump with pg_dump -Fc (a plain .sql dump or a gzip file is not accepted)",
          false, null);
    }
    int vmaj = in.readByte();
    int vmin = in.readByte();
    int vrev = (vmaj > 1 || vmin > 0) ? in.readByte() : 0;
    if (vmaj != 1 || vmin > MAX_MINOR || vmin < MIN_MINOR) {
      throw new PgToolException(STEP, STEP + ": unsupported version (" + vmaj + "." + vmin + ") in file header ("
          + source + "); this reader supports archive versions 1." + MIN_MINOR + " to 1." + MAX_MINOR
          + " (pg_dump 9.0 to 18)", false, null);
    }
    int intSize = in.readByte();
    if (intSize > 32 || intSize < 1) {
      throw corrupt(source, "sanity check on integer size (" + intSize + ") failed");
    }
    int offSize = in.readByte();
    if (offSize < 1 || offSize > 32) {
      throw corrupt(source, "offset size " + offSize + " out of range");
    }
    in.configure(intSize, offSize, true);
    int format = in.readByte();
    if (format != 1) {
      throw new PgToolException(STEP, STEP + ": archive format " + format + " is not the custom format (" + source
          + "); only pg_dump -Fc archives are read (tar and directory formats are not)", false, null);
    }
    String compression;
    int level;
    if (vmin >= 15) {
      int algorithm = in.readByte();
      level = -1;
      compression = switch (algorithm) {
        case 0 -> "none";
        case 1 -> "gzip";
        case 2 -> "lz4";
        case 3 -> "zstd";
        default -> throw corrupt(source, "unknown compression algorithm " + algorithm);
      };
    } else {
      level = in.readInt();
      compression = level == 0 ? "none" : "gzip";
    }
    int[] tm = new int[7];
    for (int i = 0; i < 7; i++) {
      tm[i] = in.readInt();
    }
    LocalDateTime created;
    try {
      created = LocalDateTime.of(tm[5] + 1900, tm[4] + 1, tm[3], tm[2], tm[1], Math.min(tm[0], 59));
    } catch (DateTimeException e) {
      created = LocalDateTime.of(1970, 1, 1, 0, 0);
    }
    Charset raw = StandardCharsets.UTF_8;
    String database = nn(in.readStr(raw));
    String server = nn(in.readStr(raw));
    String pgDump = nn(in.readStr(raw));
    return new ArchiveHeader(vmaj, vmin, vrev, compression, server, pgDump, database, level, intSize, offSize, created);
  }

  private static List<TocEntry> readEntries(ArchiveInput in, ArchiveHeader h, String source) throws IOException {
    int count = in.readInt();
    if (count < 0) {
      throw corrupt(source, "negative TOC entry count " + count);
    }
    // Strings are read as bytes (ISO-8859-1 keeps them) and decoded once the ENCODING entry is known.
    Charset raw = StandardCharsets.ISO_8859_1;
    List<String[]> strings = new ArrayList<>(count);
    List<int[]> ints = new ArrayList<>(count);
    List<List<Integer>> deps = new ArrayList<>(count);
    List<long[]> offsets = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int dumpId = in.readInt();
      if (dumpId <= 0) {
        throw corrupt(source, "entry ID " + dumpId + " out of range -- perhaps a corrupt TOC");
      }
      int hadDumper = in.readInt();
      String tableOid = in.readStr(raw);
      String oid = in.readStr(raw);
      String tag = in.readStr(raw);
      String desc = in.readStr(raw);
      int section = in.readInt();
      if (section < 1 || section > 4) {
        throw corrupt(source, "entry " + dumpId + " has unknown section " + section);
      }
      String defn = in.readStr(raw);
      String dropStmt = in.readStr(raw);
      String copyStmt = in.readStr(raw);
      String namespace = in.readStr(raw);
      String tablespace = in.readStr(raw);
      String tableAm = h.atLeast(1, 14) ? in.readStr(raw) : null;
      int relkind = h.atLeast(1, 16) ? in.readInt() : 0;
      String owner = in.readStr(raw);
      String withOids = in.readStr(raw);
      List<Integer> d = new ArrayList<>();
      for (String s = in.readStr(raw); s != null; s = in.readStr(raw)) {
        try {
          d.add(Integer.parseInt(s.trim()));
        } catch (NumberFormatException e) {
          throw corrupt(source, "entry " + dumpId + " has a non-numeric dependency '" + s + "'");
        }
      }
      long[] offset = in.readOffset();
      if (offset[0] < 1 || offset[0] > 3) {
        throw corrupt(source, "unexpected data offset flag " + offset[0]);
      }
      strings.add(new String[] {tableOid, oid, tag, desc, defn, dropStmt, copyStmt, namespace, tablespace, tableAm,
          owner, withOids});
      ints.add(new int[] {dumpId, hadDumper, section, relkind});
      deps.add(d);
      offsets.add(offset);
    }
    Charset charset = charsetOf(strings, source);
    List<TocEntry> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String[] s = strings.get(i);
      for (int k = 0; k < s.length; k++) {
        s[k] = s[k] == null ? "" : new String(s[k].getBytes(raw), charset);
      }
      int[] n = ints.get(i);
      long[] off = offsets.get(i);
      long dataOffset = off[0] == 2 ? off[1] : -1;
      entries.add(new TocEntry(n[0], n[1] != 0, s[0], s[1], s[2], s[3], TocEntry.Section.of(n[2]), s[4], s[5], s[6],
          s[7], s[8], s[9], n[3], s[10], deps.get(i), dataOffset));
    }
    return entries;
  }

  private static Charset charsetOf(List<String[]> strings, String source) {
    for (String[] s : strings) {
      if ("ENCODING".equals(s[3]) && s[4] != null) {
        String defn = s[4];
        int a = defn.indexOf('\'');
        int b = a < 0 ? -1 : defn.indexOf('\'', a + 1);
        if (b > a) {
          return Encodings.charset(defn.substring(a + 1, b), source);
        }
      }
    }
    return StandardCharsets.UTF_8;
  }

  private static String nn(String s) {
    return s == null ? "" : s;
  }
}
