package dev.cutover.maven;

import dev.cutover.core.Redactor;
import dev.cutover.core.migration.MigrationPlan;
import dev.cutover.core.migration.RehearsalReport;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * {@code mvn cutover:rehearse}: plans as {@code cutover:plan} does (same configuration), then
 * {@link MigrationPlan#rehearse()}: the data moves as planned into the scratch Aptible database
 * {@code <database handle>-rehearsal} with the Heroku app live (no maintenance, no write fence, no
 * scaling; DIRECT captures no backup), is verified, and each phase is timed. Logs the phases, the
 * throughput and the downtime estimate, which later {@code cutover:plan} runs show. The scratch
 * database is kept for the next rehearsal (remove it with {@code aptible db:deprovision}). Blocks;
 * writes no journal.
 */
@Mojo(name = "rehearse", aggregator = true, threadSafe = true)
public class RehearseMojo extends MigrationMojo {
  /** Creates the goal; Maven injects the parameters. */
  public RehearseMojo() {}

  @Override
  void run(Redactor redactor) throws MojoFailureException {
    MigrationPlan plan = migration(redactor).plan();
    RehearsalReport report = plan.rehearse();
    report.render().lines().forEach(getLog()::info);
    getLog().info("Rehearsal kept in " + plan.workDirectory().resolve("rehearsal.json")
        + ": mvn cutover:plan shows the estimate.");
    report.moves().forEach(m -> getLog().info("The scratch database " + m.scratchDatabase() + " stays for the next"
        + " rehearsal; remove it with: aptible db:deprovision " + m.scratchDatabase() + " --environment " + environment));
    if (!report.moves().stream().allMatch(RehearsalReport.Move::verified)) {
      throw new MojoFailureException("cutover:rehearse: the scratch data did not verify (see NOT verified above);"
          + " the estimate stands, but find the cause before migrating.");
    }
  }
}
