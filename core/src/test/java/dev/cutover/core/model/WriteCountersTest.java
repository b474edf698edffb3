package dev.cutover.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The comparison of two write-counter snapshots, case by case. */
class WriteCountersTest {
  private static final Instant T0 = Instant.parse("2026-01-01T12:00:00Z");

  private static WriteCounters at(int seconds, long commits, String reset, Map<String, WriteCounters.TableWrites> tables) {
    return new WriteCounters("shop", T0.plusSeconds(seconds), commits, reset, tables, List.of("app@10.0.0.5 (worker.1) idle"),
        Duration.ofSeconds(11));
  }

  private static WriteCounters.TableWrites w(long ins, long upd, long del) {
    return new WriteCounters.TableWrites(ins, upd, del);
  }

  @Test
  void since_sameCounters_frozenWithOtherCommitsLessOurTwo() {
    Map<String, WriteCounters.TableWrites> t = Map.of("public.a", w(5, 1, 0));
    WriteCounters.Comparison c = at(60, 112, "", t).since(at(0, 100, "", t));

    assertThat(c.frozen()).isTrue();
    assertThat(c.otherCommits()).isEqualTo(10);
    assertThat(c.describe()).startsWith("no table written between 2026-01-01T12:00:00Z and 2026-01-01T12:01:00Z");
  }

  @Test
  void since_writesCreatedAndDroppedTables_allNamedInOrder() {
    WriteCounters before = at(0, 100, "", Map.of("public.b", w(1, 0, 0), "public.a", w(5, 1, 0), "public.gone", w(0, 0, 0)));
    WriteCounters after = at(9, 150, "", Map.of("public.b", w(1, 4, 2), "public.a", w(17, 1, 0), "public.new", w(0, 0, 0)));

    WriteCounters.Comparison c = after.since(before);

    assertThat(c.frozen()).isFalse();
    assertThat(c.written()).containsExactly(new WriteCounters.WrittenTable("public.a", 12, 0, 0),
        new WriteCounters.WrittenTable("public.b", 0, 4, 2));
    assertThat(c.created()).containsExactly("public.new");
    assertThat(c.dropped()).containsExactly("public.gone");
    assertThat(c.tablesChanged()).containsExactly("public.a", "public.b", "public.new", "public.gone");
    assertThat(c.describe()).contains("public.a (+12 inserted), public.b (4 updated, 2 deleted)")
        .contains("created: public.new").contains("dropped: public.gone").contains("48 other commits")
        .contains("other sessions: app@10.0.0.5 (worker.1) idle");
  }

  @Test
  void since_resetOrCountersGoingDown_provesNothing() {
    Map<String, WriteCounters.TableWrites> t = Map.of("public.a", w(5, 0, 0));
    assertThat(at(5, 120, "2026-01-01 12:00:03+00", t).since(at(0, 100, "", t)).countersReset()).isTrue();
    WriteCounters.Comparison down = at(5, 120, "", Map.of("public.a", w(1, 0, 0))).since(at(0, 100, "", t));
    assertThat(down.countersReset()).isTrue();
    assertThat(down.frozen()).isFalse();
    assertThat(at(5, 90, "", t).since(at(0, 100, "", t)).countersReset()).isTrue();
  }

  @Test
  void since_otherDatabase_refused() {
    WriteCounters other = new WriteCounters("other", T0, 1, "", Map.of(), List.of(), Duration.ofSeconds(11));
    assertThatThrownBy(() -> at(1, 1, "", Map.of()).since(other)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("different databases");
  }
}
