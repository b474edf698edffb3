package dev.cutover.maven;

import dev.cutover.core.Redactor;
import dev.cutover.core.migration.MigrationPlan;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * {@code mvn cutover:resume}: continues a migration at its first unfinished step, from its journal,
 * after a failure, a cancellation or a killed build. Steps already done are not repeated. Blocks.
 */
@Mojo(name = "resume", aggregator = true, threadSafe = true)
public class ResumeMojo extends JournalMojo {
  /** Creates the goal; Maven injects the parameters. */
  public ResumeMojo() {}

  @Override
  void run(Redactor redactor) {
    MigrationPlan plan = journalledPlan(redactor);
    getLog().info("Resuming " + plan.source() + " -> " + plan.target() + " at "
        + plan.resumesAt().map(Object::toString).orElse("the report (every step is done)"));
    log(plan.resume());
  }
}
