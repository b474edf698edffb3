package dev.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.PgToolException;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.ArchiveSummary;
import dev.cutover.core.model.RestoreStrategy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgMigratorTest {
  @TempDir
  Path dir;

  @Test
  void build_badJobsAndCompression_oneExceptionListingBoth() {
    assertThatThrownBy(() -> PgMigrator.builder().jobs(0).compressionLevel(12).build())
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
            .extracting(ValidationException.Problem::field).containsExactly("jobs", "compressionLevel"));
  }

  @Test
  void checkCanRestore_archiveNewerThanPgRestore_saysWhatToInstall() throws Exception {
    PgMigrator migrator = migratorWithTools("15.19");
    ArchiveSummary summary = summary("1.15", "16.4");
    assertThatThrownBy(() -> migrator.checkCanRestore(summary, RestoreStrategy.PG_RESTORE))
        .isInstanceOf(PgToolException.class)
        .hasMessageContaining("archive 1.15 was written by pg_dump 16.4; pg_restore 15.19 cannot read it: "
            + "install PostgreSQL 16+ client tools")
        .hasMessageContaining("use a strategy that does not need pg_restore (PARALLEL)");
    assertThatThrownBy(() -> migrator.checkCanRestore(summary("1.16", "17.2"), RestoreStrategy.GUIDE_SQL))
        .hasMessageContaining("install PostgreSQL 17+ client tools");
    assertThatCode(() -> migrator.checkCanRestore(summary, RestoreStrategy.PARALLEL)).doesNotThrowAnyException();
    assertThatCode(() -> migrator.checkCanRestore(summary("1.14", "15.8"), RestoreStrategy.PG_RESTORE))
        .doesNotThrowAnyException();
  }

  @Test
  void checkCanRestore_sourceVersion_knowsTheArchiveFormatItsPgDumpWrites() throws Exception {
    PgMigrator migrator = migratorWithTools("15.19");
    assertThatThrownBy(() -> migrator.checkCanRestore(source("16.4"), RestoreStrategy.PG_RESTORE))
        .isInstanceOf(PgToolException.class)
        .hasMessageContaining("archive 1.15 was written by pg_dump 16.4; pg_restore 15.19 cannot read it");
    assertThatThrownBy(() -> migrator.checkCanRestore(source("17.2"), RestoreStrategy.GUIDE_SQL))
        .hasMessageContaining("archive 1.16");
    assertThatCode(() -> migrator.checkCanRestore(source("15.8"), RestoreStrategy.PG_RESTORE)).doesNotThrowAnyException();
    assertThatCode(() -> migrator.checkCanRestore(source("12.20"), RestoreStrategy.PG_RESTORE)).doesNotThrowAnyException();
    assertThatCode(() -> migrator.checkCanRestore(source("17.2"), RestoreStrategy.PARALLEL)).doesNotThrowAnyException();
  }

  private static dev.cutover.core.model.PostgresInfo source(String version) {
    return new dev.cutover.core.model.PostgresInfo("postgresql-1", "DATABASE", "essential-0", version, 1024);
  }

  @Test
  void checkCanRestore_streamFromNewerServer_saysPgDumpTooOld() throws Exception {
    PgMigrator migrator = migratorWithTools("15.19");
    assertThatThrownBy(() -> migrator.checkCanRestore(summary("1.15", "16.4"), RestoreStrategy.STREAM))
        .isInstanceOf(PgToolException.class)
        .hasMessageContaining("the source server is 16.4; pg_dump 15.19 cannot dump it: install PostgreSQL 16+");
    assertThatCode(() -> migrator.checkCanRestore(summary("1.14", "15.8"), RestoreStrategy.STREAM))
        .doesNotThrowAnyException();
  }

  @Test
  void checkCanRestore_archiveNewerThanReader_parallelRefusedToo() throws Exception {
    assertThatThrownBy(() -> migratorWithTools("18.1").checkCanRestore(summary("1.17", "19.0"), RestoreStrategy.PARALLEL))
        .isInstanceOf(PgToolException.class).hasMessageContaining("formats up to 1.16");
  }

  @Test
  void discover_configuredDirectory_winsAndReportsVersions() throws Exception {
    PgMigrator migrator = migratorWithTools("17.2");
    PgTool restore = migrator.tools().require("pg_restore");
    assertThat(restore.path()).isEqualTo(dir.resolve("pg_restore"));
    assertThat(restore.major()).isEqualTo(17);
    assertThat(restore.shortVersion()).isEqualTo("17.2");
  }

  @Test
  void parseVersion_debianOutput_majorAndMinor() {
    Optional<PgTool> t = PgTools.parseVersion("psql", Path.of("/usr/bin/psql"), "psql (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)\n");
    assertThat(t).get().satisfies(tool -> {
      assertThat(tool.major()).isEqualTo(15);
      assertThat(tool.minor()).isEqualTo(20);
      assertThat(tool.version()).isEqualTo("15.20 (Debian 15.20-0+deb12u1)");
    });
    assertThat(PgTools.parseVersion("pg_dump", Path.of("x"), "pg_dump (PostgreSQL) 18beta1")).get()
        .extracting(PgTool::major).isEqualTo(18);
  }

  @Test
  void maxArchiveMinor_knownMajors_matchReference() {
    assertThat(PgMigrator.maxArchiveMinor(15)).isEqualTo(14);
    assertThat(PgMigrator.maxArchiveMinor(16)).isEqualTo(15);
    assertThat(PgMigrator.maxArchiveMinor(17)).isEqualTo(16);
    assertThat(PgMigrator.maxArchiveMinor(18)).isEqualTo(16);
  }

  @Test
  void restore_streamOrMissingArchive_rejectedWithEveryProblem() {
    PgMigrator migrator = PgMigrator.builder().processRunner(RecordingRunner.answering(c -> "")).build();
    assertThatThrownBy(() -> migrator.restore(dir.resolve("nope.dump"), null, RestoreStrategy.STREAM, false,
        dev.cutover.core.MigrationListener.NONE))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
            .extracting(ValidationException.Problem::field).containsExactly("archive", "target", "strategy"));
  }

  private PgMigrator migratorWithTools(String version) throws Exception {
    for (String program : PgTools.PROGRAMS) {
      Path p = dir.resolve(program);
      Files.writeString(p, "#!/bin/sh\nexit 1\n");
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    }
    RecordingRunner runner = RecordingRunner.answering(c -> c.argv().contains("--version") && c.program().startsWith(dir.toString())
        ? Path.of(c.program()).getFileName() + " (PostgreSQL) " + version + "\n" : "");
    return PgMigrator.builder().processRunner(runner).toolsDirectory(dir).build();
  }

  private static ArchiveSummary summary(String archiveVersion, String pgDump) {
    return new ArchiveSummary(archiveVersion, "gzip", pgDump, pgDump, "d7k2m9x1", 1000, List.of("public.users"),
        List.of("hstore"), List.of("public"), 10, 0);
  }

}
