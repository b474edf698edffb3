package dev.cutover.core.migration;

import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Secret;
import dev.cutover.core.model.Addon;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.ConfigVar;
import dev.cutover.core.model.Domain;
import dev.cutover.core.model.Formation;
import dev.cutover.core.model.PostgresInfo;
import dev.cutover.core.spi.BackupRef;
import dev.cutover.core.spi.DownloadedBackup;
import dev.cutover.core.spi.SourceApp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An in-memory source app: a Heroku app with a formation, config, add-ons, domains and one database. */
final class FakeSource implements SourceApp {
  static final String DB_PASSWORD = "srcDbPassw0rd-canary";
  final Faults faults;
  final String name;
  AppInventory inventory;
  boolean maintenance;
  int backups;
  /** The app the backups are listed on (a database owned by another app), "" for this one. */
  String backupApp = "";
  /** Every backup a download was asked for. */
  final List<BackupRef> downloads = new ArrayList<>();
  /** The one-off dynos running, or null when this source cannot list them. */
  List<String> oneOffDynos;
  /** The source database's tables and rows; what a dump carries. */
  final Map<String, Long> tables;

  FakeSource(Faults faults, String name, Map<String, Long> tables, Map<String, String> config) {
    this(faults, name, tables, config, List.of("www.example.com"));
  }

  FakeSource(Faults faults, String name, Map<String, Long> tables, Map<String, String> config, List<String> customDomains) {
    this.faults = faults;
    this.name = name;
    this.tables = tables;
    List<ConfigVar> vars = new ArrayList<>();
    config.forEach((k, v) -> vars.add(new ConfigVar(k, Secret.of(v))));
    this.inventory = new AppInventory(name, "heroku-24", "us", List.of("heroku/nodejs"),
        List.of(new Formation("web", 2, "Standard-2X", "npm start"), new Formation("worker", 1, "standard-1X", "node worker.js")),
        Map.of("web", "npm start", "worker", "node worker.js", "release", "npm run migrate"),
        vars,
        List.of(new Addon("postgresql-curved-12345", "heroku-postgresql", "heroku-postgresql:standard-0",
                List.of("DATABASE_URL", "HEROKU_POSTGRESQL_RED_URL")),
            new Addon("redis-shiny-1", "heroku-redis", "heroku-redis:mini", List.of("REDIS_URL")),
            new Addon("scheduler-flat-2", "scheduler", "scheduler:standard", List.of())),
        java.util.stream.Stream.concat(customDomains.stream().map(d -> new Domain(d, "custom", d + ".herokudns.com")),
            java.util.stream.Stream.of(new Domain(name + ".herokuapp.com", "heroku", ""))).toList(),
        tables.isEmpty() ? List.of() : List.of(new PostgresInfo("postgresql-curved-12345", "DATABASE",
            "heroku-postgresql:standard-0", "16.4", 1024 * 1024)),
        Instant.parse("2026-11-24T04:00:00Z"));
  }

  @Override
  public String name() {
    return name;
  }

  /** When set, the toolkit this source says it was built with. */
  dev.cutover.core.Toolkit toolkit;

  @Override
  public java.util.Optional<dev.cutover.core.Toolkit> toolkit() {
    return java.util.Optional.ofNullable(toolkit);
  }

  /** Heroku's kinds, as the fixture needs them. */
  @Override
  public dev.cutover.core.model.ConfigVarKind configVarKind(String name) {
    if (name.equals("DATABASE_URL") || name.startsWith("HEROKU_POSTGRESQL_") && name.endsWith("_URL")) {
      return dev.cutover.core.model.ConfigVarKind.DATABASE_URL;
    }
    return name.startsWith("HEROKU_APP_") || name.startsWith("HEROKU_RELEASE_") || name.startsWith("HEROKU_SLUG_")
        ? dev.cutover.core.model.ConfigVarKind.PLATFORM_METADATA : dev.cutover.core.model.ConfigVarKind.APP;
  }

  /** The two dyno sizes the fixture uses; any other size has no known memory. */
  @Override
  public java.util.Optional<Integer> processMemoryMb(String size) {
    return java.util.Optional.ofNullable(Map.of("standard-1x", 512, "standard-2x", 1024)
        .get(size.toLowerCase(java.util.Locale.ROOT)));
  }

  @Override
  public AppInventory inventory() {
    faults.call("inventory");
    return inventory;
  }

  @Override
  public void maintenance(boolean on) {
    faults.call("maintenance:" + on);
    maintenance = on;
  }

  /** Sets the quantities like Heroku's formation PATCH; the inventory shows them from then on. */
  @Override
  public Map<String, Integer> scale(Map<String, Integer> quantities) {
    faults.call("sourceScale");
    Map<String, Integer> previous = new java.util.TreeMap<>();
    List<Formation> formation = inventory.formation().stream().map(f -> {
      Integer q = quantities.get(f.type());
      if (q == null || q == f.quantity()) {
        return f;
      }
      previous.put(f.type(), f.quantity());
      return new Formation(f.type(), q, f.size(), f.command());
    }).toList();
    inventory = new AppInventory(inventory.app(), inventory.stack(), inventory.region(), inventory.buildpacks(),
        formation, inventory.processTypes(), inventory.configVars(), inventory.addons(), inventory.domains(),
        inventory.databases(), inventory.takenAt(), inventory.generation(), inventory.gaps());
    return previous;
  }

  int quantity(String type) {
    return inventory.formation().stream().filter(f -> f.type().equals(type)).mapToInt(Formation::quantity).findFirst()
        .orElse(-1);
  }

  @Override
  public Optional<List<String>> runningOneOffDynos() {
    return Optional.ofNullable(oneOffDynos);
  }

  @Override
  public BackupRef captureBackup(String database, MigrationListener listener) {
    faults.call("captureBackup");
    backups++;
    return new BackupRef("b" + String.format("%03d", backups), backups, -1, backupApp);
  }

  @Override
  public DownloadedBackup download(BackupRef backup, Path directory, MigrationListener listener) {
    downloads.add(backup);
    faults.call("download");
    StringBuilder body = new StringBuilder("PGDMP\n");
    tables.forEach((t, n) -> body.append(t).append('=').append(n).append('\n'));
    Path file = directory.resolve(backup.id() + ".dump");
    try {
      Files.writeString(file, body, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MigrationException("download", "download: " + e.getMessage(), false, e);
    }
    return new DownloadedBackup(file, body.length(), Dumps.sha256(file));
  }

  /** When set, the database URL the source gives instead of the usual one (e.g. one that cannot be parsed). */
  String databaseUrlOverride;

  @Override
  public Optional<Secret> databaseUrl(String database) {
    if (databaseUrlOverride != null) {
      return Optional.of(Secret.of(databaseUrlOverride));
    }
    return tables.isEmpty() ? Optional.empty()
        : Optional.of(Secret.of("postgres://u1:" + DB_PASSWORD + "@heroku-db.example.com:5432/d1"));
  }
}
