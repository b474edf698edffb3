package dev.cutover.examples;

import dev.cutover.aptible.AptibleClient;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.migration.MigrationPlan;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.heroku.HerokuClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cutover demo}: the whole pipeline on this machine with no credentials and no network, on
 * a {@link DemoEnvironment}. Prints the plan, live progress and the report, then removes everything
 * it created.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Runs a whole migration locally: a seeded PostgreSQL database and fake Heroku "
    + "and Aptible stand in for the real ones. Needs no credentials; leaves nothing behind.")
final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--users", defaultValue = "${env:CUTOVER_DEMO_USERS:-2000}",
      description = "Rows in the seeded users table (default 2000; env CUTOVER_DEMO_USERS).")
  long users;

  @Option(names = {"-q", "--quiet"}, defaultValue = "${env:CUTOVER_QUIET:-false}",
      description = "No progress on stderr (env CUTOVER_QUIET=true).")
  boolean quiet;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long started = System.nanoTime();
    err.println("Setting up the demo: a seeded PostgreSQL database as Heroku Postgres, a fake Heroku API with the "
        + "real heroku CLI, a fake aptible CLI with real tunnels, and the guide's Node.js app in a local git repository...");
    err.flush();
    try (DemoEnvironment env = DemoEnvironment.start(users)) {
      HerokuClient heroku = env.herokuClient();
      AptibleClient aptible = env.aptibleClient();
      MigrationListener progress = quiet ? MigrationListener.NONE : CutoverCli.progress(java.util.Optional.empty());
      MigrationPlan plan = env.migration(heroku, aptible)
          .listener(progress)
          .toolVersion("heroku CLI", heroku.cliVersion())
          .plan();
      out.println(plan.render());
      out.flush();
      MigrationReport report = plan.run();
      out.println(report.toMarkdown());
      out.flush();
      err.print(RunSummary.of(report));
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    err.printf("Demo finished in %d.%d s. Every database, process and file it created has been removed.%n",
        took.toSeconds(), took.toMillisPart() / 100);
    return CutoverCli.OK;
  }
}
