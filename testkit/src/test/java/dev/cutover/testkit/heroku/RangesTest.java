package dev.cutover.testkit.heroku;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** FakeHeroku's Range pagination, as Heroku documents it. */
class RangesTest {
  private static final List<ObjectNode> ITEMS = IntStream.rangeClosed(1, 5)
      .mapToObj(i -> FakeApp.JSON.createObjectNode().put("id", "id-" + i).put("version", i)).toList();

  private static List<String> ids(Ranges.Page p) {
    return p.items().stream().map(n -> n.path("id").asText()).toList();
  }

  @Test
  void page_noRange_defaultPageThenNextRangeContinuesAfterTheLastId() {
    Ranges.Page first = Ranges.page(ITEMS, null, "id", 2);
    assertThat(ids(first)).containsExactly("id-1", "id-2");
    assertThat(first.nextRange()).isEqualTo("id ]id-2..; max=2;");

    Ranges.Page second = Ranges.page(ITEMS, first.nextRange(), "id", 200);
    assertThat(ids(second)).containsExactly("id-3", "id-4");

    Ranges.Page last = Ranges.page(ITEMS, second.nextRange(), "id", 200);
    assertThat(ids(last)).containsExactly("id-5");
    assertThat(last.nextRange()).isNull();
  }

  @Test
  void page_versionDescending_newestFirstNumerically() {
    Ranges.Page p = Ranges.page(ITEMS, "version ..; max=2, order=desc", "id", 200);

    assertThat(p.items()).extracting(n -> n.path("version").asInt()).containsExactly(5, 4);
    assertThat(p.nextRange()).isEqualTo("version ]4..; max=2, order=desc;");
    assertThat(Ranges.page(ITEMS, p.nextRange(), "id", 200).items()).extracting(n -> n.path("version").asInt())
        .containsExactly(3, 2);
  }

  @Test
  void page_cliMax1000_everythingInOnePage() {
    Ranges.Page p = Ranges.page(ITEMS, "id ..; max=1000;", "id", 2);

    assertThat(p.items()).hasSize(5);
    assertThat(p.nextRange()).isNull();
  }
}
