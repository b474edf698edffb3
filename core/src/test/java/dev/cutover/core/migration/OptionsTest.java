package dev.cutover.core.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.ValidationException;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.model.RegistryCredentials;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options record: journalled as it is, read back by a resume, one place per option. */
class OptionsTest {
  @TempDir
  Path dir;

  @Test
  void jobs_reachTheRestoreAreJournalledAndComeBackForAResume() {
    Fixture f = new Fixture(dir);
    f.faults.failNext("deploy", 1);
    MigrationPlan plan = f.migration().options(o -> o.withJobs(4)).plan();
    assertThat(plan.steps().get(MigrationStep.RESTORE.ordinal()).detail()).startsWith("PARALLEL with 4 jobs into");
    assertThat(plan.fingerprint()).isNotEqualTo(f.migration().plan().fingerprint());
    assertThatThrownBy(plan::run).isNotNull();

    Migration again = Migration.fromJournal(f.journal(), f.source, f.target).dataMover(f.mover).repoPreparation(f.preparation);

    assertThat(f.mover.jobsSeen).containsExactly(4);
    assertThat(Journal.load(f.journal()).options.jobs()).isEqualTo(4);
    assertThat(again.options().jobs()).isEqualTo(4);
    assertThat(again.plan().fingerprint()).isEqualTo(plan.fingerprint());
  }

  @Test
  void jobs_unset_leaveTheMoversOwnSetting() {
    Fixture f = new Fixture(dir);
    f.migration().plan().run();

    assertThat(f.mover.jobsSeen).containsExactly(0);
  }

  @Test
  void jobs_outOfRange_rejectedWithTheOtherProblems() {
    Fixture f = new Fixture(dir);

    assertThatThrownBy(() -> f.migration().options(o -> o.withJobs(65).withPort(0)).port(-1).plan())
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
            .extracting(ValidationException.Problem::field).containsExactly("port", "jobs"));
  }

  @Test
  void journal_optionsRoundTrip_asTheyWereWithoutCredentials() throws Exception {
    Fixture f = new Fixture(dir);
    MigrationOptions options = MigrationOptions.defaults().withRestore(RestoreStrategy.GUIDE_SQL)
        .withDeploy(Deploy.dockerImage("registry.example.com/shop:1", new RegistryCredentials("deployer",
            Secret.of("registry-canary-pw")))).withDatabase(DatabaseSpec.postgresql("16").diskSizeGb(20).handle("shop-db"))
        .withWorkDirectory(dir.resolve("work")).withKeepDump(true).withContainerSize("worker", 2048).withPort(8080)
        .withJobs(3);
    Journal j = new Journal();
    j.migrationId = "m";
    j.identity = "i";
    j.options = options;
    j.save(f.journal());
    String text = Files.readString(f.journal());

    MigrationOptions back = Journal.load(f.journal()).options;

    assertThat(text).contains("\"kind\" : \"docker-image\"").doesNotContain("registry-canary-pw").doesNotContain("deployer");
    assertThat(back.withDeploy(Deploy.dockerImage("registry.example.com/shop:1")))
        .isEqualTo(options.withDeploy(Deploy.dockerImage("registry.example.com/shop:1")));
    assertThat(back.deploy()).hasValueSatisfying(d -> assertThat(((Deploy.DockerImage) d).credentials()).isEmpty());
  }

  @Test
  void journal_writtenBeforeAnOptionExisted_readsItAsUnset() throws Exception {
    Fixture f = new Fixture(dir);
    f.migration().options(o -> o.withJobs(6)).plan().run();
    String text = Files.readString(f.journal());
    assertThat(text).contains("\"jobs\" : 6");
    Files.writeString(f.journal(), text.replaceAll(",\\s*\"jobs\" : 6", ""));

    assertThat(Journal.load(f.journal()).options.jobs()).isZero();
  }
}
