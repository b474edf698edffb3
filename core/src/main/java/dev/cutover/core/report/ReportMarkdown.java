package dev.cutover.core.report;

import dev.cutover.core.model.VerificationReport;
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
    list(md, "Repository findings", r.repositoryFindings(), "None.");
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
    VerificationReport v = r.verification().get();
    md.append("Evidence: ").append(v.against()).append(". ").append(evidenceSentence(v)).append("\n\n");
    md.append("Result: ").append(v.contentVerified() ? "**content verified**" : !v.passed() ? "**FAILED**"
        : "**NOT verified** (only counts were compared)").append(" (").append(v.checks().size()).append(" checks, ")
        .append(v.mismatches().size()).append(" mismatches, ").append(MigrationReport.human(v.duration())).append(")\n\n");
    md.append("| table | kind | rows source | rows target | digest match | time |\n|---|---|---|---|---|---|\n");
    if (v.tables().isEmpty()) {
      md.append("| (no table compared) | | | | | |\n");
    }
    v.tables().forEach(t -> md.append("| ").append(cell(t.name())).append(" | ").append(t.kind()).append(" | ")
        .append(rows(t.expectedRows())).append(" | ").append(rows(t.actualRows())).append(" | ").append(digest(t.digest()))
        .append(" | ").append(MigrationReport.human(t.time())).append(" |\n"));
    List<String> mismatches = v.mismatches().stream().limit(VerificationReport.SHOWN_MISMATCHES)
        .map(c -> c.kind() + " `" + c.name() + "`: expected " + c.expected() + ", actual " + c.actual()).toList();
    list(md, "### Mismatches", mismatches, "None.");
    if (v.mismatches().size() > mismatches.size()) {
      md.append("- ... and ").append(v.mismatches().size() - mismatches.size()).append(" more (all in the JSON report)\n");
    }
    list(md, "### Expected losses (listed, not failed)", v.expectedLosses(), "None.");
    list(md, "### Not proven by this evidence", v.notProven(), "Nothing left out.");
  }

  /** What the evidence consists of, in a sentence (the JSON report carries the same sentence). */
  static String evidenceSentence(VerificationReport v) {
    return switch (v.evidence()) {
      case LIVE_SOURCE -> "Every table's rows were digested on the live source and on the target at the same time and"
          + " the digests compared; large objects, sequences, the schema, privileges and settings were compared too.";
      case BACKUP_ARCHIVE -> "The live source was not used: each table's data in the backup archive the target was"
          + " restored from was digested and compared with the target's, with the archive's large objects, sequence"
          + " values, object list, comments and settings.";
      case COUNTS_ONLY -> "Only row counts were compared: they prove no content, so the data is not called verified.";
    };
  }

  private static String rows(long n) {
    return n < 0 ? "missing" : Long.toString(n);
  }

  private static String digest(VerificationReport.Digest d) {
    return switch (d) {
      case MATCH -> "yes";
      case MISMATCH -> "**NO**";
      case NOT_COMPARED -> "not compared";
    };
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
    md.append("\n").append(title.startsWith("#") ? title : "## " + title).append("\n\n");
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
