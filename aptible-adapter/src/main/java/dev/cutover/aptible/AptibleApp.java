package dev.cutover.aptible;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.aptible.internal.GitPush;
import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Secret;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.model.RegistryCredentials;
import dev.cutover.core.spi.HttpsEndpoint;
import dev.cutover.core.spi.TargetApp;
import dev.cutover.core.spi.TargetRules;
import dev.cutover.core.Toolkit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
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
    return config().keySet().stream().collect(Collectors.toUnmodifiableSet());
  }

  /** The app's configuration ({@code aptible config}); every value is registered with the redactor. */
  public Map<String, Secret> config() {
    requireHandle();
    JsonNode entries = client.json("aptible.config", client.appArgs("config", handle), client.readTimeout(), null);
    Map<String, Secret> result = new LinkedHashMap<>();
    entries.forEach(e -> {
      String value = e.path("value").asText("");
      if (!value.isEmpty()) {
        result.put(e.get("key").asText(), client.redactor().register(Secret.of(value)));
      }
    });
    return result;
  }

  /**
   * Sets {@code vars} in one {@code configure} operation, which restarts the app. Blocks until the
   * operation ends. Every value is registered with the redactor first.
   *
   * <p>With {@link SecretTransport#API} (the default) the values go in the body of
   * {@code POST /apps/{id}/operations}. With {@link SecretTransport#CLI} they are
   * {@code KEY=VALUE} arguments of {@code aptible config:set}, visible in the process list while it
   * runs (the CLI takes them no other way). A variable with an empty value is left out with a
   * warning: an empty value unsets it on both paths, so an empty string cannot be stored
   * ({@link AptibleInputs#configVar} lets a plan flag it beforehand).
   *
   * @throws ValidationException when a name is invalid
   * @throws dev.cutover.core.ApiException when the API refuses or the operation fails (API)
   * @throws AptibleException when the CLI fails (CLI)
   */
  @Override
  public void setConfig(Map<String, Secret> vars) {
    ValidationException.Collector problems = ValidationException.collector("aptible.config:set");
    AptibleInputs.handle(problems, "app.handle", handle);
    vars.keySet().forEach(k -> AptibleInputs.configVar(problems, k, false));
    problems.throwIfAny();
    Map<String, Secret> set = new LinkedHashMap<>();
    vars.forEach((k, v) -> {
      if (v.reveal().isEmpty()) {
        LOG.warn("Config var {} is empty: Aptible cannot store an empty value (an empty value unsets it), so it"
            + " stays unset on {}", k, handle);
      } else {
        set.put(k, client.redactor().register(v));
      }
    });
    if (!set.isEmpty()) {
      client.secretCalls().setConfig(handle, set);
    }
  }

  /** The app's services ({@code aptible services}). */
  public List<ServiceInfo> services() {
    requireHandle();
    JsonNode services = client.json("aptible.services", client.appArgs("services", handle), client.readTimeout(), null);
    List<ServiceInfo> result = new ArrayList<>();
    services.forEach(s -> result.add(AptibleClient.serviceInfo(s)));
    return result;
  }

  /**
   * Deploys {@code image} from a private registry with {@code credentials}. Blocks until the deploy
   * operation ends. The password is registered with the redactor first.
   *
   * <p>With {@link SecretTransport#API} (the default) this is a {@code deploy} operation whose
   * body carries the image in {@code settings} and the credentials in {@code sensitive_settings},
   * as the CLI itself sends them. With {@link SecretTransport#CLI} it is {@code aptible deploy
   * --docker-image}: CLI 0.26.6 accepts the registry password only as
   * {@code --private-registry-password}, so it is visible in the process list (to every local user)
   * while the CLI runs; Aptible keeps the credentials, so later deploys need not pass them again.
   *
   * @param output receives the redacted operation log lines (CLI), or one line naming the
   *     succeeded operation (API, which streams no logs)
   * @throws dev.cutover.core.ApiException when the API refuses or the operation fails (API)
   * @throws AptibleException when the CLI fails (CLI)
   * @throws ValidationException for a bad image reference or empty registry user name
   */
  public void deployImage(String image, RegistryCredentials credentials, Consumer<String> output) {
    deployImage(image, Optional.of(Objects.requireNonNull(credentials, "credentials")), output);
  }

  /** {@link #deployImage(String, RegistryCredentials, Consumer)} of a public image: no registry credentials. */
  public void deployImage(String image, Consumer<String> output) {
    deployImage(image, Optional.empty(), output);
  }

  /** The image deploy, with credentials when given: the one body behind both public overloads. */
  void deployImage(String image, Optional<RegistryCredentials> credentials, Consumer<String> output) {
    ValidationException.Collector problems = ValidationException.collector("aptible.deploy");
    AptibleInputs.handle(problems, "app.handle", handle);
    AptibleInputs.image(problems, image);
    credentials.ifPresent(c -> {
      if (c.username().isBlank()) {
        problems.add("deploy.registry.username", c.username(), "is empty", "give the registry user name");
      }
    });
    problems.throwIfAny();
    credentials.ifPresent(c -> client.redactor().register(c.password()));
    client.secretCalls().deployImage(handle, image, credentials, output);
  }

  /** Deploys a ref already pushed to the app's remote ({@code aptible deploy --git-commitish}). */
  public void deployGitCommitish(String ref, Consumer<String> output) {
    requireHandle();
    List<String> args = new ArrayList<>(client.appArgs("deploy", handle));
    args.addAll(List.of("--git-commitish", ref));
    client.run("aptible.deploy", args, client.operationTimeout(), line -> output.accept(line.line()));
  }

  /** The app's endpoints ({@code aptible endpoints:list}). */
  public List<EndpointInfo> endpoints() {
    requireHandle();
    JsonNode endpoints = client.json("aptible.endpoints:list", client.appArgs("endpoints:list", handle),
        client.readTimeout(), null);
    List<EndpointInfo> result = new ArrayList<>();
    endpoints.forEach(e -> result.add(AptibleClient.endpointInfo(e)));
    return result;
  }

  /** Creates an HTTPS endpoint for {@code service} with managed TLS for {@code managedTlsDomain} (not an apex). */
  public EndpointInfo createHttpsEndpoint(String service, String managedTlsDomain) {
    return createHttpsEndpoint(service, Optional.of(Objects.requireNonNull(managedTlsDomain, "managedTlsDomain")));
  }

  /** Creates an HTTPS endpoint for {@code service} on the app's default {@code on-aptible.com} domain. */
  public EndpointInfo createHttpsEndpoint(String service) {
    return createHttpsEndpoint(service, Optional.<String>empty());
  }

  private EndpointInfo createHttpsEndpoint(String service, Optional<String> managedTlsDomain) {
    ValidationException.Collector problems = ValidationException.collector("aptible.endpoints:https:create");
    AptibleInputs.handle(problems, "app.handle", handle);
    AptibleInputs.processType(problems, "endpoint.service", service);
    managedTlsDomain.ifPresent(d -> AptibleInputs.domain(problems, "endpoint.domain", d));
    AptibleInputs.endpoints(problems, handle, managedTlsDomain.stream().toList());
    problems.throwIfAny();
    List<String> args = new ArrayList<>(List.of("endpoints:https:create", "--app", handle, "--environment",
        environment()));
    if (managedTlsDomain.isPresent()) {
      args.addAll(List.of("--managed-tls", "--managed-tls-domain", managedTlsDomain.get()));
    } else {
      args.add("--default-domain");
    }
    args.addAll(List.of("--", service));
    return AptibleClient.endpointInfo(client.json("aptible.endpoints:https:create", args, client.operationTimeout(), null));
  }

  /** Renews managed TLS on the endpoint {@code hostname} ({@code elb-....aptible.in}). */
  public void renewEndpoint(String hostname) {
    requireHandle();
    client.run("aptible.endpoints:renew", List.of("endpoints:renew", "--app", handle, "--environment", environment(),
        "--", hostname), client.operationTimeout(), null);
  }

  /** Removes {@code names} from the app's configuration (one operation, restarts the app). */
  public void unsetConfig(Collection<String> names) {
    ValidationException.Collector problems = ValidationException.collector("aptible.config:unset");
    AptibleInputs.handle(problems, "app.handle", handle);
    names.forEach(k -> AptibleInputs.configVar(problems, k, false));
    problems.throwIfAny();
    if (!names.isEmpty()) {
      List<String> args = new ArrayList<>(client.appArgs("config:unset", handle));
      args.add("--");
      args.addAll(names);
      client.run("aptible.config:unset", args, client.operationTimeout(), null);
    }
  }

  /**
   * Deploys: a git push of the branch to the app's remote {@code master} (JGit over SSH with the
   * deploy's key, else the client's, else the user's default keys), or an image deploy over the
   * Aptible API (or {@code aptible deploy --docker-image} with {@link SecretTransport#CLI}; see
   * {@link AptibleApp#deployImage} for the password trade-off). Progress and
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
    deployImage(image.image(), image.credentials(),
        line -> safe.output(new MigrationEvent.Output(step, client.clock().instant(), "aptible", line)));
    return image.image();
  }

  @Override
  public void scale(String service, int count, int containerSizeMb) {
    ValidationException.Collector problems = ValidationException.collector("aptible.apps:scale");
    AptibleInputs.handle(problems, "app.handle", handle);
    AptibleInputs.scale(problems, service, count, containerSizeMb);
    problems.throwIfAny();
    List<String> args = new ArrayList<>(List.of("apps:scale", "--app", handle, "--environment", environment(),
        "--container-count", String.valueOf(count), "--container-size", String.valueOf(containerSizeMb), "--", service));
    client.run("aptible.apps:scale", args, client.operationTimeout(), null);
  }

  /**
   * Ensures one HTTPS endpoint with managed TLS per domain for {@code service} (an existing endpoint
   * for the same domain is reused), or a default-domain endpoint when {@code domains} is empty. Each
   * endpoint has its own {@code elb-....aptible.in} host name: that is the CNAME target of its domain.
   */
  /** The Aptible CLI command: {@code aptible endpoints:renew --app <handle> --environment <env> <dnsTarget>}. */
  @Override
  public String activateTlsCommand(String dnsTarget) {
    return "aptible endpoints:renew --app " + handle() + " --environment " + environment() + " " + dnsTarget;
  }

  /**
   * The Aptible CLI commands: {@code aptible db:create --type redis} in this app's environment, then
   * the {@code redis+ssl} URL from {@code aptible db:url} for {@code configVars}.
   */
  @Override
  public String createRedisAdvice(List<String> configVars) {
    String db = handle() + "-redis";
    return "create an Aptible Redis database (aptible db:create --environment " + environment() + " --type redis "
        + db + "), point " + String.join(", ", configVars) + " at it (aptible db:url --environment " + environment()
        + " --type redis+ssl " + db + ")";
  }

  @Override
  public List<HttpsEndpoint> ensureHttpsEndpoints(String service, List<String> domains) {
    ValidationException.Collector problems = ValidationException.collector("aptible.endpoints:https:create");
    AptibleInputs.handle(problems, "app.handle", handle);
    rules().checkEndpoints(handle, service, domains, problems);
    problems.throwIfAny();
    List<EndpointInfo> existing = endpoints();
    if (domains.isEmpty()) {
      EndpointInfo endpoint = existing.stream().filter(e -> e.defaultDomain().isPresent()).findFirst()
          .orElseGet(() -> createHttpsEndpoint(service));
      return List.of(new HttpsEndpoint(service, endpoint.defaultDomain().orElse(endpoint.hostname()),
          endpoint.hostname(), false));
    }
    List<HttpsEndpoint> result = new ArrayList<>();
    for (String domain : domains) {
      EndpointInfo endpoint = existing.stream().filter(e -> e.managedTlsDomain().filter(domain::equals).isPresent())
          .findFirst().orElseGet(() -> createHttpsEndpoint(service, domain));
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
