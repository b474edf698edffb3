package dev.cutover.core.report;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/** {@link MigrationReport#toMarkdown()}. */
final class ReportMarkdown {
  private ReportMarkdown() {}

  static String render(MigrationReport r) {
    StringBuilder md = new StringBuilder();
    md.append("# Migration report: ").append(r.source()).append(" → ").append(r.target()).append("\n\n");
    md.append("- Migration: `").append(r.migrationId()).append("`\n");
    md.append("- Outcome: **").append(r.outcome()).append("**: ").append(r.summary()).append("\n");
    md.append("- Source in maintenance: ").append(r.sourceInMaintenance() ? "yes" : "no").append("\n");
    md.append("- Operator (latest attempt): ").append(r.operator()).append("\n");
    md.append("- Plan fingerprint: `").append(r.planFingerprint()).append("`\n");
    md.append("- Deployed: ").append(r.deployedRevision().map(v -> "`" + v + "`").orElse("not yet")).append("\n");
    md.append("- Audit trail: ").append(r.auditTrail()).append("\n");
    md.append("- Generated: ").append(r.generatedAt()).append("\n\n");

    md.append("## Steps\n\n| # | step | status | attempts | duration | started | finished | summary |\n")
        .append("|---|---|---|---|---|---|---|---|\n");
    for (MigrationReport.StepOutcome s : r.steps()) {
      md.append("| ").append(s.number()).append(" | ").append(s.step()).append(" | ").append(s.status())
          .append(" | ").append(s.attempts()).append(" | ").append(MigrationReport.human(s.duration())).append(" | ")
          .append(at(s.startedAt())).append(" | ").append(at(s.finishedAt())).append(" | ").append(cell(s.summary()))
          .append(" |\n");
    }
    history(r, md);
    md.append("\n## Downtime\n\n");
    md.append("- Maintenance on: ").append(r.downtimeStart().map(Instant::toString).orElse("never")).append("\n");
    md.append("- Verified and deployed: ").append(r.downtimeEnd().map(Instant::toString).orElse("not yet")).append("\n");
    md.append("- Window: ").append(r.downtime().map(MigrationReport::human).orElse("not closed")).append("\n");
    if (!r.downtimeWindows().isEmpty()) {
      md.append("\n| window | maintenance on | ended | ended by | length |\n|---|---|---|---|---|\n");
      for (int i = 0; i < r.downtimeWindows().size(); i++) {
        MigrationReport.DowntimeWindow w = r.downtimeWindows().get(i);
        md.append("| ").append(i + 1).append(" | ").append(w.start()).append(" | ").append(at(w.end())).append(" | ")
            .append(w.endedBy()).append(" | ").append(w.length().map(MigrationReport::human).orElse("open")).append(" |\n");
      }
    }
    verification(r, md);
    config(r, md);
    list(md, "Add-ons not migrated", r.addonsNotMigrated().stream().map(a -> "`" + a.name() + "` (" + a.plan() + "): "
        + a.action()).toList(), "None.");
    md.append("\n## DNS records to change\n\n");
    if (r.dnsRecords().isEmpty()) {
      md.append("None.\n");
    } else {
      md.append("| hostname | type | value |\n|---|---|---|\n");
      r.dnsRecords().forEach(d -> md.append("| ").append(d.hostname()).append(" | ").append(d.type()).append(" | ")
          .append(d.value()).append(" |\n"));
    }
    list(md, "Resources on the target", r.targetResources(), "None yet.");
    md.append("\n## Follow-ups\n\n");
    if (r.followUps().isEmpty()) {
      md.append("None.\n");
    }
    for (int i = 0; i < r.followUps().size(); i++) {
      md.append(i + 1).append(". ").append(r.followUps().get(i)).append("\n");
    }
    md.append("\n## Tool versions\n\n");
    new TreeMap<>(r.toolVersions()).forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append("\n"));
    md.append("\n## Dump\n\n- SHA-256: ").append(r.dumpSha256().map(s -> "`" + s + "`").orElse("none")).append("\n");
    return md.toString();
  }

  private static void history(MigrationReport r, StringBuilder md) {
    md.append("\n## History\n\n");
    if (r.attempts().isEmpty()) {
      md.append("No attempt recorded.\n");
    } else {
      md.append("| attempt | command | operator | started | ended | outcome | plan |\n|---|---|---|---|---|---|---|\n");
      r.attempts().forEach(a -> md.append("| ").append(a.number()).append(" | ").append(a.command()).append(" | ")
          .append(a.operator()).append(" | ").append(a.startedAt()).append(" | ").append(at(a.endedAt())).append(" | ")
          .append(a.outcome()).append(" | `").append(a.planFingerprint().length() > 12
              ? a.planFingerprint().substring(0, 12) : a.planFingerprint()).append("` |\n"));
    }
    if (!r.failures().isEmpty()) {
      md.append("\nFailures:\n\n");
      r.failures().forEach(f -> md.append("- attempt ").append(f.attempt()).append(", ").append(f.step()).append(" at ")
          .append(f.at()).append(": ").append(cell(f.message())).append("\n"));
    }
    for (MigrationReport.Rollback rb : r.rollbacks()) {
      md.append("\nRollback (attempt ").append(rb.attempt()).append(", ").append(rb.operator()).append(", ").append(rb.at())
          .append("):\n\n");
      rb.undone().forEach(u -> md.append("- did: ").append(u).append("\n"));
      rb.remaining().forEach(u -> md.append("- left on the target: ").append(u).append("\n"));
    }
  }

  private static void verification(MigrationReport r, StringBuilder md) {
    md.append("\n## Verification\n\n");
    if (r.verification().isEmpty()) {
      md.append("Not run.\n");
      return;
    }
    var v = r.verification().get();
    md.append("Compared with the ").append(v.against()).append(": ").append(v.passed() ? "**passed**" : "**FAILED**")
        .append(" (").append(v.checks().size()).append(" checks)\n\n");
    md.append("| kind | name | expected | actual | ok |\n|---|---|---|---|---|\n");
    v.checks().forEach(c -> md.append("| ").append(c.kind()).append(" | ").append(cell(c.name())).append(" | ")
        .append(cell(c.expected())).append(" | ").append(cell(c.actual())).append(" | ").append(c.ok() ? "yes" : "**NO**")
        .append(" |\n"));
  }

  private static void config(MigrationReport r, StringBuilder md) {
    md.append("\n## Config vars\n\nCopied (names only): ")
        .append(r.configCopied().isEmpty() ? "none" : "`" + String.join("`, `", r.configCopied()) + "`").append("\n\n");
    if (!r.configFlagged().isEmpty()) {
      md.append("Copied but pointing at a source add-on (review):\n\n");
      r.configFlagged().forEach(e -> md.append("- `").append(e.name()).append("`: ").append(e.reason()).append("\n"));
      md.append("\n");
    }
    md.append("Not copied:\n\n");
    if (r.configSkipped().isEmpty()) {
      md.append("- none\n");
    }
    r.configSkipped().forEach(e -> md.append("- `").append(e.name()).append("`: ").append(e.reason()).append("\n"));
  }

  private static void list(StringBuilder md, String title, List<String> items, String none) {
    md.append("\n## ").append(title).append("\n\n");
    if (items.isEmpty()) {
      md.append(none).append("\n");
    }
    items.forEach(i -> md.append("- ").append(i).append("\n"));
  }

  private static String at(Optional<Instant> at) {
    return at.map(Instant::toString).orElse("–");
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }
}
