package dev.cutover.examples;

import dev.cutover.aptible.AptibleClient;
import dev.cutover.core.ConsoleProgress;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Toolkit;
import dev.cutover.core.migration.Migration;
import dev.cutover.core.migration.MigrationPlan;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.heroku.HerokuClient;
import java.nio.file.Path;

/**
 * The guide's migration, a Node.js app with Heroku Postgres, with the facade: Dockerfile and
 * {@code .aptible.yml} from the Procfile, app and database created, maintenance on, backup captured,
 * restored with {@code pg_restore} (the guide pipes {@code pg_restore -f -} into {@code psql}:
 * {@code RestoreStrategy.GUIDE_SQL}), verified, config copied, code pushed, services scaled,
 * endpoint created, report written.
 *
 * <pre>{@code
 * HEROKU_API_KEY=... APTIBLE_ACCESS_TOKEN=... java -cp examples/target/cutover.jar \
 *     dev.cutover.examples.NodePostgresMigration my-heroku-app my_environment my-app path/to/repo
 * }</pre>
 */
public final class NodePostgresMigration {
  private NodePostgresMigration() {}

  /** Migrates {@code args[0]} (Heroku app) to {@code args[2]} in environment {@code args[1]}, from repository {@code args[3]}. */
  public static void main(String[] args) {
    Toolkit toolkit = Toolkit.create();                     // one redactor for every client and the migration
    try (HerokuClient heroku = HerokuClient.fromEnvironment(toolkit);
        AptibleClient aptible = AptibleClient.builder().toolkit(toolkit).environment(args[1]).build()) {
      MigrationReport report = migrate(heroku, aptible, args[0], args[2], Path.of(args.length > 3 ? args[3] : "."),
          ConsoleProgress.stderr());
      System.out.println(report.toMarkdown());
    }
  }

  /** The migration itself: plan (printed), then run. Blocks; the report is also written next to the journal. */
  public static MigrationReport migrate(HerokuClient heroku, AptibleClient aptible, String herokuApp, String aptibleApp,
      Path repo, MigrationListener progress) {
    MigrationPlan plan = Migration.from(heroku.app(herokuApp))
        .to(aptible.app(aptibleApp))
        .restore(RestoreStrategy.PG_RESTORE)                // pg_restore -j N --no-owner --no-acl
        .deploy(Deploy.git(repo, "main"))                   // git push aptible main:master
        .workDirectory(repo.resolveSibling(repo.getFileName() + "-cutover"))
        .listener(progress)
        .plan();                                            // validates everything, changes nothing
    System.out.println(plan.render());
    return plan.run();                                      // after a failure: plan.resume()
  }
}
