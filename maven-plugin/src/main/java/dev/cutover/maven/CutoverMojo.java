package dev.cutover.maven;

import dev.cutover.aptible.AptibleClient;
import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.ValidationException;
import dev.cutover.core.migration.VerificationFailedException;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.heroku.HerokuClient;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * What every Cutover goal shares: how to reach Heroku and Aptible, where the secrets come from, the
 * journal's location, and how a failure becomes a build failure.
 *
 * <p>Secrets never come from the POM. The Heroku API key is the password of the {@code settings.xml}
 * server {@code herokuServerId} (default {@code heroku}), else {@code HEROKU_API_KEY}; the Aptible
 * token is the password of server {@code aptibleServerId} (default {@code aptible}), else
 * {@code APTIBLE_ACCESS_TOKEN}, else what {@code aptible login} stored. Encrypted passwords
 * ({@code mvn --encrypt-password}) are decrypted with Maven's settings decrypter.
 */
public abstract class CutoverMojo extends AbstractMojo {
  /** The Heroku app to migrate. */
  @Parameter(property = "cutover.herokuApp")
  String herokuApp;

  /** The Aptible app's handle; default: the Heroku app's name. */
  @Parameter(property = "cutover.targetApp")
  String targetApp;

  /** The Aptible environment's handle. */
  @Parameter(property = "cutover.environment")
  String environment;

  /**
   * Dumps, journal and report; default {@code ${project.basedir}/.cutover/<herokuApp>-to-<targetApp>}.
   * Keep it out of {@code target/}: {@code mvn clean} would delete the journal a resume needs.
   */
  @Parameter(property = "cutover.workDirectory")
  File workDirectory;

  /** The journal; default {@code <workDirectory>/journal.json}. */
  @Parameter(property = "cutover.journal")
  File journal;

  /** The settings.xml {@code <server>} whose password is the Heroku API key. */
  @Parameter(property = "cutover.herokuServerId", defaultValue = "heroku")
  String herokuServerId;

  /** The settings.xml {@code <server>} whose password is the Aptible access token. */
  @Parameter(property = "cutover.aptibleServerId", defaultValue = "aptible")
  String aptibleServerId;

  /** Heroku Platform API root; default {@code https://api.heroku.com}. */
  @Parameter(property = "cutover.herokuApiUrl")
  String herokuApiUrl;

  /** Heroku Postgres data API host; default {@code api.data.heroku.com}. */
  @Parameter(property = "cutover.herokuDataApiHost")
  String herokuDataApiHost;

  /** An extra PEM certificate to trust for Heroku. */
  @Parameter(property = "cutover.herokuCaFile")
  File herokuCaFile;

  /** The {@code heroku} executable; default {@code heroku} on the PATH. */
  @Parameter(property = "cutover.herokuCli")
  String herokuCli;

  /** The {@code aptible} executable; default {@code aptible} on the PATH. */
  @Parameter(property = "cutover.aptibleCli")
  String aptibleCli;

  /** The Aptible Deploy API root; default {@code https://api.aptible.com}. */
  @Parameter(property = "cutover.aptibleApiUrl")
  String aptibleApiUrl;

  /** Git remote template with two {@code %s} (environment, app); default {@code git@beta.aptible.com:%s/%s.git}. */
  @Parameter(property = "cutover.gitRemoteTemplate")
  String gitRemoteTemplate;

  /** Private key for the git push to Aptible; default your {@code ~/.ssh} keys. */
  @Parameter(property = "cutover.sshKey")
  File sshKey;

  /** {@code known_hosts} for the git push; default {@code ~/.ssh/known_hosts}. */
  @Parameter(property = "cutover.knownHosts")
  File knownHosts;

  /** libpq {@code sslmode} through the database tunnel; default {@code require}. */
  @Parameter(property = "cutover.tunnelSslMode")
  String tunnelSslMode;

  /** Skips the goal. */
  @Parameter(property = "cutover.skip", defaultValue = "false")
  boolean skip;

  /** Refused: a secret in the POM. Use settings.xml server {@code heroku} or {@code HEROKU_API_KEY}. */
  @Parameter
  String herokuApiKey;

  /** Refused: a secret in the POM. Use settings.xml server {@code aptible} or {@code APTIBLE_ACCESS_TOKEN}. */
  @Parameter
  String aptibleAccessToken;

  /** Refused: a secret in the POM. Use a settings.xml server named after the registry. */
  @Parameter
  String registryPassword;

  /** The project's directory; relative defaults resolve against it, not the working directory. */
  @Parameter(defaultValue = "${project.basedir}", readonly = true)
  File basedir;

  /** Maven's settings, for {@code <servers>}. */
  @Parameter(defaultValue = "${settings}", readonly = true)
  Settings settings;

  /** Decrypts {@code settings.xml} passwords. */
  @Component
  SettingsDecrypter decrypter;

  /** Reads environment variables; tests replace it. */
  UnaryOperator<String> environmentVariables = System::getenv;

  /** Closed after the goal. */
  private final List<AutoCloseable> toClose = new ArrayList<>();

  /** The journal, once known: resume advice is given only when it exists. */
  private Path journalInUse;

  /** Creates the goal; Maven injects the parameters. */
  protected CutoverMojo() {}

  /**
   * Runs the goal. A bad input fails the build with every problem listed and nothing changed; a
   * data verification failure fails it with nothing switched over; a failed step fails it with the
   * advice to run {@code cutover:resume}.
   *
   * @throws MojoFailureException on bad input, findings, or data that did not verify
   * @throws MojoExecutionException when a step fails
   */
  @Override
  public final void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("Cutover: skipped (cutover.skip)");
      return;
    }
    Redactor redactor = Redactor.create();
    try {
      run(redactor);
    } catch (ValidationException e) {
      throw new MojoFailureException(e.getMessage());
    } catch (VerificationFailedException e) {
      throw new MojoFailureException(e.getMessage() + "\nNothing was switched over; the source is still primary. "
          + "Investigate, then run mvn cutover:resume or mvn cutover:rollback.");
    } catch (MigrationCancelledException e) {
      throw new MojoExecutionException(e.getMessage() + resumeAdvice("continue where it stopped"));
    } catch (MigrationException e) {
      throw new MojoExecutionException(e.getMessage() + resumeAdvice("continue at the failed step"));
    } finally {
      close();
    }
  }

  /**
   * The goal's work.
   *
   * @param redactor knows every secret in play; shared with the clients and the migration
   * @throws MojoFailureException when the goal's own check fails (e.g. findings)
   */
  abstract void run(Redactor redactor) throws MojoFailureException;

  /** Problems of the options every goal shares, secrets in the POM first. */
  ValidationException.Collector problems() {
    ValidationException.Collector problems = ValidationException.collector("cutover");
    refuse(problems, "herokuApiKey", herokuApiKey, "<server><id>" + herokuServerId + "</id>", "HEROKU_API_KEY");
    refuse(problems, "aptibleAccessToken", aptibleAccessToken, "<server><id>" + aptibleServerId + "</id>",
        "APTIBLE_ACCESS_TOKEN");
    refuse(problems, "registryPassword", registryPassword, "<server> whose <id> is the registry host",
        "CUTOVER_REGISTRY_PASSWORD");
    return problems;
  }

  private static void refuse(ValidationException.Collector problems, String field, String value, String server,
      String envVar) {
    if (value != null) {
      problems.addSecret(field, "a secret in the POM is refused: the POM is committed and printed by "
          + "help:effective-pom", "remove <" + field + "> from the POM; put the secret in ~/.m2/settings.xml as "
          + server + "<password>...</password></server> (mvn --encrypt-password encrypts it) or export " + envVar);
    }
  }

  Credentials credentials() {
    return new Credentials(settings, decrypter, environmentVariables);
  }

  /** The Aptible app's handle. */
  String target() {
    return targetApp != null ? targetApp : herokuApp;
  }

  /** The work directory, resolved against the project directory (Maven's working directory may be another). */
  Path workDirectoryPath() {
    return workDirectory != null ? workDirectory.toPath().toAbsolutePath()
        : basedir.toPath().resolve(".cutover").resolve(herokuApp + "-to-" + target());
  }

  /** The journal's path when it is known from the options, else empty. */
  Optional<Path> journalPath() {
    if (journal != null) {
      return Optional.of(journal.toPath().toAbsolutePath());
    }
    return workDirectory != null || herokuApp != null ? Optional.of(workDirectoryPath().resolve("journal.json"))
        : Optional.empty();
  }

  void journalInUse(Path file) {
    this.journalInUse = file;
  }

  /** The Heroku API key from settings.xml or {@code HEROKU_API_KEY}; a problem when there is none. */
  Optional<Secret> herokuKey(ValidationException.Collector problems) {
    Optional<Credentials.Login> key = credentials().find(herokuServerId, "HEROKU_API_KEY", problems);
    if (key.isEmpty()) {
      problems.add("HEROKU_API_KEY", "unset", "no Heroku API key: no settings.xml server '" + herokuServerId
          + "' and HEROKU_API_KEY is unset", "add <server><id>" + herokuServerId + "</id><password>KEY</password>"
          + "</server> to ~/.m2/settings.xml, or export HEROKU_API_KEY=$(heroku auth:token)");
    }
    key.ifPresent(k -> getLog().debug("Heroku API key from " + k.source()));
    return key.map(Credentials.Login::password);
  }

  /** The Aptible token from settings.xml; empty leaves it to {@code APTIBLE_ACCESS_TOKEN} or {@code aptible login}. */
  Optional<Secret> aptibleToken(ValidationException.Collector problems) {
    Optional<Credentials.Login> token = credentials().server(aptibleServerId, problems);
    token.ifPresent(t -> getLog().debug("Aptible token from " + t.source()));
    return token.map(Credentials.Login::password);
  }

  /** A Heroku client with {@code key}; closed after the goal. */
  HerokuClient herokuClient(Secret key, Redactor redactor) {
    HerokuClient.Builder b = HerokuClient.builder().apiKey(key).redactor(redactor);
    Optional.ofNullable(herokuApiUrl).ifPresent(b::apiUrl);
    Optional.ofNullable(herokuDataApiHost).ifPresent(b::dataApiHost);
    Optional.ofNullable(herokuCaFile).ifPresent(f -> b.extraCaCertificate(f.toPath()));
    Optional.ofNullable(herokuCli).ifPresent(cli -> b.cliCommand(List.of(cli)));
    HerokuClient client = b.build();
    toClose.add(client);
    return client;
  }

  /** An Aptible client for {@code environmentHandle}, with {@code token} when settings.xml gave one. */
  AptibleClient aptibleClient(String environmentHandle, Optional<Secret> token, Redactor redactor) {
    AptibleClient.Builder b = AptibleClient.builder().environment(environmentHandle).redactor(redactor);
    token.ifPresent(b::accessToken);
    Optional.ofNullable(aptibleCli).ifPresent(cli -> b.cliCommand(List.of(cli)));
    Optional.ofNullable(aptibleApiUrl).ifPresent(b::apiUrl);
    Optional.ofNullable(gitRemoteTemplate).ifPresent(b::gitRemoteTemplate);
    Optional.ofNullable(sshKey).ifPresent(f -> b.gitSshKey(f.toPath()));
    Optional.ofNullable(knownHosts).ifPresent(f -> b.gitKnownHosts(f.toPath()));
    Optional.ofNullable(tunnelSslMode).ifPresent(b::tunnelSslMode);
    return b.build();
  }

  /** Progress as Maven log lines. */
  MigrationListener listener() {
    return new MavenLogListener(getLog());
  }

  /** Logs the report, line by line, and where its files are. */
  void log(MigrationReport report) {
    report.toMarkdown().lines().forEach(getLog()::info);
  }

  private String resumeAdvice(String what) {
    if (journalInUse == null || !Files.exists(journalInUse)) {
      return "";
    }
    return "\nFix the cause, then run mvn cutover:resume to " + what + " (journal " + journalInUse
        + "), or mvn cutover:rollback.";
  }

  private void close() {
    for (AutoCloseable c : toClose) {
      try {
        c.close();
      } catch (Exception e) {
        getLog().warn("Closing " + c + ": " + e);
      }
    }
    toClose.clear();
  }
}
