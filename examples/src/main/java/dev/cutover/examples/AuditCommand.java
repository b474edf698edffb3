package dev.cutover.examples;

import dev.cutover.core.migration.AuditResult;
import dev.cutover.core.migration.Migration;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cutover audit --journal FILE}: checks the migration's event log, every line chained to the
 * one before by its SHA-256 and the journal's record of its end; prints the first broken line.
 * Reads only; needs no credentials.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Checks a migration's audit trail (the hash-chained event log beside its journal);"
    + " exit 0 when intact, 5 naming the first broken line.")
final class AuditCommand implements Callable<Integer>, CutoverCli.Validated {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--journal", paramLabel = "FILE", required = true, defaultValue = "${env:CUTOVER_JOURNAL}",
      description = "The journal of the migration (env CUTOVER_JOURNAL).")
  Path journal;

  @Override
  public void validate(dev.cutover.core.ValidationException.Collector problems) {
    CutoverCli.validateJournal(journal, problems);
  }

  @Override
  public Integer call() {
    dev.cutover.core.ValidationException.Collector problems = dev.cutover.core.ValidationException.collector("cutover");
    validate(problems);
    problems.throwIfAny();
    AuditResult result = Migration.audit(journal);
    if (result.intact()) {
      spec.commandLine().getOut().println("audit: " + result);
      return CutoverCli.OK;
    }
    spec.commandLine().getErr().println("cutover: audit: the event log was altered: " + result);
    return CutoverCli.AUDIT_BROKEN;
  }
}
