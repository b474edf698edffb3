package dev.cutover.core.migration;

import dev.cutover.core.migration.MigrationPlan.ConfigDecision;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.report.MigrationReport.Outcome;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Builds the report from the plan, the journal (where each step stands) and the event log (the
 * history: attempts, downtime windows, failures, rollbacks), and writes it as JSON and Markdown
 * beside the journal.
 */
final class ReportAssembler {
  private ReportAssembler() {}

  static Path json(MigrationPlan plan) {
    return plan.workDirectory().resolve("report.json");
  }

  static Path markdown(MigrationPlan plan) {
    return plan.workDirectory().resolve("report.md");
  }

  /** "Verified" only when every data move's content was proven (the gate lets nothing less through). */
  static String completedSummary(MigrationPlan plan, Journal j) {
    java.util.List<String> evidence = plan.dataMoves(PostgresMove.class).stream()
        .map(m -> Optional.ofNullable(j.moves.get(m.id())).flatMap(Journal.MoveState::verification))
        .map(v -> v.filter(dev.cutover.core.model.VerificationReport::contentVerified)
            .map(dev.cutover.core.model.VerificationReport::against).orElse(""))
        .distinct().toList();
    String what = evidence.isEmpty() ? "Migrated (no database to verify). "
        : evidence.contains("") ? "Migrated; the data's content was NOT verified. "
        : "Migrated and verified (" + String.join(", ", evidence) + "). ";
    return what + plan.source() + " stays in maintenance mode: switch DNS, check the app, then delete the Heroku app.";
  }

  /** Builds the report and writes both files. */
  static MigrationReport write(StepContext ctx, Outcome outcome, String summary) {
    return write(ctx.plan(), ctx.journal(), outcome, summary);
  }

  static MigrationReport write(MigrationPlan plan, Journal journal, Outcome outcome, String summary) {
    MigrationReport report = build(plan, journal, outcome, summary);
    report.write(json(plan), markdown(plan));
    return report;
  }

  static MigrationReport build(MigrationPlan plan, Journal j, Outcome outcome, String summary) {
    Path log = EventLog.fileFor(plan.journal());
    var redactor = plan.wiring().redactor();
    MigrationReport.Builder b = MigrationReport.builder()
        .migrationId(j.migrationId)
        .source(plan.source())
        .target(plan.target())
        .outcome(outcome, redactor.redact(summary))
        .sourceInMaintenance(j.inMaintenance())
        .deployedRevision(j.deployedRevision)
        .generatedAt(plan.wiring().clock().instant());
    for (MigrationStep step : MigrationStep.values()) {
      Journal.StepState st = j.step(step);
      b.step(new MigrationReport.StepOutcome(step.number(), step.id(), st.status, Duration.ofMillis(st.durationMillis),
          st.attempts, redactor.redact(st.summary), instant(st.startedAt), instant(st.finishedAt)));
    }
    History.of(EventLog.read(log)).into(b);
    AuditResult audit = java.nio.file.Files.exists(log) ? EventLog.audit(log, j.eventLines, j.eventHead)
        : new AuditResult(log, 0, 0, "");
    b.auditTrail(audit.intact() ? log + " (" + audit.lines() + " events, hash chain intact)"
        : log + ": BROKEN at line " + audit.brokenLine() + " (" + audit.problem() + ")");
    plan.dataMoves(PostgresMove.class).stream().findFirst().map(m -> j.moves.get(m.id()))
        .ifPresent(m -> {
          m.verification().ifPresent(b::verification);
          if (m.dumpSha256 != null) {
            b.dumpSha256(m.dumpSha256);
          }
          if (m.archivePgDumpVersion != null) {
            b.toolVersion("pg_dump (archive)", m.archivePgDumpVersion);
            b.toolVersion("archive format", m.archiveVersion);
            b.toolVersion("source server (archive)", m.archiveServerVersion);
          }
        });
    b.configCopied(j.configSet);
    b.configFlagged(plan.config().stream().filter(c -> c.action() == ConfigDecision.Action.COPY_FLAGGED)
        .map(c -> new MigrationReport.ConfigEntry(c.name(), c.reason())).toList());
    b.configSkipped(plan.config().stream().filter(c -> c.action() == ConfigDecision.Action.SKIP)
        .map(c -> new MigrationReport.ConfigEntry(c.name(), c.reason())).toList());
    plan.addons().stream().filter(a -> !a.migrated()).forEach(a ->
        b.addonNotMigrated(new MigrationReport.AddonEntry(a.name(), a.service(), a.plan(), a.action())));
    if (outcome != Outcome.ROLLED_BACK) {
      j.endpoints.stream().filter(Journal.Endpoint::custom)
          .forEach(e -> b.dnsRecord(new MigrationReport.DnsRecord(e.domain(), "CNAME", e.dnsTarget())));
    }
    FollowUps.add(plan, j, outcome, b);
    plan.repository().blocking().forEach(f -> b.repositoryFinding(redactor.redact("BLOCKING " + f)));
    plan.repository().warnings().forEach(w -> b.repositoryFinding(redactor.redact(w)));
    plan.repository().notes().forEach(n -> b.repositoryFinding(redactor.redact(n)));
    toolVersions(plan, b);
    TargetResources.of(plan, j).forEach(b::targetResource);
    return b.build();
  }

  private static void toolVersions(MigrationPlan plan, MigrationReport.Builder b) {
    b.toolVersion("cutover", Optional.ofNullable(ReportAssembler.class.getPackage().getImplementationVersion())
        .orElse("development"));
    b.toolVersion("java", System.getProperty("java.version"));
    b.toolVersion("restore strategy", plan.restoreStrategy().name());
    plan.dataMoves(PostgresMove.class).stream().findFirst().ifPresent(m -> {
      b.toolVersion("source postgresql", m.source().version());
      b.toolVersion("target postgresql", m.target().version());
    });
    if (plan.wiring().mover() != null) {
      b.toolVersion("data mover", plan.wiring().mover().getClass().getSimpleName());
    }
    plan.wiring().toolVersions().forEach(b::toolVersion);
  }

  private static Optional<Instant> instant(String iso) {
    return Optional.ofNullable(iso).map(Instant::parse);
  }
}
