package dev.cutover.examples;

import dev.cutover.aptible.AptibleClient;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.migration.Migration;
import dev.cutover.core.migration.MigrationPlan;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.heroku.HerokuClient;
import dev.cutover.postgres.PgMigrator;
import dev.cutover.redis.RedisMigrator;
import java.nio.file.Path;
import java.util.List;

/**
 * A migration of a Heroku app with Postgres and Redis in a JVM of its own, so that
 * {@link RedisEndToEndTest} can SIGKILL it mid-copy: {@code run|resume APP WORK_DIR REPO CONNECTIONS
 * BATCH_KEYS}, the fakes' addresses as system properties, the tokens in the environment. Prints the
 * outcome on stdout; the runner's step lines go to stderr (slf4j-simple).
 */
final class RedisMigrationChild {
  private RedisMigrationChild() {}

  public static void main(String[] args) {
    Redactor redactor = Redactor.create();
    HerokuClient heroku = HerokuClient.builder().apiKey(Secret.fromEnv("HEROKU_API_KEY").orElseThrow())
        .apiUrl(System.getProperty("heroku.api")).dataApiHost(System.getProperty("heroku.data"))
        .extraCaCertificate(Path.of(System.getProperty("heroku.ca")))
        .cliCommand(List.of(System.getProperty("heroku.cli").split("\u001f"))).redactor(redactor).build();
    AptibleClient aptible = AptibleClient.builder().environment(System.getProperty("aptible.env"))
        .accessToken(Secret.fromEnv("APTIBLE_ACCESS_TOKEN").orElseThrow())
        .cliCommand(List.of(System.getProperty("aptible.cli").split("\u001f")))
        .gitRemoteTemplate(System.getProperty("aptible.git")).gitSshKey(Path.of(System.getProperty("aptible.sshKey")))
        .gitKnownHosts(Path.of(System.getProperty("aptible.knownHosts"))).tunnelSslMode("prefer").redactor(redactor)
        .build();
    String app = args[1];
    MigrationPlan plan = Migration.from(heroku.app(app)).to(aptible.app(app))
        .deploy(Deploy.git(Path.of(args[3]), SampleNodeApp.BRANCH)).workDirectory(Path.of(args[2])).redactor(redactor)
        .dataMover(PgMigrator.builder().redactor(redactor).build())
        .redis(RedisMigrator.builder().connections(Integer.parseInt(args[4])).batchKeys(Integer.parseInt(args[5])).build())
        .plan();
    MigrationReport report = args[0].equals("run") ? plan.run() : plan.resume();
    System.out.println(report.outcome());
    System.exit(0);
  }
}
