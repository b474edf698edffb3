package dev.cutover.examples;

import dev.cutover.core.ValidationException;
import dev.cutover.core.migration.JournalSummary;
import dev.cutover.core.migration.MigrationStep;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cutover status --journal FILE}: where a migration stands, from its journal alone: every
 * step with its status, start and time, the Heroku app's maintenance state and the downtime so far,
 * and what to run next. Reads only; needs no credentials and takes no lock.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Shows where a migration stands, from its journal: steps, times, the Heroku app's maintenance state,"
        + " downtime so far and what to run next. Reads only; needs no credentials.")
final class StatusCommand implements Callable<Integer>, CutoverCli.Validated {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--journal", paramLabel = "FILE", required = true, defaultValue = "${env:CUTOVER_JOURNAL}",
      description = "The journal of the migration (env CUTOVER_JOURNAL).")
  Path journal;

  @Override
  public void validate(ValidationException.Collector problems) {
    CutoverCli.validateJournal(journal, problems);
  }

  @Override
  public Integer call() {
    ValidationException.Collector problems = ValidationException.collector("cutover");
    validate(problems);
    problems.throwIfAny();
    Path file = journal.toAbsolutePath().normalize();
    JournalSummary s = dev.cutover.core.migration.Migration.readJournal(file);
    print(new Standing(s, Instant.now()), file, spec.commandLine().getOut());
    return CutoverCli.OK;
  }

  static void print(Standing standing, Path journal, PrintWriter out) {
    JournalSummary s = standing.summary();
    out.println("Migration " + s.migrationId() + ": " + s.source() + " (Heroku) -> " + s.targetEnvironment() + "/"
        + s.targetApp() + " (Aptible)");
    out.println("Journal: " + journal);
    for (MigrationStep step : MigrationStep.values()) {
      JournalSummary.StepRecord r = s.records().get(step.id());
      if (r == null) {
        out.printf(Locale.ROOT, "  %2d. %-16s %s%n", step.number(), step.id(), s.steps().get(step.id()));
        continue;
      }
      out.printf(Locale.ROOT, "  %2d. %-16s %-8s %-24s %10s  %s%n", step.number(), step.id(), r.status(),
          r.startedAt().map(t -> t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()).orElse(""),
          r.finishedAt().isPresent() ? RunSummary.time(r.duration()) : "",
          r.summary().length() > 80 ? r.summary().substring(0, 77) + "..." : r.summary());
    }
    out.println(standing.heroku() + ".");
    out.println("Next: " + standing.next(journal));
  }
}
