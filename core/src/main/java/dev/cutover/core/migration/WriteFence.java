package dev.cutover.core.migration;

import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.MigrationException;
import dev.cutover.core.Sleeper;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.Formation;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.model.WriteCounters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The write fence of step 6, beyond maintenance mode (which stops web traffic only): every non-web
 * process type scaled to 0 (the formation journalled first as an undo record, so a rollback restores
 * it exactly), running one-off dynos refused, and the freeze proven from each source database's own
 * write counters, two snapshots a flush delay apart. The later snapshot is journalled; the
 * verification gate compares it with the counters at verification and fails naming every table
 * written in between.
 */
final class WriteFence {
  static final String UNDO_KEY = "formation";
  static final String CHECK_KIND = "write-freeze";

  private WriteFence() {}

  /** The process types the fence stops, with the quantity each has now: every non-web type above 0. */
  static Map<String, Integer> scaleDown(AppInventory inventory) {
    Map<String, Integer> out = new TreeMap<>();
    inventory.formation().stream().filter(f -> !f.type().equals("web") && !f.type().equals("release")
        && f.quantity() > 0).forEach(f -> out.put(f.type(), f.quantity()));
    return out;
  }

  /**
   * The inventory with the formation the journal recorded before the fence scaled it: once the fence
   * ran, the source's formation is the fence's doing, not the app's, and the plan must stay the one
   * approved (services, undo).
   */
  static AppInventory beforeFence(AppInventory inventory, Journal journal) {
    Optional<Journal.Undo> undo = journal == null ? Optional.empty() : journal.undo.stream()
        .filter(u -> u.key.equals(UNDO_KEY) && u.doneAt == null).findFirst();
    if (undo.isEmpty()) {
      return inventory;
    }
    Map<String, String> before = undo.get().params;
    List<Formation> formation = inventory.formation().stream().map(f -> before.containsKey(f.type())
        ? new Formation(f.type(), Integer.parseInt(before.get(f.type())), f.size(), f.command()) : f).toList();
    return new AppInventory(inventory.app(), inventory.stack(), inventory.region(), inventory.buildpacks(), formation,
        inventory.processTypes(), inventory.configVars(), inventory.addons(), inventory.domains(), inventory.databases(),
        inventory.takenAt(), inventory.generation(), inventory.gaps());
  }

  /** What the fence will do, for the plan. */
  static String describe(MigrationPlan plan) {
    Map<String, Integer> down = scaleDown(plan.inventory());
    StringBuilder s = new StringBuilder("; write fence: ");
    s.append(down.isEmpty() ? "no non-web process type to stop" : "scale " + down.entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue() + " -> 0").collect(Collectors.joining(", "))
        + " (formation journalled; a rollback restores it)");
    s.append(", refuse while one-off dynos run");
    if (!plan.inventory().jobAddons().isEmpty()) {
      s.append(", job add-ons not stopped by scaling: ").append(plan.inventory().jobAddons().stream()
          .map(a -> a.name() + " (" + a.service() + ")").collect(Collectors.joining(", ")));
    }
    if (!plan.dataMoves(PostgresMove.class).isEmpty()) {
      s.append("; freeze proven from the write counters of ").append(plan.dataMoves(PostgresMove.class).stream()
          .map(PostgresMove::id).collect(Collectors.joining(", ")))
          .append(" (two snapshots a flush delay apart, checked again at verify)");
    }
    return s.toString();
  }

  /** Refuses to start, before anything changed, while one-off dynos run: scaling does not stop them. */
  static void refuseOneOffDynos(StepContext ctx) {
    String app = ctx.plan().source();
    ctx.source().runningOneOffDynos().filter(dynos -> !dynos.isEmpty()).ifPresent(dynos -> {
      throw new MigrationException(MigrationStep.MAINTENANCE_ON.id(), MigrationStep.MAINTENANCE_ON.id()
          + ": refused: one-off dynos are running on " + app + " and would go on writing during the downtime: "
          + String.join(", ", dynos) + ". Stop them (`" + ctx.source().stopDynoCommand("<dyno>") + "`) or let them finish,"
          + " then resume; nothing was changed", false, null);
    });
  }

  /** Stops the writer process types and proves the freeze. Journals as it goes. */
  static String raise(StepContext ctx) {
    MigrationPlan plan = ctx.plan();
    Map<String, Integer> down = scaleDown(plan.inventory());
    List<String> out = new ArrayList<>();
    if (!down.isEmpty()) {
      Map<String, String> params = new LinkedHashMap<>();
      down.forEach((type, q) -> params.put(type, Integer.toString(q)));
      ctx.registerUndo(MigrationStep.MAINTENANCE_ON, UNDO_KEY, "restore the formation of " + plan.source() + " ("
          + describe(down) + ")", params);
      Map<String, Integer> zero = new TreeMap<>();
      down.keySet().forEach(type -> zero.put(type, 0));
      Map<String, Integer> changed = ctx.source().scale(zero);
      ctx.event("formation-scaled", Map.of("app", plan.source(), "to", zero.toString(), "was", changed.toString()));
      out.add("scaled " + String.join(", ", down.keySet()) + " to 0 (was " + describe(down) + ")");
    }
    out.add(prove(ctx));
    return String.join("; ", out);
  }

  /** Gives back the formation the fence journalled before scaling. */
  static String undo(Journal.Undo undo, StepContext ctx) {
    Map<String, Integer> before = new TreeMap<>();
    undo.params.forEach((type, q) -> before.put(type, Integer.parseInt(q)));
    ctx.source().scale(before);
    ctx.event("formation-restored", Map.of("app", ctx.plan().source(), "to", before.toString()));
    return "formation of " + ctx.plan().source() + " restored (" + describe(before) + ")";
  }

  /**
   * Two snapshots of each source database's write counters, the second after the longest flush delay
   * the first reported: any table written in between fails the step naming it. The second is
   * journalled as the baseline the verification compares with.
   */
  private static String prove(StepContext ctx) {
    Map<PostgresMove, WriteCounters> first = new LinkedHashMap<>();
    List<String> unproven = new ArrayList<>();
    for (PostgresMove m : ctx.plan().dataMoves(PostgresMove.class)) {
      Optional<WriteCounters> c = source(ctx, m).flatMap(s -> ctx.mover().writeCounters(s));
      if (c.isPresent()) {
        first.put(m, c.get());
      } else {
        unproven.add(m.id());
        ctx.move(m).freezeBaseline = null;
      }
    }
    if (!unproven.isEmpty()) {
      ctx.warning(MigrationStep.MAINTENANCE_ON, "the write freeze of " + String.join(", ", unproven) + " cannot be"
          + " proven: its source database or its write counters cannot be read from here; nothing checks that"
          + " nobody writes after the capture");
    }
    if (first.isEmpty()) {
      return "write freeze not proven (no write counters)";
    }
    Duration wait = first.values().stream().map(WriteCounters::flushDelay).max(Duration::compareTo).orElseThrow();
    sleep(wait);
    List<String> proven = new ArrayList<>();
    List<String> written = new ArrayList<>();
    for (Map.Entry<PostgresMove, WriteCounters> e : first.entrySet()) {
      WriteCounters second = source(ctx, e.getKey()).flatMap(s -> ctx.mover().writeCounters(s)).orElseThrow(() ->
          new MigrationException(MigrationStep.MAINTENANCE_ON.id(), MigrationStep.MAINTENANCE_ON.id()
              + ": the write counters of " + e.getKey().id() + " could be read once and then not", true, null));
      WriteCounters.Comparison c = second.since(e.getValue());
      if (!c.frozen()) {
        written.add(e.getKey().id() + ": " + c.describe());
      } else {
        ctx.move(e.getKey()).freezeBaseline = Journal.Counters.of(second);
        proven.add(e.getKey().id() + " (" + second.tables().size() + " tables)");
      }
    }
    ctx.save();
    if (!written.isEmpty()) {
      throw new MigrationException(MigrationStep.MAINTENANCE_ON.id(), MigrationStep.MAINTENANCE_ON.id()
          + ": the source is still being written after the write fence, so a backup now would lose writes: "
          + String.join("; ", written) + ". Stop what writes (a process type outside the formation, a scheduled"
          + " job, another app sharing the database), then resume; or roll back", true, null);
    }
    ctx.event("write-freeze-proven", Map.of("databases", proven, "waitMillis", wait.toMillis()));
    return "write freeze proven for " + String.join(", ", proven) + " over " + wait.toSeconds() + " s";
  }

  /**
   * The verification's freeze check: the counters now against the journalled baseline, one check per
   * table written since, put first in {@code report} so its mismatches list them first. Unchanged
   * (the audit trail records that the freeze held) when nothing was written, and when there is no
   * baseline or no source.
   */
  static VerificationReport atVerify(StepContext ctx, PostgresMove move, Optional<PgConnection> source,
      VerificationReport report) {
    Journal.Counters baseline = ctx.move(move).freezeBaseline;
    if (baseline == null) {
      return report;
    }
    Optional<WriteCounters> now = source.flatMap(s -> ctx.mover().writeCounters(s));
    if (now.isEmpty()) {
      ctx.warning(MigrationStep.VERIFY, "the write freeze of " + move.id() + " proven at maintenance-on cannot be"
          + " checked again: the source's write counters cannot be read now");
      return report;
    }
    WriteCounters.Comparison c = now.get().since(baseline.toCounters());
    String expected = "no writes since " + baseline.takenAt;
    List<VerificationReport.Check> checks = new ArrayList<>();
    if (c.countersReset()) {
      checks.add(new VerificationReport.Check(CHECK_KIND, move.id(), expected, c.describe()));
    }
    c.written().forEach(w -> checks.add(new VerificationReport.Check(CHECK_KIND, w.table(), expected,
        w.toString().substring(w.table().length() + 2, w.toString().length() - 1) + " at " + c.to())));
    c.created().forEach(t -> checks.add(new VerificationReport.Check(CHECK_KIND, t, expected, "created since")));
    c.dropped().forEach(t -> checks.add(new VerificationReport.Check(CHECK_KIND, t, expected, "dropped since")));
    if (checks.isEmpty()) {
      ctx.event("write-freeze-held", Map.of("database", move.id(), "since", baseline.takenAt, "until", c.to().toString()));
      return report;
    }
    checks.addAll(report.checks());
    return new VerificationReport(report.evidence(), checks, report.tables(), report.expectedLosses(),
        report.notProven(), report.duration());
  }

  private static Optional<PgConnection> source(StepContext ctx, PostgresMove m) {
    return SourceDatabase.of(ctx, m, MigrationStep.MAINTENANCE_ON, "its write freeze cannot be proven");
  }

  private static void sleep(Duration d) {
    try {
      Sleeper.SYSTEM.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MigrationCancelledException(MigrationStep.MAINTENANCE_ON.id(), MigrationStep.MAINTENANCE_ON.id()
          + ": cancelled while proving the write freeze; resume() continues here", e);
    }
  }

  private static String describe(Map<String, Integer> quantities) {
    return quantities.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
  }
}
