package dev.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.PgToolException;
import dev.cutover.core.model.ArchiveSummary;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.testkit.postgres.PgFixture;
import dev.cutover.testkit.postgres.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archives that break naive restores: one claiming a newer pg_dump, one installing an extension into a schema it lacks. */
@Tag("integration")
class ArchiveEdgeCasesIntegrationTest {
  @TempDir
  Path dir;

  @Test
  void checkCanRestore_archivePatchedToNewerPgDump_clearErrorAndPgRestoreReallyRefuses() throws Exception {
    PgFixture server = LocalServer.require();
    PgMigrator migrator = PgMigrator.builder().build();
    PgTool pgRestore = migrator.tools().require("pg_restore");
    org.junit.jupiter.api.Assumptions.assumeTrue(pgRestore.major() < 16, "needs a pg_restore older than 16");
    Path real = dir.resolve("real.dump");
    try (TestDatabase db = server.createDatabase("cut_pg_ver_")) {
      db.execute("create table t (id int primary key)", "insert into t select generate_series(1, 10)");
      migrator.dump(db.connection(), real, MigrationListener.NONE);
    }
    Path patched = dir.resolve("patched.dump");
    Files.write(patched, as115(Files.readAllBytes(real), "16.4"));

    Process list = new ProcessBuilder(pgRestore.path().toString(), "--list", patched.toString())
        .redirectErrorStream(true).start();
    String listOut = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(list.waitFor()).isEqualTo(1);
    assertThat(listOut).contains("unsupported version (1.15) in file header");

    ArchiveSummary summary = migrator.inspect(patched);
    assertThat(summary.archiveVersion()).isEqualTo("1.15");
    assertThat(summary.pgDumpVersion()).isEqualTo("16.4");
    assertThat(summary.tables()).containsExactly("public.t");
    assertThatThrownBy(() -> migrator.checkCanRestore(summary, RestoreStrategy.PG_RESTORE))
        .isInstanceOf(PgToolException.class)
        .hasMessageContaining("archive 1.15 was written by pg_dump 16.4; pg_restore " + pgRestore.shortVersion()
            + " cannot read it: install PostgreSQL 16+ client tools")
        .hasMessageContaining("(PARALLEL)");
    assertThatCode(() -> migrator.checkCanRestore(summary, RestoreStrategy.PARALLEL)).doesNotThrowAnyException();
    try (TestDatabase target = server.createDatabase("cut_pg_ver_")) {
      assertThatThrownBy(() -> migrator.restore(patched, target.connection(), RestoreStrategy.GUIDE_SQL, false,
          MigrationListener.NONE)).hasMessageContaining("cannot read it");
      assertThat(target.queryLong("select count(*) from pg_class where relnamespace = 'public'::regnamespace")).isZero();
    }
  }

  @Test
  void restore_extensionSchemaMissingFromArchive_createsItFirst() throws Exception {
    PgFixture server = LocalServer.require();
    PgMigrator migrator = PgMigrator.builder().build();
    Path partial = dir.resolve("partial.dump");
    try (TestDatabase db = server.createDatabase("cut_pg_ext_");
        TestDatabase target = server.createDatabase("cut_pg_ext_")) {
      db.execute("create schema heroku_ext", "create extension hstore with schema heroku_ext",
          "create table t (id int primary key, prefs heroku_ext.hstore)", "insert into t values (1, 'theme=>dark')");
      // -n public -e hstore: the extension is in the archive, its heroku_ext schema is not
      Process dump = new ProcessBuilder(migrator.tools().require("pg_dump").path().toString(), "-Fc", "-n", "public",
          "-e", "hstore", "-h", "127.0.0.1", "-U", "postgres", "-d", db.name(), "-f", partial.toString())
          .redirectErrorStream(true).start();
      assertThat(dump.waitFor()).isZero();
      assertThat(migrator.inspect(partial).schemas()).doesNotContain("heroku_ext");

      var result = migrator.restore(partial, target.connection(), RestoreStrategy.PG_RESTORE, false, MigrationListener.NONE);

      assertThat(result.warnings()).anyMatch(w -> w.contains("created schema(s) [heroku_ext]"))
          .noneMatch(w -> w.contains("search_path"));
      // the source has no database-level search_path, so neither has the target: heroku_ext is named
      assertThat(target.queryString("select prefs operator(heroku_ext.->) 'theme' from t")).isEqualTo("dark");
      assertThat(target.queryLong("select count(*) from pg_db_role_setting s join pg_database d on d.oid = "
          + "s.setdatabase where d.datname = current_database()")).isZero();
      var report = migrator.verify(dev.cutover.core.model.VerificationRequest.of(target.connection()).archive(partial));
      assertThat(report.passed()).as(report.describeMismatches()).isTrue();
      assertThat(migrator.verify(target.connection(), db.connection(), result).passed()).isTrue();
    }
  }

  /**
   * Rewrites a 1.14 header as 1.15: the compression level int becomes the algorithm byte, and both
   * version strings become {@code version}. The TOC is unchanged (1.15 did not change it); data
   * offsets shift, which inspection does not use.
   */
  static byte[] as115(byte[] archive, String version) {
    assertThat(new String(archive, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("PGDMP");
    assertThat(archive[6]).isEqualTo((byte) 14);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] head = java.util.Arrays.copyOf(archive, 11);
    head[6] = 15;
    out.write(head, 0, head.length);
    int pos = 11;
    int level = readInt(archive, pos);
    pos += 5;
    out.write(level == 0 ? 0 : 1);
    out.write(archive, pos, 7 * 5);
    pos += 7 * 5;
    int dbLen = readInt(archive, pos);
    out.write(archive, pos, 5 + dbLen);
    pos += 5 + dbLen;
    for (int i = 0; i < 2; i++) {
      pos += 5 + readInt(archive, pos);
      byte[] v = version.getBytes(StandardCharsets.US_ASCII);
      out.write(0);
      out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v.length).array(), 0, 4);
      out.write(v, 0, v.length);
    }
    out.write(archive, pos, archive.length - pos);
    return out.toByteArray();
  }

  private static int readInt(byte[] b, int pos) {
    int v = ByteBuffer.wrap(b, pos + 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    return b[pos] == 0 ? v : -v;
  }
}
