package dev.cutover.maven;

import dev.cutover.aptible.AptibleClient;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.ValidationException;
import dev.cutover.core.migration.Migration;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.model.RegistryCredentials;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.heroku.HerokuClient;
import dev.cutover.postgres.PgMigrator;
import java.io.File;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * The goals that plan a migration from the POM's configuration: {@code plan}, {@code rehearse} and {@code migrate}.
 *
 * <pre>{@code
 * <plugin>
 *   <groupId>dev.cutover</groupId>
 *   <artifactId>cutover-maven-plugin</artifactId>
 *   <configuration>
 *     <herokuApp>my-heroku-app</herokuApp>
 *     <environment>my_environment</environment>
 *     <targetApp>my-app</targetApp>
 *     <restore>parallel</restore>
 *     <branch>main</branch>
 *     <database><version>16</version><diskSizeGb>100</diskSizeGb></database>
 *   </configuration>
 * </plugin>
 * }</pre>
 */
public abstract class MigrationMojo extends CutoverMojo {
  /** Restore strategy, any case: {@code parallel} (default), {@code pg_restore} or {@code guide_sql}. */
  @Parameter(property = "cutover.restore", defaultValue = "PARALLEL")
  String restore;

  /** The app's git repository, pushed to Aptible. */
  @Parameter(property = "cutover.repository", defaultValue = "${project.basedir}")
  File repository;

  /** The branch to deploy. */
  @Parameter(property = "cutover.branch", defaultValue = "main")
  String branch;

  /**
   * Deploy this Docker image instead of a git push. Registry credentials: the settings.xml server
   * {@code registryServerId} (default: the image's registry host, e.g. {@code registry.example.com}),
   * else {@code CUTOVER_REGISTRY_USER} and {@code CUTOVER_REGISTRY_PASSWORD}, else none (a public image).
   */
  @Parameter(property = "cutover.image")
  String image;

  /** The settings.xml server holding the image registry's user name and password. */
  @Parameter(property = "cutover.registryServerId")
  String registryServerId;

  /** The Aptible database to create; default: the Heroku database's major version and size. */
  @Parameter
  DatabaseConfig database;

  /** Keep the dump after the run. */
  @Parameter(property = "cutover.keepDump", defaultValue = "false")
  boolean keepDump;

  /** Restore into a target database that already holds data, replacing it. */
  @Parameter(property = "cutover.replaceExisting", defaultValue = "false")
  boolean replaceExisting;

  /** Container size in MB per process type, overriding the size mapped from its dyno, e.g. {@code <worker>2048</worker>}. */
  @Parameter
  Map<String, String> containerSizes = new LinkedHashMap<>();

  /** The port the app listens on, set as {@code PORT}; default the Dockerfile's {@code EXPOSE}, else 3000. */
  @Parameter(property = "cutover.port")
  Integer port;

  /** Creates the goal; Maven injects the parameters. */
  protected MigrationMojo() {}

  /**
   * The migration the POM describes, not yet planned. Every bad option is reported at once, before
   * any client is built.
   *
   * @throws ValidationException with every problem found
   */
  Migration migration(Redactor redactor) {
    ValidationException.Collector problems = problems();
    if (herokuApp == null || herokuApp.isBlank()) {
      problems.add("herokuApp", "unset", "the Heroku app is required",
          "add <herokuApp>NAME</herokuApp> to the plugin's <configuration>, or pass -Dcutover.herokuApp=NAME");
    }
    if (environment == null || environment.isBlank()) {
      problems.add("environment", "unset", "the Aptible environment is required",
          "add <environment>HANDLE</environment>, or pass -Dcutover.environment=HANDLE");
    }
    Optional<RestoreStrategy> strategy = restoreStrategy(problems);
    Map<String, Integer> sizes = containerSizes(problems);
    Optional<dev.cutover.core.model.DatabaseSpec> spec = database == null ? Optional.empty() : database.spec(problems);
    Deploy deploy = deploy(redactor, problems);
    Optional<Secret> herokuKey = herokuKey(problems);
    Optional<Secret> aptibleToken = aptibleToken(problems);
    problems.throwIfAny();

    HerokuClient heroku = herokuClient(herokuKey.orElseThrow(), redactor);
    AptibleClient aptible = aptibleClient(environment, aptibleToken, redactor);

    Migration m = Migration.from(heroku.app(herokuApp)).to(aptible.app(target()))
        .dataMover(PgMigrator.builder().redactor(redactor).build())
        .toolVersion("heroku CLI", heroku.cliVersion())
        .redactor(redactor)
        .listener(listener())
        .deploy(deploy)
        .restore(strategy.orElseThrow())
        .keepDump(keepDump)
        .replaceExisting(replaceExisting)
        .workDirectory(workDirectoryPath());
    if (spec.isPresent()) {
      m = m.database(spec.get());
    }
    if (journal != null) {
      m = m.journal(journal.toPath().toAbsolutePath());
    }
    for (Map.Entry<String, Integer> e : sizes.entrySet()) {
      m = m.containerSizeOverride(e.getKey(), e.getValue());
    }
    return port == null ? m : m.port(port);
  }

  private Optional<RestoreStrategy> restoreStrategy(ValidationException.Collector problems) {
    try {
      return Optional.of(RestoreStrategy.valueOf(restore.strip().toUpperCase(Locale.ROOT).replace('-', '_')));
    } catch (IllegalArgumentException e) {
      problems.add("restore", restore, "is not a restore strategy", "use one of "
          + Arrays.toString(RestoreStrategy.values()).toLowerCase(Locale.ROOT));
      return Optional.empty();
    }
  }

  private Map<String, Integer> containerSizes(ValidationException.Collector problems) {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    containerSizes.forEach((type, mb) -> {
      try {
        sizes.put(type, Integer.parseInt(mb.strip()));
      } catch (NumberFormatException e) {
        problems.add("containerSizes." + type, mb, "is not a size in MB", "e.g. <" + type + ">2048</" + type + ">");
      }
    });
    return sizes;
  }

  private Deploy deploy(Redactor redactor, ValidationException.Collector problems) {
    if (image == null) {
      return Deploy.git(repository.toPath().toAbsolutePath(), branch);
    }
    String serverId = registryServerId != null ? registryServerId : registryHost(image);
    Optional<Credentials.Login> login = credentials().server(serverId, problems);
    if (login.isEmpty() && registryServerId != null) {
      problems.add("registryServerId", registryServerId, "no such <server> in settings.xml",
          "add <server><id>" + registryServerId + "</id><username>...</username><password>...</password></server>");
    }
    if (login.isEmpty()) {
      login = credentials().find(null, "CUTOVER_REGISTRY_PASSWORD", problems)
          .map(p -> new Credentials.Login(environmentVariables.apply("CUTOVER_REGISTRY_USER"), p.password(), p.source()));
    }
    if (login.isEmpty()) {
      return Deploy.dockerImage(image);
    }
    if (login.get().username() == null || login.get().username().isBlank()) {
      problems.add("registry user", "unset", "the registry password from " + login.get().source() + " has no user name",
          "add <username> to the server, or export CUTOVER_REGISTRY_USER");
      return Deploy.dockerImage(image);
    }
    return Deploy.dockerImage(image, new RegistryCredentials(login.get().username(),
        redactor.register(login.get().password())));
  }

  /** The registry host of an image reference, as Docker reads it: the first part when it looks like a host. */
  static String registryHost(String image) {
    int slash = image.indexOf('/');
    String first = slash < 0 ? "" : image.substring(0, slash);
    return first.contains(".") || first.contains(":") || first.equals("localhost") ? first : "docker.io";
  }
}
