package dev.cutover.maven;

import dev.cutover.core.Redactor;
import dev.cutover.core.migration.MigrationPlan;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * {@code mvn cutover:migrate}: plans, logs the plan, then runs every step (or continues a journalled
 * run at its first unfinished step). Blocks for the whole migration. Heroku stays in maintenance
 * after a successful run; the report's Markdown and JSON are written into the work directory.
 */
@Mojo(name = "migrate", aggregator = true, threadSafe = true)
public class MigrateMojo extends MigrationMojo {
  /** Creates the goal; Maven injects the parameters. */
  public MigrateMojo() {}

  @Override
  void run(Redactor redactor) {
    MigrationPlan plan = migration(redactor).plan();
    plan.render().lines().forEach(getLog()::info);
    journalInUse(plan.journal());
    log(plan.run());
  }
}
