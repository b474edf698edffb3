package dev.cutover.core.migration;

import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.ValidationException;
import dev.cutover.core.report.StepStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run, resume or rollback of a plan, from the lock to its last event: checks the approval
 * before anything, takes the lock (or checks the caller's), loads the journal, and once
 * {@link #begin() begun} logs the attempt (operator, tool versions, plan fingerprint, a lock taken
 * over, steps a dead run left RUNNING, what changed in the plan since the last attempt).
 * {@link #close()} closes the attempt's tunnels and releases a lock it took.
 */
final class Attempt implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Attempt.class);

  private final MigrationPlan plan;
  private final String command;
  private final Optional<Approval> approval;
  private final MigrationLock lock;
  private final boolean ownLock;
  private Journal journal;
  private StepContext ctx;

  private Attempt(MigrationPlan plan, String command, Optional<Approval> approval, MigrationLock lock, boolean ownLock) {
    this.plan = plan;
    this.command = command;
    this.approval = approval;
    this.lock = lock;
    this.ownLock = ownLock;
  }

  /**
   * Checks the approval, then takes the lock, then reads the journal.
   *
   * @param requireJournal a resume or rollback: refuse (before locking) when there is no journal
   */
  static Attempt open(MigrationPlan plan, String command, Optional<Approval> approval, boolean requireJournal) {
    approval.ifPresent(a -> a.check(plan));
    if (requireJournal && !Journal.exists(plan.journal())) {
      throw Journal.problem(plan.journal(), "does not exist: there is nothing to " + (command.equals("rollback")
          ? "roll back" : command), "pass the journal the migration wrote, or start it with run()");
    }
    MigrationLock given = plan.wiring().lock();
    if (given != null && !given.isHeld()) {
      throw new ValidationException(command, List.of(new ValidationException.Problem("lock", given.file().toString(),
          "was released before the " + command, "acquire it again, then plan and " + command)));
    }
    MigrationLock lock = given != null ? given : MigrationLock.acquire(plan.journal(), command, plan.wiring().clock());
    Attempt a = new Attempt(plan, command, approval, lock, given == null);
    try {
      if (Journal.exists(plan.journal())) {
        a.journal = Journal.load(plan.journal());
        if (!a.journal.identity.equals(plan.identity())) {
          throw Journal.problem(plan.journal(), "belongs to another migration (" + a.journal.source + " -> "
              + a.journal.targetEnvironment + "/" + a.journal.targetApp + ")", "pass the journal of " + plan.source()
              + " -> " + plan.target() + ", or another journal path");
        }
      }
      return a;
    } catch (RuntimeException e) {
      a.close();
      throw e;
    }
  }

  /** The journal as it was before this attempt, if one existed. */
  Optional<Journal> journal() {
    return Optional.ofNullable(journal);
  }

  /** Whether the journal says every step is done. */
  boolean complete() {
    return journal != null && journal.firstUnfinished().isEmpty();
  }

  /** Creates the journal if needed, counts the attempt and logs its start. */
  StepContext begin() {
    Clock clock = plan.wiring().clock();
    if (journal == null) {
      journal = newJournal(clock);
    }
    journal.attempts++;
    ctx = new StepContext(plan, journal, EventLog.open(EventLog.fileFor(plan.journal())), journal.attempts);
    PlanFiles.save(plan);
    Map<String, Object> start = new LinkedHashMap<>();
    start.put("command", command);
    start.put("operator", lock.holder().operator());
    start.put("pid", lock.holder().pid());
    start.put("planFingerprint", plan.fingerprint());
    approval.ifPresent(a -> start.put("approvedFingerprint", a.fingerprint()));
    start.put("toolVersions", toolVersions());
    ctx.event("attempt-started", start);
    lock.takenOver().ifPresent(dead -> ctx.warning(MigrationStep.INVENTORY, "lock-taken-over",
        "took over the migration's lock from " + dead + ": that process is gone"));
    for (MigrationStep s : MigrationStep.values()) {
      Journal.StepState st = journal.step(s);
      if (st.status == StepStatus.RUNNING) {
        ctx.warning(s, "step-left-running", "step " + s + " was left RUNNING by " + (st.runner == null ? "an earlier run" : st.runner)
            + ", which no longer holds the lock (it was killed or crashed): " + (command.equals("rollback")
            ? "the rollback treats it as interrupted" : "it runs again"));
      }
    }
    planChanged();
    return ctx;
  }

  /** Logs how the attempt ended. */
  void end(String outcome, String message) {
    if (ctx != null) {
      ctx.event("attempt-finished", Map.of("outcome", outcome, "message", message));
    }
  }

  StepContext context() {
    return ctx;
  }

  MigrationLock lock() {
    return lock;
  }

  @Override
  public void close() {
    if (ctx != null) {
      ctx.tunnels().close();
    }
    if (ownLock) {
      lock.close();
    }
  }

  private void planChanged() {
    String last = journal.lastFingerprint;
    journal.lastFingerprint = plan.fingerprint();
    if (last == null || last.equals(plan.fingerprint())) {
      ctx.save();
      return;
    }
    List<String> changes = PlanFiles.load(plan.workDirectory(), last).map(json -> PlanDiff.between(json, plan.canonicalJson()))
        .orElse(List.of("(the earlier plan's JSON is not in " + PlanFiles.directory(plan.workDirectory()) + ")"));
    ctx.event("plan-changed", Map.of("from", last, "to", plan.fingerprint(), "changes", changes));
    MigrationListener.safe(plan.wiring().listener()).warning(new MigrationEvent.Warning("plan", ctx.now(),
        "the plan changed since the last attempt: " + String.join("; ", changes)));
    log.warn("The plan of {} changed since the last attempt: {}", plan.journal(), changes);
  }

  private Map<String, String> toolVersions() {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("cutover", Optional.ofNullable(Attempt.class.getPackage().getImplementationVersion()).orElse("development"));
    v.put("java", System.getProperty("java.version"));
    if (plan.wiring().mover() != null) {
      v.put("data mover", plan.wiring().mover().getClass().getSimpleName());
    }
    v.putAll(plan.wiring().toolVersions());
    return v;
  }

  private Journal newJournal(Clock clock) {
    Journal j = new Journal();
    j.migrationId = UUID.randomUUID().toString();
    j.identity = plan.identity();
    j.source = plan.source();
    j.targetEnvironment = plan.wiring().target().environment();
    j.targetApp = plan.wiring().target().handle();
    j.databaseHandle = plan.databaseHandle().orElse(null);
    j.redisHandles = new ArrayList<>(plan.dataMoves(RedisMove.class).stream().map(RedisMove::targetHandle).toList());
    j.createdAt = clock.instant().toString();
    // resolved, so a resume started from another directory works in the same place
    j.options = plan.options().withWorkDirectory(plan.workDirectory());
    for (MigrationStep step : MigrationStep.values()) {
      j.step(step);
    }
    Journal.StepState inv = j.step(MigrationStep.INVENTORY);
    inv.status = StepStatus.DONE;
    inv.attempts = 1;
    inv.startedAt = plan.inventory().takenAt().toString();
    inv.finishedAt = clock.instant().toString();
    inv.summary = plan.inventory().toString();
    return j;
  }
}
