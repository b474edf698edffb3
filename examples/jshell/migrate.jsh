// Heroku -> Aptible from JShell. Launch from the repository root (after ./mvnw -q -B package -DskipTests):
//   jshell --class-path examples/target/cutover.jar examples/jshell/migrate.jsh
// Needs HEROKU_API_KEY (or `heroku login`), APTIBLE_ACCESS_TOKEN (or `aptible login`), and names the apps with
// CUTOVER_HEROKU_APP, CUTOVER_APTIBLE_ENVIRONMENT, CUTOVER_APTIBLE_APP, CUTOVER_REPO (default ".").
// As for the CLI, CUTOVER_HEROKU_API_URL, CUTOVER_HEROKU_DATA_HOST and CUTOVER_HEROKU_CA_FILE point it at
// another Heroku API (the testkit's, in ReadmeIT).
// It prints the plan and leaves you in JShell with `plan`: type plan.run() to migrate.
// JShell runs each line that completes a statement, so a chained call ends its lines with the dot.

import dev.cutover.aptible.AptibleClient;
import dev.cutover.core.ConsoleProgress;
import dev.cutover.core.Secret;
import dev.cutover.core.Toolkit;
import dev.cutover.core.migration.Migration;
import dev.cutover.core.migration.MigrationPlan;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.heroku.HerokuClient;
import java.nio.file.Path;

String env(String name, String fallback) {
  String v = System.getenv(name);
  return v == null || v.isBlank() ? fallback : v;
}

var toolkit = Toolkit.create(); // one redactor for both clients and the migration

HerokuClient herokuClient() {
  if (env("CUTOVER_HEROKU_API_URL", null) == null) {
    return HerokuClient.fromEnvironment(toolkit);
  }
  var b = HerokuClient.builder().toolkit(toolkit).apiKey(Secret.requireEnv("HEROKU_API_KEY")).apiUrl(env("CUTOVER_HEROKU_API_URL", null)).
      dataApiHost(env("CUTOVER_HEROKU_DATA_HOST", HerokuClient.DEFAULT_DATA_API_HOST));
  if (env("CUTOVER_HEROKU_CA_FILE", null) != null) {
    b.extraCaCertificate(Path.of(env("CUTOVER_HEROKU_CA_FILE", null)));
  }
  return b.build();
}

var heroku = herokuClient();
var aptible = AptibleClient.builder().toolkit(toolkit).environment(env("CUTOVER_APTIBLE_ENVIRONMENT", "my_environment")).build();

MigrationPlan plan = Migration.from(heroku.app(env("CUTOVER_HEROKU_APP", "my-heroku-app"))).
    to(aptible.app(env("CUTOVER_APTIBLE_APP", "my-app"))).
    restore(RestoreStrategy.PARALLEL).
    deploy(Deploy.git(Path.of(env("CUTOVER_REPO", ".")).toAbsolutePath(), "main")).
    listener(ConsoleProgress.stderr()).
    plan();

System.out.println(plan.render());
System.out.println("Type plan.run() to migrate (plan.resume() after a failure, plan.rollback() to give Heroku back).");
