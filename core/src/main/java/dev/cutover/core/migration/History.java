package dev.cutover.core.migration;

import dev.cutover.core.report.MigrationReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The migration's history as the event log tells it: every attempt (who, from where, how it ended),
 * every downtime window (maintenance on until the app was deployed on the target or maintenance
 * went off again), every failure and every rollback.
 */
final class History {
  private final List<MigrationReport.Attempt> attempts = new ArrayList<>();
  private final List<MigrationReport.DowntimeWindow> windows = new ArrayList<>();
  private final List<MigrationReport.Failure> failures = new ArrayList<>();
  private final List<MigrationReport.Rollback> rollbacks = new ArrayList<>();

  private History() {}

  static History of(List<EventLog.Event> events) {
    History h = new History();
    Instant open = null;
    for (int i = 0; i < events.size(); i++) {
      EventLog.Event e = events.get(i);
      int attempt = e.fields().path("attempt").asInt();
      switch (e.type()) {
        case "attempt-started" -> h.attempts.add(h.attempt(e, events.subList(i + 1, events.size())));
        case "maintenance-on" -> open = open == null ? e.at() : open;
        case "deployed", "maintenance-off" -> {
          if (open != null) {
            h.windows.add(new MigrationReport.DowntimeWindow(open, Optional.of(e.at()),
                e.type().equals("deployed") ? "deployed on the target" : "maintenance off (rollback)"));
            open = null;
          }
        }
        case "step-failed" -> h.failures.add(new MigrationReport.Failure(attempt, e.text("step"), e.at(), e.text("message")));
        case "rollback-finished" -> h.rollbacks.add(new MigrationReport.Rollback(attempt, e.at(), operatorOf(events, attempt),
            strings(e, "undone"), strings(e, "remaining")));
        default -> { }
      }
    }
    if (open != null) {
      h.windows.add(new MigrationReport.DowntimeWindow(open, Optional.empty(), "open"));
    }
    return h;
  }

  void into(MigrationReport.Builder b) {
    attempts.forEach(b::attempt);
    windows.forEach(b::downtimeWindow);
    failures.forEach(b::failure);
    rollbacks.forEach(b::rollback);
    if (!attempts.isEmpty()) {
      MigrationReport.Attempt last = attempts.get(attempts.size() - 1);
      b.operator(last.operator()).planFingerprint(last.planFingerprint());
    }
  }

  private MigrationReport.Attempt attempt(EventLog.Event start, List<EventLog.Event> later) {
    int n = start.fields().path("attempt").asInt();
    Optional<EventLog.Event> end = later.stream().filter(e -> e.type().equals("attempt-finished")
        && e.fields().path("attempt").asInt() == n).findFirst();
    boolean superseded = later.stream().anyMatch(e -> e.type().equals("attempt-started"));
    String outcome = end.map(e -> e.text("outcome")).orElse(superseded ? "KILLED" : "RUNNING");
    return new MigrationReport.Attempt(n, start.text("command"), start.text("operator"), start.at(),
        end.map(EventLog.Event::at), outcome, start.text("planFingerprint"));
  }

  private static String operatorOf(List<EventLog.Event> events, int attempt) {
    return events.stream().filter(e -> e.type().equals("attempt-started") && e.fields().path("attempt").asInt() == attempt)
        .map(e -> e.text("operator")).findFirst().orElse("unknown");
  }

  private static List<String> strings(EventLog.Event e, String field) {
    List<String> out = new ArrayList<>();
    e.fields().path(field).forEach(n -> out.add(n.asText()));
    return out;
  }
}
