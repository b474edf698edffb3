package dev.cutover.heroku;

import dev.cutover.core.MigrationException;
import dev.cutover.core.Redactor;
import dev.cutover.core.Toolkit;
import dev.cutover.core.Secret;
import dev.cutover.core.Sleeper;
import dev.cutover.core.ValidationException;
import dev.cutover.core.process.ProcessRunner;
import dev.cutover.heroku.internal.BackupDownloader;
import dev.cutover.heroku.internal.CliRunner;
import dev.cutover.heroku.internal.Hosts;
import dev.cutover.heroku.internal.PlatformApi;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.tls.Certificates;
import okhttp3.tls.HandshakeCertificates;

/**
 * The entry point to Heroku: the Platform API (over HTTPS) and the real {@code heroku} CLI for
 * Postgres backups. Obtain one per token, get apps from it, close it when done.
 *
 * <pre>{@code
 * try (HerokuClient heroku = HerokuClient.builder().apiKey(Secret.fromEnv("HEROKU_API_KEY").orElseThrow()).build()) {
 *   AppInventory inventory = heroku.app("my-heroku-app").inventory();
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} releases the HTTP client's threads and connections when this
 * client created it; an {@code OkHttpClient} passed to the builder is never shut down.
 */
public final class HerokuClient implements AutoCloseable {
  /** Where the Platform API lives. */
  public static final String DEFAULT_API_URL = "https://api.heroku.com";
  /** Where the Postgres data API lives. */
  public static final String DEFAULT_DATA_API_HOST = "api.data.heroku.com";
  private static final Pattern APP_NAME = Pattern.compile("^[a-z][a-z0-9-]{1,28}[a-z0-9]$");

  private final Redactor redactor;
  private final PlatformApi api;
  private final PlatformApi dataApi;
  private final CliRunner cli;
  private final BackupDownloader downloader;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration backupTimeout;
  private final OkHttpClient ownedHttp;
  private final Toolkit toolkit;

  private HerokuClient(Builder b, HttpUrl apiUrl, OkHttpClient http, boolean ownsHttp) {
    this.redactor = b.redactor;
    ProcessRunner runner = b.processRunner != null ? b.processRunner : ProcessRunner.create(redactor);
    this.toolkit = Toolkit.of(redactor).withProcessRunner(runner).withClock(b.clock).withSleeper(b.sleeper);
    this.clock = b.clock;
    this.sleeper = b.sleeper;
    this.backupTimeout = b.backupTimeout;
    this.ownedHttp = ownsHttp ? http : null;
    redactor.register(b.apiKey);
    String userAgent = "cutover/" + version();
    this.api = new PlatformApi(http, apiUrl, b.apiKey, userAgent, clock, sleeper, redactor);
    HttpUrl dataUrl = apiUrl.newBuilder().host(b.dataApiHost).encodedPath("/").build();
    this.dataApi = api.withBase(dataUrl);
    Map<String, String> cliEnv = new LinkedHashMap<>();
    if (!b.apiUrl.equals(DEFAULT_API_URL)) {
      cliEnv.put("HEROKU_HOST", stripSlash(b.apiUrl));
    }
    if (!b.dataApiHost.equals(DEFAULT_DATA_API_HOST)) {
      cliEnv.put("HEROKU_DATA_HOST", b.dataApiHost);
    }
    b.extraCaCertificate.ifPresent(pem -> cliEnv.put("NODE_EXTRA_CA_CERTS", pem.toAbsolutePath().toString()));
    this.cli = new CliRunner(b.cliCommand, b.apiKey, cliEnv, runner);
    this.downloader = new BackupDownloader(downloadClient(http, b.extraCaCertificate), clock);
  }

  /** A builder with production defaults; only {@link Builder#apiKey} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A client with the token from {@code HEROKU_API_KEY}, else from {@code ~/.netrc}
   * ({@code machine api.heroku.com}, field {@code password}), and every other setting at its default.
   *
   * @throws ValidationException when neither holds a token
   */
  public static HerokuClient fromEnvironment() {
    return fromEnvironment(Toolkit.create());
  }

  /**
   * {@link #fromEnvironment()} with the run's shared {@code toolkit}.
   *
   * @throws ValidationException when neither holds a token
   */
  public static HerokuClient fromEnvironment(Toolkit toolkit) {
    Builder b = builder().toolkit(toolkit);
    tokenFromEnvironment().ifPresent(b::apiKey);
    return b.build();
  }

  /**
   * The token the {@code heroku} CLI would use: {@code HEROKU_API_KEY}, else the password of
   * {@code machine api.heroku.com} in {@code ~/.netrc} (what {@code heroku login} writes); empty
   * when neither holds one. Reads only; makes no request.
   */
  public static Optional<Secret> tokenFromEnvironment() {
    return Secret.fromEnv("HEROKU_API_KEY")
        .or(() -> netrcPassword(Path.of(System.getProperty("user.home"), ".netrc"), "api.heroku.com"));
  }

  /**
   * The app named {@code name}. Makes no request: the first call on the app does.
   *
   * @throws ValidationException when {@code name} is not a valid Heroku app name
   */
  public HerokuApp app(String name) {
    Objects.requireNonNull(name, "name");
    if (!APP_NAME.matcher(name).matches()) {
      ValidationException.collector("heroku.app")
          .add("app", name, "is not a Heroku app name (3-30 lowercase letters, digits and '-', starting with a letter)",
              "use the name `heroku apps` shows, e.g. my-app")
          .throwIfAny();
    }
    return new HerokuApp(name, api, dataApi, cli, downloader, toolkit, backupTimeout);
  }

  /**
   * How many API calls the account has left ({@code GET /account/rate-limits}, which does not
   * count against the limit). Blocks.
   */
  public int rateLimitRemaining() {
    return api.get(new PlatformApi.Context("heroku.rate-limit", ""), "account/rate-limits", Map.of())
        .path("remaining").asInt();
  }

  /** The last {@code RateLimit-Remaining} seen on any answer, without a request. */
  public OptionalInt lastRateLimitRemaining() {
    return api.lastRateLimitRemaining();
  }

  /**
   * Checks that the Heroku CLI runs and is version 11 or newer. Blocks (about a second).
   *
   * @return its version, e.g. {@code 11.10.0}
   * @throws MigrationException when it is missing or too old, saying how to install it
   */
  public String cliVersion() {
    return cli.checkVersion();
  }

  /** The redactor, process runner, clock and sleeper this client works with. */
  public Toolkit toolkit() {
    return toolkit;
  }

  /** The redactor every secret this client sees is registered with. */
  public Redactor redactor() {
    return redactor;
  }

  /** Releases the HTTP client's threads and pooled connections if this client created it. Idempotent. */
  @Override
  public void close() {
    if (ownedHttp != null) {
      ownedHttp.dispatcher().executorService().shutdown();
      ownedHttp.connectionPool().evictAll();
    }
  }

  @Override
  public String toString() {
    return "HerokuClient[" + api + ", cli " + String.join(" ", cli.command()) + "]";
  }

  private static OkHttpClient downloadClient(OkHttpClient http, Optional<Path> extraCa) {
    OkHttpClient.Builder b = http.newBuilder().readTimeout(Duration.ofMinutes(2));
    if (extraCa.isPresent()) {
      try {
        String pem = Files.readString(extraCa.get(), StandardCharsets.US_ASCII);
        HandshakeCertificates certificates = new HandshakeCertificates.Builder()
            .addPlatformTrustedCertificates()
            .addTrustedCertificate(Certificates.decodeCertificatePem(pem))
            .build();
        b.sslSocketFactory(certificates.sslSocketFactory(), certificates.trustManager());
      } catch (IOException | IllegalArgumentException e) {
        throw new MigrationException("heroku.client", "heroku.client: cannot read the extra CA certificate "
            + extraCa.get() + " (" + e.getMessage() + "); pass a PEM file with one certificate.", false, e);
      }
    }
    return b.build();
  }

  static Optional<Secret> netrcPassword(Path netrc, String machine) {
    if (!Files.isRegularFile(netrc)) {
      return Optional.empty();
    }
    List<String> tokens;
    try {
      tokens = List.of(Files.readString(netrc).trim().split("\\s+"));
    } catch (IOException e) {
      return Optional.empty();
    }
    boolean inMachine = false;
    for (int i = 0; i < tokens.size() - 1; i++) {
      String t = tokens.get(i);
      if (t.equals("machine")) {
        inMachine = tokens.get(i + 1).equals(machine);
        i++;
      } else if (t.equals("default")) {
        inMachine = false;
      } else if (inMachine && t.equals("password") && !tokens.get(i + 1).isBlank()) {
        return Optional.of(Secret.of(tokens.get(i + 1)));
      }
    }
    return Optional.empty();
  }

  private static String version() {
    try (InputStream in = HerokuClient.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      String v = p.getProperty("version", "dev");
      return v.startsWith("${") ? "dev" : v;
    } catch (IOException e) {
      return "dev";
    }
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /**
   * Builds a {@link HerokuClient}. Every setting but the API key has a production default.
   * Not thread-safe.
   */
  public static final class Builder {
    private Secret apiKey;
    private String apiUrl = DEFAULT_API_URL;
    private String dataApiHost = DEFAULT_DATA_API_HOST;
    private List<String> cliCommand = List.of("heroku");
    private Redactor redactor = Redactor.create();
    private ProcessRunner processRunner;
    private OkHttpClient httpClient;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.SYSTEM;
    private Optional<Path> extraCaCertificate = Optional.empty();
    private Duration backupTimeout = Duration.ofHours(6);

    private Builder() {}

    /** The Heroku API token (required). Registered with the redactor. */
    public Builder apiKey(Secret apiKey) {
      this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
      return this;
    }

    /**
     * The Platform API root; default {@value HerokuClient#DEFAULT_API_URL}. It must be a host the
     * {@code heroku} CLI accepts too (a Heroku domain over https, or {@code localhost} /
     * {@code 127.0.0.1}), so that the SDK and the CLI never talk to different APIs.
     */
    public Builder apiUrl(String apiUrl) {
      this.apiUrl = Objects.requireNonNull(apiUrl, "apiUrl");
      return this;
    }

    /**
     * The Postgres data API host name (no scheme, no port: both come from {@link #apiUrl}, as in
     * the CLI); default {@value HerokuClient#DEFAULT_DATA_API_HOST}.
     */
    public Builder dataApiHost(String dataApiHost) {
      this.dataApiHost = Objects.requireNonNull(dataApiHost, "dataApiHost");
      return this;
    }

    /** How to run the CLI, e.g. {@code [node, /opt/heroku/bin/run.js]}; default {@code [heroku]} from PATH. */
    public Builder cliCommand(List<String> cliCommand) {
      this.cliCommand = List.copyOf(cliCommand);
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

    /** The redactor to register every secret with; default a new one. */
    public Builder redactor(Redactor redactor) {
      this.redactor = Objects.requireNonNull(redactor, "redactor");
      return this;
    }

    /** Runs the CLI; default {@code ProcessRunner.create(redactor)}. */
    public Builder processRunner(ProcessRunner processRunner) {
      this.processRunner = Objects.requireNonNull(processRunner, "processRunner");
      return this;
    }

    /** The HTTP client to derive from; never closed by {@link HerokuClient#close()}. */
    public Builder httpClient(OkHttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /** The clock for timestamps and waits; default UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** What every wait (rate limit, retry backoff, backup polling) goes through; default {@link Sleeper#SYSTEM}. */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * A PEM certificate to trust in addition to the system's for backup downloads, also given to
     * the CLI as {@code NODE_EXTRA_CA_CERTS} (e.g. a local test server's).
     */
    public Builder extraCaCertificate(Path pem) {
      this.extraCaCertificate = Optional.of(pem);
      return this;
    }

    /** How long a backup capture may take; default 6 hours. */
    public Builder backupTimeout(Duration backupTimeout) {
      this.backupTimeout = Objects.requireNonNull(backupTimeout, "backupTimeout");
      return this;
    }

    /**
     * Validates every setting and builds the client. Makes no request.
     *
     * @throws ValidationException listing every bad setting
     */
    public HerokuClient build() {
      ValidationException.Collector problems = ValidationException.collector("heroku.client");
      if (apiKey == null) {
        problems.addSecret("apiKey", "no Heroku API token was given",
            "set HEROKU_API_KEY (see `heroku auth:token`) or call apiKey(...)");
      }
      HttpUrl url = HttpUrl.parse(apiUrl);
      if (url == null) {
        problems.add("apiUrl", apiUrl, "is not an http(s) URL", "use " + DEFAULT_API_URL);
      } else if (!Hosts.cliAccepts(url.host())) {
        problems.add("apiUrl", apiUrl, "the heroku CLI only talks to Heroku domains, localhost or 127.0.0.1: "
            + "given this host it would send the token to api.heroku.com while the SDK talks to " + url.host(),
            "use " + DEFAULT_API_URL + ", or http://127.0.0.1:PORT for a local fake");
      } else if (!url.isHttps() && !Hosts.isLoopback(url.host())) {
        problems.add("apiUrl", apiUrl, "plain http is allowed only to this machine (loopback)",
            "use https, e.g. " + DEFAULT_API_URL);
      } else if (!url.encodedPath().equals("/") || url.query() != null) {
        problems.add("apiUrl", apiUrl, "must be the API root, without a path or query",
            "e.g. " + DEFAULT_API_URL);
      }
      if (dataApiHost.isBlank() || dataApiHost.contains(":") || dataApiHost.contains("/")) {
        problems.add("dataApiHost", dataApiHost, "must be a host name only (scheme and port come from apiUrl)",
            "e.g. " + DEFAULT_DATA_API_HOST + " or 127.0.0.1");
      }
      if (cliCommand.isEmpty() || cliCommand.stream().anyMatch(String::isBlank)) {
        problems.add("cliCommand", cliCommand, "must name a program, with no blank parts",
            "e.g. [heroku] or [node, /path/to/heroku/bin/run.js]");
      }
      extraCaCertificate.ifPresent(pem -> {
        if (!Files.isReadable(pem)) {
          problems.add("extraCaCertificate", pem, "is not a readable file", "pass a PEM certificate file");
        }
      });
      if (backupTimeout.isNegative() || backupTimeout.isZero()) {
        problems.add("backupTimeout", backupTimeout, "must be positive", "e.g. PT6H");
      }
      problems.throwIfAny();
      boolean owns = httpClient == null;
      OkHttpClient http = owns ? new OkHttpClient() : httpClient;
      return new HerokuClient(this, url, http, owns);
    }
  }
}
