package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.core.migration.JournalSummary;
import dev.cutover.core.migration.Migration;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Ctrl-C (SIGINT) on {@code cutover migrate} during the capture, inside the downtime window: the run
 * stops with exit 130 and says that the Heroku app is in maintenance mode, where the journal is and
 * what to run next; {@code cutover status} then tells the same from the journal.
 */
@Tag("integration")
class CtrlCTest {
  @Test
  void sigint_duringCapture_exits130SayingHerokuIsInMaintenanceAndWhereTheJournalIs() throws Exception {
    Preconditions.requireLocalTools();
    try (DemoEnvironment env = DemoEnvironment.start(20)) {
      Path work = env.workDirectory("interrupted-shop");
      Path journal = work.resolve("journal.json");
      SigkillResumeTest.Child child = Cli.start(env, Cli.connection(env), "migrate", "-a", DemoEnvironment.SOURCE_APP,
          "-e", DemoEnvironment.ENVIRONMENT, "-t", "interrupted-shop", "--repo", env.repository().toString(),
          "--work-dir", work.toString(), "--yes");
      child.awaitLine("Step 7. capture started", Duration.ofMinutes(3));

      new ProcessBuilder("kill", "-INT", String.valueOf(child.pid())).inheritIO().start().waitFor();
      int code = child.waitFor(Duration.ofMinutes(2));

      String err = child.stderr();
      assertThat(code).as(err).isEqualTo(CutoverCli.CANCELLED);
      assertThat(err).contains("Heroku app " + DemoEnvironment.SOURCE_APP + " is in maintenance mode since")
          .contains("Journal: " + journal).contains("cutover resume --journal " + journal)
          .contains("cutover rollback --journal " + journal).doesNotContain("cutover: cutover:");
      JournalSummary summary = Migration.readJournal(journal);
      assertThat(summary.maintenanceOnSince()).isPresent();

      StringWriter out = new StringWriter();
      assertThat(CutoverCli.run(new String[] {"status", "--journal", journal.toString()}, new PrintWriter(out, true),
          new PrintWriter(new StringWriter(), true), Terminal.NONE)).isZero();
      assertThat(out.toString()).containsPattern(" 6\\. maintenance-on +DONE").contains("downtime so far")
          .contains("Next: cutover resume --journal " + journal);
    }
  }
}
