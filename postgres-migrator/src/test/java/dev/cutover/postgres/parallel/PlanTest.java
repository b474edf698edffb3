package dev.cutover.postgres.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.PgToolException;
import dev.cutover.postgres.archive.ArchiveHeader;
import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.TocEntry;
import dev.cutover.postgres.archive.TocEntry.Section;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanTest {
  private final List<TocEntry> entries = new ArrayList<>();

  private TocEntry add(int id, String desc, Section section, String ns, String tag, String defn, Integer... deps) {
    TocEntry e = new TocEntry(id, desc.equals("TABLE DATA") || desc.equals("BLOBS"), "0", "0", tag, desc, section,
        defn, "", desc.equals("TABLE DATA") ? "COPY " + ns + "." + tag + " (a) FROM stdin;\n" : "", ns, "", "", 0,
        "owner", List.of(deps), -1);
    entries.add(e);
    return e;
  }

  /** Tables users (1) and events (2), partitioned, with one partition events_1 (3) attached (4). */
  private void usersAndPartitionedEvents() {
    add(1, "TABLE", Section.PRE_DATA, "app", "users", "CREATE TABLE app.users (a int);\n");
    add(2, "TABLE", Section.PRE_DATA, "app", "events", "CREATE TABLE app.events (a int) PARTITION BY RANGE (a);\n");
    add(3, "TABLE", Section.PRE_DATA, "app", "events_1", "CREATE TABLE app.events_1 (a int);\n");
    add(4, "TABLE ATTACH", Section.PRE_DATA, "app", "events_1", "ALTER TABLE ONLY app.events ATTACH ...;\n", 2, 3);
  }

  private Plan plan() {
    ArchiveHeader h = new ArchiveHeader(1, 14, 0, "gzip", "15.2", "15.2", "db", -1, 4, 8, LocalDateTime.now());
    return Plan.of(new ArchiveToc(h, entries, 0), Map.of(10, 5_000L, 11, 100L, 12, 7_000L), 150000);
  }

  @Test
  void of_noOwnerNoAcl_skipsSpecialAndAclEntriesAndRewritesSchemas() {
    add(1, "ENCODING", Section.PRE_DATA, "", "ENCODING", "SET client_encoding = 'UTF8';\n");
    add(2, "SCHEMA", Section.PRE_DATA, "", "Mixed Case", "CREATE SCHEMA \"Mixed Case\" AUTHORIZATION bob;\n");
    add(3, "SCHEMA", Section.PRE_DATA, "", "public", "-- *not* creating schema, since initdb creates it\n");
    add(4, "ACL", Section.NONE, "", "SCHEMA app", "GRANT ALL ON SCHEMA app TO bob;\n", 2);
    add(5, "COMMENT", Section.NONE, "", "DATABASE db", "COMMENT ON DATABASE db IS 'x';\n");
    add(6, "DEFAULT ACL", Section.POST_DATA, "app", "DEFAULT PRIVILEGES", "ALTER DEFAULT PRIVILEGES ...;\n");
    add(7, "SCHEMA", Section.PRE_DATA, "", "select", "CREATE SCHEMA \"select\";\n");

    Plan plan = plan();

    assertThat(plan.prefork).extracting(i -> i.sql)
        .containsExactly("CREATE SCHEMA \"Mixed Case\";", "CREATE SCHEMA \"select\";");
    assertThat(plan.pending).isEmpty();
  }

  @Test
  void of_refresh_isAsLongAsTheDataItsViewReads() {
    // mv reads v (a view over users) and the partitioned events: users 5,000 + events_1 100 bytes.
    usersAndPartitionedEvents();
    add(5, "VIEW", Section.PRE_DATA, "app", "v", "CREATE VIEW app.v AS SELECT a FROM app.users;\n", 1);
    add(6, "MATERIALIZED VIEW", Section.PRE_DATA, "app", "mv", "CREATE MATERIALIZED VIEW app.mv AS ... WITH NO DATA;\n",
        5, 2);
    add(7, "TABLE", Section.PRE_DATA, "app", "other", "CREATE TABLE app.other (a int);\n");
    add(10, "TABLE DATA", Section.DATA, "app", "users", "", 1);
    add(11, "TABLE DATA", Section.DATA, "app", "events_1", "", 3);
    add(12, "TABLE DATA", Section.DATA, "app", "other", "", 7);
    add(24, "MATERIALIZED VIEW DATA", Section.POST_DATA, "app", "mv", "REFRESH MATERIALIZED VIEW app.mv;\n", 6);

    Plan plan = plan();

    assertThat(plan.pending.get(24).length).isEqualTo(5_100L);
  }

  @Test
  void of_postDataOnTables_waitsForTheirDataAndForPartitionData() {
    usersAndPartitionedEvents();
    add(10, "TABLE DATA", Section.DATA, "app", "users", "", 1);
    add(11, "TABLE DATA", Section.DATA, "app", "events_1", "", 3);
    add(20, "CONSTRAINT", Section.POST_DATA, "app", "users users_pkey", "ALTER TABLE ...;\n", 1);
    add(21, "FK CONSTRAINT", Section.POST_DATA, "app", "events fk", "ALTER TABLE ONLY app.events ADD ...;\n", 2, 1);
    add(22, "INDEX", Section.POST_DATA, "app", "users_a", "CREATE INDEX users_a ON app.users (a);\n", 1);
    add(23, "COMMENT", Section.NONE, "app", "INDEX users_a", "COMMENT ON INDEX app.users_a IS 'x';\n", 22);
    add(24, "MATERIALIZED VIEW DATA", Section.POST_DATA, "app", "mv", "REFRESH MATERIALIZED VIEW app.mv;\n", 99);

    Plan plan = plan();

    assertThat(plan.prefork).extracting(Item::id).containsExactly(1, 2, 3, 4);
    assertThat(plan.pending.keySet()).containsExactly(10, 11, 20, 21, 22, 23, 24);
    assertThat(plan.pending.get(20).deps).containsExactly(10);
    assertThat(plan.pending.get(20).lockDeps).containsExactly(10);
    assertThat(plan.pending.get(21).deps).containsExactlyInAnyOrder(2, 10, 11);
    assertThat(plan.pending.get(21).depCount).isEqualTo(2);
    assertThat(plan.pending.get(21).length).isEqualTo(5_000L);
    assertThat(plan.pending.get(22).lockDeps).isEmpty();
    assertThat(plan.pending.get(23).depCount).isEqualTo(1);
    assertThat(plan.pending.get(24).postAcl).isFalse();
    assertThat(plan.pending.get(24).afterData).isTrue();
    assertThat(plan.pending.get(10).feedsRefresh()).isTrue();
    assertThat(plan.pending.get(22).feedsRefresh()).isFalse();
    assertThat(plan.pending.get(22).buildsIndex()).isTrue();
    assertThat(plan.pending.get(21).buildsIndex()).isFalse();
    assertThat(plan.pending.get(24).depCount).isZero();
    assertThat(plan.pending.get(10).kind).isEqualTo(Item.Kind.TABLE_DATA);
  }

  @Test
  void of_largeObjectsOf116_becomeLoCreatePerOid() {
    add(1, "BLOB METADATA", Section.DATA, "", "16001..16002", "16001\n16002\n");
    add(2, "BLOBS", Section.DATA, "", "16001..16002", "", 1);

    Plan plan = plan();

    assertThat(plan.pending.get(1).sql)
        .isEqualTo("SELECT pg_catalog.lo_create('16001');\nSELECT pg_catalog.lo_create('16002');\n");
    assertThat(plan.pending.get(2).kind).isEqualTo(Item.Kind.BLOBS);
    assertThat(plan.pending.get(2).depCount).isEqualTo(1);
  }

  @Test
  void of_insertsArchive_failsClearly() {
    entries.add(new TocEntry(5, true, "0", "0", "t", "TABLE DATA", Section.DATA, "", "", "", "app", "", "", 0, "o",
        List.of(), -1));

    assertThatThrownBy(this::plan).isInstanceOf(PgToolException.class).hasMessageContaining("--inserts")
        .hasMessageContaining("PG_RESTORE");
  }

  @Test
  void of_statisticsOnOldServer_skippedWithWarning() {
    add(1, "STATISTICS DATA", Section.DATA, "app", "t", "SELECT * FROM pg_catalog.pg_restore_relation_stats();\n");

    Plan plan = plan();

    assertThat(plan.pending).isEmpty();
    assertThat(plan.warnings).singleElement().asString().contains("STATISTICS DATA");
  }

  @Test
  void id_keywordsMixedCaseAndQuotes_quotedAsPgDump() {
    assertThat(Sql.id("users")).isEqualTo("users");
    assertThat(Sql.id("select")).isEqualTo("\"select\"");
    assertThat(Sql.id("Mixed Case")).isEqualTo("\"Mixed Case\"");
    assertThat(Sql.id("a\"b")).isEqualTo("\"a\"\"b\"");
    assertThat(Sql.qualified("app", "Grüße")).isEqualTo("app.\"Grüße\"");
  }
}
