package dev.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.PgToolException;
import dev.cutover.core.Redactor;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.model.VerificationRequest;
import dev.cutover.testkit.postgres.PgFixture;
import dev.cutover.testkit.postgres.TestDatabase;
import dev.cutover.testkit.postgres.TrickyDatabase;
import dev.cutover.testkit.postgres.TrickyDatabaseGenerator;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every strategy against the real local server, one generated source for the whole class. */
@Tag("integration")
class PgMigratorIntegrationTest {
  @TempDir
  static Path dir;

  private static PgFixture server;
  private static TestDatabase source;
  private static TrickyDatabase tricky;
  private static Path archive;
  private static TestDatabase restored;
  /**
   * 2,000 users, 4,000 events, 1,000 invoices, 200 documents, 100 tenant notes, 40 cached sessions, 200 + 200
   * audit log rows; materialized views are not restored rows.
   */
  private static final long TOTAL_ROWS = 7_740;
  private static final PgMigrator migrator = PgMigrator.builder().redactor(Redactor.create()).jobs(2).build();

  @BeforeAll
  static void generateSource() {
    server = LocalServer.require();
    source = server.createDatabase("cut_pg_src_");
    tricky = TrickyDatabaseGenerator.builder().users(2_000).build().generate(source.connection());
    archive = migrator.dump(source.connection(), dir.resolve("source.dump"), MigrationListener.NONE);
    restored = server.createDatabase("cut_pg_tgt_");
    migrator.restore(archive, restored.connection(), RestoreStrategy.PG_RESTORE, false, MigrationListener.NONE);
  }

  private dev.cutover.testkit.process.ProcessLeakCheck leaks;

  @org.junit.jupiter.api.BeforeEach
  void snapshotProcesses() {
    leaks = dev.cutover.testkit.process.ProcessLeakCheck.start();
  }

  @org.junit.jupiter.api.AfterEach
  void noProcessLeft() {
    leaks.assertNoLeaks();
  }

  @AfterAll
  static void dropSource() {
    if (restored != null) {
      restored.close();
    }
    if (source != null) {
      source.close();
    }
    if (tricky != null) {
      tricky.close();
    }
  }

  @Test
  void restore_guideSql_countsRoleErrorsAndVerificationPasses() throws Exception {
    try (TestDatabase target = server.createDatabase("cut_pg_tgt_")) {
      RestoreResult result;
      try (AutoCloseable hidden = tricky.hideRoles()) {
        result = migrator.restore(archive, target.connection(), RestoreStrategy.GUIDE_SQL, false, MigrationListener.NONE);
      }
      assertThat(result.expectedErrors())
          .containsKey("role \"" + tricky.ownerRole() + "\" does not exist")
          .containsKey("role \"" + tricky.readerRole() + "\" does not exist");
      assertThat(result.rowsRestored()).containsEntry("public.users", 2_000L).containsEntry("public.invoices", 1_000L);
      assertThat(result.totalRows()).isEqualTo(TOTAL_ROWS);
      assertThat(result.warnings()).anyMatch(w -> w.contains("search_path"));
      VerificationReport report = migrator.verify(target.connection(), source.connection(), result);
      assertThat(report.passed()).as(report.describeMismatches()).isTrue();
      assertArchiveVerificationPasses(target);
      assertThat(revokedFromPublic(target)).isTrue();
    }
  }

  @Test
  void restore_pgRestore_verificationPassesAndRevocationKept() {
    try (TestDatabase target = server.createDatabase("cut_pg_tgt_")) {
      RestoreResult result = migrator.restore(archive, target.connection(), RestoreStrategy.PG_RESTORE, false,
          MigrationListener.NONE);
      assertThat(result.totalRows()).isEqualTo(TOTAL_ROWS);
      assertThat(result.warnings()).anyMatch(w -> w.contains("grants to [" + tricky.readerRole() + "] were dropped")
          && w.contains(tricky.ownerRole()));
      VerificationReport report = migrator.verify(target.connection(), source.connection(), result);
      assertThat(report.passed()).as(report.describeMismatches()).isTrue();
      assertThat(report.checks()).anyMatch(c -> c.kind().equals("content") && c.name().equals("public.events_2026_01"));
      assertThat(revokedFromPublic(target)).isTrue();
      assertThat(target.queryString("select 'a=>1'::hstore -> 'a'")).isEqualTo("1");
    }
  }

  @Test
  void restore_parallel_verificationPassesAndRevocationKept() {
    try (TestDatabase target = server.createDatabase("cut_pg_tgt_")) {
      RestoreResult result = migrator.restore(archive, target.connection(), RestoreStrategy.PARALLEL, false,
          MigrationListener.NONE);
      assertThat(result.strategy()).isEqualTo(RestoreStrategy.PARALLEL);
      assertThat(result.rowsRestored()).containsEntry("public.users", 2_000L);
      assertThat(result.totalRows()).isEqualTo(TOTAL_ROWS);
      VerificationReport report = migrator.verify(target.connection(), source.connection(), result);
      assertThat(report.passed()).as(report.describeMismatches()).isTrue();
      assertArchiveVerificationPasses(target);
      assertThat(revokedFromPublic(target)).isTrue();
    }
  }

  @Test
  void stream_sourceReachable_verificationPasses() {
    try (TestDatabase target = server.createDatabase("cut_pg_tgt_")) {
      RestoreResult result = migrator.stream(source.connection(), target.connection(), false, MigrationListener.NONE);
      assertThat(result.strategy()).isEqualTo(RestoreStrategy.STREAM);
      assertThat(result.rowsRestored()).containsEntry("public.users", 2_000L);
      assertThat(result.totalRows()).isEqualTo(TOTAL_ROWS);
      VerificationReport report = migrator.verify(target.connection(), source.connection(), result);
      assertThat(report.passed()).as(report.describeMismatches()).isTrue();
      assertThat(revokedFromPublic(target)).isTrue();
    }
  }

  @Test
  void copyDirect_sourceReachable_verificationPassesRevocationAndSettingsKept() throws Exception {
    try (TestDatabase target = server.createDatabase("cut_pg_tgt_")) {
      migrator.checkCanCopyDirect(source.connection());
      dev.cutover.core.spi.CopyJournal journal = dev.cutover.core.spi.CopyJournal.inMemory();
      RestoreResult result;
      try (AutoCloseable hidden = tricky.hideRoles()) {
        result = migrator.copyDirect(source.connection(), target.connection(), false, journal, MigrationListener.NONE);
      }
      assertThat(result.strategy()).isEqualTo(RestoreStrategy.DIRECT);
      assertThat(result.rowsRestored()).containsEntry("public.users", 2_000L);
      assertThat(result.totalRows()).isEqualTo(TOTAL_ROWS);
      assertThat(result.warnings()).anyMatch(w -> w.startsWith("database-level settings copied from the source"));
      VerificationReport report = migrator.verify(target.connection(), source.connection(), result);
      assertThat(report.passed()).as(report.describeMismatches()).isTrue();
      assertThat(revokedFromPublic(target)).isTrue();
      assertThat(target.queryString("select 'a=>1'::hstore -> 'a'")).isEqualTo("1");
      assertThat(journal.entries()).extracting(dev.cutover.core.spi.CopyJournal.Entry::item)
          .contains("pre-data", "TABLE DATA public.users");
      // A journal holding a finished copy: the re-run checks it and has nothing left to do.
      RestoreResult again = migrator.copyDirect(source.connection(), target.connection(), false, journal,
          MigrationListener.NONE);
      assertThat(again.rowsRestored()).isEqualTo(result.rowsRestored());
      assertThat(migrator.verify(target.connection(), source.connection(), again).passed()).isTrue();
    }
  }

  @Test
  void restoreWhileDownloading_parallelAndPgRestore_verificationPasses() throws Exception {
    try (dev.cutover.testkit.heroku.FakeHeroku fake = dev.cutover.testkit.heroku.FakeHeroku.start();
        TestDatabase parallel = server.createDatabase("cut_pg_tgt_");
        TestDatabase pgRestore = server.createDatabase("cut_pg_tgt_")) {
      fake.app("src-app").postgres(source.connection());
      String url = dev.cutover.postgres.parallel.FakeBackups.capture(fake, "src-app");
      fake.downloadRate(512 << 10);
      for (var c : java.util.List.of(java.util.Map.entry(RestoreStrategy.PARALLEL, parallel),
          java.util.Map.entry(RestoreStrategy.PG_RESTORE, pgRestore))) {
        Path file = dir.resolve("incoming-" + c.getKey() + ".dump");
        java.util.concurrent.CompletableFuture<Long> download = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          long n = dev.cutover.postgres.parallel.FakeBackups.download(url, fake.caCertificatePem(), file,
              dev.cutover.postgres.archive.IncomingArchive.of(file));
          if (n < 0) {
            throw new IllegalStateException("download failed");
          }
          return n;
        });

        RestoreResult result = migrator.restoreWhileDownloading(file, download, c.getValue().connection(), c.getKey(),
            false, dev.cutover.core.spi.CopyJournal.inMemory(), MigrationListener.NONE);

        assertThat(result.totalRows()).as(c.getKey().name()).isEqualTo(TOTAL_ROWS);
        // as the pipeline does: Heroku's backups carry no privileges, so the revocation comes from the source
        migrator.copyDatabaseSettings(source.connection(), c.getValue().connection());
        VerificationReport report = migrator.verify(c.getValue().connection(), source.connection(), result);
        assertThat(report.passed()).as(report.describeMismatches()).isTrue();
      }
    }
  }

  @Test
  void copyDirect_nonEmptyTargetWithoutJournal_refusedBeforeAnyChange() {
    TestDatabase target = restoredCopy();
    try (target) {
      assertThatThrownBy(() -> migrator.copyDirect(source.connection(), target.connection(), false,
          dev.cutover.core.spi.CopyJournal.inMemory(), MigrationListener.NONE))
          .isInstanceOf(ValidationException.class).hasMessageContaining("is not empty");
      assertThatThrownBy(() -> migrator.copyDirect(source.connection(), source.connection(), true,
          dev.cutover.core.spi.CopyJournal.inMemory(), MigrationListener.NONE))
          .isInstanceOf(ValidationException.class).hasMessageContaining("is the source database");
    }
  }

  @Test
  void restoreAndCheck_direct_refusedWithTheWayToRunIt() {
    assertThatThrownBy(() -> migrator.checkCanRestore(migrator.inspect(archive), RestoreStrategy.DIRECT))
        .isInstanceOf(PgToolException.class).hasMessageContaining("checkCanCopyDirect(source)");
    try (TestDatabase target = server.createDatabase("cut_pg_tgt_")) {
      assertThatThrownBy(() -> migrator.restore(archive, target.connection(), RestoreStrategy.DIRECT, false,
          MigrationListener.NONE)).isInstanceOf(ValidationException.class).hasMessageContaining("copyDirect(");
    }
  }

  @Test
  void verify_deletedRow_reportsRowMismatch() {
    try (TestDatabase target = restoredCopy()) {
      target.execute("delete from public.invoices where number = (select max(number) from public.invoices)");
      VerificationReport report = migrator.verify(target.connection(), source.connection(), dummy());
      assertThat(report.passed()).isFalse();
      assertThat(report.mismatches()).extracting(VerificationReport.Check::name).contains("public.invoices");
      assertThat(report.describeMismatches()).contains("public.invoices").contains("1,000 rows").contains("999 rows");
      assertThat(report.tables()).filteredOn(t -> t.name().equals("public.invoices")).singleElement()
          .satisfies(t -> assertThat(t.digest()).isEqualTo(VerificationReport.Digest.MISMATCH));
    }
  }

  @Test
  void verify_missingIndex_namesTheIndexAndItsPartitions() {
    try (TestDatabase target = restoredCopy()) {
      target.execute("drop index public.events_user_time");
      VerificationReport report = migrator.verify(target.connection(), source.connection(), dummy());
      assertThat(report.mismatches()).allSatisfy(c -> {
        assertThat(c.kind()).isEqualTo("index");
        assertThat(c.actual()).isEqualTo("(missing)");
      }).extracting(VerificationReport.Check::name).contains("public.events_user_time",
          "public.events_2026_01_user_id_occurred_at_idx").hasSize(5);
    }
  }

  @Test
  void verify_lostDatabaseSetting_reportsSettingMismatch() {
    try (TestDatabase target = restoredCopy()) {
      target.execute("alter database " + target.name() + " reset search_path");
      VerificationReport report = migrator.verify(target.connection(), source.connection(), dummy());
      assertThat(report.mismatches()).singleElement().satisfies(c -> {
        assertThat(c.kind()).isEqualTo("database setting");
        assertThat(c.name()).isEqualTo("search_path");
        assertThat(c.actual()).isEqualTo("(not set)");
      });
      VerificationReport againstArchive = migrator.verify(VerificationRequest.of(target.connection()).archive(archive));
      assertThat(againstArchive.mismatches()).anyMatch(c -> c.kind().equals("database setting")
          && c.name().equals("search_path"));
    }
  }

  @Test
  void restore_nonEmptyTarget_refusedUnlessReplaceExisting() {
    try (TestDatabase target = restoredCopy()) {
      assertThatThrownBy(() -> migrator.restore(archive, target.connection(), RestoreStrategy.PG_RESTORE, false,
          MigrationListener.NONE))
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("is not empty").hasMessageContaining("replaceExisting");
      RestoreResult again = migrator.restore(archive, target.connection(), RestoreStrategy.PG_RESTORE, true,
          MigrationListener.NONE);
      assertThat(again.warnings()).anyMatch(w -> w.contains("emptied it first"));
      VerificationReport report = migrator.verify(target.connection(), source.connection(), again);
      assertThat(report.passed()).as(report.describeMismatches()).isTrue();
    }
  }

  @Test
  void restore_guideSqlWithRealError_failsWithStatementAndMessage() throws Exception {
    try (TestDatabase trap = server.createDatabase("cut_pg_trap_");
        TestDatabase target = server.createDatabase("cut_pg_tgt_")) {
      String role = PgFixture.uniqueName("cut_src_gone_");
      trap.execute("create role " + role,
          "create table lookup (code text primary key)",
          "insert into lookup values ('a'), ('b')",
          // a CHECK that needs a setting nobody restores: it fails at COPY time on the target
          "create table orders (id int primary key, code text check (current_setting('cutover.gate') = 'open'))",
          "set cutover.gate = 'open'",
          "insert into orders values (1, 'a'), (2, 'b')",
          "alter table lookup owner to " + role);
      trap.execute("set cutover.gate = 'open'; insert into orders values (3, 'b')");
      Path trapArchive = migrator.dump(trap.connection(), dir.resolve("trap.dump"), MigrationListener.NONE);
      trap.execute("alter table lookup owner to postgres", "drop role " + role);
      assertThatThrownBy(() -> migrator.restore(trapArchive, target.connection(), RestoreStrategy.GUIDE_SQL, false,
          MigrationListener.NONE))
          .isInstanceOf(PgToolException.class)
          .hasMessageContaining("cutover.gate")
          .hasMessageContaining("COPY public.orders")
          .hasMessageContaining("1 expected role error")
          .hasMessageContaining("replaceExisting");
    }
  }

  @Test
  void convert_tableFilter_onlyThatTableWithoutOwners() throws Exception {
    Path sql = dir.resolve("invoices.sql");
    migrator.convert(archive, sql, java.util.List.of("invoices"));
    String text = java.nio.file.Files.readString(sql);
    assertThat(text).contains("COPY public.invoices ").doesNotContain("COPY public.users ")
        .doesNotContain("OWNER TO").doesNotContain("GRANT ");
  }

  @Test
  void inspect_realArchive_matchesPgRestoreList() throws Exception {
    var summary = migrator.inspect(archive);
    String list = new String(new ProcessBuilder("pg_restore", "--list", archive.toString())
        .redirectErrorStream(true).start().getInputStream().readAllBytes());
    var tableData = list.lines().filter(l -> l.contains(" TABLE DATA "))
        .map(l -> l.split(" ")).map(f -> f[f.length - 3] + "." + f[f.length - 2]).toList();
    assertThat(summary.tables()).containsExactlyElementsOf(tableData).hasSize(11);
    var extensions = list.lines().filter(l -> l.matches("\\d+; \\d+ \\d+ EXTENSION .*"))
        .map(l -> l.split(" ")[5]).toList();
    assertThat(summary.extensions()).containsExactlyInAnyOrderElementsOf(extensions)
        .containsExactlyInAnyOrder("hstore", "citext", "pgcrypto");
    String total = list.lines().filter(l -> l.startsWith(";     TOC Entries:")).findFirst().orElseThrow();
    assertThat(summary.entries()).isEqualTo(Integer.parseInt(total.replaceAll("\\D", "")));
    assertThat(summary.database()).isEqualTo(source.name());
    assertThat(summary.schemas()).contains("heroku_ext", "public");
  }

  @Test
  void dumpStreamGuideSqlDirect_canaryPassword_neverInArgvOrOutput() {
    dev.cutover.core.Secret canary = dev.cutover.core.Secret.of("canary-Pw-4711-xyz");
    Redactor redactor = Redactor.create();
    redactor.register(canary);
    RecordingRunner runner = RecordingRunner.around(dev.cutover.core.process.ProcessRunner.create(redactor));
    PgMigrator recorded = PgMigrator.builder().redactor(redactor).processRunner(runner).build();
    java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    MigrationListener listener = new MigrationListener() {
      @Override
      public void output(dev.cutover.core.MigrationEvent.Output event) {
        seen.add(event.line());
      }

      @Override
      public void warning(dev.cutover.core.MigrationEvent.Warning event) {
        seen.add(event.message());
      }
    };
    var src = withPassword(source.connection(), canary);
    try (TestDatabase target = server.createDatabase("cut_pg_tgt_")) {
      var tgt = withPassword(target.connection(), canary);
      Path dump = recorded.dump(src, dir.resolve("canary.dump"), listener);
      recorded.stream(src, tgt, false, listener);
      RestoreResult r = recorded.restore(dump, tgt, RestoreStrategy.GUIDE_SQL, true, listener);
      seen.addAll(r.warnings());
      seen.addAll(recorded.copyDirect(src, tgt, true, dev.cutover.core.spi.CopyJournal.inMemory(), listener).warnings());
    }
    assertThat(runner.commands).extracting(c -> c.program().replaceAll(".*/", ""))
        .contains("pg_dump", "bash", "pg_restore", "psql");
    assertThat(runner.commands).allSatisfy(c -> {
      assertThat(c.argv()).noneMatch(a -> a.contains(canary.reveal()));
      assertThat(c.environment().values()).noneMatch(v -> v.contains(canary.reveal()));
      assertThat(c.toString()).doesNotContain(canary.reveal());
    });
    assertThat(runner.commands).filteredOn(c -> c.argv().contains("-h") && !c.program().equals("bash"))
        .allSatisfy(c -> assertThat(c.secretEnvironment()).containsKey("PGPASSWORD"));
    assertThat(runner.commands).filteredOn(c -> c.program().equals("bash")).singleElement()
        .satisfies(c -> assertThat(c.secretEnvironment()).containsKeys("CUTOVER_SOURCE_PASSWORD", "CUTOVER_TARGET_PASSWORD"));
    assertThat(seen).noneMatch(l -> l.contains(canary.reveal()));
  }

  private static dev.cutover.core.model.PgConnection withPassword(dev.cutover.core.model.PgConnection c,
      dev.cutover.core.Secret password) {
    return new dev.cutover.core.model.PgConnection(c.host(), c.port(), c.database(), c.user(), password, c.sslMode());
  }

  /** A fast copy of a PG_RESTORE restore, with the source's database-level settings carried over. */
  private static TestDatabase restoredCopy() {
    TestDatabase target = server.copyDatabase("cut_pg_tgt_", restored);
    assertThat(migrator.copyDatabaseSettings(source.connection(), target.connection()))
        .containsEntry("search_path", "\"$user\", public, heroku_ext");
    return target;
  }

  private static void assertArchiveVerificationPasses(TestDatabase target) {
    VerificationReport report = migrator.verify(VerificationRequest.of(target.connection()).archive(archive));
    assertThat(report.evidence()).isEqualTo(VerificationReport.Evidence.BACKUP_ARCHIVE);
    assertThat(report.passed()).as(report.describeMismatches()).isTrue();
  }

  private static RestoreResult dummy() {
    return new RestoreResult(RestoreStrategy.PG_RESTORE, java.time.Duration.ZERO, java.util.Map.of(),
        java.util.Map.of(), java.util.List.of());
  }

  private static boolean revokedFromPublic(TestDatabase db) {
    return db.queryString("select p.proacl is not null and not exists (select 1 from aclexplode(p.proacl) a "
        + "where a.grantee = 0) from pg_proc p where p.proname = 'invoice_total'").equals("t");
  }
}
