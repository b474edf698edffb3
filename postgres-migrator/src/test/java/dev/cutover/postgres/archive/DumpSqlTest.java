package dev.cutover.postgres.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DumpSqlTest {
  @Test
  void trailingLiteral_commentStatements() {
    assertThat(DumpSql.trailingLiteral("COMMENT ON COLUMN \"My Ext\".\"T t\".\"Col\" IS 'it''s a col';\n"))
        .hasValueSatisfying(l -> {
          assertThat(l.value()).isEqualTo("it's a col");
          assertThat(l.start()).isEqualTo("COMMENT ON COLUMN \"My Ext\".\"T t\".\"Col\" IS ".length());
        });
    assertThat(DumpSql.trailingLiteral("COMMENT ON TABLE public.t IS E'line\\none ''q''';")).get()
        .extracting(DumpSql.Literal::value).isEqualTo("line\none 'q'");
    assertThat(DumpSql.trailingLiteral("COMMENT ON TABLE public.\"a 'b\" IS 'x IS ''y''';")).get()
        .extracting(DumpSql.Literal::value).isEqualTo("x IS 'y'");
    assertThat(DumpSql.trailingLiteral("SELECT 1;")).isEmpty();
  }

  @Test
  void literalList_settingValues() {
    assertThat(DumpSql.literalList("'$user', 'public', 'My Ext'")).containsExactly("$user", "public", "My Ext");
    assertThat(DumpSql.literalList("'30s'")).containsExactly("30s");
    assertThat(DumpSql.literalList("'a''b'")).containsExactly("a'b");
    assertThatThrownBy(() -> DumpSql.literalList("30s")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void listSetting_storedForm() {
    assertThat(DumpSql.listSetting("\"$user\", public, \"My \"\"Ext\"\"\"")).containsExactly("$user", "public", "My \"Ext\"");
    assertThat(DumpSql.listSetting("\"\"")).containsExactly("");
  }

  @Test
  void identifiers_fmtIdAndBack() {
    assertThat(DumpSql.fmtId("users")).isEqualTo("users");
    assertThat(DumpSql.fmtId("user")).isEqualTo("\"user\"");
    assertThat(DumpSql.fmtId("T t")).isEqualTo("\"T t\"");
    assertThat(DumpSql.fmtQualifiedId("My Ext", "a\"b")).isEqualTo("\"My Ext\".\"a\"\"b\"");
    assertThat(DumpSql.identifier("\"a\"\"b\" rest", 0)).get().satisfies(i -> {
      assertThat(i.name()).isEqualTo("a\"b");
      assertThat(i.end()).isEqualTo(6);
    });
    assertThat(DumpSql.identifier("users.x", 0)).get().extracting(DumpSql.Ident::name).isEqualTo("users");
  }
}
