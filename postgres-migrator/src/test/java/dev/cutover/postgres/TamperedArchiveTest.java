package dev.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.Redactor;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.model.VerificationRequest;
import dev.cutover.testkit.postgres.PgFixture;
import dev.cutover.testkit.postgres.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An uncompressed archive with one value edited restores without an error under every archive
 * strategy; verification against the live source catches it and names the table.
 */
@Tag("integration")
class TamperedArchiveTest {
  @TempDir
  static Path dir;

  private static PgFixture server;
  private static TestDatabase source;
  private static Path tampered;
  private static final PgMigrator migrator = PgMigrator.builder().redactor(Redactor.create()).compressionLevel(0).build();

  @BeforeAll
  static void tamperedArchive() throws Exception {
    server = LocalServer.require();
    source = server.createDatabase("cut_tmp_src_");
    source.execute("create table notes (id int primary key, body text not null)",
        "insert into notes select g, 'note number ' || g from generate_series(1, 500) g");
    Path archive = migrator.dump(source.connection(), dir.resolve("plain.dump"), MigrationListener.NONE);
    byte[] bytes = Files.readAllBytes(archive);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int at = text.indexOf("note number 123\n");
    assertThat(at).as("the row is stored uncompressed").isPositive();
    bytes[at + "note number 12".length()] = '4';
    tampered = dir.resolve("tampered.dump");
    Files.write(tampered, bytes);
  }

  @AfterAll
  static void drop() {
    if (source != null) {
      source.close();
    }
  }

  @ParameterizedTest
  @EnumSource(value = RestoreStrategy.class, names = {"GUIDE_SQL", "PG_RESTORE", "PARALLEL"})
  void restore_editedValue_restoresButFailsVerificationAgainstTheSource(RestoreStrategy strategy) {
    try (TestDatabase target = server.createDatabase("cut_tmp_tgt_")) {
      migrator.restore(tampered, target.connection(), strategy, false, MigrationListener.NONE);
      assertThat(target.queryString("select body from notes where id = 123")).isEqualTo("note number 124");

      VerificationReport report = migrator.verify(VerificationRequest.of(target.connection()).source(source.connection()));

      assertThat(report.passed()).isFalse();
      assertThat(report.mismatches()).singleElement().satisfies(c -> {
        assertThat(c.kind()).isEqualTo("content");
        assertThat(c.name()).isEqualTo("public.notes");
        assertThat(c.expected()).startsWith("500 rows");
        assertThat(c.actual()).startsWith("500 rows");
      });
    }
  }
}
