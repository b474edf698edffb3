package dev.cutover.core.migration;

import dev.cutover.core.ValidationException;
import dev.cutover.core.model.Addon;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.model.PostgresInfo;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which of the source's Postgres databases the plan moves, and what it says about the others: the
 * primary (the caller's {@code .database(spec)} applies to it) and every other primary the app owns,
 * each into its own Aptible database with the config vars that point at it; followers and databases
 * owned by other apps listed, not moved. Also the inventory's gaps and job add-ons, as plan warnings.
 */
final class Databases {
  private static final long GB = 1024L * 1024 * 1024;

  private Databases() {}

  static List<PostgresMove> moves(AppInventory inv, MigrationOptions options, String targetHandle,
      ValidationException.Collector problems) {
    List<PostgresMove> out = new ArrayList<>();
    Optional<PostgresInfo> primary = inv.primaryDatabase();
    InputChecks.database(options.database(), primary, problems).ifPresent(spec -> out.add(new PostgresMove(
        primary.get().attachmentName(), primary.get(), spec.handle().orElse(targetHandle + "-db"), spec,
        options.restore(), vars(primary.get(), true))));
    for (PostgresInfo d : inv.primaryDatabases()) {
      if (primary.map(d::equals).orElse(false) || !d.ownedBy(inv.app())) {
        continue;
      }
      if (d.majorVersion() == 0) {
        problems.add("databases." + d.attachmentName() + ".version", d.version().isEmpty() ? "unknown" : d.version(),
            "the version of " + d.addonName() + " is not known, so its Aptible database cannot be chosen",
            "plan again once the add-on's info (pg:info of " + d.attachmentName() + " on " + inv.app() + ") shows it");
        continue;
      }
      long dataGb = d.dataSizeBytes() < 0 ? 0 : (d.dataSizeBytes() + GB - 1) / GB;
      DatabaseSpec spec = DatabaseSpec.postgresql(Integer.toString(d.majorVersion()))
          .diskSizeGb((int) Math.max(DatabaseSpec.DEFAULT_DISK_GB, dataGb * 2));
      out.add(new PostgresMove(d.attachmentName(), d, targetHandle + "-db-" + suffix(d.attachmentName()), spec,
          options.restore(), vars(d, false)));
    }
    return out;
  }

  /** The config vars the target gets a database's URL as: the ones pointing at it, DATABASE_URL first for the primary. */
  private static List<String> vars(PostgresInfo d, boolean primary) {
    Set<String> out = new LinkedHashSet<>();
    if (primary) {
      out.add("DATABASE_URL");
    }
    out.addAll(d.configVars());
    return List.copyOf(out);
  }

  /** {@code HEROKU_POSTGRESQL_BLUE} becomes {@code blue}; anything else its lower-case handle form. */
  private static String suffix(String attachment) {
    return attachment.replaceFirst("^HEROKU_POSTGRESQL_", "").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
  }

  /** Why a Heroku Postgres add-on that no move takes is not moved, and what to do. */
  static String notMoved(AppInventory inv, Addon addon) {
    Optional<PostgresInfo> db = inv.databases().stream().filter(d -> d.addonName().equals(addon.name())).findFirst();
    if (db.isPresent() && db.get().follower()) {
      return "not migrated: a follower (read-only replica) of " + (db.get().leader().isEmpty() ? "another database"
          : db.get().leader()) + "; its URL (" + String.join(", ", db.get().configVars()) + ") is not copied: point"
          + " its readers at the Aptible database, or add a replica there";
    }
    if (db.isPresent() && !db.get().ownedBy(inv.app())) {
      return "not migrated: owned by " + db.get().ownerApp() + "; migrate it with that app, then point "
          + String.join(", ", db.get().configVars()) + " at its Aptible database";
    }
    return "not migrated: create another Aptible PostgreSQL database and move it the same way";
  }

  /** The follower whose URL {@code var} holds, if any. */
  static Optional<PostgresInfo> followerOf(AppInventory inv, String var) {
    return inv.followers().stream().filter(f -> f.configVars().contains(var)).findFirst();
  }

  /** Plan warnings: what the inventory could not read, and job add-ons that scaling does not stop. */
  static List<String> warnings(AppInventory inv) {
    List<String> out = new ArrayList<>();
    inv.gaps().forEach(g -> out.add("the inventory could not read " + g.part() + " (" + g.reason() + "); the plan"
        + " is made without it"));
    inv.jobAddons().forEach(a -> out.add(a.name() + " (" + a.service() + ") runs jobs that scaling the formation does"
        + " not stop: disable them for the downtime (a job that writes after the write fence fails the run at the"
        + " freeze check, naming the table), and recreate them on Aptible"));
    return out;
  }
}
