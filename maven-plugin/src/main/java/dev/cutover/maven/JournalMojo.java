package dev.cutover.maven;

import dev.cutover.aptible.AptibleClient;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.ValidationException;
import dev.cutover.core.migration.JournalSummary;
import dev.cutover.core.migration.Migration;
import dev.cutover.core.migration.MigrationPlan;
import dev.cutover.heroku.HerokuClient;
import dev.cutover.postgres.PgMigrator;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The goals that continue a journalled migration: {@code resume} and {@code rollback}. The journal
 * is {@code journal}, else {@code <workDirectory>/journal.json} of the configured apps; the source,
 * target and every option come from it.
 */
public abstract class JournalMojo extends CutoverMojo {
  /** Creates the goal; Maven injects the parameters. */
  protected JournalMojo() {}

  /**
   * The plan of the journalled migration, with the current credentials.
   *
   * @throws ValidationException when the journal is not named, missing or corrupt, or a secret is missing
   */
  MigrationPlan journalledPlan(Redactor redactor) {
    ValidationException.Collector problems = problems();
    if (journalPath().isEmpty()) {
      problems.add("journal", "unset", "no journal to continue",
          "pass -Dcutover.journal=PATH, or configure <herokuApp> (the journal is then in .cutover/<app>-to-<target>)");
    }
    Optional<Secret> herokuKey = herokuKey(problems);
    Optional<Secret> aptibleToken = aptibleToken(problems);
    problems.throwIfAny();
    Path file = journalPath().orElseThrow();
    JournalSummary summary = Migration.readJournal(file);
    HerokuClient heroku = herokuClient(herokuKey.orElseThrow(), redactor);
    AptibleClient aptible = aptibleClient(summary.targetEnvironment(), aptibleToken, redactor);
    journalInUse(file);
    return Migration.fromJournal(file, heroku.app(summary.source()), aptible.app(summary.targetApp()))
        .dataMover(PgMigrator.builder().redactor(redactor).build())
        .toolVersion("heroku CLI", heroku.cliVersion())
        .redactor(redactor)
        .listener(listener())
        .plan();
  }
}
