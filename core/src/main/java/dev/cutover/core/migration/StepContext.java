package dev.cutover.core.migration;

import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Redactor;
import dev.cutover.core.spi.DatabaseMover;
import dev.cutover.core.spi.RepoPreparation;
import dev.cutover.core.spi.SourceApp;
import dev.cutover.core.spi.TargetApp;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link Step} works with during one attempt: the plan (its only source of decisions), the
 * ports, the journal, the event log, the attempt's tunnels and dump files. One per attempt, used on
 * the runner's thread only.
 */
final class StepContext {
  private static final Logger log = LoggerFactory.getLogger(StepContext.class);

  private final MigrationPlan plan;
  private final Journal journal;
  private final EventLog events;
  private final MigrationListener listener;
  private final Tunnels tunnels;
  private final Dumps dumps;
  private final int attempt;

  StepContext(MigrationPlan plan, Journal journal, EventLog events, int attempt) {
    this.plan = plan;
    this.journal = journal;
    this.events = events;
    this.attempt = attempt;
    this.listener = MigrationListener.safe(plan.wiring().listener());
    this.tunnels = new Tunnels(plan.wiring().target(), plan.wiring().redactor());
    this.dumps = new Dumps(plan.workDirectory());
  }

  MigrationPlan plan() {
    return plan;
  }

  Journal journal() {
    return journal;
  }

  SourceApp source() {
    return plan.wiring().source();
  }

  TargetApp target() {
    return plan.wiring().target();
  }

  DatabaseMover mover() {
    return plan.wiring().mover();
  }

  RepoPreparation preparation() {
    return plan.wiring().preparation();
  }

  MigrationListener listener() {
    return listener;
  }

  Redactor redactor() {
    return plan.wiring().redactor();
  }

  Clock clock() {
    return plan.wiring().clock();
  }

  Instant now() {
    return clock().instant();
  }

  Tunnels tunnels() {
    return tunnels;
  }

  Dumps dumps() {
    return dumps;
  }

  /** This attempt's number (1 for the first run, then one more per resume and rollback). */
  int attempt() {
    return attempt;
  }

  Journal.MoveState move(DataMove move) {
    return journal.move(move.id());
  }

  /** Writes the journal (atomically), with the event log's current length and last hash. */
  void save() {
    journal.updatedAt = now().toString();
    journal.eventLines = events.lines();
    journal.eventHead = events.head();
    journal.save(plan.journal());
  }

  /**
   * Appends an event to the audit trail (values redacted), then saves the journal that records its hash.
   *
   * @return the time the event carries
   */
  Instant event(String type, Map<String, ?> fields) {
    Map<String, Object> redacted = new LinkedHashMap<>();
    redacted.put("attempt", attempt);
    fields.forEach((k, v) -> redacted.put(k, v instanceof String s ? redactor().redact(s) : v));
    Instant at = now();
    events.append(at, type, redacted);
    save();
    return at;
  }

  /** Tells the listener and the audit trail something the user should know that does not fail the step. */
  void warning(MigrationStep step, String message) {
    warning(step, "warning", message);
  }

  /** {@link #warning(MigrationStep, String)}, logged as an event of its own {@code type} (e.g. {@code lock-taken-over}). */
  void warning(MigrationStep step, String type, String message) {
    String text = redactor().redact(message);
    log.warn("{}: {}", step.id(), text);
    listener.warning(new MigrationEvent.Warning(step.id(), now(), text));
    event(type, Map.of("step", step.id(), "message", text));
  }

  /**
   * Records that {@code step} changed something on the source that a rollback must give back, as
   * {@code description} with {@code params} for its {@link Step#undo}. Journalled before it returns;
   * registering the same {@code key} again (a repeated step) changes nothing.
   */
  void registerUndo(MigrationStep step, String key, String description, Map<String, String> params) {
    if (journal.undo.stream().anyMatch(u -> u.key.equals(key) && u.doneAt == null)) {
      return;
    }
    Journal.Undo u = new Journal.Undo();
    u.step = step.id();
    u.key = key;
    u.description = description;
    u.params = new LinkedHashMap<>(params);
    u.registeredAt = now().toString();
    journal.undo.add(u);
    event("undo-registered", Map.of("step", step.id(), "undo", description));
  }

  Path workDirectory() {
    return plan.workDirectory();
  }
}
