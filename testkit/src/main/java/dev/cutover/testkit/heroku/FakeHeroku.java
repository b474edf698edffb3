package dev.cutover.testkit.heroku;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cutover.core.Secret;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local Heroku for tests, as strict as the real one: the Platform API endpoints Cutover and the
 * real {@code heroku} CLI use, the Postgres data API (databases, backups, transfers, public-url,
 * credentials) on the same plain-HTTP port of 127.0.0.1, and an HTTPS "storage" server with a
 * self-signed certificate for the signed backup URLs. Its Heroku Postgres databases are real ones
 * on a local server: a capture runs a real {@code pg_dump -Fc} into a file the storage serves.
 *
 * <pre>{@code
 * try (FakeHeroku fake = FakeHeroku.start()) {
 *   fake.app("example-app").configVar("RAILS_ENV", "production").postgres(localDb);
 *   fake.fault(Fault.on("GET", "/apps/example-app/config-vars").status(500).times(1));
 *   // point the client at fake.apiUrl(), fake.dataApiHost(), fake.apiKey(), fake.caCertificatePem()
 *   assertThat(fake.requests()).extracting(RecordedCall::path).contains("/apps/example-app");
 * }
 * }</pre>
 *
 * <p>What it enforces, as Heroku does: Platform API requests need
 * {@code Accept: application/vnd.heroku+json; version=3} (a variant such as {@code 3.sdk} too),
 * else 406 {@code not_acceptable}; {@code Authorization: Bearer <apiKey>}, and on
 * {@code /postgres/v0} only {@code Basic base64(":" + apiKey)}, else 401. Each Platform API request
 * takes a token from a pool of 4,500 that refills at one per 800 ms; every answer says
 * {@code RateLimit-Remaining}, and an empty pool answers 429 {@code rate_limit} with
 * {@code Retry-After}. Lists honour {@code Range} (default page 200, max 1000) and answer 206 with
 * {@code Next-Range} while more remain. Every answer has a JSON content type and a {@code Request-Id}.
 *
 * <p>Ready when returned; {@link #close()} stops both servers, every writer dyno and backup, and
 * deletes the dumps. Thread-safe.
 */
public final class FakeHeroku implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FakeHeroku.class);
  static final String JSON_TYPE = "application/json; charset=utf-8";
  private static final Pattern ACCEPT = Pattern.compile("application/vnd\\.heroku\\+json;\\s*version=3(\\.[\\w-]+)?");
  private static final Pattern SIGNATURE = Pattern.compile("(?:^|&)X-Amz-Signature=([0-9a-f]+)");

  private final Secret apiKey;
  private final Path workDir;
  private final Path caPem;
  private final HttpServer api;
  private final DownloadServer downloads;
  private final ExecutorService httpThreads;
  private final ExecutorService backupThreads;
  private final Map<String, FakeApp> apps = new ConcurrentHashMap<>();
  private final List<ActiveFault> faults = new CopyOnWriteArrayList<>();
  private final List<RecordedCall> calls = new CopyOnWriteArrayList<>();
  private final RateLimitPool rateLimit = new RateLimitPool();
  private final FakePlatformApi platform;
  private final FakeDataApi data;
  private volatile boolean expiredDownloads;
  private volatile long cutDownloadsAfter = -1;
  private volatile long downloadRate;

  private record ActiveFault(Fault fault, AtomicInteger left) {}

  /** One answer: status, body, content type and extra headers. */
  record Reply(int status, byte[] body, String contentType, Map<String, String> headers) {}

  private FakeHeroku(Secret apiKey) throws IOException {
    this.apiKey = apiKey;
    this.workDir = Files.createTempDirectory("fake-heroku-");
    HeldCertificate cert = new HeldCertificate.Builder()
        .commonName("FakeHeroku storage")
        .addSubjectAlternativeName("127.0.0.1")
        .addSubjectAlternativeName("localhost")
        .duration(2, java.util.concurrent.TimeUnit.DAYS)
        .build();
    this.caPem = workDir.resolve("fake-heroku-ca.pem");
    Files.writeString(caPem, cert.certificatePem());
    HandshakeCertificates serverTls = new HandshakeCertificates.Builder().heldCertificate(cert).build();
    this.httpThreads = Executors.newCachedThreadPool(daemon("fake-heroku-http"));
    this.backupThreads = Executors.newCachedThreadPool(daemon("fake-heroku-pg_dump"));
    this.platform = new FakePlatformApi(this::findApp, apps::values, rateLimit::remaining);
    this.data = new FakeDataApi(this::findApp, apps::values, workDir, backupThreads);
    this.api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    api.setExecutor(httpThreads);
    api.createContext("/", this::handleApi);
    api.start();
    this.downloads = new DownloadServer(serverTls.sslContext(), httpThreads, this::handleDownload);
  }

  /** Starts a fake that accepts the token {@code fake-heroku-api-key}. */
  public static FakeHeroku start() {
    return start(Secret.of("fake-heroku-api-key"));
  }

  /** Starts a fake that accepts only {@code apiKey}. Ready when returned. */
  public static FakeHeroku start(Secret apiKey) {
    try {
      return new FakeHeroku(apiKey);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start FakeHeroku", e);
    }
  }

  /** The Platform API root, e.g. {@code http://127.0.0.1:40123} (the CLI's {@code HEROKU_HOST}). */
  public String apiUrl() {
    return "http://127.0.0.1:" + api.getAddress().getPort();
  }

  /** The data API host ({@code HEROKU_DATA_HOST}): same port and scheme as {@link #apiUrl()}. */
  public String dataApiHost() {
    return "127.0.0.1";
  }

  /** The token the fake accepts. */
  public Secret apiKey() {
    return apiKey;
  }

  /** The storage server's self-signed certificate as a PEM file (for {@code NODE_EXTRA_CA_CERTS}). */
  public Path caCertificatePem() {
    return caPem;
  }

  /** The app {@code name}, created empty (with its herokuapp.com domain) on first use. */
  public FakeApp app(String name) {
    return apps.computeIfAbsent(name, FakeApp::new);
  }

  /** Adds a fault; the most recently added matching fault applies first. */
  public FakeHeroku fault(Fault fault) {
    faults.add(0, new ActiveFault(fault, new AtomicInteger(fault.times())));
    return this;
  }

  /** Removes every fault and download misbehaviour. */
  public FakeHeroku clearFaults() {
    faults.clear();
    expiredDownloads = false;
    cutDownloadsAfter = -1;
    downloadRate = 0;
    return this;
  }

  /** Sets how many tokens the account's rate-limit pool holds now (it starts full, at 4500). */
  public FakeHeroku rateLimitRemaining(int remaining) {
    rateLimit.set(remaining);
    return this;
  }

  /** Sets how often the pool gains a token (Heroku: every 800 ms, 75 a minute). */
  public FakeHeroku rateLimitRefill(Duration perToken) {
    rateLimit.refillEvery(perToken);
    return this;
  }

  /** Makes every signed URL answer 403 with S3's XML "Request has expired" body. */
  public FakeHeroku expireDownloads(boolean expired) {
    this.expiredDownloads = expired;
    return this;
  }

  /** Makes downloads announce the full length but stop after {@code bytes} and drop the connection; -1 resets. */
  public FakeHeroku cutDownloadsAfter(long bytes) {
    this.cutDownloadsAfter = bytes;
    return this;
  }

  /**
   * Makes downloads send at most {@code bytesPerSecond} (a slow link to the storage); 0 resets to full
   * speed. Applies to downloads that start afterwards.
   */
  public FakeHeroku downloadRate(long bytesPerSecond) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("bytesPerSecond must be >= 0: " + bytesPerSecond);
    }
    this.downloadRate = bytesPerSecond;
    return this;
  }

  /** Every request received so far (API and storage), in arrival order. */
  public List<RecordedCall> requests() {
    return List.copyOf(calls);
  }

  /** The requests with this method whose path matches {@code pathRegex}. */
  public List<RecordedCall> requests(String method, String pathRegex) {
    return calls.stream().filter(c -> c.method().equals(method) && c.path().matches(pathRegex)).toList();
  }

  /** Forgets the recorded requests. */
  public FakeHeroku clearRequests() {
    calls.clear();
    return this;
  }

  /** Stops both servers, the writer dynos and the backups, and deletes the dumps. Idempotent. */
  @Override
  public void close() {
    apps.values().forEach(FakeApp::stopWriters);
    api.stop(0);
    downloads.close();
    backupThreads.shutdownNow();
    httpThreads.shutdownNow();
    try (var files = Files.walk(workDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.debug("cleaning {}: {}", workDir, e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "FakeHeroku[" + apiUrl() + ", storage https://127.0.0.1:" + downloads.port() + ", apps " + apps.keySet() + "]";
  }

  // ---------------------------------------------------------------- API

  private void handleApi(HttpExchange ex) {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    String query = Optional.ofNullable(ex.getRequestURI().getRawQuery()).orElse("");
    Map<String, String> headers = new LinkedHashMap<>();
    ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(v.size() - 1)));
    Reply reply;
    String body = "";
    try {
      body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      reply = answer(method, path, query, headers, body);
    } catch (RuntimeException | IOException e) {
      LOG.warn("FakeHeroku failed on {} {}", method, path, e);
      reply = error(500, "internal_server_error", "FakeHeroku: " + e);
    }
    calls.add(new RecordedCall(method, path, query, headers, body, reply.status()));
    try (ex) {
      ex.getResponseHeaders().set("Content-Type", reply.contentType());
      ex.getResponseHeaders().set("Request-Id", UUID.randomUUID().toString());
      reply.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
      ex.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
      if (reply.body().length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(reply.body());
        }
      }
    } catch (IOException e) {
      LOG.debug("client went away during {} {}: {}", method, path, e.getMessage());
    }
  }

  /** Faults first, then the checks Heroku makes (version, credentials, rate limit), then the route. */
  private Reply answer(String method, String path, String query, Map<String, String> headers, String body)
      throws IOException {
    Optional<Fault> fault = takeFault(method, path, query);
    if (fault.isPresent() && fault.get().status() > 0) {
      return faultReply(fault.get());
    }
    boolean dataApi = path.startsWith("/client/v11/") || path.startsWith("/postgres/v0/");
    if (!dataApi && !ACCEPT.matcher(headers.getOrDefault("accept", "")).matches()) {
      return error(406, "not_acceptable", "The requested API version is not available. Use a valid Accept header, "
          + "e.g. `Accept: application/vnd.heroku+json; version=3`.");
    }
    if (!authorized(path, headers.getOrDefault("authorization", ""))) {
      return error(401, "unauthorized", "Invalid credentials provided.");
    }
    if (dataApi) {
      String[] s = path.substring(1).split("/");
      if (path.startsWith("/postgres/v0/databases/") && s.length == 6 && s[4].equals("credentials")) {
        return data.credentials(s[3], s[5]);
      }
      return path.startsWith("/client/v11/") ? data.client(method, s, query, downloads.port())
          : error(404, "not_found", "Not found.");
    }
    if (path.equals("/account/rate-limits")) {
      return withRemaining(platform.route(method, path, headers, body), rateLimit.remaining());
    }
    int remaining = rateLimit.take();
    if (remaining < 0) {
      Reply limited = error(429, "rate_limit", "Your account reached the API rate limit\nPlease wait a few minutes "
          + "before making new requests");
      return withHeader(withRemaining(limited, 0), "Retry-After", String.valueOf(rateLimit.secondsUntilNextToken()));
    }
    return withRemaining(platform.route(method, path, headers, body), remaining);
  }

  private boolean authorized(String path, String authorization) {
    if (path.startsWith("/postgres/v0/")) {
      String basic = "Basic " + Base64.getEncoder().encodeToString((":" + apiKey.reveal()).getBytes(StandardCharsets.UTF_8));
      return authorization.equals(basic);
    }
    return authorization.equals("Bearer " + apiKey.reveal());
  }

  private Optional<FakeApp> findApp(String nameOrId) {
    FakeApp byName = apps.get(nameOrId);
    return byName != null ? Optional.of(byName)
        : apps.values().stream().filter(a -> a.id().equals(nameOrId)).findFirst();
  }

  // ---------------------------------------------------------------- storage

  private DownloadServer.Answer handleDownload(DownloadServer.Request r) {
    Optional<Fault> fault = takeFault(r.method(), r.path(), r.query());
    DownloadServer.Answer answer;
    Matcher sig = SIGNATURE.matcher(r.query());
    Optional<Path> file = data.signedDump(sig.find() ? sig.group(1) : null, r.path());
    if (fault.isPresent() && fault.get().status() > 0) {
      answer = xml(fault.get().status(), "InternalError", fault.get().message());
    } else if (expiredDownloads) {
      answer = xml(403, "AccessDenied", "Request has expired");
    } else if (file.isEmpty()) {
      answer = xml(403, "SignatureDoesNotMatch",
          "The request signature we calculated does not match the signature you provided.");
    } else if (!Files.isRegularFile(file.get())) {
      answer = xml(404, "NoSuchKey", "The specified key does not exist.");
    } else {
      answer = new DownloadServer.Answer(200, "application/octet-stream", new byte[0], file.get(), cutDownloadsAfter,
          downloadRate);
    }
    calls.add(new RecordedCall(r.method(), r.path(), r.query(), r.headers(), "", answer.status()));
    return answer;
  }

  private static DownloadServer.Answer xml(int status, String code, String message) {
    String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message
        + "</Message><RequestId>FAKE</RequestId></Error>";
    return new DownloadServer.Answer(status, "application/xml", body.getBytes(StandardCharsets.UTF_8), null, -1, 0);
  }

  // ---------------------------------------------------------------- helpers

  private Optional<Fault> takeFault(String method, String path, String query) {
    for (ActiveFault f : faults) {
      if (f.fault().matches(method, path, query) && f.left().getAndUpdate(n -> n == Integer.MAX_VALUE ? n : n - 1) > 0) {
        if (!f.fault().delay().isZero()) {
          try {
            Thread.sleep(f.fault().delay().toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return Optional.of(f.fault());
      }
    }
    return Optional.empty();
  }

  private Reply faultReply(Fault f) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("RateLimit-Remaining", String.valueOf(f.status() == 429 ? 0 : rateLimit.remaining()));
    if (f.status() == 429 && !f.retryAfter().isZero()) {
      headers.put("Retry-After", String.valueOf(f.retryAfter().toSeconds()));
    }
    ObjectNode body = FakeApp.JSON.createObjectNode().put("id", f.errorId()).put("message", f.message());
    return new Reply(f.status(), bytes(body), JSON_TYPE, headers);
  }

  private static Reply withRemaining(Reply r, int remaining) {
    return withHeader(r, "RateLimit-Remaining", String.valueOf(remaining));
  }

  private static Reply withHeader(Reply r, String name, String value) {
    Map<String, String> headers = new LinkedHashMap<>(r.headers());
    headers.put(name, value);
    return new Reply(r.status(), r.body(), r.contentType(), headers);
  }

  static Reply ok(JsonNode body) {
    return new Reply(200, bytes(body), JSON_TYPE, Map.of());
  }

  static Reply error(int status, String id, String message) {
    ObjectNode body = FakeApp.JSON.createObjectNode().put("id", id).put("message", message);
    return new Reply(status, bytes(body), JSON_TYPE, Map.of());
  }

  static byte[] bytes(JsonNode node) {
    try {
      return FakeApp.JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
