package dev.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.Redactor;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.model.VerificationRequest;
import dev.cutover.testkit.postgres.PgFixture;
import dev.cutover.testkit.postgres.TestDatabase;
import dev.cutover.testkit.postgres.TrickyDatabase;
import dev.cutover.testkit.postgres.TrickyDatabaseGenerator;
import java.nio.file.Path;
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
 * The mutation suite: the tricky database is restored once (PARALLEL, with the source for extension
 * versions) into a template; each case clones the template ({@code CREATE DATABASE … TEMPLATE}),
 * carries the settings a clone does not copy, changes one thing, and verification against the live
 * source must fail naming the object changed.
 */
@Tag("integration")
class VerificationMutationTest {
  @TempDir
  static Path dir;

  private static PgFixture server;
  private static TestDatabase source;
  private static TrickyDatabase tricky;
  private static TestDatabase template;
  private static final PgMigrator migrator = PgMigrator.builder().redactor(Redactor.create()).jobs(2).build();

  @BeforeAll
  static void restoreTemplate() {
    server = LocalServer.require();
    source = server.createDatabase("cut_vfy_src_");
    tricky = TrickyDatabaseGenerator.builder().users(500).olderHstore(true).build().generate(source.connection());
    Path archive = migrator.dump(source.connection(), dir.resolve("source.dump"), MigrationListener.NONE);
    template = server.createDatabase("cut_vfy_tpl_");
    migrator.restore(archive, template.connection(), RestoreStrategy.PARALLEL, false, source.connection(),
        MigrationListener.NONE);
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
    return migrator.verify(VerificationRequest.of(target.connection()).source(source.connection()));
  }

  private static TestDatabase copyOfTemplate() {
    TestDatabase copy = server.copyDatabase("cut_vfy_mut_", template);
    // CREATE DATABASE … TEMPLATE copies neither database settings, role settings nor the comment.
    migrator.copyDatabaseSettings(source.connection(), copy.connection());
    return copy;
  }

  @Test
  void verify_unmutatedRestore_passesWithContentEvidence() {
    VerificationReport report = verify(template);

    assertThat(report.passed()).as(report.describeMismatches()).isTrue();
    assertThat(report.contentVerified()).isTrue();
    assertThat(report.evidence()).isEqualTo(VerificationReport.Evidence.LIVE_SOURCE);
    assertThat(report.tables()).extracting(VerificationReport.TableCheck::name)
        .containsAll(TrickyDatabase.tables()).contains("large objects");
    assertThat(report.tables()).allMatch(t -> t.digest() == VerificationReport.Digest.MATCH, "every digest matches");
    assertThat(report.expectedLosses()).anyMatch(l -> l.contains(tricky.readerRole()));
  }

  @Test
  void verify_unmutatedClone_passes() {
    try (TestDatabase copy = copyOfTemplate()) {
      VerificationReport report = verify(copy);
      assertThat(report.passed()).as(report.describeMismatches()).isTrue();
    }
  }

  static Stream<Arguments> mutations() {
    return Stream.of(
        Arguments.of("a text value", "update public.documents set title = title || '!' where id = 3", "public.documents"),
        Arguments.of("a bytea value", "update public.documents set body = set_byte(body, 0, (get_byte(body, 0) + 1) % 256)"
            + " where id = 5", "public.documents"),
        Arguments.of("a jsonb value", "update public.events set payload = payload || '{\"n\": -1}' where id = 10",
            "public.events_2026_01"),
        Arguments.of("a numeric value", "update public.invoices set amount = amount + 0.01 where number = "
            + "(select min(number) from public.invoices)", "public.invoices"),
        Arguments.of("a timestamp value", "update public.tenant_notes set noted_at = noted_at + interval '1 microsecond'"
            + " where id = 1", "public.tenant_notes"),
        Arguments.of("a row deleted", "delete from public.session_cache where key = 's1'", "public.session_cache"),
        Arguments.of("a row added", "insert into public.audit_log values (999999, now(), 'x', 'y')", "public.audit_log"),
        Arguments.of("a large-object byte", "select lo_put(" + TrickyDatabaseGenerator.BIG_LARGE_OBJECT
            + ", 1000, '\\x01'::bytea)", Long.toString(TrickyDatabaseGenerator.BIG_LARGE_OBJECT)),
        Arguments.of("a large object removed", "select lo_unlink(" + TrickyDatabaseGenerator.SMALL_LARGE_OBJECT + ")",
            Long.toString(TrickyDatabaseGenerator.SMALL_LARGE_OBJECT)),
        Arguments.of("a trigger disabled", "alter table public.users disable trigger users_updated_at",
            "public.users.users_updated_at"),
        Arguments.of("a comment changed", "comment on table public.users is 'changed'", "table public.users"),
        Arguments.of("a comment dropped", "comment on column public.users.email is null", "column public.users.email"),
        Arguments.of("FORCE RLS off", "alter table public.tenant_notes no force row level security", "public.tenant_notes"),
        Arguments.of("a policy dropped", "drop policy tenant_isolation on public.tenant_notes",
            "public.tenant_notes.tenant_isolation"),
        Arguments.of("a constraint made NOT VALID", "alter table public.invoices drop constraint invoices_amount_check, "
            + "add constraint invoices_amount_check check (amount >= 0) not valid", "public.invoices.invoices_amount_check"),
        Arguments.of("a column default changed", "alter table public.tenant_notes alter column noted_at set default "
            + "'2000-01-01'", "public.tenant_notes.noted_at"),
        Arguments.of("an index dropped", "drop index public.events_user_time", "public.events_user_time"),
        Arguments.of("an index redefined", "drop index public.events_payload_gin; create index events_payload_gin on "
            + "public.events using gin (payload)", "public.events_payload_gin"),
        Arguments.of("inherited column order", "create table public.keep as select * from public.audit_log_archive; "
            + "drop table public.audit_log_archive; create table public.audit_log_archive (archived_on date not null "
            + "default date '2026-01-01') inherits (public.audit_log); insert into public.audit_log_archive (id, at, "
            + "action, actor, archived_on) select id, at, action, actor, archived_on from public.keep; drop table public.keep",
            "public.audit_log_archive.actor"),
        Arguments.of("an extension version", "alter extension hstore update to '1.6'", "hstore"),
        Arguments.of("a sequence's increment", "alter sequence public.invoice_number_seq increment by 2",
            "public.invoice_number_seq"),
        Arguments.of("a sequence's value", "select setval('public.invoice_number_seq', "
            + "nextval('public.invoice_number_seq') + 10)", "public.invoice_number_seq"),
        Arguments.of("a grant to PUBLIC added", "grant execute on function public.invoice_total(bigint) to public",
            "function public.invoice_total(bigint)"),
        Arguments.of("a schema grant widened", "grant create on schema heroku_ext to public", "schema heroku_ext"),
        Arguments.of("a database setting changed", "alter database :db set statement_timeout = '1min'", "statement_timeout"),
        Arguments.of("the app role's setting lost", "alter role current_user in database :db reset work_mem", "work_mem"),
        Arguments.of("a materialized view left unpopulated", "refresh materialized view public.user_event_counts with no data",
            "public.user_event_counts"),
        Arguments.of("a column's collation", "alter table public.tenant_notes alter column note type text collate \"POSIX\"",
            "public.tenant_notes.note"),
        Arguments.of("the database comment", "comment on database :db is 'changed'", "database"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mutations")
  void verify_oneChange_failsNamingTheObject(String what, String sql, String object) {
    try (TestDatabase copy = copyOfTemplate()) {
      copy.execute(sql.replace(":db", "\"" + copy.name() + "\""));

      VerificationReport report = verify(copy);

      assertThat(report.passed()).as(what + " must fail verification").isFalse();
      assertThat(report.mismatches()).as(report.describeMismatches())
          .anyMatch(c -> c.name().contains(object));
    }
  }
}
