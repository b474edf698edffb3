package dev.cutover.core.migration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.core.model.RestoreStrategy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MigrationPlan#rehearse()}: the data moved and verified with the source live, phases timed, nothing started. */
class RehearsalTest {
  @TempDir
  Path dir;

  /** A clock that advances one second at every read: each phase takes a known time. */
  private static Clock ticking() {
    AtomicLong seconds = new AtomicLong();
    return new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return Instant.parse("2026-12-01T10:00:00Z").plusSeconds(seconds.getAndIncrement());
      }
    };
  }

  @Test
  void rehearse_direct_copiesIntoAScratchDatabaseWithTheSourceLiveAndEstimatesTheDowntime() {
    Fixture f = new Fixture(dir);
    MigrationPlan plan = f.migration().restore(RestoreStrategy.DIRECT).clock(ticking()).plan();
    f.faults.calls.clear();

    RehearsalReport report = plan.rehearse();

    assertThat(f.faults.calls).as("nothing on the source changes; the migration is not started")
        .doesNotContain("maintenance:true", "maintenance:false", "captureBackup", "ensureApp", "setConfig", "deploy")
        .contains("ensureDatabase", "openTunnel", "copyDirect", "verify");
    assertThat(f.target.databases).containsKey("my-app-db-rehearsal");
    assertThat(Journal.exists(f.journal())).as("no journal: the migration did not start").isFalse();
    assertThat(report.moves()).singleElement().satisfies(m -> {
      assertThat(m.strategy()).isEqualTo("DIRECT");
      assertThat(m.scratchDatabase()).isEqualTo("my-app-db-rehearsal");
      assertThat(m.phases()).extracting(RehearsalReport.Phase::name)
          .containsExactly("create-database", "tunnel", "copy", "verify");
      assertThat(m.verified()).isTrue();
      assertThat(m.rows()).isEqualTo(f.source.tables.values().stream().mapToLong(Long::longValue).sum());
    });
    // each phase read the ticking clock twice (one second); only copy and verify happen with maintenance on
    assertThat(report.estimatedDowntime()).isEqualTo(Duration.ofSeconds(2));
    assertThat(Files.exists(plan.workDirectory().resolve("rehearsal.json"))).isTrue();

    MigrationPlan next = f.migration().restore(RestoreStrategy.DIRECT).clock(ticking()).plan();
    assertThat(next.lastRehearsal()).hasValueSatisfying(r -> assertThat(r.estimatedDowntime())
        .isEqualTo(Duration.ofSeconds(2)));
    assertThat(next.render()).contains("estimated downtime 2.0 s for the data").contains("copy 1.0 s");
  }

  @Test
  void rehearse_parallel_restoresWhileDownloadingAsTheRunDoes_onePhaseInTheEstimate() {
    Fixture f = new Fixture(dir);
    MigrationPlan plan = f.migration().restore(RestoreStrategy.PARALLEL).clock(ticking()).plan();

    RehearsalReport report = plan.rehearse();

    assertThat(f.faults.calls).contains("captureBackup", "download", "restore", "verify")
        .doesNotContain("maintenance:true");
    assertThat(report.moves()).singleElement().satisfies(m -> {
      assertThat(m.phases()).extracting(RehearsalReport.Phase::name, RehearsalReport.Phase::inDowntime).containsExactly(
          org.assertj.core.groups.Tuple.tuple("create-database", false), org.assertj.core.groups.Tuple.tuple("tunnel", false),
          org.assertj.core.groups.Tuple.tuple("capture", true),
          org.assertj.core.groups.Tuple.tuple("restore while downloading", true),
          org.assertj.core.groups.Tuple.tuple("verify", true));
      assertThat(m.rowsPerSecond()).isPositive();
    });
    // the download and the restore overlap, as in the run: one phase, not two added up
    assertThat(report.estimatedDowntime()).isEqualTo(Duration.ofSeconds(3));
    try (var dumps = Files.list(plan.workDirectory().resolve("dumps"))) {
      assertThat(dumps).as("the rehearsal's dump is deleted").isEmpty();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void rehearse_backupPath_capturesDownloadsAndRestoresIntoTheScratchDatabaseWithoutMaintenance() {
    Fixture f = new Fixture(dir);
    MigrationPlan plan = f.migration().restore(RestoreStrategy.PG_RESTORE).clock(ticking()).plan();

    RehearsalReport report = plan.rehearse();

    assertThat(f.faults.calls).contains("captureBackup", "download", "restore", "verify")
        .doesNotContain("maintenance:true");
    assertThat(report.moves()).singleElement().satisfies(m -> assertThat(m.phases())
        .extracting(RehearsalReport.Phase::name, RehearsalReport.Phase::inDowntime).containsExactly(
            org.assertj.core.groups.Tuple.tuple("create-database", false), org.assertj.core.groups.Tuple.tuple("tunnel", false),
            org.assertj.core.groups.Tuple.tuple("capture", true), org.assertj.core.groups.Tuple.tuple("download", true),
            org.assertj.core.groups.Tuple.tuple("restore", true), org.assertj.core.groups.Tuple.tuple("verify", true)));
    assertThat(report.estimatedDowntime()).isEqualTo(Duration.ofSeconds(4));
    try (var dumps = Files.list(plan.workDirectory().resolve("dumps"))) {
      assertThat(dumps).as("the rehearsal's dump is deleted").isEmpty();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
