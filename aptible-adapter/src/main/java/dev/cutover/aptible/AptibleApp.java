package dev.cutover.aptible;

import dev.cutover.aptible.internal.GitPush;
import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Secret;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.spi.HttpsEndpoint;
import dev.cutover.core.spi.TargetApp;
import dev.cutover.core.spi.TargetRules;
import dev.cutover.core.Toolkit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.jgit.lib.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Aptible app in the client's environment, as the migration pipeline drives it. Get it from
 * {@link AptibleClient#app(String)}.
 *
 * <p>Every method blocks, validates its inputs before any CLI call (all problems at once, in a
 * {@link ValidationException}), and is safe to repeat: it recognises what already exists. CLI
 * failures surface as {@link AptibleException}, git failures as {@link dev.cutover.core.GitException}.
 * Immutable and thread-safe.
 */
public final class AptibleApp implements TargetApp {
  private static final Logger LOG = LoggerFactory.getLogger(AptibleApp.class);

  private final AptibleClient client;
  private final String handle;

  AptibleApp(AptibleClient client, String handle) {
    this.client = client;
    this.handle = handle;
  }

  @Override
  public String handle() {
    return handle;
  }

  @Override
  public String environment() {
    return client.environment();
  }

  /**
   * Aptible's rules for this app, which a migration's {@code plan()} checks before any side effect:
   * handles (no leading {@code -}), the access token the CLI would use, disk and container sizes,
   * images, config names, container counts, and endpoints ({@code internal-} apps have none; managed
   * TLS needs a non-apex domain). Calls nothing.
   */
  @Override
  public Optional<Toolkit> toolkit() {
    return Optional.of(client.toolkit());
  }

  @Override
  public TargetRules rules() {
    return new AptibleRules(client);
  }

  /** The git remote the app is deployed through (from the client's template). */
  public String gitRemote() {
    return client.gitRemote(handle);
  }

  /** The app as {@code aptible apps} shows it, if it exists. */
  public Optional<AppInfo> info() {
    return client.apps().stream().filter(a -> a.handle().equals(handle)).findFirst();
  }

  /** Creates the app unless it exists ({@code apps}, then {@code apps:create}). */
  @Override
  public void ensureApp() {
    requireHandle();
    if (info().isPresent()) {
      LOG.info("App {} exists in {}", handle, environment());
      return;
    }
    client.createApp(handle);
    LOG.info("App {} created in {}", handle, environment());
  }

  /**
   * Creates the database unless it exists. An existing database of the same handle is reused when
   * its type and version match the spec; otherwise this refuses with a {@link ValidationException}
   * (field {@code database.handle}) rather than touch it. Checks the spec (and, before creating,
   * the version against {@code db:versions}) first.
   */
  @Override
  public void ensureDatabase(String dbHandle, DatabaseSpec spec) {
    ValidationException.Collector problems = ValidationException.collector("aptible.db:create");
    AptibleInputs.databaseSpec(problems, dbHandle, spec);
    problems.throwIfAny();
    Optional<DatabaseInfo> existing = client.databases().stream().filter(d -> d.handle().equals(dbHandle)).findFirst();
    if (existing.isPresent()) {
      DatabaseInfo db = existing.get();
      if (db.type().equals(spec.type()) && db.version().equals(spec.version()) && !db.status().isEmpty()
          && !db.status().equals("provisioned")) {
        throw new MigrationException("aptible.db:create", "aptible.db:create: database " + dbHandle + " exists in "
            + environment() + " but is " + db.status() + ", not provisioned. Check its last operation's logs in the"
            + " dashboard, then deprovision it or wait for the provision to finish.", true, null);
      }
      if (db.type().equals(spec.type()) && db.version().equals(spec.version())) {
        LOG.info("Database {} ({} {}) exists in {}; reusing it", dbHandle, db.type(), db.version(), environment());
        return;
      }
      problems.add("database.handle", dbHandle, "already exists in " + environment() + " as " + db.type() + " "
          + db.version() + ", not " + spec.type() + " " + spec.version(),
          "choose another handle, or deprovision the existing database if it is not needed");
      problems.throwIfAny();
    }
    client.createDatabase(dbHandle, spec);
  }

  @Override
  public Secret databaseUrl(String dbHandle) {
    return client.database(dbHandle).url();
  }

  @Override
  public Secret databaseUrl(String dbHandle, String credentialType) {
    return client.databaseUrl(dbHandle, credentialType);
  }

  /** The versions {@code aptible db:versions} lists for {@code type}. */
  @Override
  public List<String> databaseVersions(String type) {
    return client.databaseVersions().stream().filter(v -> v.type().equals(type)).map(DatabaseVersion::version).toList();
  }

  /** Opens {@code aptible db:tunnel}; the caller closes the returned tunnel. */
  @Override
  public AptibleTunnel openTunnel(String dbHandle) {
    return client.database(dbHandle).openTunnel();
  }

  @Override
  public Set<String> configNames() {
    requireHandle();
    return client.config(handle).keySet().stream().collect(Collectors.toUnmodifiableSet());
  }

  /** See {@link AptibleClient#setConfig(String, Map)} for the argv trade-off. */
  @Override
  public void setConfig(Map<String, Secret> vars) {
    client.setConfig(handle, vars);
  }

  /**
   * Deploys: a git push of the branch to the app's remote {@code master} (JGit over SSH with the
   * deploy's key, else the client's, else the user's default keys), or an image deploy over the
   * Aptible API (or {@code aptible deploy --docker-image} with {@link SecretTransport#CLI}; see
   * {@link AptibleClient#deployImage} for the password trade-off). Progress and
   * the remote's messages go to {@code listener} (on the calling thread).
   *
   * @return the commit pushed (its full id), or the image reference deployed
   */
  @Override
  public String deploy(Deploy deploy, MigrationListener listener) {
    Objects.requireNonNull(deploy, "deploy");
    MigrationListener safe = MigrationListener.safe(listener);
    String step = "aptible.deploy";
    if (deploy instanceof Deploy.Git git) {
      ValidationException.Collector problems = ValidationException.collector(step);
      AptibleInputs.handle(problems, "app.handle", handle);
      if (!Repository.isValidRefName("refs/heads/" + git.branch())) {
        problems.add("deploy.branch", git.branch(), "is not a branch name", "use e.g. main");
      }
      if (!GitPush.isRepository(git.repo())) {
        problems.add("deploy.repo", git.repo(), "is not a git work tree", "point at the app's repository (with .git)");
      }
      Optional<java.nio.file.Path> key = git.sshKey().or(client::gitSshKey);
      key.filter(k -> !java.nio.file.Files.isReadable(k)).ifPresent(k ->
          problems.add("deploy.sshKey", k, "cannot be read", "give the path of a readable private key"));
      problems.throwIfAny();
      String commit = new GitPush(client.redactor(), client.clock(), key, client.gitKnownHosts(), Duration.ofMinutes(30))
          .push(git.repo(), git.branch(), gitRemote(), step, safe);
      LOG.info("Deployed {} of {} to {}", commit, git.repo(), handle);
      return commit;
    }
    Deploy.DockerImage image = (Deploy.DockerImage) deploy;
    client.deployImage(handle, image.image(), image.credentials(),
        line -> safe.output(new MigrationEvent.Output(step, client.clock().instant(), "aptible", line)));
    return image.image();
  }

  @Override
  public void scale(String service, int count, int containerSizeMb) {
    client.scale(handle, service, count, containerSizeMb);
  }

  /**
   * Ensures one HTTPS endpoint with managed TLS per domain for {@code service} (an existing endpoint
   * for the same domain is reused), or a default-domain endpoint when {@code domains} is empty. Each
   * endpoint has its own {@code elb-....aptible.in} host name: that is the CNAME target of its domain.
   */
  @Override
  public List<HttpsEndpoint> ensureHttpsEndpoints(String service, List<String> domains) {
    ValidationException.Collector problems = ValidationException.collector("aptible.endpoints:https:create");
    AptibleInputs.handle(problems, "app.handle", handle);
    rules().checkEndpoints(handle, service, domains, problems);
    problems.throwIfAny();
    List<EndpointInfo> existing = client.endpoints(handle);
    if (domains.isEmpty()) {
      EndpointInfo endpoint = existing.stream().filter(e -> e.defaultDomain().isPresent()).findFirst()
          .orElseGet(() -> client.createHttpsEndpoint(handle, service));
      return List.of(new HttpsEndpoint(service, endpoint.defaultDomain().orElse(endpoint.hostname()),
          endpoint.hostname(), false));
    }
    List<HttpsEndpoint> result = new ArrayList<>();
    for (String domain : domains) {
      EndpointInfo endpoint = existing.stream().filter(e -> e.managedTlsDomain().filter(domain::equals).isPresent())
          .findFirst().orElseGet(() -> client.createHttpsEndpoint(handle, service, domain));
      result.add(new HttpsEndpoint(service, domain, endpoint.hostname(), true));
    }
    return List.copyOf(result);
  }

  private void requireHandle() {
    ValidationException.Collector problems = ValidationException.collector("aptible");
    AptibleInputs.handle(problems, "app.handle", handle);
    problems.throwIfAny();
  }

  @Override
  public String toString() {
    return "AptibleApp[" + environment() + "/" + handle + "]";
  }
}
