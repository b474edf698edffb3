package dev.cutover.core.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No secret value reaches the journal, the report, the plan's renderings, events or exception messages. */
class CanaryTest {
  private static final List<String> CANARIES = List.of(Fixture.API_SECRET, Fixture.SESSION_SECRET, Fixture.REDIS_SECRET,
      FakeSource.DB_PASSWORD, FakeTarget.DB_PASSWORD, FakeTarget.TUNNEL_PASSWORD);

  @TempDir
  Path dir;

  @Test
  void secrets_neverReachJournalReportPlanEventsOrExceptions() throws Exception {
    Fixture f = new Fixture(dir);
    List<String> seen = new ArrayList<>();
    MigrationListener all = new MigrationListener() {
      @Override
      public void stepStarted(MigrationEvent.StepStarted event) {
        seen.add(event.toString());
      }

      @Override
      public void stepFinished(MigrationEvent.StepFinished event) {
        seen.add(event.toString());
      }

      @Override
      public void stepFailed(MigrationEvent.StepFailed event) {
        seen.add(event.toString());
      }

      @Override
      public void warning(MigrationEvent.Warning event) {
        seen.add(event.toString());
      }
    };
    // an adapter failure whose message quotes a secret: the journal and report must mask it
    f.faults.failNext("setConfig", "configure: aptible config:set STRIPE_API_KEY=" + Fixture.API_SECRET + " failed");
    MigrationPlan plan = f.migration().keepDump(false).listener(all).plan();
    seen.add(plan.render());
    seen.add(plan.toJson());
    seen.add(plan.toString());
    seen.add(plan.inventory().toString());
    assertThatThrownBy(plan::run).isNotNull();
    seen.add(f.read(f.journal()));
    seen.add(f.read(f.work().resolve("report.json")));
    seen.add(f.read(f.work().resolve("report.md")));

    var report = f.migration().listener(all).plan().resume();
    seen.add(report.toJson());
    seen.add(report.toMarkdown());
    seen.add(report.toString());
    seen.add(f.read(f.journal()));
    try (Stream<Path> files = Files.walk(f.work())) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        seen.add(Files.readString(p));
      }
    }

    assertThat(seen).hasSizeGreaterThan(20);
    for (String canary : CANARIES) {
      assertThat(seen).noneMatch(s -> s.contains(canary));
    }
    assertThat(f.target.config.get("STRIPE_API_KEY")).as("the value itself was copied").isEqualTo(Fixture.API_SECRET);
  }
}
