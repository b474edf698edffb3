package dev.cutover.core.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cutover.core.MigrationException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@link MigrationReport#toJson()}. */
final class ReportJson {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportJson() {}

  static String render(MigrationReport r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("migrationId", r.migrationId());
    m.put("source", r.source());
    m.put("target", r.target());
    m.put("outcome", r.outcome().name());
    m.put("summary", r.summary());
    m.put("sourceInMaintenance", r.sourceInMaintenance());
    m.put("operator", r.operator());
    m.put("planFingerprint", r.planFingerprint());
    m.put("deployedRevision", r.deployedRevision().orElse(null));
    m.put("generatedAt", r.generatedAt().toString());
    m.put("steps", r.steps().stream().map(s -> {
      Map<String, Object> sm = new LinkedHashMap<>();
      sm.put("number", s.number());
      sm.put("step", s.step());
      sm.put("status", s.status().name());
      sm.put("startedAt", text(s.startedAt()));
      sm.put("finishedAt", text(s.finishedAt()));
      sm.put("durationMillis", s.duration().toMillis());
      sm.put("attempts", s.attempts());
      sm.put("summary", s.summary());
      return sm;
    }).toList());
    m.put("attempts", r.attempts().stream().map(a -> {
      Map<String, Object> am = new LinkedHashMap<>();
      am.put("number", a.number());
      am.put("command", a.command());
      am.put("operator", a.operator());
      am.put("startedAt", a.startedAt().toString());
      am.put("endedAt", text(a.endedAt()));
      am.put("outcome", a.outcome());
      am.put("planFingerprint", a.planFingerprint());
      return am;
    }).toList());
    Map<String, Object> dt = new LinkedHashMap<>();
    dt.put("start", text(r.downtimeStart()));
    dt.put("end", text(r.downtimeEnd()));
    dt.put("durationMillis", r.downtime().map(Duration::toMillis).orElse(null));
    m.put("downtime", dt);
    m.put("downtimeWindows", r.downtimeWindows().stream().map(w -> {
      Map<String, Object> wm = new LinkedHashMap<>();
      wm.put("start", w.start().toString());
      wm.put("end", text(w.end()));
      wm.put("endedBy", w.endedBy());
      wm.put("durationMillis", w.length().map(Duration::toMillis).orElse(null));
      return wm;
    }).toList());
    m.put("failures", r.failures().stream().map(f -> Map.of("attempt", f.attempt(), "step", f.step(),
        "at", f.at().toString(), "message", f.message())).toList());
    m.put("rollbacks", r.rollbacks().stream().map(rb -> Map.of("attempt", rb.attempt(), "at", rb.at().toString(),
        "operator", rb.operator(), "undone", rb.undone(), "remaining", rb.remaining())).toList());
    m.put("verification", r.verification().map(v -> {
      Map<String, Object> vm = new LinkedHashMap<>();
      vm.put("evidence", v.evidence().name());
      vm.put("against", v.against());
      vm.put("evidenceStatement", ReportMarkdown.evidenceSentence(v));
      vm.put("passed", v.passed());
      vm.put("contentVerified", v.contentVerified());
      vm.put("durationMillis", v.duration().toMillis());
      vm.put("tables", v.tables().stream().map(t -> {
        Map<String, Object> tm = new LinkedHashMap<>();
        tm.put("table", t.name());
        tm.put("kind", t.kind());
        tm.put("rowsSource", t.expectedRows());
        tm.put("rowsTarget", t.actualRows());
        tm.put("digest", t.digest().name());
        tm.put("digestMatch", t.digest() == dev.cutover.core.model.VerificationReport.Digest.MATCH);
        tm.put("ok", t.ok());
        tm.put("timeMillis", t.time().toMillis());
        return tm;
      }).toList());
      vm.put("mismatches", v.mismatches().stream().map(ReportJson::check).toList());
      vm.put("expectedLosses", v.expectedLosses());
      vm.put("notProven", v.notProven());
      vm.put("checks", v.checks().stream().map(ReportJson::check).toList());
      return vm;
    }).orElse(null));
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("copied", r.configCopied());
    config.put("flagged", entries(r.configFlagged()));
    config.put("skipped", entries(r.configSkipped()));
    m.put("config", config);
    m.put("addonsNotMigrated", r.addonsNotMigrated().stream().map(a -> {
      Map<String, Object> am = new LinkedHashMap<>();
      am.put("name", a.name());
      am.put("service", a.service());
      am.put("plan", a.plan());
      am.put("action", a.action());
      return am;
    }).toList());
    m.put("dnsRecords", r.dnsRecords().stream().map(d -> Map.of("hostname", d.hostname(), "type", d.type(),
        "value", d.value())).toList());
    m.put("targetResources", r.targetResources());
    m.put("followUps", r.followUps());
    m.put("repositoryFindings", r.repositoryFindings());
    m.put("toolVersions", new TreeMap<>(r.toolVersions()));
    m.put("dumpSha256", r.dumpSha256().orElse(null));
    m.put("auditTrail", r.auditTrail());
    try {
      return JSON.writeValueAsString(m) + "\n";
    } catch (JsonProcessingException e) {
      throw new MigrationException("report", "report: cannot render JSON (" + e.getOriginalMessage() + ")", false, e);
    }
  }

  private static Map<String, Object> check(dev.cutover.core.model.VerificationReport.Check c) {
    Map<String, Object> cm = new LinkedHashMap<>();
    cm.put("kind", c.kind());
    cm.put("name", c.name());
    cm.put("expected", c.expected());
    cm.put("actual", c.actual());
    cm.put("ok", c.ok());
    return cm;
  }

  private static List<Map<String, String>> entries(List<MigrationReport.ConfigEntry> list) {
    return list.stream().map(e -> Map.of("name", e.name(), "reason", e.reason())).toList();
  }

  private static String text(Optional<Instant> at) {
    return at.map(Instant::toString).orElse(null);
  }
}
