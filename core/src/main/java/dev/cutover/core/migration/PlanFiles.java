package dev.cutover.core.migration;

import dev.cutover.core.MigrationException;
import dev.cutover.core.report.internal.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Plans kept by fingerprint under {@code <work>/plans/<fingerprint>.json} (canonical JSON): every
 * plan a run started with, and every plan saved for approval ({@link MigrationPlan#save()}), so an
 * approval or a resume can name what changed since.
 */
final class PlanFiles {
  private PlanFiles() {}

  static Path directory(Path workDirectory) {
    return workDirectory.resolve("plans");
  }

  static Path save(MigrationPlan plan) {
    Path file = directory(plan.workDirectory()).resolve(plan.fingerprint() + ".json");
    if (!Files.isRegularFile(file)) {
      AtomicFiles.write(file, plan.canonicalJson() + "\n", "plan");
    }
    return file;
  }

  /** The canonical JSON of the plan {@code fingerprint}, when it was kept and still hashes to it. */
  static Optional<String> load(Path workDirectory, String fingerprint) {
    Path file = directory(workDirectory).resolve(fingerprint + ".json");
    if (!fingerprint.matches("[0-9a-f]{64}") || !Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      String json = AtomicFiles.read(file).strip();
      return EventLog.sha256(json).equals(fingerprint) ? Optional.of(json) : Optional.empty();
    } catch (IOException e) {
      throw new MigrationException("plan", "plan: cannot read " + file + " (" + e.getMessage() + ")", false, e);
    }
  }
}
