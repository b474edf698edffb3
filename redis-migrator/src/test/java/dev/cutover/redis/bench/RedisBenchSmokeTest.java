package dev.cutover.redis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The benchmark's code at a tiny size, through the latency proxy, as a correctness check (no timing is asserted). */
@Tag("integration")
class RedisBenchSmokeTest {
  @Test
  void run_tinyDataset_everyMethodCopiesEveryKeyAndVerifies() throws Exception {
    dev.cutover.redis.Servers.source().close(); // skips without redis-server, fails under CI=true
    List<RedisBench.Row> rows = RedisBench.run(1000, 1, 2, 1);
    assertThat(rows).hasSize(3).allMatch(RedisBench.Row::verified);
    assertThat(rows.get(0).keys()).isEqualTo(1001);
    assertThat(rows.get(1).keys()).isEqualTo(201);
    assertThat(rows.get(2).keys()).isEqualTo(1001);
    assertThat(RedisBench.render(1000, 1, 2, 1, rows)).contains("| naive loop (1 connection, unpipelined) | 1,001 |").contains("1 ms round trip");
  }
}
