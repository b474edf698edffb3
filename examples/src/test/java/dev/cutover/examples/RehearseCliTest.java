package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.testkit.heroku.FakeApp;
import dev.cutover.testkit.heroku.RecordedCall;
import dev.cutover.testkit.postgres.PgFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code cutover rehearse} end to end in a child JVM on the testkit (fake Heroku API with the real {@code heroku}
 * CLI, fake {@code aptible} with real tunnels, the local PostgreSQL server as Heroku Postgres): the data moves with
 * DIRECT into the scratch database while the Heroku app stays live, the phases and the estimate are printed and kept,
 * {@code cutover plan} afterwards shows them, and nothing on Heroku or in the source database changed.
 */
@Tag("integration")
class RehearseCliTest {
  @Test
  void rehearse_direct_printsPhasesAndEstimateKeepsThemForThePlanAndLeavesTheSourceUntouched() throws Exception {
    Preconditions.requireLocalTools();
    try (DemoEnvironment env = DemoEnvironment.start(20)) {
      String handle = "rehearsed-cli";
      String scratch = handle + "-db-rehearsal";
      Path work = env.workDirectory(handle);
      List<String> options = List.of("-a", DemoEnvironment.SOURCE_APP, "-e", DemoEnvironment.ENVIRONMENT, "-t", handle,
          "--repo", env.repository().toString(), "--branch", SampleNodeApp.BRANCH, "--work-dir", work.toString(),
          "--restore", "direct");
      FakeApp heroku = env.heroku().app(DemoEnvironment.SOURCE_APP);
      Map<String, String> sourceBefore = Checksums.of(env.source().connection());
      int workers = heroku.quantity("worker");
      env.heroku().clearRequests();

      SigkillResumeTest.Child rehearse = cutover(env, "rehearse", options, "--quiet");

      assertThat(rehearse.waitFor(Duration.ofMinutes(3))).as(rehearse.stderr()).isEqualTo(CutoverCli.OK);
      assertThat(rehearse.stdout()).containsPattern("Rehearsal of \\S+: estimated downtime \\d+\\.\\d s for the data")
          .containsPattern("DATABASE DIRECT into " + scratch + ": create-database \\d+\\.\\d s \\(before the downtime\\),"
              + " tunnel \\d+\\.\\d s \\(before the downtime\\), copy \\d+\\.\\d s, verify \\d+\\.\\d s, [1-9]\\d* rows,"
              + " \\d+ rows/s, verified");
      assertThat(rehearse.stderr()).contains("Rehearsal kept in " + work.resolve("rehearsal.json"))
          .contains("aptible db:deprovision " + scratch + " --environment " + DemoEnvironment.ENVIRONMENT);

      JsonNode kept = new ObjectMapper().readTree(work.resolve("rehearsal.json").toFile());
      assertThat(kept.get("moves")).singleElement().satisfies(m -> {
        assertThat(m.get("strategy").asText()).isEqualTo("DIRECT");
        assertThat(m.get("scratchDatabase").asText()).isEqualTo(scratch);
        assertThat(m.get("verified").asBoolean()).isTrue();
        List<String> phases = new ArrayList<>();
        m.get("phases").forEach(p -> phases.add(p.get("name").asText()));
        assertThat(phases).containsExactly("create-database", "tunnel", "copy", "verify");
      });
      assertThat(rehearse.stdout()).contains("Rehearsal of " + kept.get("at").asText());
      String scratchDb = env.aptible().database(scratch).orElseThrow().postgresName().orElseThrow();
      assertThat(Checksums.of(PgFixture.local().admin().withDatabase(scratchDb))).as("the scratch database holds the data")
          .isEqualTo(sourceBefore);

      // nothing on the source changed: no maintenance, no formation change, no backup, the same rows
      assertThat(env.heroku().requests()).extracting(RecordedCall::method).containsOnly("GET");
      assertThat(heroku.maintenance()).isFalse();
      assertThat(heroku.quantity("worker")).isEqualTo(workers);
      assertThat(heroku.transfers()).as("no backup captured").isEmpty();
      assertThat(Checksums.of(env.source().connection())).isEqualTo(sourceBefore);
      assertThat(work.resolve("journal.json")).as("the migration was not started").doesNotExist();
      assertThat(env.aptible().app(handle)).as("no Aptible app").isEmpty();
      assertThat(env.aptible().liveTunnelProcesses()).as("the rehearsal's tunnel closed").isEmpty();

      SigkillResumeTest.Child plan = cutover(env, "plan", options);

      assertThat(plan.waitFor(Duration.ofMinutes(2))).as(plan.stderr()).isEqualTo(CutoverCli.OK);
      assertThat(plan.stdout()).contains("Rehearsal of " + kept.get("at").asText() + ": estimated downtime")
          .contains("DATABASE DIRECT into " + scratch).doesNotContain("rehearsed with another plan");

      // the next rehearsal reuses the kept scratch database and replaces its data
      SigkillResumeTest.Child again = cutover(env, "rehearse", options, "--quiet");

      assertThat(again.waitFor(Duration.ofMinutes(3))).as(again.stderr()).isEqualTo(CutoverCli.OK);
      assertThat(again.stdout()).contains("DATABASE DIRECT into " + scratch).contains(", verified");
      assertThat(env.aptible().database(scratch).orElseThrow().postgresName()).hasValue(scratchDb);
      assertThat(Checksums.of(PgFixture.local().admin().withDatabase(scratchDb))).as("replaced, not appended")
          .isEqualTo(sourceBefore);
      assertThat(env.heroku().requests()).extracting(RecordedCall::method).containsOnly("GET");
      assertThat(heroku.transfers()).isEmpty();
    }
  }

  private static SigkillResumeTest.Child cutover(DemoEnvironment env, String command, List<String> options,
      String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(options);
    args.addAll(List.of(more));
    return Cli.start(env, Cli.connection(env), args.toArray(String[]::new));
  }
}
