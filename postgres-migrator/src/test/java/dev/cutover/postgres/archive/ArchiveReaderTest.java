package dev.cutover.postgres.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.PgToolException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveReaderTest {
  @TempDir Path dir;

  private Path write(byte[] bytes) throws IOException {
    Path p = dir.resolve("a.dump");
    Files.write(p, bytes);
    return p;
  }

  private static byte[] twoEntries(int minor, int compression) {
    return new ArchiveBytes().header(minor, compression).integer(2)
        .entry(minor, 3521, "ENCODING", 2, null, "ENCODING", "SET client_encoding = 'UTF8';\n", 3, 0)
        .entry(minor, 7, "TABLE DATA", 3, "app", "Grüße", "", 2, 4096, "5", "6")
        .toByteArray();
  }

  @Test
  void readToc_version114Archive_readsHeaderAndEntries() throws IOException {
    ArchiveToc toc = ArchiveReader.readToc(write(twoEntries(14, -1)));

    assertThat(toc.header().version()).isEqualTo("1.14");
    assertThat(toc.header().compression()).isEqualTo("gzip");
    assertThat(toc.header().compressionLevel()).isEqualTo(-1);
    assertThat(toc.header().database()).isEqualTo("srcdb");
    assertThat(toc.header().created()).hasToString("2026-11-24T03:42:08");
    assertThat(toc.entries()).extracting(TocEntry::dumpId).containsExactly(3521, 7);
    TocEntry data = toc.entries().get(1);
    assertThat(data.tag()).isEqualTo("Grüße");
    assertThat(data.section()).isEqualTo(TocEntry.Section.DATA);
    assertThat(data.dependencies()).containsExactly(5, 6);
    assertThat(data.dataOffset()).isEqualTo(4096);
    assertThat(data.hadData()).isTrue();
    assertThat(toc.entries().get(0).hasDataOffset()).isFalse();
    assertThat(toc.encoding()).isEqualTo("UTF8");
    assertThat(toc.summary(99).tables()).containsExactly("app.Grüße");
  }

  @Test
  void readToc_version116WithZstd_readsAlgorithmByteAndRelkind() throws IOException {
    ArchiveToc toc = ArchiveReader.readToc(write(twoEntries(16, 3)));

    assertThat(toc.header().compression()).isEqualTo("zstd");
    assertThat(toc.summary(1).archiveVersion()).isEqualTo("1.16");
    assertThat(toc.entries()).hasSize(2);
  }

  @Test
  void readToc_noneCompressionInVersion115_isNone() throws IOException {
    assertThat(ArchiveReader.readToc(write(twoEntries(15, 0))).header().compression()).isEqualTo("none");
  }

  @Test
  void readToc_notAnArchive_failsNamingTheMagic() throws IOException {
    Path p = write("-- PostgreSQL database dump\nCREATE TABLE x();\n".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> ArchiveReader.readToc(p)).isInstanceOf(PgToolException.class)
        .hasMessageContaining("not a pg_dump custom-format archive").hasMessageContaining("PGDMP");
  }

  @Test
  void readToc_emptyFile_failsAsNotAnArchive() throws IOException {
    assertThatThrownBy(() -> ArchiveReader.readToc(write(new byte[0]))).isInstanceOf(PgToolException.class)
        .hasMessageContaining("not a pg_dump custom-format archive");
  }

  @Test
  void readToc_truncatedInTheToc_failsAsTruncated() throws IOException {
    byte[] full = twoEntries(14, -1);
    Path p = write(Arrays.copyOf(full, full.length - 20));

    assertThatThrownBy(() -> ArchiveReader.readToc(p)).isInstanceOf(PgToolException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void readToc_newerVersion_failsAsUnsupported() throws IOException {
    Path p = write(twoEntries(17, 1));

    assertThatThrownBy(() -> ArchiveReader.readToc(p)).isInstanceOf(PgToolException.class)
        .hasMessageContaining("unsupported version (1.17)");
  }

  @Test
  void readToc_missingFile_failsAsNotFound() {
    assertThatThrownBy(() -> ArchiveReader.readToc(dir.resolve("nope.dump"))).isInstanceOf(PgToolException.class)
        .hasMessageContaining("not found");
  }

  @Test
  void readToc_negativeMagnitudeInt_readAsSignMagnitude() throws IOException {
    // dependency "-1" terminates; a dump id written sign-magnitude as 01 05 00 00 00 would be -5: rejected.
    byte[] b = new ArchiveBytes().header(14, 0).integer(1).integer(-5).toByteArray();

    assertThatThrownBy(() -> ArchiveReader.readToc(write(b))).isInstanceOf(PgToolException.class)
        .hasMessageContaining("entry ID -5 out of range");
  }
}
