package dev.cutover.postgres.archive.internal;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.IOException;
import java.io.InputStream;
import net.jpountz.lz4.LZ4FrameInputStream;

/**
 * The lz4 and zstd readers, kept apart so that gzip and uncompressed archives still restore when
 * an application leaves these libraries off its class path: the JVM links this class only when an
 * lz4 or zstd archive is read.
 */
final class FrameCodecs {
  private FrameCodecs() {}

  static InputStream lz4(InputStream frames) throws IOException {
    try {
      return new LZ4FrameInputStream(frames);
    } catch (LinkageError e) {
      throw missing("lz4", "at.yawk.lz4:lz4-java", e);
    }
  }

  static InputStream zstd(InputStream frames) throws IOException {
    try {
      return new ZstdInputStreamNoFinalizer(frames);
    } catch (LinkageError e) {
      throw missing("zstd", "com.github.luben:zstd-jni", e);
    }
  }

  private static IOException missing(String algorithm, String artifact, LinkageError e) {
    return new IOException("reading " + algorithm + " data needs " + artifact + " on the class path (" + e + ")", e);
  }
}
