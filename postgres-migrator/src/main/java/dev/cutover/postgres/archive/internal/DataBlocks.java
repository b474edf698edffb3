package dev.cutover.postgres.archive.internal;

import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.TocEntry;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each data block starts and how long it is. Uses the TOC's offsets when every data entry has
 * one; otherwise (an archive written to a pipe) scans the data area once, skipping chunk payloads
 * without decompressing them.
 *
 * @param start dump id to the file position of its block
 * @param length dump id to the block's size in bytes (compressed)
 */
public record DataBlocks(Map<Integer, Long> start, Map<Integer, Long> length) {
  public DataBlocks {
    start = Map.copyOf(start);
    length = Map.copyOf(length);
  }

  /** Total bytes of all data blocks. */
  public long totalBytes() {
    return length.values().stream().mapToLong(Long::longValue).sum();
  }

  public static DataBlocks locate(Path archive, ArchiveToc toc) throws IOException {
    long size = Files.size(archive);
    Map<Integer, Long> start = new HashMap<>();
    List<TocEntry> withData = toc.entries().stream().filter(TocEntry::hadData).toList();
    if (withData.stream().allMatch(TocEntry::hasDataOffset)) {
      withData.forEach(e -> start.put(e.dumpId(), e.dataOffset()));
    } else {
      scan(archive, toc, start);
    }
    List<Map.Entry<Integer, Long>> sorted = new ArrayList<>(start.entrySet());
    sorted.sort(Map.Entry.comparingByValue());
    Map<Integer, Long> length = new HashMap<>();
    for (int i = 0; i < sorted.size(); i++) {
      long end = i + 1 < sorted.size() ? sorted.get(i + 1).getValue() : size;
      length.put(sorted.get(i).getKey(), end - sorted.get(i).getValue());
    }
    return new DataBlocks(start, length);
  }

  private static void scan(Path archive, ArchiveToc toc, Map<Integer, Long> start) throws IOException {
    try (InputStream raw = Files.newInputStream(archive)) {
      raw.skipNBytes(toc.dataStart());
      ArchiveInput in = new ArchiveInput(new BufferedInputStream(raw, 1 << 16), toc.dataStart());
      in.configure(toc.header().intSize(), toc.header().offSize(), true);
      while (true) {
        long pos = in.position();
        int type = in.readByteOrEof();
        if (type < 0) {
          return;
        }
        int dumpId = in.readInt();
        start.put(dumpId, pos);
        if (type == 1) {
          new ChunkInputStream(in).skipRest();
        } else if (type == 3) {
          while (in.readInt() != 0) {
            new ChunkInputStream(in).skipRest();
          }
        } else {
          throw new IOException("unknown data block type " + type + " at byte " + pos + " (corrupt archive)");
        }
      }
    }
  }
}
