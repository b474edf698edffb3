package dev.cutover.core.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.Secret;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.ConfigVar;
import dev.cutover.core.model.Formation;
import dev.cutover.core.report.MigrationReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan's fingerprint, and a run refused before any side effect when the plan is not the approved one. */
class ApprovalTest {
  @TempDir
  Path dir;

  @Test
  void fingerprint_sameDecisions_sameFingerprint_andItIsTheSha256OfTheCanonicalJson() {
    Fixture f = new Fixture(dir);
    MigrationPlan a = f.migration().plan();
    MigrationPlan b = f.migration().plan();

    assertThat(a.fingerprint()).hasSize(64).isEqualTo(b.fingerprint()).isEqualTo(EventLog.sha256(a.canonicalJson()));
    assertThat(a.canonicalJson()).contains("\"STRIPE_API_KEY\"").contains("\"value\":\"****\"")
        .doesNotContain(Fixture.API_SECRET).doesNotContain(Fixture.SESSION_SECRET);
    assertThat(a.render()).contains("fingerprint " + a.fingerprint());
    assertThat(f.migration().port(4000).plan().fingerprint()).isNotEqualTo(a.fingerprint());
  }

  @Test
  void fingerprint_ofAResumedPlan_isTheOneTheRunStartedWith() {
    Fixture f = new Fixture(dir);
    MigrationPlan before = f.migration().plan();
    f.faults.failNext("deploy", 1);
    assertThatThrownBy(before::run).isNotNull();

    MigrationPlan resumed = f.migration().plan();

    assertThat(resumed.resumesAt()).hasValue(MigrationStep.DEPLOY);
    assertThat(resumed.repoChanges()).isEqualTo(before.repoChanges()).isNotEmpty();
    assertThat(resumed.fingerprint()).as("%s", PlanDiff.between(before.canonicalJson(), resumed.canonicalJson()))
        .isEqualTo(before.fingerprint());
    assertThat(resumed.resume(Approval.of(before)).outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
  }

  @Test
  void run_approvedPlan_runs() {
    Fixture f = new Fixture(dir);
    MigrationPlan plan = f.migration().plan();

    assertThat(plan.run(Approval.of(plan.fingerprint())).outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(f.read(f.work().resolve("report.md"))).contains("Plan fingerprint: `" + plan.fingerprint() + "`");
  }

  @Test
  void run_planChangedSinceApproval_refusedBeforeAnySideEffectNamingEachChange() {
    Fixture f = new Fixture(dir);
    MigrationPlan reviewed = f.migration().plan();
    Approval approval = Approval.ofPlan(reviewed.canonicalJson());
    AppInventory inv = f.source.inventory;
    List<ConfigVar> vars = new ArrayList<>(inv.configVars());
    vars.add(new ConfigVar("NEW_FLAG", Secret.of("on")));
    f.source.inventory = new AppInventory(inv.app(), inv.stack(), inv.region(), inv.buildpacks(),
        List.of(inv.formation().get(0), new Formation("worker", 3, "standard-1X", "node worker.js")), inv.processTypes(),
        vars, inv.addons(), inv.domains(), inv.databases(), inv.takenAt());
    MigrationPlan now = f.migration().plan();

    assertThatThrownBy(() -> now.run(approval)).isInstanceOfSatisfying(PlanChangedException.class, e -> {
      assertThat(e.approvedFingerprint()).isEqualTo(reviewed.fingerprint());
      assertThat(e.currentFingerprint()).isEqualTo(now.fingerprint());
      assertThat(e.changes()).contains("config[NEW_FLAG]: added (action COPY, name NEW_FLAG, value ****)",
          "services[worker].count: 1 -> 3");
      assertThat(e.getMessage()).contains("NEW_FLAG").contains("services[worker].count: 1 -> 3").contains(now.fingerprint());
    });
    assertThat(f.faults.calls).containsOnly("inventory");
    assertThat(f.work()).as("no journal, no lock, no event log").doesNotExist();
  }

  @Test
  void run_fingerprintOnlyApproval_refusesAChangedPlanSayingItCannotNameTheChange() {
    Fixture f = new Fixture(dir);
    String fingerprint = f.migration().plan().fingerprint();

    assertThatThrownBy(() -> f.migration().port(4000).plan().run(Approval.of(fingerprint)))
        .isInstanceOf(PlanChangedException.class).hasMessageContaining("cannot be named");
    assertThat(f.work()).doesNotExist();
  }

  @Test
  void stored_savedPlan_namesTheChange() {
    Fixture f = new Fixture(dir);
    MigrationPlan reviewed = f.migration().plan();
    Path saved = reviewed.save();

    assertThat(saved).hasFileName(reviewed.fingerprint() + ".json").hasContent(reviewed.canonicalJson());
    assertThatThrownBy(() -> f.migration().port(4000).plan().run(Approval.stored(f.work(), reviewed.fingerprint())))
        .isInstanceOfSatisfying(PlanChangedException.class, e -> assertThat(e.changes()).contains("port: 3000 -> 4000"));
  }

  @Test
  void of_notAFingerprint_isRejected() {
    assertThatThrownBy(() -> Approval.of("abc123")).isInstanceOf(ValidationException.class)
        .hasMessageContaining("64 hex digits");
    assertThatThrownBy(() -> Approval.ofPlan("{\"hello\":1}")).isInstanceOf(ValidationException.class);
  }

  @Test
  void resume_planChangedSinceTheLastAttempt_logsWhatChanged() {
    Fixture f = new Fixture(dir);
    f.faults.failNext("deploy", 1);
    assertThatThrownBy(() -> f.migration().plan().run()).isNotNull();

    f.migration().containerSizeOverride("worker", 2048).plan().resume();

    assertThat(EventLog.read(EventLog.fileFor(f.journal()))).filteredOn(e -> e.type().equals("plan-changed"))
        .singleElement().satisfies(e -> assertThat(e.fields().path("changes").toString())
            .contains("services[worker].containerSizeMb: 512 -> 2048"));
  }
}
