package dev.cutover.core.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.ValidationException;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.spi.RepoPreparation;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the repository preparation finds is in the plan, its fingerprint and the report; a blocking finding stops the run first. */
class RepoFindingsPlanTest {
  static final RepoPreparation.Finding LEAK = new RepoPreparation.Finding("Dockerfile:3",
      "[SECRETS_IN_IMAGE] the final image copies the whole repository", "copy it in a build stage");
  static final String NOTE = "INFO app.json [HEROKU_MANIFEST] scripts.postdeploy (\"rake db:seed\") ran once";

  @TempDir
  Path dir;

  /** The fixture's preparation, with {@code blocking}, a note and HEROKU_APP_NAME to keep added to its preview. */
  static RepoPreparation withFindings(RepoPreparation base, List<RepoPreparation.Finding> blocking) {
    return new RepoPreparation() {
      @Override
      public Preview preview(Deploy deploy, AppInventory inventory, int requestedPort) {
        Preview p = base.preview(deploy, inventory, requestedPort);
        return new Preview(p.changes(), p.port(), p.portReason(), List.of("WARNING Dockerfile:1 [PINNED_IMAGE] floating"),
            blocking, List.of(NOTE), List.of("HEROKU_APP_NAME"));
      }

      @Override
      public List<Change> apply(Deploy deploy, AppInventory inventory, int port) {
        return base.apply(deploy, inventory, port);
      }
    };
  }

  @Test
  void run_blockingFinding_planSaysSoAndRunRefusesBeforeAnySideEffect() {
    Fixture f = new Fixture(dir);
    MigrationPlan plan = f.migration().repoPreparation(withFindings(f.preparation, List.of(LEAK))).plan();
    MigrationPlan clean = f.migration().repoPreparation(withFindings(f.preparation, List.of())).plan();

    assertThat(plan.blockingFindings()).containsExactly(LEAK);
    assertThat(plan.render()).contains("BLOCKED: run() refuses, before changing anything")
        .contains("X Dockerfile:3: [SECRETS_IN_IMAGE] the final image copies the whole repository Fix: copy it in a build stage")
        .contains("! WARNING Dockerfile:1 [PINNED_IMAGE] floating").contains("- " + NOTE);
    assertThat(plan.toJson()).contains("\"blockingFindings\"", "Dockerfile:3", "scripts.postdeploy");
    assertThat(plan.fingerprint()).isNotEqualTo(clean.fingerprint());
    f.faults.calls.clear();

    assertThatThrownBy(plan::run).isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
        .singleElement().satisfies(p -> {
          assertThat(p.field()).isEqualTo("deploy.repo Dockerfile:3");
          assertThat(p.fix()).contains("copy it in a build stage", "nothing was changed");
        }));
    assertThat(f.faults.calls).as("no call to Heroku, Aptible or the data mover").isEmpty();
    assertThat(f.work()).as("no journal, lock or report").doesNotExist();
  }

  @Test
  void run_notesAndVarsToKeep_copiedAndInTheReport() {
    Fixture f = new Fixture(dir);
    MigrationPlan plan = f.migration().repoPreparation(withFindings(f.preparation, List.of())).plan();

    assertThat(plan.config()).filteredOn(c -> c.name().equals("HEROKU_APP_NAME")).singleElement()
        .satisfies(c -> assertThat(c.action()).isEqualTo(MigrationPlan.ConfigDecision.Action.COPY));
    assertThat(plan.config()).filteredOn(c -> c.name().equals("HEROKU_APP_ID")).singleElement()
        .satisfies(c -> assertThat(c.action()).isEqualTo(MigrationPlan.ConfigDecision.Action.SKIP));
    MigrationReport report = plan.run();

    assertThat(report.repositoryFindings()).containsExactly("WARNING Dockerfile:1 [PINNED_IMAGE] floating", NOTE);
    assertThat(f.target.config).containsKey("HEROKU_APP_NAME");
    assertThat(f.read(f.work().resolve("report.md"))).contains("## Repository findings\n\n- WARNING Dockerfile:1")
        .contains("- " + NOTE);
    assertThat(f.read(f.work().resolve("report.json"))).contains("\"repositoryFindings\"", "scripts.postdeploy");
  }
}
