package dev.cutover.postgres.parallel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.spi.CopyJournal;
import dev.cutover.testkit.postgres.TrickyDatabase;
import dev.cutover.testkit.postgres.TrickyDatabaseGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DIRECT against {@code pg_dump | pg_restore --no-owner --no-acl} on the tricky databases: both targets must
 * be identical (schema, every row, sequences, large objects).
 */
@Tag("integration")
class DirectCopyDifferentialTest {
  private static final String SRC = LocalPg.unique("cut_dir_diff_src");
  private static final String REF = LocalPg.unique("cut_dir_diff_ref");
  private static final String DIR = LocalPg.unique("cut_dir_diff_dir");
  @TempDir static Path dir;
  static boolean created;

  @BeforeAll
  static void source() throws IOException {
    LocalPg.assumeAvailable("psql", "pg_dump", "pg_restore");
    created = true;
    LocalPg.createTrickyDatabase(SRC);
  }

  @AfterAll
  static void drop() {
    if (created) {
      for (String db : List.of(SRC, REF, DIR)) {
        LocalPg.dropDatabase(db);
      }
    }
  }

  /** The reference: {@code pg_dump -Fc | pg_restore --no-owner --no-acl}, no file in between. */
  static DbSnapshot reference(String source) throws SQLException {
    LocalPg.createDatabase(REF);
    LocalPg.run(List.of("sh", "-c", "pg_dump -Fc " + source + " | pg_restore --no-owner --no-acl -d " + REF));
    return DbSnapshot.of(REF);
  }

  private static RestoreResult direct(String source, DirectCopy copy) {
    LocalPg.createDatabase(DIR);
    return copy.copy(LocalPg.connection(source), LocalPg.connection(DIR), CopyJournal.inMemory());
  }

  @Test
  void copy_trickyDatabase_equalsPgDumpPipedToPgRestore() throws SQLException {
    List<MigrationEvent> events = new CopyOnWriteArrayList<>();
    MigrationListener listener = new MigrationListener() {
      @Override
      public void progress(MigrationEvent.Progress event) {
        events.add(event);
      }

      @Override
      public void output(MigrationEvent.Output event) {
        events.add(event);
      }
    };

    RestoreResult result = direct(SRC, DirectCopy.builder().jobs(2).listener(listener).build());

    DbSnapshot expected = reference(SRC);
    DbSnapshot actual = DbSnapshot.of(DIR);
    assertThat(actual.schema()).isEqualTo(expected.schema());
    assertThat(actual.checksums()).isEqualTo(expected.checksums());
    assertThat(actual.sequences()).isEqualTo(expected.sequences());
    assertThat(actual.largeObjects()).isEqualTo(expected.largeObjects());
    assertThat(result.strategy()).isEqualTo(RestoreStrategy.DIRECT);
    assertThat(result.rowsRestored()).containsEntry("app.big", 60_000L).containsEntry("app.users", 2_000L)
        .containsEntry("app.empty_table", 0L).containsEntry("Mixed Case.Weird Table", 2L);
    assertThat(events).anyMatch(e -> e instanceof MigrationEvent.Output o && o.line().startsWith("app.big: 60,000 rows, "));
    assertThat(events).anyMatch(e -> e instanceof MigrationEvent.Progress p && p.unit().equals("bytes") && p.done() > 0);
  }

  @Test
  void copy_generatedTrickyDatabase_equalsPgDumpPipedToPgRestore() throws SQLException {
    String db = LocalPg.unique("cut_dir_diff_gen");
    LocalPg.createDatabase(db);
    try (TrickyDatabase tricky = TrickyDatabaseGenerator.builder().users(3_000).rolePrefix("cut_dir_").build()
        .generate(LocalPg.connection(db))) {
      RestoreResult result = direct(db, DirectCopy.builder().jobs(3).build());

      assertThat(DbSnapshot.of(DIR)).isEqualTo(reference(db));
      assertThat(result.rowsRestored()).containsEntry("public.users", 3_000L).containsEntry("public.invoices", 1_500L);
    } finally {
      LocalPg.dropDatabase(db);
    }
  }

  @Test
  void copy_everyKindOfColumn_equalsPgDumpPipedToPgRestore() throws SQLException {
    String db = LocalPg.unique("cut_dir_diff_types");
    LocalPg.createDatabase(db);
    try {
      // builtin: every column of a built-in type (binary COPY); padded: char(n) among them (blanks dropped on
      // the way); custom: an enum, a domain, an array of the enum (text COPY: their OIDs differ by database).
      LocalPg.psql(db, """
          CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
          CREATE DOMAIN posint AS int CHECK (VALUE > 0);
          CREATE TABLE builtin (id int8 PRIMARY KEY, i2 int2, i4 int4, o oid, bo boolean, t text, v varchar(10),
            cb bpchar, b bytea, j jsonb, js json, n numeric, f4 real, f8 double precision, ts timestamp,
            tz timestamptz, d date, tm time, tmz timetz, iv interval, u uuid, ia int[], ta text[], ca char(3)[],
            ip inet, cidr cidr, mac macaddr, bits bit varying, pt point, box box, x xml, r int4range, tr tstzrange,
            tsv tsvector, m money, nm name, ch "char");
          INSERT INTO builtin VALUES
            (1, -32768, -2147483648, 4294967295, true, E'tab\\there\\nnew \\\\N', 'Grüße', 'ab  ', '\\x00ff10',
             '{"a": [1, 2.5, null], "b": "ü"}', '{"k" : 1 }', -123456789012345678901234567890.123456789, 'NaN',
             '-Infinity', '-infinity', '2026-03-29 02:30:00+02', '4713-01-01 BC', '24:00:00', '23:59:59.999999+14',
             '-178000000 years 3 mons -4 days 00:00:01.5', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
             '{1,NULL,3}', '{"with space","q\\\"uote",NULL,""}', '{"ab ",NULL,"x"}', '::ffff:10.0.0.1/120',
             '10.0.0.0/8', '08:00:2b:01:02:03', B'1011', '(1.5,-2)', '((0,0),(1,1))', '<a x="1">ü</a>',
             '[1,10)', '[2026-01-01 00:00+00,infinity)', 'a fat:2 cat', '-92233720368547758.08', 'pg_x', 'z'),
            (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
             NULL),
            (3, 0, 0, 0, false, '', '', '', '', '[]', '""', 0, '-0', 1e308, 'infinity', 'infinity', 'infinity',
             '00:00', '00:00+00', '0', '00000000-0000-0000-0000-000000000000', '{}', '{}', '{}', '0.0.0.0', '::/0',
             '00:00:00:00:00:00', B'', '(0,0)', '((0,0),(0,0))', '', 'empty', 'empty', '', 0, '', ' ');
          INSERT INTO builtin (id, t, n, f8, tz, j) SELECT g, md5(g::text), g / 7.0, g / 3.0, '2026-01-01'::timestamptz
            + g * interval '1 min', jsonb_build_object('g', g) FROM generate_series(10, 5000) g;
          CREATE TABLE padded (id int PRIMARY KEY, c char(84), c1 char(1), note char(10), v varchar(5));
          INSERT INTO padded VALUES (1, 'x', ' ', 'ü  ü     ', 'ab  '), (2, '', '', NULL, ''), (3, NULL, NULL, '', NULL),
            (4, repeat('日', 84), 'ü', repeat(' ', 10), ' ');
          INSERT INTO padded SELECT g, repeat('y', g % 85), chr(97 + g % 26), left(md5(g::text), g % 11), 'v'
            FROM generate_series(10, 30000) g;
          CREATE TABLE custom (id int PRIMARY KEY, m mood, ms mood[], p posint, t text);
          INSERT INTO custom VALUES (1, 'ok', '{sad,happy,NULL}', 7, 'x'), (2, NULL, NULL, NULL, NULL);
          INSERT INTO custom SELECT g, 'happy', '{ok}', g, md5(g::text) FROM generate_series(3, 3000) g;
          """);

      RestoreResult result = direct(db, DirectCopy.builder().jobs(2).build());

      assertThat(DbSnapshot.of(DIR)).isEqualTo(reference(db));
      assertThat(result.rowsRestored()).containsEntry("public.builtin", 4_994L).containsEntry("public.padded", 29_995L)
          .containsEntry("public.custom", 3_000L);
    } finally {
      LocalPg.dropDatabase(db);
    }
  }

  @Test
  void copy_splitTablesOverThreeConnectionsWithoutFreeze_equalsPgDumpPipedToPgRestore() throws SQLException {
    direct(SRC, DirectCopy.builder().jobs(3).splitTablesLargerThan(64 << 10).freeze(false).build());

    assertThat(DbSnapshot.of(DIR)).isEqualTo(reference(SRC));
  }
}
