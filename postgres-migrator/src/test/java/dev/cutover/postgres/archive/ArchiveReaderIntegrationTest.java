package dev.cutover.postgres.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.core.model.ArchiveSummary;
import dev.cutover.postgres.parallel.LocalPg;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader against real pg_dump archives and pg_restore --list. */
@Tag("integration")
class ArchiveReaderIntegrationTest {
  private static final String DB = LocalPg.unique("cut_par_reader");
  @TempDir static Path dir;
  static Path gzip;
  static Path plainPipe;

  @BeforeAll
  static void dump() throws IOException {
    LocalPg.assumeAvailable("psql", "pg_dump", "pg_restore");
    LocalPg.createDatabase(DB);
    Path sql = dir.resolve("tricky.sql");
    try (var in = ArchiveReaderIntegrationTest.class.getResourceAsStream("/dev/cutover/postgres/parallel/tricky.sql")) {
      Files.copy(in, sql);
    }
    LocalPg.psqlFile(DB, sql);
    gzip = dir.resolve("gzip.dump");
    LocalPg.tool("pg_dump", "-Fc", "-f", gzip.toString(), DB);
    // Written through a pipe: no data offsets in the TOC.
    plainPipe = dir.resolve("pipe.dump");
    LocalPg.run(List.of("sh", "-c", "pg_dump -Fc -Z0 " + DB + " | cat > " + plainPipe));
  }

  @AfterAll
  static void drop() {
    if (gzip != null) {
      LocalPg.dropDatabase(DB);
    }
  }

  private static List<String> pgRestoreList(Path archive) {
    return LocalPg.tool("pg_restore", "-l", archive.toString()).lines().filter(l -> !l.startsWith(";") && !l.isBlank())
        .toList();
  }

  @Test
  void readToc_realArchive_listsTheSameEntriesAsPgRestore() {
    for (Path archive : List.of(gzip, plainPipe)) {
      ArchiveToc toc = ArchiveReader.readToc(archive);
      List<String> ours = toc.entries().stream().map(TocEntry::listLine).toList();
      List<String> theirs = pgRestoreList(archive);

      assertThat(ours).containsSubsequence(theirs);
      Set<String> extraDescs = toc.entries().stream().filter(e -> !theirs.contains(e.listLine())).map(TocEntry::desc)
          .collect(Collectors.toSet());
      assertThat(extraDescs).isSubsetOf("ENCODING", "STDSTRINGS", "SEARCHPATH", "DATABASE");
    }
  }

  @Test
  void readToc_realArchive_headerMatchesPgRestoreHeader() {
    String header = LocalPg.tool("pg_restore", "-l", gzip.toString());
    ArchiveToc toc = ArchiveReader.readToc(gzip);

    assertThat(header).contains(";     dbname: " + toc.header().database() + "\n")
        .contains(";     TOC Entries: " + toc.entries().size() + "\n")
        .contains(";     Compression: -1\n")
        .contains(";     Dump Version: " + toc.header().version() + "-0\n")
        .contains(";     Dumped from database version: " + toc.header().serverVersion() + "\n")
        .contains(";     Dumped by pg_dump version: " + toc.header().pgDumpVersion() + "\n");
    assertThat(toc.header().database()).isEqualTo(DB);
    assertThat(ArchiveReader.readToc(plainPipe).header().compression()).isEqualTo("none");
  }

  @Test
  void readToc_pipeWrittenArchive_hasNoDataOffsetsButFileWrittenHas() {
    assertThat(ArchiveReader.readToc(plainPipe).entries()).filteredOn(TocEntry::hadData)
        .allSatisfy(e -> assertThat(e.hasDataOffset()).isFalse());
    assertThat(ArchiveReader.readToc(gzip).entries()).filteredOn(TocEntry::hadData)
        .allSatisfy(e -> assertThat(e.hasDataOffset()).isTrue());
  }

  @Test
  void summary_realArchive_namesTablesExtensionsSchemasAndLargeObjects() throws IOException {
    ArchiveSummary s = ArchiveReader.readToc(gzip).summary(Files.size(gzip));

    assertThat(s.archiveVersion()).isEqualTo("1.14");
    assertThat(s.compression()).isEqualTo("gzip");
    assertThat(s.tables()).contains("app.users", "app.events_2024_01", "app.big", "Mixed Case.Weird Table")
        .doesNotContain("app.events");
    assertThat(s.extensions()).containsExactlyInAnyOrder("hstore", "citext", "pgcrypto");
    assertThat(s.schemas()).contains("app", "heroku_ext", "Mixed Case");
    assertThat(s.largeObjects()).isEqualTo(3);
    assertThat(s.sizeBytes()).isEqualTo(Files.size(gzip));
  }
}
