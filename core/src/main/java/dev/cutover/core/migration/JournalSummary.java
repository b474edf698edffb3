package dev.cutover.core.migration;

import dev.cutover.core.report.StepStatus;
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
 */
public record JournalSummary(String migrationId, String source, String targetEnvironment, String targetApp,
    String databaseHandle, Map<String, StepStatus> steps) {
  public JournalSummary {
    Objects.requireNonNull(migrationId, "migrationId");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(targetEnvironment, "targetEnvironment");
    Objects.requireNonNull(targetApp, "targetApp");
    Objects.requireNonNull(databaseHandle, "databaseHandle");
    steps = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(steps));
  }

  static JournalSummary of(Journal j) {
    Map<String, StepStatus> steps = new LinkedHashMap<>();
    for (MigrationStep s : MigrationStep.values()) {
      steps.put(s.id(), j.step(s).status);
    }
    return new JournalSummary(j.migrationId, String.valueOf(j.source), String.valueOf(j.targetEnvironment),
        String.valueOf(j.targetApp), j.databaseHandle == null ? "" : j.databaseHandle, steps);
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
}
