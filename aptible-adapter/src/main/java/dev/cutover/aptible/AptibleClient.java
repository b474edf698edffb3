package dev.cutover.aptible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.aptible.internal.AptibleCli;
import dev.cutover.aptible.internal.api.AptibleApi;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.Sleeper;
import dev.cutover.core.Toolkit;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.process.OutputLine;
import dev.cutover.core.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;

/**
 * Everything on the Aptible side, through the {@code aptible} CLI (0.26.6 or newer) in JSON mode,
 * JGit for git deploys, and {@code aptible db:tunnel} for database access.
 *
 * <pre>{@code
 * try (AptibleClient aptible = AptibleClient.builder().toolkit(toolkit).environment("my_environment").build()) {
 *   AptibleApp app = aptible.app("my-app");
 *   app.ensureApp();
 *   app.ensureDatabase("my-app-db", DatabaseSpec.postgresql("16").diskSizeGb(100).containerSizeMb(4096));
 *   try (AptibleTunnel tunnel = aptible.database("my-app-db").openTunnel()) {
 *     // connect to tunnel.connection()
 *   }
 * }
 * }</pre>
 *
 * <p>Same shape as {@code HerokuClient}: {@link #app(String)} for app operations,
 * {@link #database(String)} for a database's URL and tunnel, {@link #close()} for the HTTP client
 * it built (one passed with {@link Builder#httpClient} stays the caller's).
 *
 * <p>Every call blocks until the CLI exits. Inputs are checked before any CLI call and every
 * problem is reported in one {@link ValidationException}. A CLI failure becomes an
 * {@link AptibleException} (redacted command line, exit code, the CLI's error text, a kind).
 * The access token travels to the CLI in its environment, never in argv. Calls that carry secret
 * values ({@link AptibleApp#setConfig}, {@link AptibleApp#deployImage} with registry credentials)
 * go to the Aptible API by default, with the same token, so the values never reach a command line; see
 * {@link SecretTransport}. API failures are {@link dev.cutover.core.ApiException}s. Thread-safe: it
 * holds no mutable state beyond the shared {@link Redactor}.
 */
public final class AptibleClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String environment;
  private final AptibleCli cli;
  private final Redactor redactor;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Optional<Path> gitSshKey;
  private final Optional<Path> gitKnownHosts;
  private final String gitRemoteTemplate;
  private final String tunnelHost;
  private final String tunnelSslMode;
  private final Duration tunnelTimeout;
  private final Duration operationTimeout;
  private final Duration readTimeout;
  private final SecretTransport secretTransport;
  private final AptibleApi api;
  /** The transport of the calls that carry secrets, chosen once from {@link SecretTransport}. */
  private final SecretCalls secretCalls;
  private final Optional<TokenProblem> tokenProblem;
  private final Toolkit toolkit;
  /** The HTTP client this client built and so closes; null when the caller passed one (theirs to close). */
  private final OkHttpClient ownedHttp;

  private AptibleClient(Builder b, TokenLookup lookup, String apiUrl) {
    Optional<Secret> token = lookup.token();
    this.tokenProblem = lookup.problem();
    this.environment = b.environment;
    this.redactor = b.redactor;
    token.ifPresent(redactor::register);
    ProcessRunner runner = b.processRunner != null ? b.processRunner : ProcessRunner.create(redactor);
    this.toolkit = Toolkit.of(redactor).withProcessRunner(runner).withClock(b.clock).withSleeper(b.sleeper);
    this.cli = new AptibleCli(b.cliCommand, b.cliEnvironment, token, runner, redactor);
    this.clock = b.clock;
    this.sleeper = b.sleeper;
    this.gitSshKey = Optional.ofNullable(b.gitSshKey);
    this.gitKnownHosts = Optional.ofNullable(b.gitKnownHosts);
    this.gitRemoteTemplate = b.gitRemoteTemplate;
    this.tunnelHost = b.tunnelHost;
    this.tunnelSslMode = b.tunnelSslMode;
    this.tunnelTimeout = b.tunnelTimeout;
    this.operationTimeout = b.operationTimeout;
    this.readTimeout = b.readTimeout;
    this.secretTransport = b.secretTransport;
    this.ownedHttp = b.httpClient == null ? new OkHttpClient.Builder().connectTimeout(Duration.ofSeconds(30))
        .readTimeout(Duration.ofSeconds(60)).build() : null;
    OkHttpClient http = b.httpClient != null ? b.httpClient : ownedHttp;
    this.api = new AptibleApi(http, AptibleApi.parseBaseUrl(apiUrl), token, redactor, clock, sleeper,
        operationTimeout);
    this.secretCalls = secretTransport == SecretTransport.API ? SecretCalls.api(api, environment)
        : SecretCalls.cli(cli, environment, operationTimeout);
  }

  /** A builder; {@link Builder#environment(String)} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The redactor, process runner, clock and sleeper this client works with. */
  public Toolkit toolkit() {
    return toolkit;
  }

  /**
   * Releases the HTTP client this client built (its connection pool and dispatcher threads). An
   * HTTP client passed with {@link Builder#httpClient} is the caller's and is left open. Tunnels
   * are closed by whoever opened them. Idempotent; throws nothing.
   */
  @Override
  public void close() {
    if (ownedHttp != null) {
      ownedHttp.dispatcher().executorService().shutdown();
      ownedHttp.connectionPool().evictAll();
    }
  }

  /** The HTTP client this client built and closes, when it built one (for tests). */
  Optional<OkHttpClient> ownedHttpClient() {
    return Optional.ofNullable(ownedHttp);
  }

  /** The Aptible environment every call targets. */
  public String environment() {
    return environment;
  }

  /** How calls carrying secret values are sent (default {@link SecretTransport#API}). */
  public SecretTransport secretTransport() {
    return secretTransport;
  }

  /**
   * The app {@code handle} in this client's environment. Nothing is called until a method of the
   * returned app is. The handle is checked by {@link AptibleApp#rules()} (a migration's
   * {@code plan()} reports it with every other problem) and by each operation before any CLI call.
   */
  public AptibleApp app(String handle) {
    return new AptibleApp(this, Objects.requireNonNull(handle, "handle"));
  }

  /**
   * The database {@code handle} in this client's environment: its URL and tunnel. Nothing is called
   * until a method of the returned database is.
   */
  public AptibleDatabase database(String handle) {
    return new AptibleDatabase(this, handle);
  }

  // ---------------------------------------------------------------- apps

  /** The apps of this environment ({@code aptible apps}). */
  public List<AppInfo> apps() {
    JsonNode apps = json("aptible.apps", List.of("apps", "--environment", environment), readTimeout, null);
    List<AppInfo> result = new ArrayList<>();
    apps.forEach(a -> result.add(appInfo(a)));
    return result;
  }

  /** Creates app {@code handle} ({@code aptible apps:create}); fails with {@link AptibleException.Kind#ALREADY_EXISTS}. */
  public AppInfo createApp(String handle) {
    requireHandle("app.handle", handle);
    JsonNode created = json("aptible.apps:create", List.of("apps:create", "--environment", environment, "--", handle),
        readTimeout, null);
    return new AppInfo(handle, environment, "pending", created.path("git_remote").asText(""), List.of());
  }

  // ---------------------------------------------------------------- databases

  /** The databases of this environment ({@code aptible db:list}). */
  public List<DatabaseInfo> databases() {
    JsonNode dbs = json("aptible.db:list", List.of("db:list", "--environment", environment), readTimeout, null);
    List<DatabaseInfo> result = new ArrayList<>();
    dbs.forEach(d -> {
      if (d.has("type")) {
        result.add(new DatabaseInfo(d.get("handle").asText(), d.path("environment").path("handle").asText(environment),
            d.get("type").asText(), d.path("version").asText(""), d.path("status").asText(""),
            d.path("disk_size").asInt(0), d.path("container_size").asInt(0)));
      }
    });
    return result;
  }

  /** What {@code db:create} accepts ({@code aptible db:versions}). */
  public List<DatabaseVersion> databaseVersions() {
    JsonNode versions = json("aptible.db:versions", List.of("db:versions"), readTimeout, null);
    List<DatabaseVersion> result = new ArrayList<>();
    versions.forEach(v -> result.add(new DatabaseVersion(v.get("type").asText(), v.get("version").asText(),
        v.path("default").asBoolean(false))));
    return result;
  }

  /**
   * Creates database {@code handle} ({@code aptible db:create}) after checking the spec, and its
   * type and version against {@code db:versions}. Blocks until provisioned.
   *
   * @throws ValidationException for a bad spec (before any call) or a version Aptible does not offer
   */
  public DatabaseInfo createDatabase(String handle, DatabaseSpec spec) {
    ValidationException.Collector problems = ValidationException.collector("aptible.db:create");
    AptibleInputs.databaseSpec(problems, handle, spec);
    problems.throwIfAny();
    checkVersion(spec);
    JsonNode db = json("aptible.db:create", List.of("db:create", "--type", spec.type(), "--version",
        spec.version(), "--disk-size", String.valueOf(spec.diskSizeGb()), "--container-size",
        String.valueOf(spec.containerSizeMb()), "--environment", environment, "--", handle), operationTimeout, null);
    db.path("credentials").forEach(c -> registerUrl(c.path("connection_url").asText("")));
    registerUrl(db.path("connection_url").asText(""));
    return new DatabaseInfo(handle, environment, db.path("type").asText(spec.type()),
        db.path("version").asText(spec.version()), db.path("status").asText(""), db.path("disk_size").asInt(0),
        db.path("container_size").asInt(0));
  }

  /** Checks type and version against {@code db:versions}. */
  void checkVersion(DatabaseSpec spec) {
    List<DatabaseVersion> versions = databaseVersions();
    List<String> offered = versions.stream().filter(v -> v.type().equals(spec.type())).map(DatabaseVersion::version)
        .toList();
    ValidationException.Collector problems = ValidationException.collector("aptible.db:create");
    if (offered.isEmpty()) {
      problems.add("database.type", spec.type(), "is not offered by Aptible (db:versions)",
          "use one of " + versions.stream().map(DatabaseVersion::type).distinct().toList());
    } else if (!offered.contains(spec.version())) {
      problems.add("database.version", spec.version(), spec.type() + " " + spec.version()
          + " is not offered by Aptible (db:versions)", "use one of " + offered);
    }
    problems.throwIfAny();
  }

  /** The database's default connection URL ({@code aptible db:url}), registered with the redactor. */
  public Secret databaseUrl(String dbHandle) {
    requireHandle("database.handle", dbHandle);
    JsonNode url = json("aptible.db:url", List.of("db:url", "--environment", environment, "--", dbHandle), readTimeout, null);
    return registerUrl(url.path("connection_url").asText(""));
  }

  /**
   * The URL of the database's credential of {@code credentialType} ({@code aptible db:url --type}),
   * e.g. {@code redis+ssl}; registered with the redactor.
   */
  public Secret databaseUrl(String dbHandle, String credentialType) {
    requireHandle("database.handle", dbHandle);
    JsonNode url = json("aptible.db:url", List.of("db:url", dbHandle, "--type", credentialType, "--environment",
        environment), readTimeout, null);
    return registerUrl(url.path("connection_url").asText(""));
  }

  private Secret registerUrl(String url) {
    if (url.isEmpty()) {
      return Secret.of("-none-");
    }
    return redactor.registerUrl(Secret.of(url));
  }

  /**
   * Opens {@code aptible db:tunnel} to {@code dbHandle} on a free local port. Returns once the CLI
   * printed its {@code Connect at} line; the caller closes the tunnel.
   *
   * @throws AptibleException ({@link AptibleException.Kind#TUNNEL}) when the tunnel did not come up
   * @throws dev.cutover.core.WaitTimeoutException when no {@code Connect at} line came in time
   */
  public AptibleTunnel openTunnel(String dbHandle) {
    requireHandle("database.handle", dbHandle);
    return AptibleTunnel.open(this, dbHandle, List.of("db:tunnel", "--environment", environment, "--", dbHandle));
  }

  /** {@link #openTunnel(String)} on local {@code port}. */
  public AptibleTunnel openTunnel(String dbHandle, int port) {
    ValidationException.Collector problems = ValidationException.collector("aptible.db:tunnel");
    AptibleInputs.handle(problems, "database.handle", dbHandle);
    if (port < 1 || port > 65535) {
      problems.add("tunnel.port", port, "is not a TCP port", "use 1024-65535, or let the CLI pick one");
    }
    problems.throwIfAny();
    return AptibleTunnel.open(this, dbHandle, List.of("db:tunnel", "--environment", environment,
        "--port", String.valueOf(port), "--", dbHandle));
  }

  /** The log text of operation {@code id} ({@code aptible operation:logs}), redacted. */
  public String operationLogs(long id) {
    return redactor.redact(run("aptible.operation:logs", List.of("operation:logs", "--", String.valueOf(id)), readTimeout,
        null));
  }

  // ---------------------------------------------------------------- plumbing shared with AptibleApp/AptibleTunnel

  AptibleCli cli() {
    return cli;
  }

  Redactor redactor() {
    return redactor;
  }

  Clock clock() {
    return clock;
  }

  Sleeper sleeper() {
    return sleeper;
  }

  Optional<Path> gitSshKey() {
    return gitSshKey;
  }

  Optional<Path> gitKnownHosts() {
    return gitKnownHosts;
  }

  String tunnelHost() {
    return tunnelHost;
  }

  String tunnelSslMode() {
    return tunnelSslMode;
  }

  Duration tunnelTimeout() {
    return tunnelTimeout;
  }

  /** The git remote of {@code app}, from the template. */
  String gitRemote(String app) {
    return String.format(gitRemoteTemplate, environment, app);
  }

  Duration readTimeout() {
    return readTimeout;
  }

  Duration operationTimeout() {
    return operationTimeout;
  }

  SecretCalls secretCalls() {
    return secretCalls;
  }

  List<String> appArgs(String command, String app) {
    return List.of(command, "--app", app, "--environment", environment);
  }

  private void requireHandle(String field, String handle) {
    ValidationException.Collector problems = ValidationException.collector("aptible");
    AptibleInputs.handle(problems, field, handle);
    problems.throwIfAny();
  }

  String run(String step, List<String> args, Duration timeout, Consumer<OutputLine> output) {
    return cli.run(step, args, timeout, output == null ? line -> {} : output);
  }

  JsonNode json(String step, List<String> args, Duration timeout, Consumer<OutputLine> output) {
    return cli.runJson(step, args, timeout, output == null ? line -> {} : output);
  }

  static AppInfo appInfo(JsonNode a) {
    List<ServiceInfo> services = new ArrayList<>();
    a.path("services").forEach(s -> services.add(serviceInfo(s)));
    return new AppInfo(a.get("handle").asText(), a.path("environment").path("handle").asText(""),
        a.path("status").asText(""), a.path("git_remote").asText(""), services);
  }

  static ServiceInfo serviceInfo(JsonNode s) {
    return new ServiceInfo(s.get("service").asText(), s.path("command").asText(""), s.path("container_count").asInt(0),
        s.path("container_size").asInt(0), s.path("container_profile").asText("m"));
  }

  static EndpointInfo endpointInfo(JsonNode e) {
    return new EndpointInfo(e.get("hostname").asText(), e.path("status").asText(""),
        e.path("service").path("service").asText(""), text(e, "default_domain"), text(e, "managed_tls_domain"),
        text(e, "managed_tls_status"));
  }

  private static Optional<String> text(JsonNode node, String field) {
    return node.path(field).isTextual() ? Optional.of(node.get(field).asText()) : Optional.empty();
  }

  /** Why no token would be used, for {@link AptibleRules}: where it was looked for, what is wrong, the fix. */
  record TokenProblem(String where, String problem, String fix) {}

  /** The token the CLI would use, or why there is none. */
  record TokenLookup(Optional<Secret> token, Optional<TokenProblem> problem) {}

  /**
   * The token exactly as the CLI finds it: {@code APTIBLE_ACCESS_TOKEN}, else the entry of
   * {@code tokens.json} (in {@code APTIBLE_CONFIG_PATH}, default {@code ~/.aptible}) for the auth
   * server {@code APTIBLE_AUTH_ROOT_URL} (default {@code https://auth.aptible.com}). Each variable
   * is read from {@code cliEnvironment}, else from {@code processEnvironment} (what the CLI
   * inherits). A file without that server's entry gives no token: the CLI would use none.
   */
  static TokenLookup discoverToken(Map<String, String> cliEnvironment, Map<String, String> processEnvironment) {
    java.util.function.Function<String, Optional<String>> env = name -> Optional.ofNullable(cliEnvironment.get(name))
        .or(() -> Optional.ofNullable(processEnvironment.get(name))).filter(v -> !v.isBlank());
    Optional<String> fromEnv = env.apply("APTIBLE_ACCESS_TOKEN");
    if (fromEnv.isPresent()) {
      return new TokenLookup(fromEnv.map(Secret::of), Optional.empty());
    }
    Path dir = env.apply("APTIBLE_CONFIG_PATH").map(Path::of).orElse(Path.of(System.getProperty("user.home"), ".aptible"));
    Path tokens = dir.resolve("tokens.json");
    String root = env.apply("APTIBLE_AUTH_ROOT_URL").orElse("https://auth.aptible.com");
    String login = "run `aptible login` (it writes the token for " + root + "), set APTIBLE_ACCESS_TOKEN, or pass"
        + " .accessToken(...)";
    if (!Files.isRegularFile(tokens)) {
      return new TokenLookup(Optional.empty(), Optional.of(new TokenProblem(tokens.toString(),
          "no access token: APTIBLE_ACCESS_TOKEN is not set and this file does not exist", login)));
    }
    try {
      JsonNode map = JSON.readTree(Files.readString(tokens));
      JsonNode token = map.path(root);
      if (token.isTextual() && !token.asText().isBlank()) {
        return new TokenLookup(Optional.of(Secret.of(token.asText())), Optional.empty());
      }
      List<String> servers = new ArrayList<>();
      map.fieldNames().forEachRemaining(servers::add);
      return new TokenLookup(Optional.empty(), Optional.of(new TokenProblem(tokens.toString(),
          "has no token for the auth server " + root + " (APTIBLE_AUTH_ROOT_URL, or the default), only for "
              + servers + "; the CLI uses no other entry", login + "; or set APTIBLE_AUTH_ROOT_URL to the server"
              + " your token is for")));
    } catch (IOException | RuntimeException e) {
      return new TokenLookup(Optional.empty(), Optional.of(new TokenProblem(tokens.toString(),
          "cannot be read as the CLI's token map (" + e.getClass().getSimpleName() + ")", login)));
    }
  }

  /** Why the CLI would find no token, when it would not. */
  Optional<TokenProblem> tokenProblem() {
    return tokenProblem;
  }

  @Override
  public String toString() {
    return "AptibleClient[environment " + environment + "]";
  }

  /** Configures an {@link AptibleClient}. Not thread-safe. */
  public static final class Builder {
    private String environment;
    private Secret accessToken;
    private List<String> cliCommand = List.of("aptible");
    private Map<String, String> cliEnvironment = Map.of();
    private Redactor redactor = Redactor.create();
    private ProcessRunner processRunner;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.SYSTEM;
    private Path gitSshKey;
    private Path gitKnownHosts;
    private String gitRemoteTemplate = "git@beta.aptible.com:%s/%s.git";
    private String tunnelHost = "127.0.0.1";
    private String tunnelSslMode = "require";
    private Duration tunnelTimeout = Duration.ofSeconds(60);
    private Duration operationTimeout = Duration.ofHours(1);
    private Duration readTimeout = Duration.ofMinutes(2);
    private SecretTransport secretTransport = SecretTransport.API;
    private String apiUrl;
    private OkHttpClient httpClient;

    private Builder() {}

    /** The Aptible environment (required). */
    public Builder environment(String environment) {
      this.environment = environment;
      return this;
    }

    /**
     * The API token; default the one the CLI would use: {@code APTIBLE_ACCESS_TOKEN}, else the entry
     * of {@code tokens.json} for {@code APTIBLE_AUTH_ROOT_URL} (see {@link AptibleApp#rules()}).
     */
    public Builder accessToken(Secret token) {
      this.accessToken = Objects.requireNonNull(token, "token");
      return this;
    }

    /** The argv prefix that runs the CLI; default {@code aptible} on the PATH. */
    public Builder cliCommand(List<String> command) {
      this.cliCommand = List.copyOf(command);
      return this;
    }

    /** Extra environment for the CLI (no secrets: it may be logged). */
    public Builder cliEnvironment(Map<String, String> environment) {
      this.cliEnvironment = Map.copyOf(environment);
      return this;
    }

    /**
     * The run's shared tools: its redactor, process runner, clock and sleeper (each can still be
     * set on its own after this). Default: a new redactor and the production defaults.
     */
    public Builder toolkit(Toolkit toolkit) {
      this.redactor = toolkit.redactor();
      this.processRunner = toolkit.processRunner();
      this.clock = toolkit.clock();
      this.sleeper = toolkit.sleeper();
      return this;
    }

    /**
     * The HTTP client for the Aptible API calls; default one this client builds and closes in
     * {@link AptibleClient#close()}. One passed here is never closed by the client.
     */
    public Builder httpClient(OkHttpClient client) {
      this.httpClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /** The redactor shared by the whole migration; default a new one. */
    public Builder redactor(Redactor redactor) {
      this.redactor = Objects.requireNonNull(redactor, "redactor");
      return this;
    }

    /** How child processes are run; default the real runner over this builder's redactor. */
    public Builder processRunner(ProcessRunner runner) {
      this.processRunner = Objects.requireNonNull(runner, "runner");
      return this;
    }

    /** The clock for timestamps and waits; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How waits sleep (the tunnel's port release poll); default {@link Sleeper#SYSTEM}. */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** The private key git pushes with; default the user's keys in {@code ~/.ssh}. */
    public Builder gitSshKey(Path key) {
      this.gitSshKey = Objects.requireNonNull(key, "key");
      return this;
    }

    /**
     * The known_hosts file git checks the server against; default {@code ~/.ssh/known_hosts}. An
     * unknown host key fails the push with a {@link dev.cutover.core.GitException}; it is never
     * accepted silently.
     */
    public Builder gitKnownHosts(Path knownHosts) {
      this.gitKnownHosts = Objects.requireNonNull(knownHosts, "knownHosts");
      return this;
    }

    /** The git remote, {@code String.format}ted with environment and app; default {@code git@beta.aptible.com:%s/%s.git}. */
    public Builder gitRemoteTemplate(String template) {
      this.gitRemoteTemplate = Objects.requireNonNull(template, "template");
      return this;
    }

    /** The host to reach a tunnel at; default {@code 127.0.0.1} (the tunnel listens on localhost). */
    public Builder tunnelHost(String host) {
      this.tunnelHost = Objects.requireNonNull(host, "host");
      return this;
    }

    /** libpq {@code sslmode} for tunnel connections; default {@code require} (Aptible requires SSL). */
    public Builder tunnelSslMode(String sslMode) {
      this.tunnelSslMode = Objects.requireNonNull(sslMode, "sslMode");
      return this;
    }

    /** How long to wait for a tunnel's {@code Connect at} line; default 60 s. */
    public Builder tunnelTimeout(Duration timeout) {
      this.tunnelTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** How long an operation (create, deploy, scale) may take; default 1 h. */
    public Builder operationTimeout(Duration timeout) {
      this.operationTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * How calls that carry secret values are sent; default {@link SecretTransport#API}. See
     * {@link SecretTransport#CLI} for what the CLI fallback exposes.
     */
    public Builder secretTransport(SecretTransport transport) {
      this.secretTransport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /**
     * The Aptible Deploy API root; default {@code APTIBLE_API_ROOT_URL} from
     * {@link #cliEnvironment} or the process environment (the variable the CLI itself reads), else
     * {@code https://api.aptible.com}. Must be {@code https}, or {@code http} to a loopback address.
     */
    public Builder apiUrl(String url) {
      this.apiUrl = Objects.requireNonNull(url, "url");
      return this;
    }

    /**
     * Builds the client. Calls nothing.
     *
     * @throws ValidationException when the environment handle or the CLI command is invalid
     */
    public AptibleClient build() {
      ValidationException.Collector problems = ValidationException.collector("aptible");
      AptibleInputs.handle(problems, "environment", environment);
      if (cliCommand.isEmpty()) {
        problems.add("cliCommand", cliCommand, "is empty", "name the aptible executable, e.g. [aptible]");
      }
      if (!gitRemoteTemplate.contains("%s")) {
        problems.add("gitRemoteTemplate", gitRemoteTemplate, "has no %s placeholders",
            "use e.g. git@beta.aptible.com:%s/%s.git (environment, app)");
      }
      for (Duration d : List.of(tunnelTimeout, operationTimeout)) {
        if (d.isNegative() || d.isZero()) {
          problems.add("timeout", d, "must be positive", "e.g. PT1M");
        }
      }
      String api = apiUrl != null ? apiUrl : cliEnvironment.getOrDefault("APTIBLE_API_ROOT_URL",
          Optional.ofNullable(System.getenv("APTIBLE_API_ROOT_URL")).orElse("https://api.aptible.com"));
      AptibleApi.checkBaseUrl(api).ifPresent(problem -> problems.add("apiUrl", api, problem,
          "use https://api.aptible.com (or http://127.0.0.1:PORT for a local fake)"));
      problems.throwIfAny();
      TokenLookup token = accessToken != null ? new TokenLookup(Optional.of(accessToken), Optional.empty())
          : discoverToken(cliEnvironment, System.getenv());
      return new AptibleClient(this, token, api);
    }
  }
}
