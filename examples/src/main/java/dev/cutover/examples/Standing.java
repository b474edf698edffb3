package dev.cutover.examples;

import dev.cutover.core.migration.JournalSummary;
import dev.cutover.core.migration.Migration;
import dev.cutover.core.migration.MigrationStep;
import dev.cutover.core.report.StepStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Where a journalled migration stands, in the words {@code cutover status} and the messages after a
 * failure or Ctrl-C use: the Heroku app's maintenance state (from the journal), the downtime so far,
 * and what to run next.
 */
record Standing(JournalSummary summary, Instant now) {
  /** The journal's standing now; empty when it cannot be read (the caller reports the journal itself). */
  static Optional<Standing> of(Path journal) {
    // after Ctrl-C the thread may still be interrupted, which would close the file channel under the read
    boolean interrupted = Thread.interrupted();
    try {
      return Optional.of(new Standing(Migration.readJournal(journal), Instant.now()));
    } catch (RuntimeException e) {
      return Optional.empty();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The Heroku app's state, e.g. {@code legacy-shop is in maintenance mode since ... (downtime so far 3 min 05 s)}. */
  String heroku() {
    String app = "Heroku app " + summary.source();
    return summary.maintenanceOnSince().map(on -> app + " is in maintenance mode since "
            + on.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " ("
            + (summary.steps().get(MigrationStep.DEPLOY.id()) == StepStatus.DONE
                ? "the app serves from Aptible; downtime was " : "users see the maintenance page; downtime so far ")
            + RunSummary.time(summary.downtime(now).orElseThrow()) + ")")
        .orElse(app + " is not in maintenance mode: it serves and takes writes"
            + (summary.rolledBackAt().isPresent() ? " (rolled back at " + summary.rolledBackAt().get() + ")" : ""));
  }

  /** What to run next, with the journal's path. */
  String next(Path journal) {
    String j = " --journal " + journal;
    if (summary.complete() && summary.completedAt().isPresent()) {
      return "Nothing: the migration completed at " + summary.completedAt().get() + ". To undo it: cutover rollback" + j;
    }
    Optional<MigrationStep> at = summary.resumesAt();
    String resume = "cutover resume" + j + " (continues at " + at.map(Object::toString).orElse("the report") + ")";
    if (at.isPresent() && summary.steps().get(at.get().id()) == StepStatus.RUNNING) {
      return "Step " + at.get() + " is marked running: if no cutover process runs it, " + resume
          + ", or undo with cutover rollback" + j;
    }
    return summary.maintenanceOnSince().isPresent()
        ? resume + ", or cutover rollback" + j + " to turn maintenance off"
        : resume + "; nothing to roll back on Heroku yet";
  }

  /** Two lines after a failure or Ctrl-C: the Heroku app's state and where the journal is, with what to run next. */
  String afterFailure(Path journal) {
    return heroku() + ".\nJournal: " + journal + ". Next: " + next(journal);
  }
}
