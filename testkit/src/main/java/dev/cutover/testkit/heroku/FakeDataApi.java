package dev.cutover.testkit.heroku;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.core.CommandFailedException;
import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.Redactor;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.process.Command;
import dev.cutover.core.process.ProcessRunner;
import dev.cutover.testkit.postgres.PgFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Heroku Postgres data API of {@link FakeHeroku} ({@code /client/v11}, {@code /postgres/v0}):
 * database info, backups that run a real {@code pg_dump -Fc}, transfers listed on the app that owns
 * the database, signed URLs for the storage, credentials.
 */
final class FakeDataApi {
  private static final Logger LOG = LoggerFactory.getLogger(FakeDataApi.class);
  private static final DateTimeFormatter HEROKU_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** A signed storage URL's path and the dump it serves. */
  record SignedUrl(String path, String dumpKey) {}

  private final Function<String, Optional<FakeApp>> findApp;
  private final Supplier<Collection<FakeApp>> allApps;
  private final Path workDir;
  private final ExecutorService backupThreads;
  private final ProcessRunner processRunner = ProcessRunner.create(Redactor.create());
  private final Map<String, Path> dumps = new ConcurrentHashMap<>();
  private final Map<String, SignedUrl> signatures = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

  FakeDataApi(Function<String, Optional<FakeApp>> findApp, Supplier<Collection<FakeApp>> allApps, Path workDir,
      ExecutorService backupThreads) {
    this.findApp = findApp;
    this.allApps = allApps;
    this.workDir = workDir;
    this.backupThreads = backupThreads;
  }

  /** Answers {@code /client/v11/...} ({@code s} is the path split at '/', without the leading one). */
  FakeHeroku.Reply client(String method, String[] s, String query, int storagePort) {
    if (s.length >= 4 && s[2].equals("databases")) {
      Optional<FakeDatabase> db = database(s[3]);
      if (db.isEmpty() || db.get().provisioning()) {
        return FakeHeroku.error(404, "not_found", "Not found.");
      }
      if (s.length == 4 && method.equals("GET")) {
        return FakeHeroku.ok(databaseInfo(db.get()));
      }
      if (s.length == 5 && s[4].equals("backups") && method.equals("POST")) {
        return FakeHeroku.ok(startBackup(db.get()));
      }
      return FakeHeroku.error(404, "not_found", "Not found.");
    }
    if (s.length >= 5 && s[2].equals("apps") && s[4].equals("transfers")) {
      Optional<FakeApp> found = findApp.apply(s[3]);
      if (found.isEmpty()) {
        return FakeHeroku.error(404, "not_found", "Couldn't find that app.");
      }
      FakeApp app = found.get();
      if (s.length == 5 && method.equals("GET")) {
        ArrayNode out = FakeApp.JSON.createArrayNode();
        synchronized (app) {
          app.transfersList().forEach(t -> out.add(withoutLogs(t)));
        }
        return FakeHeroku.ok(out);
      }
      Optional<ObjectNode> transfer = findTransfer(app, s[5]);
      if (transfer.isEmpty()) {
        return FakeHeroku.error(404, "not_found", "Couldn't find that transfer.");
      }
      if (s.length == 6 && method.equals("GET")) {
        synchronized (app) {
          return FakeHeroku.ok(query.contains("verbose=true") ? transfer.get().deepCopy() : withoutLogs(transfer.get()));
        }
      }
      if (s.length == 8 && s[6].equals("actions") && s[7].equals("public-url") && method.equals("POST")) {
        return FakeHeroku.ok(publicUrl(app, transfer.get(), storagePort));
      }
    }
    return FakeHeroku.error(404, "not_found", "Not found.");
  }

  /** {@code GET /postgres/v0/databases/{addon name}/credentials/{name}}. */
  FakeHeroku.Reply credentials(String addonName, String credential) {
    Optional<FakeDatabase> db = allApps.get().stream().flatMap(a -> a.databases().stream())
        .filter(d -> d.addonName.equals(addonName)).findFirst();
    if (db.isEmpty() || !credential.equals("default")) {
      return FakeHeroku.error(404, "not_found", "Couldn't find that credential.");
    }
    PgConnection c = db.get().connection;
    ObjectNode o = FakeApp.JSON.createObjectNode();
    o.put("uuid", FakeApp.uuid("credential:" + addonName));
    o.put("name", "default");
    o.put("state", "active");
    o.put("database", c.database());
    o.put("host", c.host());
    o.put("port", c.port());
    ObjectNode cred = o.putArray("credentials").addObject();
    cred.put("user", c.user());
    cred.put("password", c.password().reveal());
    cred.put("state", "active");
    cred.put("connections", 0);
    return FakeHeroku.ok(o);
  }

  /** The dump a signed storage URL serves, when the signature is one we issued for this path. */
  Optional<Path> signedDump(String signature, String path) {
    SignedUrl signed = signature == null ? null : signatures.get(signature);
    if (signed == null || !signed.path().equals(path)) {
      return Optional.empty();
    }
    return Optional.of(dumps.getOrDefault(signed.dumpKey(), workDir.resolve("missing")));
  }

  private Optional<FakeDatabase> database(String addonId) {
    return allApps.get().stream().flatMap(a -> a.databaseById(addonId).stream()).findFirst();
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

  private ObjectNode databaseInfo(FakeDatabase db) {
    String version = "";
    long bytes = -1;
    int tables = 0;
    try (Connection c = PgFixture.open(db.connection); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("select current_setting('server_version'), pg_database_size(current_database()),"
          + " (select count(*) from information_schema.tables where table_schema not in ('pg_catalog','information_schema'))")) {
        rs.next();
        version = rs.getString(1).split(" ")[0];
        bytes = rs.getLong(2);
        tables = rs.getInt(3);
      }
    } catch (SQLException e) {
      LOG.warn("FakeHeroku cannot reach the database {}: {}", db.addonName, e.getMessage());
    }
    String planName = db.plan.substring(db.plan.indexOf(':') + 1);
    ObjectNode d = FakeApp.JSON.createObjectNode();
    d.put("addon_id", db.addonId);
    d.put("name", db.addonName);
    d.put("plan", planName);
    d.put("resource_url", db.url);
    d.put("num_bytes", bytes);
    d.put("num_tables", tables);
    d.put("postgres_version", version);
    if (db.leader == null) {
      d.putNull("following");
    } else {
      d.put("following", db.leader.url);
    }
    d.putNull("leader");
    ArrayNode info = d.putArray("info");
    info(info, "Plan", planName);
    info(info, "Status", "Available");
    info(info, "Connections", "1/20");
    info(info, "PG Version", version);
    info(info, "Created", "2024-05-01 12:00");
    info(info, "Data Size", String.format(Locale.ROOT, "%.1f MB", bytes / 1024.0 / 1024.0));
    info(info, "Tables", String.valueOf(tables));
    if (db.leader != null) {
      info(info, "Following", db.leader.url).put("resolve_db_name", true);
      info(info, "Behind By", "0 commits");
    }
    info(info, "Fork/Follow", db.plan.endsWith("essential-0") ? "Unsupported" : "Available");
    info(info, "Rollback", "Unsupported");
    info(info, "Continuous Protection", "Off");
    return d;
  }

  private static ObjectNode info(ArrayNode info, String name, String value) {
    ObjectNode i = info.addObject();
    i.put("name", name);
    i.putArray("values").add(value);
    return i;
  }

  private ObjectNode startBackup(FakeDatabase db) {
    FakeApp owner = db.owner;
    String failure = owner.takeBackupFailure();
    String fromName = owner.attachmentName(db);
    ObjectNode t;
    int num;
    synchronized (owner) {
      num = owner.transfersList().size() + 1;
      t = FakeApp.JSON.createObjectNode();
      t.put("uuid", UUID.randomUUID().toString());
      t.put("num", num);
      t.put("from_name", fromName);
      t.put("from_type", "pg_dump");
      t.put("from_url", "postgres://" + db.connection.host() + "/" + db.connection.database());
      t.put("to_name", "BACKUP");
      t.put("to_type", "gof3r");
      t.put("to_url", "https://xfrtu.s3.amazonaws.com/" + owner.id() + "/b" + num);
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
      owner.transfersList().add(t);
    }
    backupThreads.execute(() -> runDump(db, t, num, failure));
    return withoutLogs(t);
  }

  private void runDump(FakeDatabase db, ObjectNode t, int num, String failure) {
    FakeApp owner = db.owner;
    PgConnection c = db.connection;
    Path file = workDir.resolve(owner.name() + "-b" + num + ".dump");
    List<String> logs = new ArrayList<>();
    boolean ok;
    logs.add("pg_dump: dumping contents of database " + c.database());
    try {
      Thread.sleep(db.backupDuration().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (failure != null) {
      logs.add(failure);
      ok = false;
    } else {
      try {
        // PGBackups pipes pg_dump's output into its uploader (Heroku's transferatu: pg_dump's stdout into
        // `gof3r put`), so a real backup is written to a pipe and its TOC records no data offsets: so here.
        processRunner.run(Command.builder("bash", "-c", "set -o pipefail; out=$1; shift; pg_dump \"$@\" | cat > \"$out\"",
                "fake-heroku-capture", file.toString(), "-Fc", "--no-acl", "--no-owner", "-h", c.host(),
                "-p", String.valueOf(c.port()), "-U", c.user(), "-d", c.database())
            .secretEnv("PGPASSWORD", c.password())
            .env("PGSSLMODE", c.sslMode())
            .timeout(Duration.ofHours(1))
            .build());
        ok = true;
        logs.add("pg_dump: finished");
      } catch (CommandFailedException e) {
        logs.addAll(e.outputTail());
        ok = false;
      } catch (MigrationCancelledException e) {
        return;
      }
    }
    long size = ok ? sizeOf(file) : 0;
    if (ok) {
      dumps.put(owner.name() + "/" + num, file);
    }
    synchronized (owner) {
      t.put("finished_at", now());
      t.put("updated_at", now());
      t.put("succeeded", ok);
      t.put("processed_bytes", size);
      t.put("source_bytes", size);
      ArrayNode l = t.putArray("logs");
      logs.forEach(m -> l.addObject().put("created_at", now()).put("level", "info").put("message", m));
    }
    LOG.info("FakeHeroku: backup b{} of {} {} ({} bytes)", num, owner.name(), ok ? "succeeded" : "failed", size);
  }

  private ObjectNode publicUrl(FakeApp app, ObjectNode transfer, int storagePort) {
    int num = transfer.path("num").asInt();
    byte[] sig = new byte[20];
    random.nextBytes(sig);
    String signature = HexFormat.of().formatHex(sig);
    String key = "/backups/" + app.name() + "/b" + String.format("%03d", num) + ".dump";
    signatures.put(signature, new SignedUrl(key, app.name() + "/" + num));
    ObjectNode o = FakeApp.JSON.createObjectNode();
    o.put("url", "https://127.0.0.1:" + storagePort + key + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=600"
        + "&X-Amz-Signature=" + signature);
    o.put("expires_at", HEROKU_TIME.format(Instant.now().plusSeconds(600)));
    return o;
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
}
