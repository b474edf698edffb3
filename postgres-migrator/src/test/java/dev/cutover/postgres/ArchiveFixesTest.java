package dev.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.postgres.archive.ArchiveHeader;
import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.TocEntry;
import dev.cutover.postgres.parallel.RestoreHooks;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArchiveFixesTest {
  private static int id = 100;

  private static TocEntry entry(String desc, String ns, String tag, String defn, String copy, TocEntry.Section section) {
    return new TocEntry(++id, desc.equals("TABLE DATA"), "0", "0", tag, desc, section, defn, "", copy, ns, "", "heap",
        0, "postgres", List.of(), -1);
  }

  private static ArchiveToc toc(TocEntry... entries) {
    ArchiveHeader h = new ArchiveHeader(1, 14, 0, "gzip", "15.20", "15.20", "db", -1, 4, 8, LocalDateTime.now());
    return new ArchiveToc(h, List.of(entries), 0);
  }

  @Test
  void inheritedOrder_childWhoseParentGainedAColumn_isFixedInTheSourceOrder() {
    ArchiveToc toc = toc(
        entry("TABLE", "public", "p", "CREATE TABLE public.p (\n    a integer,\n    z integer\n);\n", "",
            TocEntry.Section.PRE_DATA),
        entry("TABLE", "public", "c", "CREATE TABLE public.c (\n    x integer\n)\nINHERITS (public.p);\n", "",
            TocEntry.Section.PRE_DATA),
        entry("TABLE", "public", "ok", "CREATE TABLE public.ok (\n    y integer\n)\nINHERITS (public.p);\n", "",
            TocEntry.Section.PRE_DATA),
        entry("TABLE DATA", "public", "p", "", "COPY public.p (a, z) FROM stdin;\n", TocEntry.Section.DATA),
        entry("TABLE DATA", "public", "c", "", "COPY public.c (a, x, z) FROM stdin;\n", TocEntry.Section.DATA),
        entry("TABLE DATA", "public", "ok", "", "COPY public.ok (a, z, y) FROM stdin;\n", TocEntry.Section.DATA));
    List<String> fixes = new ArrayList<>();

    RestoreHooks hooks = ArchiveFixes.of(toc, fixes);

    assertThat(hooks.afterEntry()).hasSize(1);
    assertThat(hooks.afterEntry().values().iterator().next()).singleElement().satisfies(sql -> assertThat(sql)
        .startsWith("DO $cutover$").contains("'public.c'::regclass").contains("ARRAY['a', 'x', 'z']::text[]")
        .contains("INHERIT %s"));
    assertThat(fixes).singleElement().satisfies(f -> assertThat(f).contains("public.c").contains("[a, x, z]"));
    assertThat(hooks.beforeData()).isEmpty();
  }

  @Test
  void searchPathFunctions_calledByCheckAndIndex_withoutTheirOwnSearchPath() {
    ArchiveToc toc = toc(
        entry("DATABASE PROPERTIES", "", "db", "ALTER DATABASE db SET search_path TO '$user', 'public', 'heroku_ext';\n",
            "", TocEntry.Section.PRE_DATA),
        entry("DATABASE", "", "db", "CREATE DATABASE db;\n", "", TocEntry.Section.PRE_DATA),
        entry("FUNCTION", "public", "code_ok(text)", "CREATE FUNCTION public.code_ok(c text) RETURNS boolean\n"
            + "    LANGUAGE sql IMMUTABLE\n    AS $$ select normalize_code(c) in ('A') $$;\n", "", TocEntry.Section.PRE_DATA),
        entry("FUNCTION", "public", "safe(text)", "CREATE FUNCTION public.safe(c text) RETURNS boolean\n"
            + "    LANGUAGE sql\n    SET search_path TO 'public'\n    AS $$ select true $$;\n", "", TocEntry.Section.PRE_DATA),
        entry("TABLE", "public", "orders", "CREATE TABLE public.orders (\n    code text,\n    CONSTRAINT orders_code_check "
            + "CHECK ((public.code_ok(code) AND public.safe(code)))\n);\n", "", TocEntry.Section.PRE_DATA),
        entry("INDEX", "public", "orders_ok", "CREATE INDEX orders_ok ON public.orders USING btree (public.code_ok(code));\n",
            "", TocEntry.Section.POST_DATA));
    List<String> fixes = new ArrayList<>();

    RestoreHooks hooks = ArchiveFixes.of(toc, fixes);

    assertThat(hooks.beforeData()).containsExactly(
        "ALTER FUNCTION public.code_ok(text) SET search_path TO '$user', 'public', 'heroku_ext'");
    assertThat(hooks.atEnd()).containsExactly("ALTER FUNCTION public.code_ok(text) RESET search_path");
    assertThat(fixes).singleElement().satisfies(f -> assertThat(f).contains("public.code_ok(text)"));
  }

  @Test
  void noInheritanceNoCalls_noHooks() {
    ArchiveToc toc = toc(entry("TABLE", "public", "t", "CREATE TABLE public.t (\n    a integer\n);\n", "",
        TocEntry.Section.PRE_DATA));
    assertThat(ArchiveFixes.of(toc, new ArrayList<>()).isEmpty()).isTrue();
  }
}
