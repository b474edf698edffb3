package dev.cutover.core.migration;

import dev.cutover.core.report.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a journal says about its migration, read with {@link Migration#readJournal(java.nio.file.Path)}:
 * enough to rebuild the source and target (e.g. in a CLI's {@code resume}) and to show where it stands.
 *
 * @param migrationId the migration's id
 * @param source the source app's name
 * @param targetEnvironment the target environment
 * @param targetApp the target app
 * @param databaseHandle the target database's handle, or empty when the source has none
 * @param steps every step's status, in pipeline order (keys are {@link MigrationStep#id()})
 * @param records every step's journalled times, attempts and summary, in pipeline order
 * @param maintenanceOnSince when this migration put the source app into maintenance mode; empty when
 *     it is not in maintenance because of this migration (never turned on, or turned off by a rollback)
 * @param completedAt when the migration completed (its report was written)
 * @param rolledBackAt when the migration was last rolled back
 */
public record JournalSummary(String migrationId, String source, String targetEnvironment, String targetApp,
    String databaseHandle, Map<String, StepStatus> steps, Map<String, StepRecord> records,
    Optional<Instant> maintenanceOnSince, Optional<Instant> completedAt, Optional<Instant> rolledBackAt) {
  public JournalSummary {
    Objects.requireNonNull(migrationId, "migrationId");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(targetEnvironment, "targetEnvironment");
    Objects.requireNonNull(targetApp, "targetApp");
    Objects.requireNonNull(databaseHandle, "databaseHandle");
    Objects.requireNonNull(maintenanceOnSince, "maintenanceOnSince");
    Objects.requireNonNull(completedAt, "completedAt");
    Objects.requireNonNull(rolledBackAt, "rolledBackAt");
    steps = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(steps));
    records = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(records));
  }

  /** A summary with statuses only (no times, no maintenance, completion or rollback record). */
  public JournalSummary(String migrationId, String source, String targetEnvironment, String targetApp,
      String databaseHandle, Map<String, StepStatus> steps) {
    this(migrationId, source, targetEnvironment, targetApp, databaseHandle, steps, Map.of(), Optional.empty(),
        Optional.empty(), Optional.empty());
  }

  /**
   * One step as journalled.
   *
   * @param status its status
   * @param startedAt when its last attempt started
   * @param finishedAt when its last attempt ended (done or failed)
   * @param duration how long its last attempt took (zero before it ended)
   * @param attempts how many times it was attempted
   * @param summary what it did, in one line (empty before it finished)
   */
  public record StepRecord(StepStatus status, Optional<Instant> startedAt, Optional<Instant> finishedAt,
      Duration duration, int attempts, String summary) {
    public StepRecord {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(startedAt, "startedAt");
      Objects.requireNonNull(finishedAt, "finishedAt");
      Objects.requireNonNull(duration, "duration");
      Objects.requireNonNull(summary, "summary");
    }
  }

  static JournalSummary of(Journal j) {
    Map<String, StepStatus> steps = new LinkedHashMap<>();
    Map<String, StepRecord> records = new LinkedHashMap<>();
    for (MigrationStep s : MigrationStep.values()) {
      Journal.StepState st = j.step(s);
      steps.put(s.id(), st.status);
      records.put(s.id(), new StepRecord(st.status, instant(st.startedAt), instant(st.finishedAt),
          Duration.ofMillis(st.durationMillis), st.attempts, st.summary == null ? "" : st.summary));
    }
    return new JournalSummary(j.migrationId, String.valueOf(j.source), String.valueOf(j.targetEnvironment),
        String.valueOf(j.targetApp), j.databaseHandle == null ? "" : j.databaseHandle, steps, records,
        instant(j.maintenanceOnAt), instant(j.completedAt), instant(j.rolledBackAt));
  }

  private static Optional<Instant> instant(String s) {
    try {
      return s == null || s.isBlank() ? Optional.empty() : Optional.of(Instant.parse(s));
    } catch (java.time.format.DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** The first step that is not done or skipped, where a resume continues. */
  public Optional<MigrationStep> resumesAt() {
    return Arrays.stream(MigrationStep.values())
        .filter(s -> steps.get(s.id()) != StepStatus.DONE && steps.get(s.id()) != StepStatus.SKIPPED).findFirst();
  }

  /** Whether every step is done or skipped. */
  public boolean complete() {
    return resumesAt().isEmpty();
  }

  /**
   * The downtime so far: from {@link #maintenanceOnSince()} until the code was deployed on the target
   * (the deploy step's end), or until {@code now} while it is not; empty when the source is not in
   * maintenance because of this migration.
   */
  public Optional<Duration> downtime(Instant now) {
    return maintenanceOnSince.map(on -> {
      StepRecord deploy = records.get(MigrationStep.DEPLOY.id());
      Instant end = deploy != null && deploy.status() == StepStatus.DONE ? deploy.finishedAt().orElse(now) : now;
      return end.isBefore(on) ? Duration.ZERO : Duration.between(on, end);
    });
  }
}
