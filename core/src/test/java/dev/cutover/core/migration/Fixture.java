package dev.cutover.core.migration;

import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.spi.RepoPreparation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test doubles of the ports wired into a {@link Migration}, in a temporary directory. */
final class Fixture {
  static final String API_SECRET = "sk_live_canary_0123456789";
  static final String SESSION_SECRET = "session-canary-abcdef";
  static final String REDIS_SECRET = "redisPassw0rd-canary";

  final Faults faults = new Faults();
  final FakeSource source;
  final FakeTarget target;
  final FakeMover mover;
  final Path dir;
  final Path repo;
  final List<MigrationEvent> events = new CopyOnWriteArrayList<>();
  final List<RepoPreparation.Change> applied = new CopyOnWriteArrayList<>();
  final List<Integer> appliedPorts = new CopyOnWriteArrayList<>();
  final RepoPreparation preparation;

  Fixture(Path dir) {
    this(dir, defaultTables());
  }

  Fixture(Path dir, Map<String, Long> tables) {
    this(dir, tables, List.of("www.example.com"));
  }

  Fixture(Path dir, Map<String, Long> tables, List<String> customDomains) {
    this.dir = dir;
    Map<String, String> config = new LinkedHashMap<>();
    config.put("DATABASE_URL", "postgres://u1:" + FakeSource.DB_PASSWORD + "@heroku-db.example.com:5432/d1");
    config.put("HEROKU_POSTGRESQL_RED_URL", "postgres://u1:" + FakeSource.DB_PASSWORD + "@heroku-db.example.com:5432/d1");
    config.put("HEROKU_APP_ID", "01234567-89ab");
    config.put("HEROKU_APP_NAME", "legacy-shop");
    config.put("HEROKU_RELEASE_VERSION", "v42");
    config.put("HEROKU_SLUG_COMMIT", "abc123");
    config.put("PORT", "5000");
    config.put("REDIS_URL", "rediss://:" + REDIS_SECRET + "@redis.example.com:6380");
    config.put("STRIPE_API_KEY", API_SECRET);
    config.put("SESSION_SECRET", SESSION_SECRET);
    source = new FakeSource(faults, "legacy-shop", tables, config, customDomains);
    target = new FakeTarget(faults);
    mover = new FakeMover(faults, source);
    repo = dir.resolve("repo");
    try {
      Files.createDirectories(repo.resolve(".git"));
      Files.writeString(repo.resolve("Procfile"), "web: npm start\nworker: node worker.js\nrelease: npm run migrate\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    preparation = new RepoPreparation() {
      @Override
      public Preview preview(Deploy deploy, AppInventory inventory, int requestedPort) {
        Path dockerfile = repo.resolve("Dockerfile");
        if (Files.exists(dockerfile)) {
          java.util.regex.Matcher m = java.util.regex.Pattern.compile("EXPOSE (\\d+)").matcher(read(dockerfile));
          int exposed = m.find() ? Integer.parseInt(m.group(1)) : DEFAULT_PORT;
          return new Preview(List.of(), requestedPort != 0 ? requestedPort : exposed,
              requestedPort != 0 ? "as requested" : "the Dockerfile's EXPOSE", List.of());
        }
        return new Preview(List.of(new Change("Dockerfile", "none in the repository; Node.js template")),
            requestedPort != 0 ? requestedPort : DEFAULT_PORT, "the Node.js template", List.of());
      }

      @Override
      public List<Change> apply(Deploy deploy, AppInventory inventory, int port) {
        faults.call("prepareRepo");
        appliedPorts.add(port);
        List<Change> changes = preview(deploy, inventory, port).changes();
        if (!changes.isEmpty()) {
          try {
            Files.writeString(repo.resolve("Dockerfile"), "FROM node:lts\nEXPOSE " + port + "\nCMD [\"npm\", \"start\"]\n");
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          applied.addAll(changes);
        }
        return changes;
      }
    };
  }

  static Map<String, Long> defaultTables() {
    Map<String, Long> tables = new LinkedHashMap<>();
    tables.put("public.users", 120L);
    tables.put("public.orders", 4500L);
    tables.put("public.items", 9000L);
    tables.put("audit.events", 30L);
    return tables;
  }

  Migration migration() {
    return Migration.from(source).to(target)
        .deploy(Deploy.git(repo, "main"))
        .workDirectory(dir.resolve("work"))
        .dataMover(mover)
        .repoPreparation(preparation)
        .listener(recorder());
  }

  MigrationListener recorder() {
    return new MigrationListener() {
      @Override
      public void stepStarted(MigrationEvent.StepStarted event) {
        events.add(event);
      }

      @Override
      public void stepFinished(MigrationEvent.StepFinished event) {
        events.add(event);
      }

      @Override
      public void stepFailed(MigrationEvent.StepFailed event) {
        events.add(event);
      }

      @Override
      public void warning(MigrationEvent.Warning event) {
        events.add(event);
      }
    };
  }

  Path work() {
    return dir.resolve("work");
  }

  Path journal() {
    return work().resolve("journal.json");
  }

  String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
