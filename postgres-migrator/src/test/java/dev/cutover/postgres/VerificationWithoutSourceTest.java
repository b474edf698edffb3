package dev.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.PgToolException;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.model.VerificationRequest;
import dev.cutover.postgres.archive.ArchiveReader;
import dev.cutover.postgres.archive.DatabaseProperties;
import dev.cutover.postgres.verify.DatabaseVerifier;
import dev.cutover.testkit.postgres.PgFixture;
import dev.cutover.testkit.postgres.TestDatabase;
import dev.cutover.testkit.postgres.TrickyDatabase;
import dev.cutover.testkit.postgres.TrickyDatabaseGenerator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gate without a source: verification against the backup archive fails for a restore missing a
 * table's data, a foreign key or a sequence value (and other changes), passes for a faithful one, and
 * says what it proved; with neither source nor archive, counts only never pass.
 */
@Tag("integration")
class VerificationWithoutSourceTest {
  @TempDir
  static Path dir;

  private static PgFixture server;
  private static TestDatabase source;
  private static TrickyDatabase tricky;
  private static Path archive;
  private static TestDatabase template;
  private static RestoreResult restored;
  private static final PgMigrator migrator = PgMigrator.builder().redactor(Redactor.create()).jobs(2).build();

  @BeforeAll
  static void restoreTemplate() {
    server = LocalServer.require();
    source = server.createDatabase("cut_vfa_src_");
    tricky = TrickyDatabaseGenerator.builder().users(500).build().generate(source.connection());
    archive = migrator.dump(source.connection(), dir.resolve("source.dump"), MigrationListener.NONE);
    template = server.createDatabase("cut_vfa_tpl_");
    restored = migrator.restore(archive, template.connection(), RestoreStrategy.PARALLEL, false, MigrationListener.NONE);
  }

  @AfterAll
  static void drop() {
    if (template != null) {
      template.close();
    }
    if (source != null) {
      source.close();
    }
    if (tricky != null) {
      tricky.close();
    }
  }

  private static VerificationReport verify(TestDatabase target) {
    return migrator.verify(VerificationRequest.of(target.connection()).archive(archive));
  }

  /** A copy of the restored template with what CREATE DATABASE … TEMPLATE does not copy, from the archive. */
  private static TestDatabase copyOfTemplate() {
    TestDatabase copy = server.copyDatabase("cut_vfa_mut_", template);
    DatabaseProperties p = DatabaseProperties.of(ArchiveReader.readToc(archive));
    PgCli.withConnection(copy.connection(), "test", c -> Fidelity.applyArchiveProperties(c, copy.connection(), p,
        Set.of(p.owner()), new ArrayList<>()));
    return copy;
  }

  @Test
  void verify_faithfulRestore_passesAgainstTheArchive() {
    VerificationReport report = verify(template);

    assertThat(report.passed()).as(report.describeMismatches()).isTrue();
    assertThat(report.evidence()).isEqualTo(VerificationReport.Evidence.BACKUP_ARCHIVE);
    assertThat(report.contentVerified()).isTrue();
    assertThat(report.tables()).filteredOn(t -> !t.kind().equals("materialized view"))
        .allMatch(t -> t.digest() == VerificationReport.Digest.MATCH)
        .extracting(VerificationReport.TableCheck::name).contains("public.invoices", "large objects");
    assertThat(report.notProven()).anyMatch(n -> n.contains("extension versions"));
    assertThat(report.toString()).contains("content digests against the backup archive: passed");
  }

  static Stream<Arguments> brokenRestores() {
    return Stream.of(
        Arguments.of("one table's data missing", "delete from public.invoices", "public.invoices"),
        Arguments.of("one foreign key missing", "alter table public.invoices drop constraint invoices_user_id_fkey",
            "invoices_user_id_fkey"),
        Arguments.of("one sequence value missing", "select setval('public.invoice_number_seq', 100000, false)",
            "public.invoice_number_seq"),
        Arguments.of("a value changed", "update public.documents set title = 'x' where id = 2", "public.documents"),
        Arguments.of("a large object byte changed", "select lo_put(" + TrickyDatabaseGenerator.BIG_LARGE_OBJECT
            + ", 7, '\\x02'::bytea)", Long.toString(TrickyDatabaseGenerator.BIG_LARGE_OBJECT)),
        Arguments.of("a comment dropped", "comment on column public.users.email is null", "public.users.email"),
        Arguments.of("a trigger disabled", "alter table public.users disable trigger users_updated_at",
            "users_updated_at"),
        Arguments.of("an index dropped", "drop index public.events_payload_gin", "events_payload_gin"),
        Arguments.of("a database setting lost", "alter database :db reset statement_timeout", "statement_timeout"),
        Arguments.of("the app role's setting lost", "alter role current_user in database :db reset work_mem", "work_mem"),
        Arguments.of("the database comment changed", "comment on database :db is 'other'", "database"),
        Arguments.of("a materialized view unpopulated", "refresh materialized view public.user_event_counts with no data",
            "public.user_event_counts"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenRestores")
  void verify_brokenRestore_failsAgainstTheArchive(String what, String sql, String object) {
    try (TestDatabase copy = copyOfTemplate()) {
      copy.execute(sql.replace(":db", "\"" + copy.name() + "\""));

      VerificationReport report = verify(copy);

      assertThat(report.passed()).as(what).isFalse();
      assertThat(report.mismatches()).as(report.describeMismatches()).anyMatch(c -> c.name().contains(object));
    }
  }

  @Test
  void verify_countsOnly_neverPasses() {
    VerificationReport report = migrator.verify(template.connection(), restored);

    assertThat(report.evidence()).isEqualTo(VerificationReport.Evidence.COUNTS_ONLY);
    assertThat(report.passed()).isFalse();
    assertThat(report.contentVerified()).isFalse();
    assertThat(report.mismatches()).singleElement().satisfies(c -> assertThat(c.kind()).isEqualTo("evidence"));
  }

  @Test
  void verify_unreachableSourceWithArchive_fallsBackToTheArchiveAndSaysSo() {
    PgConnection gone = new PgConnection("127.0.0.1", 1, source.name(), "postgres", Secret.of("canary-Pw-0815"), "disable");
    List<String> warnings = new CopyOnWriteArrayList<>();
    DatabaseVerifier verifier = DatabaseVerifier.builder().listener(new MigrationListener() {
      @Override
      public void warning(MigrationEvent.Warning event) {
        warnings.add(event.message());
      }
    }).build();

    VerificationReport report = verifier.verify(VerificationRequest.of(template.connection()).source(gone).archive(archive));

    assertThat(report.evidence()).isEqualTo(VerificationReport.Evidence.BACKUP_ARCHIVE);
    assertThat(report.passed()).as(report.describeMismatches()).isTrue();
    assertThat(report.notProven()).anyMatch(n -> n.contains("live source could not be reached"));
    assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("backup archive").doesNotContain("canary"));
  }

  @Test
  void verify_unreachableSourceWithoutArchive_throwsRetryable() {
    PgConnection gone = new PgConnection("127.0.0.1", 1, source.name(), "postgres", Secret.of("pw"), "disable");

    assertThatThrownBy(() -> migrator.verify(VerificationRequest.of(template.connection()).source(gone)))
        .isInstanceOf(PgToolException.class).hasMessageContaining("cannot connect")
        .satisfies(e -> assertThat(((PgToolException) e).retryable()).isTrue());
  }
}
