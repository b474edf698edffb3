package dev.cutover.maven;

import dev.cutover.core.Redactor;
import dev.cutover.core.migration.MigrationPlan;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * {@code mvn cutover:plan}: validates everything, inventories the Heroku app, and logs what a
 * migration would do. Changes nothing anywhere (read-only API calls only). With
 * {@code failOnFindings}, a plan that needs a person (an add-on that is not migrated, a warning)
 * fails the build with the findings as the message.
 */
@Mojo(name = "plan", aggregator = true, threadSafe = true)
public class PlanMojo extends MigrationMojo {
  /** Fail the build when the plan has findings: add-ons that are not migrated, or warnings. */
  @Parameter(property = "cutover.failOnFindings", defaultValue = "false")
  boolean failOnFindings;

  /** Creates the goal; Maven injects the parameters. */
  public PlanMojo() {}

  @Override
  void run(Redactor redactor) throws MojoFailureException {
    MigrationPlan plan = migration(redactor).plan();
    plan.render().lines().forEach(getLog()::info);
    getLog().info("Fingerprint " + plan.fingerprint());
    List<String> findings = Findings.of(plan);
    if (failOnFindings && !findings.isEmpty()) {
      throw new MojoFailureException(Findings.message(plan, findings));
    }
    findings.forEach(f -> getLog().warn("Finding: " + f));
  }
}
