package dev.cutover.postgres.parallel;

import com.github.luben.zstd.ZstdOutputStream;
import dev.cutover.postgres.archive.ArchiveReader;
import dev.cutover.postgres.archive.ArchiveToc;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.jpountz.lz4.LZ4FrameOutputStream;

/**
 * Test helper: turns an uncompressed archive written through a pipe (1.14, no data offsets) into
 * the 1.15 archive pg_dump 16 writes with {@code --compress=lz4} or {@code zstd}: the header's
 * compression level int becomes an algorithm byte, every data stream becomes one frame cut into
 * 4 KiB chunks. pg_dump 15 (all this machine has) cannot write such archives.
 */
final class Recompress {
  private Recompress() {}

  static void convert(Path plainPipeArchive, Path out, String algorithm) throws IOException {
    ArchiveToc toc = ArchiveReader.readToc(plainPipeArchive);
    if (!toc.header().version().equals("1.14") || toc.entries().stream().anyMatch(e -> e.hasDataOffset())) {
      throw new IllegalArgumentException("needs a 1.14 archive written through a pipe");
    }
    byte[] all = Files.readAllBytes(plainPipeArchive);
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    o.write(all, 0, 11);
    byte[] header = o.toByteArray();
    header[6] = 15;
    o.reset();
    o.write(header);
    o.write(algorithm.equals("lz4") ? 2 : 3);
    o.write(all, 16, (int) toc.dataStart() - 16);
    DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(all, (int) toc.dataStart(),
        all.length - (int) toc.dataStart()));
    int type;
    while ((type = in.read()) >= 0) {
      o.write(type);
      copyInt(in, o);
      if (type == 1) {
        stream(in, o, algorithm);
      } else {
        while (true) {
          byte[] oid = in.readNBytes(5);
          o.write(oid);
          if (Arrays.equals(oid, new byte[5])) {
            break;
          }
          stream(in, o, algorithm);
        }
      }
    }
    Files.write(out, o.toByteArray());
  }

  private static void copyInt(InputStream in, OutputStream o) throws IOException {
    o.write(in.readNBytes(5));
  }

  private static int readInt(DataInputStream in) throws IOException {
    byte[] b = in.readNBytes(5);
    int v = (b[1] & 0xff) | (b[2] & 0xff) << 8 | (b[3] & 0xff) << 16 | (b[4] & 0xff) << 24;
    return b[0] == 0 ? v : -v;
  }

  private static void writeInt(OutputStream o, int v) throws IOException {
    o.write(v < 0 ? 1 : 0);
    int m = Math.abs(v);
    for (int i = 0; i < 4; i++) {
      o.write((m >>> (8 * i)) & 0xff);
    }
  }

  private static void stream(DataInputStream in, OutputStream o, String algorithm) throws IOException {
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    for (int len = readInt(in); len != 0; len = readInt(in)) {
      plain.write(in.readNBytes(len));
    }
    ByteArrayOutputStream packed = new ByteArrayOutputStream();
    if (plain.size() > 0) {
      try (OutputStream c = algorithm.equals("lz4") ? new LZ4FrameOutputStream(packed) : new ZstdOutputStream(packed)) {
        plain.writeTo(c);
      }
    }
    byte[] p = packed.toByteArray();
    for (int off = 0; off < p.length; off += 4096) {
      int n = Math.min(4096, p.length - off);
      writeInt(o, n);
      o.write(p, off, n);
    }
    writeInt(o, 0);
  }
}
