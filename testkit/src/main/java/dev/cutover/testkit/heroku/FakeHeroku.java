package dev.cutover.testkit.heroku;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cutover.core.CommandFailedException;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.process.Command;
import dev.cutover.core.process.ProcessRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
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
 * A local Heroku for tests: the Platform API endpoints Cutover and the real {@code heroku} CLI
 * use, the Postgres data API (resolve, databases, backups, transfers, public-url, credentials)
 * on the same plain-HTTP port of 127.0.0.1, and an HTTPS "storage" server with a self-signed
 * certificate for the signed backup URLs. Its Heroku Postgres is a real database on a local
 * server: a capture runs a real {@code pg_dump -Fc} into a file the storage serves.
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
 * <p>Ready when returned; {@link #close()} stops both servers and deletes the dumps. Requests must
 * carry {@code Authorization: Bearer <apiKey>} ({@code Basic base64(":" + apiKey)} on
 * {@code /postgres/v0}), else 401. Every answer has a JSON content type, {@code Request-Id} and
 * {@code RateLimit-Remaining}. Lists honour {@code Range} (default page 200, max 1000) and answer
 * 206 with {@code Next-Range} while more remain. Thread-safe.
 */
public final class FakeHeroku implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FakeHeroku.class);
  private static final DateTimeFormatter HEROKU_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final int DEFAULT_PAGE = 200;

  private final Secret apiKey;
  private final Path workDir;
  private final Path caPem;
  private final HttpServer api;
  private final DownloadServer downloads;
  private final ExecutorService httpThreads;
  private final ExecutorService backupThread;
  private final ProcessRunner processRunner = ProcessRunner.create(Redactor.create());
  private final Map<String, FakeApp> apps = new ConcurrentHashMap<>();
  private final List<ActiveFault> faults = new CopyOnWriteArrayList<>();
  private final List<RecordedCall> calls = new CopyOnWriteArrayList<>();
  private final Map<String, Path> dumps = new ConcurrentHashMap<>();
  private final Map<String, SignedUrl> signatures = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private volatile int rateLimitRemaining = 4500;
  private volatile boolean expiredDownloads;
  private volatile long cutDownloadsAfter = -1;
  private volatile long downloadRate;

  private record ActiveFault(Fault fault, AtomicInteger left) {}

  private record SignedUrl(String path, String dumpKey) {}

  private record Reply(int status, byte[] body, String contentType, Map<String, String> headers) {}

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
    this.backupThread = Executors.newSingleThreadExecutor(daemon("fake-heroku-pg_dump"));
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

  /** The {@code RateLimit-Remaining} every answer carries (default 4500). */
  public FakeHeroku rateLimitRemaining(int remaining) {
    this.rateLimitRemaining = remaining;
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

  /** Stops both servers and the backup worker, and deletes the dumps. Idempotent. */
  @Override
  public void close() {
    api.stop(0);
    downloads.close();
    backupThread.shutdownNow();
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
      Optional<Fault> fault = takeFault(method, path);
      if (fault.isPresent() && fault.get().status() > 0) {
        reply = faultReply(fault.get());
      } else if (!authorized(path, headers.getOrDefault("authorization", ""))) {
        reply = error(401, "unauthorized", "Invalid credentials provided.");
      } else {
        reply = route(method, path, query, headers, body);
      }
    } catch (RuntimeException | IOException e) {
      LOG.warn("FakeHeroku failed on {} {}", method, path, e);
      reply = error(500, "internal_server_error", "FakeHeroku: " + e);
    }
    calls.add(new RecordedCall(method, path, query, headers, body, reply.status()));
    try (ex) {
      ex.getResponseHeaders().set("Content-Type", reply.contentType());
      ex.getResponseHeaders().set("Request-Id", UUID.randomUUID().toString());
      if (!reply.headers().containsKey("RateLimit-Remaining")) {
        ex.getResponseHeaders().set("RateLimit-Remaining", String.valueOf(rateLimitRemaining));
      }
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

  private boolean authorized(String path, String authorization) {
    String bearer = "Bearer " + apiKey.reveal();
    if (path.startsWith("/postgres/v0/")) {
      String basic = "Basic " + Base64.getEncoder().encodeToString((":" + apiKey.reveal()).getBytes(StandardCharsets.UTF_8));
      return authorization.equals(basic) || authorization.equals(bearer);
    }
    return authorization.equals(bearer);
  }

  private Reply route(String method, String path, String query, Map<String, String> headers, String body)
      throws IOException {
    String[] s = path.substring(1).split("/");
    String range = headers.get("range");
    if (path.equals("/account") && method.equals("GET")) {
      ObjectNode a = FakeApp.JSON.createObjectNode().put("id", FakeApp.uuid("owner")).put("email", "owner@example.com");
      return ok(a);
    }
    if (path.equals("/account/rate-limits") && method.equals("GET")) {
      return ok(FakeApp.JSON.createObjectNode().put("remaining", rateLimitRemaining));
    }
    if (path.equals("/addon-attachments") && method.equals("GET")) {
      List<ObjectNode> all = new ArrayList<>();
      apps.values().forEach(a -> all.addAll(a.attachmentsJson()));
      return list(all, range, "id");
    }
    if (path.equals("/actions/addon-attachments/resolve") && method.equals("POST")) {
      return resolveAttachment(FakeApp.JSON.readTree(body));
    }
    if (s[0].equals("apps") && s.length >= 2) {
      Optional<FakeApp> found = findApp(s[1]);
      if (found.isEmpty()) {
        return error(404, "not_found", "Couldn't find that app.");
      }
      return appRoute(found.get(), method, s, range, body);
    }
    if (path.startsWith("/client/v11/")) {
      return dataRoute(method, s, query);
    }
    if (path.startsWith("/postgres/v0/databases/") && s.length == 6 && s[4].equals("credentials")) {
      return credentials(s[3], s[5]);
    }
    return error(404, "not_found", "Not found.");
  }

  private Reply appRoute(FakeApp app, String method, String[] s, String range, String body) throws IOException {
    String sub = s.length > 2 ? s[2] : "";
    switch (method + " " + sub) {
      case "GET ":
        return ok(app.json());
      case "PATCH ":
        JsonNode patch = FakeApp.JSON.readTree(body);
        if (patch.has("maintenance")) {
          app.setMaintenance(patch.get("maintenance").asBoolean());
        }
        return ok(app.json());
      case "GET config-vars":
        return ok(app.configVarsJson());
      case "GET formation":
        return list(app.formationJson(), range, "id");
      case "PATCH formation":
        for (JsonNode u : FakeApp.JSON.readTree(body).path("updates")) {
          app.scale(u.path("type").asText(), u.path("quantity").asInt(),
              u.hasNonNull("size") ? u.get("size").asText() : null);
        }
        return ok(FakeApp.JSON.valueToTree(app.formationJson()));
      case "GET dynos", "GET collaborators":
        return ok(FakeApp.JSON.createArrayNode());
      case "GET pipeline-couplings":
        return error(404, "not_found", "Couldn't find that pipeline coupling.");
      case "GET addons":
        return list(app.addonsJson(), range, "id");
      case "GET addon-attachments":
        return list(app.attachmentsJson(), range, "id");
      case "GET domains":
        return list(app.domainsJson(), range, "id");
      case "GET buildpack-installations":
        return ok(FakeApp.JSON.valueToTree(app.buildpacksJson()));
      case "GET releases":
        return list(app.releasesJson(), range, "version");
      case "GET features":
        return list(app.featuresJson(), range, "id");
      case "GET slugs":
        if (s.length == 4) {
          return app.slugJson(s[3]).map(FakeHeroku::ok).orElseGet(() -> error(404, "not_found", "Couldn't find that slug."));
        }
        return error(404, "not_found", "Not found.");
      default:
        return error(404, "not_found", "Not found.");
    }
  }

  private Reply resolveAttachment(JsonNode request) {
    String wanted = request.path("addon_attachment").asText();
    String bare = wanted.replaceFirst("_URL$", "");
    Optional<FakeApp> scope = request.hasNonNull("app") ? findApp(request.get("app").asText()) : Optional.empty();
    ArrayNode out = FakeApp.JSON.createArrayNode();
    for (FakeApp app : scope.map(List::of).orElseGet(() -> List.copyOf(apps.values()))) {
      for (ObjectNode at : app.attachmentsJson()) {
        if (at.path("name").asText().equals(bare) || at.path("addon").path("name").asText().equals(wanted)
            || at.path("id").asText().equals(wanted)) {
          out.add(at);
        }
      }
    }
    return out.isEmpty() ? error(404, "not_found", "Couldn't find that add on attachment.") : ok(out);
  }

  private Reply dataRoute(String method, String[] s, String query) {
    // s = [client, v11, databases, {id}, (backups)] or [client, v11, apps, {app}, transfers, ...]
    if (s.length >= 4 && s[2].equals("databases")) {
      Optional<FakeApp> owner = apps.values().stream()
          .filter(a -> a.postgresAddonId().map(s[3]::equals).orElse(false)).findFirst();
      if (owner.isEmpty()) {
        return error(404, "not_found", "Not found.");
      }
      if (s.length == 4 && method.equals("GET")) {
        return ok(databaseInfo(owner.get()));
      }
      if (s.length == 5 && s[4].equals("backups") && method.equals("POST")) {
        return ok(startBackup(owner.get()));
      }
      return error(404, "not_found", "Not found.");
    }
    if (s.length >= 5 && s[2].equals("apps") && s[4].equals("transfers")) {
      Optional<FakeApp> found = findApp(s[3]);
      if (found.isEmpty()) {
        return error(404, "not_found", "Couldn't find that app.");
      }
      FakeApp app = found.get();
      if (s.length == 5 && method.equals("GET")) {
        ArrayNode out = FakeApp.JSON.createArrayNode();
        synchronized (app) {
          app.transfersList().forEach(t -> out.add(withoutLogs(t)));
        }
        return ok(out);
      }
      Optional<ObjectNode> transfer = findTransfer(app, s[5]);
      if (transfer.isEmpty()) {
        return error(404, "not_found", "Couldn't find that transfer.");
      }
      if (s.length == 6 && method.equals("GET")) {
        synchronized (app) {
          return ok(query.contains("verbose=true") ? transfer.get().deepCopy() : withoutLogs(transfer.get()));
        }
      }
      if (s.length == 8 && s[6].equals("actions") && s[7].equals("public-url") && method.equals("POST")) {
        return ok(publicUrl(app, transfer.get()));
      }
    }
    return error(404, "not_found", "Not found.");
  }

  private Optional<FakeApp> findApp(String nameOrId) {
    FakeApp byName = apps.get(nameOrId);
    return byName != null ? Optional.of(byName)
        : apps.values().stream().filter(a -> a.id().equals(nameOrId)).findFirst();
  }

  private static Optional<ObjectNode> findTransfer(FakeApp app, String uuidOrNum) {
    synchronized (app) {
      return app.transfersList().stream().filter(t -> t.path("uuid").asText().equals(uuidOrNum)
          || t.path("num").asText().equals(uuidOrNum)).findFirst();
    }
  }

  private static ObjectNode withoutLogs(ObjectNode t) {
    ObjectNode copy = t.deepCopy();
    copy.remove("logs");
    return copy;
  }

  // ---------------------------------------------------------------- Postgres

  private ObjectNode databaseInfo(FakeApp app) {
    PgConnection db = app.postgres().orElseThrow();
    String version = "";
    long bytes = -1;
    int tables = 0;
    try (Connection c = connect(db); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("select current_setting('server_version'), pg_database_size(current_database()),"
          + " (select count(*) from information_schema.tables where table_schema not in ('pg_catalog','information_schema'))")) {
        rs.next();
        version = rs.getString(1).split(" ")[0];
        bytes = rs.getLong(2);
        tables = rs.getInt(3);
      }
    } catch (SQLException e) {
      LOG.warn("FakeHeroku cannot reach the database of {}: {}", app.name(), e.getMessage());
    }
    ObjectNode d = FakeApp.JSON.createObjectNode();
    String addonName = app.attachmentsJson().stream().filter(a -> a.path("name").asText().equals("DATABASE"))
        .map(a -> a.path("addon").path("name").asText()).findFirst().orElse("");
    d.put("addon_id", app.postgresAddonId().orElseThrow());
    d.put("name", addonName);
    d.put("plan", "essential-0");
    d.put("resource_url", app.configVars().get("DATABASE_URL"));
    d.put("num_bytes", bytes);
    d.put("num_tables", tables);
    d.put("postgres_version", version);
    d.putNull("following");
    ArrayNode info = d.putArray("info");
    info(info, "Plan", "Essential 0");
    info(info, "Status", "Available");
    info(info, "Connections", "1/20");
    info(info, "PG Version", version);
    info(info, "Created", "2024-05-01 12:00");
    info(info, "Data Size", String.format(Locale.ROOT, "%.1f MB", bytes / 1024.0 / 1024.0));
    info(info, "Tables", String.valueOf(tables));
    info(info, "Fork/Follow", "Unsupported");
    info(info, "Rollback", "Unsupported");
    info(info, "Continuous Protection", "Off");
    return d;
  }

  private static void info(ArrayNode info, String name, String value) {
    ObjectNode i = info.addObject();
    i.put("name", name);
    i.putArray("values").add(value);
  }

  private ObjectNode startBackup(FakeApp app) {
    String failure = app.takeBackupFailure();
    ObjectNode t;
    int num;
    synchronized (app) {
      num = app.transfersList().size() + 1;
      t = FakeApp.JSON.createObjectNode();
      t.put("uuid", UUID.randomUUID().toString());
      t.put("num", num);
      t.put("from_name", "DATABASE");
      t.put("from_type", "pg_dump");
      t.put("from_url", "postgres://" + app.postgres().orElseThrow().host() + "/" + app.postgres().orElseThrow().database());
      t.put("to_name", "BACKUP");
      t.put("to_type", "gof3r");
      t.put("to_url", "https://xfrtu.s3.amazonaws.com/" + app.id() + "/b" + num);
      t.putObject("options");
      t.put("source_bytes", 0);
      t.put("processed_bytes", 0);
      t.put("succeeded", false);
      t.put("warnings", 0);
      t.put("created_at", now());
      t.put("started_at", now());
      t.putNull("finished_at");
      t.putNull("canceled_at");
      t.put("updated_at", now());
      t.putNull("deleted_at");
      t.putNull("purged_at");
      t.put("num_keep", 25);
      t.putNull("schedule");
      t.putArray("logs");
      app.transfersList().add(t);
    }
    backupThread.execute(() -> runDump(app, t, num, failure));
    return withoutLogs(t);
  }

  private void runDump(FakeApp app, ObjectNode t, int num, String failure) {
    PgConnection db = app.postgres().orElseThrow();
    Path file = workDir.resolve(app.name() + "-b" + num + ".dump");
    List<String> logs = new ArrayList<>();
    boolean ok;
    logs.add("pg_dump: dumping contents of database " + db.database());
    if (failure != null) {
      logs.add(failure);
      ok = false;
    } else {
      try {
        // PGBackups pipes pg_dump's output into its uploader (Heroku's transferatu: pg_dump's stdout into
        // `gof3r put`), so a real backup is written to a pipe and its TOC records no data offsets: so here.
        processRunner.run(Command.builder("bash", "-c", "set -o pipefail; out=$1; shift; pg_dump \"$@\" | cat > \"$out\"",
                "fake-heroku-capture", file.toString(), "-Fc", "--no-acl", "--no-owner", "-h", db.host(),
                "-p", String.valueOf(db.port()), "-U", db.user(), "-d", db.database())
            .secretEnv("PGPASSWORD", db.password())
            .env("PGSSLMODE", db.sslMode())
            .timeout(Duration.ofHours(1))
            .build());
        ok = true;
        logs.add("pg_dump: finished");
      } catch (CommandFailedException e) {
        logs.addAll(e.outputTail());
        ok = false;
      }
    }
    long size = ok ? sizeOf(file) : 0;
    if (ok) {
      dumps.put(app.name() + "/" + num, file);
    }
    synchronized (app) {
      t.put("finished_at", now());
      t.put("updated_at", now());
      t.put("succeeded", ok);
      t.put("processed_bytes", size);
      t.put("source_bytes", size);
      ArrayNode l = t.putArray("logs");
      logs.forEach(m -> l.addObject().put("created_at", now()).put("level", "info").put("message", m));
    }
    LOG.info("FakeHeroku: backup b{} of {} {} ({} bytes)", num, app.name(), ok ? "succeeded" : "failed", size);
  }

  private ObjectNode publicUrl(FakeApp app, ObjectNode transfer) {
    int num = transfer.path("num").asInt();
    byte[] sig = new byte[20];
    random.nextBytes(sig);
    String signature = HexFormat.of().formatHex(sig);
    String key = "/backups/" + app.name() + "/b" + String.format("%03d", num) + ".dump";
    signatures.put(signature, new SignedUrl(key, app.name() + "/" + num));
    ObjectNode o = FakeApp.JSON.createObjectNode();
    o.put("url", "https://127.0.0.1:" + downloads.port() + key + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=600"
        + "&X-Amz-Signature=" + signature);
    o.put("expires_at", HEROKU_TIME.format(Instant.now().plusSeconds(600)));
    return o;
  }

  private Reply credentials(String addonName, String credential) {
    for (FakeApp app : apps.values()) {
      boolean owns = app.attachmentsJson().stream()
          .anyMatch(a -> a.path("addon").path("name").asText().equals(addonName) && app.postgres().isPresent());
      if (owns && credential.equals("default")) {
        PgConnection db = app.postgres().orElseThrow();
        ObjectNode o = FakeApp.JSON.createObjectNode();
        o.put("uuid", FakeApp.uuid("credential:" + addonName));
        o.put("name", "default");
        o.put("state", "active");
        o.put("database", db.database());
        o.put("host", db.host());
        o.put("port", db.port());
        ObjectNode c = o.putArray("credentials").addObject();
        c.put("user", db.user());
        c.put("password", db.password().reveal());
        c.put("state", "active");
        c.put("connections", 0);
        return ok(o);
      }
    }
    return error(404, "not_found", "Couldn't find that credential.");
  }

  // ---------------------------------------------------------------- storage

  private DownloadServer.Answer handleDownload(DownloadServer.Request r) {
    Optional<Fault> fault = takeFault(r.method(), r.path());
    DownloadServer.Answer answer;
    Matcher sig = Pattern.compile("(?:^|&)X-Amz-Signature=([0-9a-f]+)").matcher(r.query());
    SignedUrl signed = sig.find() ? signatures.get(sig.group(1)) : null;
    Path file = signed == null ? null : dumps.get(signed.dumpKey());
    if (fault.isPresent() && fault.get().status() > 0) {
      answer = xml(fault.get().status(), "InternalError", fault.get().message());
    } else if (expiredDownloads) {
      answer = xml(403, "AccessDenied", "Request has expired");
    } else if (signed == null || !r.path().equals(signed.path())) {
      answer = xml(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
    } else if (file == null) {
      answer = xml(404, "NoSuchKey", "The specified key does not exist.");
    } else {
      answer = new DownloadServer.Answer(200, "application/octet-stream", new byte[0], file, cutDownloadsAfter,
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

  private Optional<Fault> takeFault(String method, String path) {
    for (ActiveFault f : faults) {
      if (f.fault().matches(method, path) && f.left().getAndUpdate(n -> n == Integer.MAX_VALUE ? n : n - 1) > 0) {
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
    if (f.status() == 429) {
      headers.put("RateLimit-Remaining", "0");
      if (!f.retryAfter().isZero()) {
        headers.put("Retry-After", String.valueOf(f.retryAfter().toSeconds()));
      }
    }
    ObjectNode body = FakeApp.JSON.createObjectNode().put("id", f.errorId()).put("message", f.message());
    return new Reply(f.status(), bytes(body), "application/json; charset=utf-8", headers);
  }

  private Reply list(List<ObjectNode> all, String range, String field) {
    Ranges.Page page = Ranges.page(all, range, field, DEFAULT_PAGE);
    ArrayNode out = FakeApp.JSON.createArrayNode();
    page.items().forEach(out::add);
    if (page.nextRange() == null) {
      return ok(out);
    }
    return new Reply(206, bytes(out), "application/json; charset=utf-8", Map.of("Next-Range", page.nextRange()));
  }

  private static Reply ok(JsonNode body) {
    return new Reply(200, bytes(body), "application/json; charset=utf-8", Map.of());
  }

  private static Reply error(int status, String id, String message) {
    ObjectNode body = FakeApp.JSON.createObjectNode().put("id", id).put("message", message);
    return new Reply(status, bytes(body), "application/json; charset=utf-8", Map.of());
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return FakeApp.JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Connection connect(PgConnection db) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", db.user());
    p.setProperty("password", db.password().reveal());
    return DriverManager.getConnection(db.jdbcUrl(), p);
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  private static String now() {
    return HEROKU_TIME.format(Instant.now());
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
