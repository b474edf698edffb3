package dev.cutover.core.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.report.StepStatus;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportContentsTest {
  MigrationReport report;
  JsonNode json;
  String markdown;
  Fixture f;

  @BeforeAll
  void migrate(@TempDir Path dir) throws Exception {
    f = new Fixture(dir);
    report = f.migration().plan().run();
    json = new ObjectMapper().readTree(f.read(f.work().resolve("report.json")));
    markdown = f.read(f.work().resolve("report.md"));
  }

  @Test
  void report_steps_haveDurationOutcomeAndAttempts() {
    assertThat(json.get("steps")).hasSize(16);
    assertThat(json.get("steps").get(8).get("step").asText()).isEqualTo("restore");
    assertThat(json.get("steps").get(8).get("status").asText()).isEqualTo("DONE");
    assertThat(json.get("steps").get(8).get("summary").asText()).contains("13650 rows in 4 tables");
    assertThat(markdown).contains("| 9 | restore | DONE | 1 |");
  }

  @Test
  void report_downtime_runsFromMaintenanceOnToDeployed() {
    Journal j = Journal.load(f.journal());
    java.util.List<EventLog.Event> events = EventLog.read(EventLog.fileFor(f.journal()));
    String deployed = events.stream().filter(e -> e.type().equals("deployed")).findFirst().orElseThrow().at().toString();
    assertThat(json.get("downtime").get("start").asText()).isEqualTo(j.maintenanceOnAt);
    assertThat(json.get("downtime").get("end").asText()).isEqualTo(deployed);
    assertThat(report.downtime()).isPresent();
    assertThat(report.downtimeWindows()).singleElement().satisfies(w -> assertThat(w.endedBy()).contains("deployed"));
    assertThat(markdown).contains("Maintenance on: " + j.maintenanceOnAt).contains("Verified and deployed: " + deployed);
  }

  @Test
  void report_verification_isATable() {
    JsonNode v = json.get("verification");
    assertThat(v.get("passed").asBoolean()).isTrue();
    assertThat(v.get("contentVerified").asBoolean()).isTrue();
    assertThat(v.get("evidence").asText()).isEqualTo("LIVE_SOURCE");
    assertThat(v.get("against").asText()).isEqualTo("content digests against the live source");
    assertThat(v.get("evidenceStatement").asText()).contains("digested on the live source and on the target");
    assertThat(v.get("checks")).hasSize(8);
    assertThat(v.get("mismatches")).isEmpty();
    assertThat(v.get("tables")).hasSize(4);
    JsonNode orders = v.get("tables").get(1);
    assertThat(orders.get("table").asText()).isEqualTo("public.orders");
    assertThat(orders.get("kind").asText()).isEqualTo("table");
    assertThat(orders.get("rowsSource").asLong()).isEqualTo(4500);
    assertThat(orders.get("rowsTarget").asLong()).isEqualTo(4500);
    assertThat(orders.get("digest").asText()).isEqualTo("MATCH");
    assertThat(orders.get("digestMatch").asBoolean()).isTrue();
    assertThat(orders.get("timeMillis").asLong()).isEqualTo(3);
    assertThat(v.get("expectedLosses").toString()).contains("grant SELECT on public.orders to analyst");
    assertThat(v.get("notProven")).isEmpty();
    assertThat(markdown).contains("Evidence: content digests against the live source. Every table's rows were digested")
        .contains("**content verified**")
        .contains("| table | kind | rows source | rows target | digest match | time |")
        .contains("| public.orders | table | 4500 | 4500 | yes | 3 ms |")
        .contains("### Mismatches\n\nNone.")
        .contains("### Expected losses (listed, not failed)\n\n- grant SELECT on public.orders to analyst")
        .contains("### Not proven by this evidence\n\nNothing left out.");
    assertThat(report.summary()).startsWith("Migrated and verified (content digests against the live source).");
  }

  @Test
  void report_config_namesCopiedAndSkippedWithWhy() {
    assertThat(json.get("config").get("copied").toString())
        .contains("STRIPE_API_KEY", "SESSION_SECRET", "REDIS_URL", "DATABASE_URL", "PORT").doesNotContain("HEROKU_APP_ID");
    assertThat(json.get("config").get("skipped").toString()).contains("HEROKU_APP_ID").contains("dyno metadata")
        .contains("HEROKU_POSTGRESQL_RED_URL");
    assertThat(json.get("config").get("flagged").toString()).contains("REDIS_URL").contains("redis-shiny-1");
  }

  @Test
  void report_addonsDnsFollowUps_areListed() {
    assertThat(report.addonsNotMigrated()).extracting(MigrationReport.AddonEntry::service)
        .containsExactly("heroku-redis", "scheduler");
    assertThat(report.dnsRecords()).containsExactly(
        new MigrationReport.DnsRecord("www.example.com", "CNAME", "elb-my-env-42.aptible.in"));
    assertThat(markdown).contains("| www.example.com | CNAME | elb-my-env-42.aptible.in |");
    assertThat(report.followUps()).anyMatch(s -> s.contains("Heroku Scheduler"))
        .anyMatch(s -> s.contains("endpoints:renew elb-my-env-42.aptible.in"))
        .anyMatch(s -> s.contains("delete the Heroku app legacy-shop"))
        .anyMatch(s -> s.contains("grants to role u1 dropped"));
  }

  @Test
  void report_toolVersionsAndDump_areRecorded() {
    assertThat(report.toolVersions()).containsEntry("pg_dump (archive)", "16.4").containsEntry("archive format", "1.15")
        .containsKeys("java", "cutover", "restore strategy");
    assertThat(json.get("dumpSha256").asText()).hasSize(64).isEqualTo(Journal.load(f.journal()).moves.get("DATABASE").dumpSha256);
    assertThat(markdown).contains("SHA-256: `" + json.get("dumpSha256").asText() + "`");
    assertThat(report.targetResources()).contains("HTTPS endpoint for web: elb-my-env-42.aptible.in serving www.example.com");
    assertThat(report.deployedRevision()).hasValue("0123456789abcdef0123456789abcdef01234567");
    assertThat(report.attempts()).singleElement().satisfies(a -> {
      assertThat(a.command()).isEqualTo("run");
      assertThat(a.outcome()).isEqualTo("COMPLETED");
      assertThat(a.operator()).contains("@");
      assertThat(a.planFingerprint()).hasSize(64);
    });
    assertThat(report.steps()).filteredOn(s -> s.status() != StepStatus.SKIPPED).allSatisfy(s -> assertThat(s.finishedAt()).isPresent());
    assertThat(markdown).contains("Plan fingerprint: `" + report.planFingerprint() + "`").contains("hash chain intact");
  }
}
