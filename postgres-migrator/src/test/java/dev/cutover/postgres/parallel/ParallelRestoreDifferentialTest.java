package dev.cutover.postgres.parallel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.RestoreStrategy;
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
 * PARALLEL against {@code pg_restore --no-owner --no-acl} on the tricky database and on archives
 * of several shapes: both targets must be identical.
 */
@Tag("integration")
class ParallelRestoreDifferentialTest {
  private static final String SRC = LocalPg.unique("cut_par_diff_src");
  private static final String REF = LocalPg.unique("cut_par_diff_ref");
  private static final String PAR = LocalPg.unique("cut_par_diff_par");
  private static final String SHAPE = LocalPg.unique("cut_par_diff_shape");
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
      for (String db : List.of(SRC, REF, PAR, SHAPE)) {
        LocalPg.dropDatabase(db);
      }
    }
  }

  private static Path dump(String name, String database, String... options) {
    Path archive = dir.resolve(name);
    String opts = String.join(" ", options);
    // Through a pipe when asked: then the TOC has no data offsets.
    if (opts.contains("|pipe")) {
      LocalPg.run(List.of("sh", "-c", "pg_dump -Fc " + opts.replace("|pipe", "") + " " + database + " | cat > " + archive));
    } else {
      LocalPg.run(List.of("sh", "-c", "pg_dump -Fc " + opts + " -f " + archive + " " + database));
    }
    return archive;
  }

  private static RestoreResult compare(Path archive, ParallelRestore engine) throws SQLException {
    LocalPg.createDatabase(REF);
    LocalPg.tool("pg_restore", "--no-owner", "--no-acl", "-d", REF, archive.toString());
    LocalPg.createDatabase(PAR);
    RestoreResult result = engine.restore(archive, LocalPg.connection(PAR));
    DbSnapshot expected = DbSnapshot.of(REF);
    DbSnapshot actual = DbSnapshot.of(PAR);
    assertThat(actual.schema()).isEqualTo(expected.schema());
    assertThat(actual.checksums()).isEqualTo(expected.checksums());
    assertThat(actual.sequences()).isEqualTo(expected.sequences());
    assertThat(actual.largeObjects()).isEqualTo(expected.largeObjects());
    assertThat(result.strategy()).isEqualTo(RestoreStrategy.PARALLEL);
    return result;
  }

  @Test
  void restore_trickyGzipArchiveWithSplitTables_equalsPgRestore() throws SQLException {
    Path archive = dump("tricky.dump", SRC);
    List<MigrationEvent.Progress> progress = new CopyOnWriteArrayList<>();
    MigrationListener listener = new MigrationListener() {
      @Override
      public void progress(MigrationEvent.Progress event) {
        progress.add(event);
      }
    };
    // A tiny split threshold: every table of more than 64 KiB in the archive is loaded over 3 connections.
    RestoreResult result = compare(archive, ParallelRestore.builder().jobs(3).splitTablesLargerThan(64 << 10)
        .listener(listener).build());

    assertThat(result.rowsRestored()).containsEntry("app.big", 60_000L).containsEntry("app.users", 2_000L)
        .containsEntry("app.events_2024_01", Long.parseLong(LocalPg.psql(SRC, "SELECT count(*) FROM app.events_2024_01").strip()))
        .containsEntry("app.empty_table", 0L)
        .containsEntry("Mixed Case.Weird Table", 2L);
    assertThat(result.expectedErrors()).isEmpty();
    assertThat(progress).anyMatch(p -> p.unit().equals("bytes") && p.done() == p.total() && p.total() > 0);
    assertThat(progress).anyMatch(p -> p.unit().equals("rows") && p.done() == result.totalRows());
  }

  @Test
  void restore_generatedTrickyDatabase_equalsPgRestore() throws SQLException {
    String db = LocalPg.unique("cut_par_diff_gen");
    LocalPg.createDatabase(db);
    try (TrickyDatabase tricky = TrickyDatabaseGenerator.builder().users(3_000).rolePrefix("cut_par_").build()
        .generate(LocalPg.connection(db))) {
      Path archive = dump("generated.dump", db);

      RestoreResult result = compare(archive, ParallelRestore.builder().jobs(2).build());

      assertThat(result.rowsRestored()).containsEntry("public.users", 3_000L).containsEntry("public.invoices", 1_500L);
    } finally {
      LocalPg.dropDatabase(db);
    }
  }

  @Test
  void restore_uncompressedPipeArchiveWithoutOffsets_equalsPgRestore() throws SQLException {
    Path archive = dump("tricky-z0.dump", SRC, "-Z0", "|pipe");

    compare(archive, ParallelRestore.builder().jobs(2).build());
  }

  @Test
  void restore_lz4AndZstdArchivesOfPgDump16_equalPgRestoreOfTheSameData() throws Exception {
    Path plain = dump("tricky-z0-pipe.dump", SRC, "-Z0", "|pipe");
    LocalPg.createDatabase(REF);
    LocalPg.tool("pg_restore", "--no-owner", "--no-acl", "-d", REF, plain.toString());
    DbSnapshot expected = DbSnapshot.of(REF);
    for (String algorithm : List.of("lz4", "zstd")) {
      Path archive = dir.resolve("tricky-" + algorithm + ".dump");
      Recompress.convert(plain, archive, algorithm);
      assertThat(dev.cutover.postgres.archive.ArchiveReader.readToc(archive).header().compression()).isEqualTo(algorithm);
      LocalPg.createDatabase(PAR);

      ParallelRestore.builder().jobs(2).splitTablesLargerThan(64 << 10).build().restore(archive, LocalPg.connection(PAR));

      assertThat(DbSnapshot.of(PAR)).isEqualTo(expected);
    }
  }

  @Test
  void restore_singleJobNoFreeze_equalsPgRestore() throws SQLException {
    Path archive = dump("tricky-z1.dump", SRC, "-Z1");

    compare(archive, ParallelRestore.builder().jobs(1).freeze(false).build());
  }

  @Test
  void restore_schemaOnlyArchive_equalsPgRestore() throws SQLException {
    Path archive = dump("schema.dump", SRC, "--schema-only");

    RestoreResult result = compare(archive, ParallelRestore.builder().jobs(2).build());

    assertThat(result.rowsRestored()).isEmpty();
  }

  @Test
  void restore_binaryCopyTablesWithEveryEscapeAndLimit_equalPgRestore() throws SQLException {
    String db = LocalPg.unique("cut_par_diff_bin");
    LocalPg.createDatabase(db);
    try {
      // Every column type the binary conversion knows, a quoted column name, and values that
      // exercise each COPY text escape, NULL against the text \N, and the integer limits. char(n)
      // values go without their trailing blanks (the server pads them back); a bare bpchar keeps them.
      LocalPg.psql(db, """
          CREATE TABLE bin (id int8 PRIMARY KEY, i2 int2, i4 int4, o oid, b boolean, t text,
            v varchar(12), c char(5), "Odd ""Name"" x" text, c1 char(1), cb bpchar);
          INSERT INTO bin VALUES
            (1, -32768, -2147483648, 4294967295, true, E'tab\\there\\nnew\\rline', 'x', 'ab', NULL, ' ', 'ab  '),
            (2, 32767, 2147483647, 0, false, E'back\\\\slash \\\\N \\\\. \\\\', '', '', '', '', ''),
            (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, E'\\\\N', NULL, NULL),
            (4, 0, 0, 1, true, E'ctl \\x01\\x02 \\b\\f\\x0b esc', 'Grüße', 'ü  ', E'\\\\.', 'ü', E' \\t '),
            (-9223372036854775808, 1, 1, 1, true, '\\.', 'N', E'a\\t  ', '日本語 ✓ 🐘', E'\\t', '   '),
            (9223372036854775807, 2, 2, 2, false, repeat('wide ', 300000), 'ok', ' o k ', repeat(E'\\t', 1000), 'x',
              repeat('日 ', 1000));
          INSERT INTO bin SELECT g, g % 32000, g, g, g % 2 = 0, md5(g::text), left(md5(g::text), 12),
            left(md5(g::text), g % 6), g::text, left(md5(g::text), g % 2), left(md5(g::text), g % 4) || repeat(' ', g % 3)
            FROM generate_series(10, 60000) g;
          CREATE TABLE mixed (id int PRIMARY KEY, at timestamptz, n numeric);
          INSERT INTO mixed SELECT g, timestamptz '2026-01-01' + g * interval '1 s', g / 7.0 FROM generate_series(1, 1000) g;
          """);
      Path archive = dump("binary.dump", db);

      // Split across 3 connections (each COPY gets its own binary header and trailer), and not.
      RestoreResult split = compare(archive, ParallelRestore.builder().jobs(3).splitTablesLargerThan(64 << 10).build());
      RestoreResult whole = compare(archive, ParallelRestore.builder().jobs(2).build());
      RestoreResult text = compare(archive, ParallelRestore.builder().jobs(2).binaryCopy(false).build());

      for (RestoreResult r : List.of(split, whole, text)) {
        assertThat(r.rowsRestored()).containsEntry("public.bin", 59_997L).containsEntry("public.mixed", 1_000L);
      }
    } finally {
      LocalPg.dropDatabase(db);
    }
  }

  @Test
  void restore_shapes_equalPgRestore() throws SQLException {
    String shape = SHAPE;
    // Only large objects (one empty, one with an OID above 2^31).
    LocalPg.createDatabase(shape);
    LocalPg.psql(shape, "SELECT lo_from_bytea(5000000, decode(repeat('ab', 100000), 'hex')),"
        + " lo_from_bytea(4000000000, ''), lo_from_bytea(77, 'x'); COMMENT ON LARGE OBJECT 77 IS 'tiny'");
    compare(dump("lo.dump", shape), ParallelRestore.builder().jobs(2).build());
    // Empty tables only, and an uncompressed archive with one row per chunk for the wide rows.
    LocalPg.createDatabase(shape);
    LocalPg.psql(shape, "CREATE TABLE a (id int PRIMARY KEY, t text); CREATE TABLE b (id int REFERENCES a, x jsonb);"
        + " CREATE INDEX ON b USING gin (x)");
    compare(dump("empty.dump", shape), ParallelRestore.builder().jobs(2).build());
    LocalPg.psql(shape, "INSERT INTO a SELECT g, repeat(md5(g::text), 20000 + g) FROM generate_series(1, 40) g;"
        + " INSERT INTO b SELECT 1 + g % 40, jsonb_build_object('g', g) FROM generate_series(1, 5000) g");
    compare(dump("wide.dump", shape, "-Z0"), ParallelRestore.builder().jobs(2).splitTablesLargerThan(1 << 20).build());
    // An empty database: nothing but the preamble entries.
    LocalPg.createDatabase(shape);
    compare(dump("nothing.dump", shape), ParallelRestore.builder().build());
  }
}
