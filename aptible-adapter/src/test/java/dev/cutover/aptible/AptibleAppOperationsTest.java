package dev.cutover.aptible;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.model.RegistryCredentials;
import dev.cutover.core.spi.HttpsEndpoint;
import dev.cutover.testkit.aptible.FakeAptible;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Config, image deploy, scale and endpoints through AptibleApp against the fake CLI. */
@Tag("integration")
class AptibleAppOperationsTest {
  private static FakeAptible fake;
  private static Redactor redactor;
  private static AptibleApp app;
  private static final Secret REGISTRY_PASSWORD = Secret.of("registry-canary-9f3k");
  private static final Secret DB_URL_CANARY = Secret.of("postgres://u:config-canary-77x@h:5432/d");

  @BeforeAll
  static void deployed() {
    LocalPostgres.require();
    fake = FakeAptible.builder().environment("ops-env").build();
    redactor = Redactor.create();
    app = AptibleClientFakeAptibleTest.client(fake, redactor).app("ops-app");
    app.ensureApp();
    fake.registerImage("registry.example.com/team/ops:1.0", "web: node server.js\nworker: node worker.js\n",
        List.of("npm run migrate"));
  }

  @AfterAll
  static void stop() {
    fake.close();
  }

  @Test
  void setConfig_valuesStoredAndNamesListed() {
    app.setConfig(Map.of("DATABASE_URL", DB_URL_CANARY, "PORT", Secret.of("3000")));

    assertThat(app.configNames()).contains("DATABASE_URL", "PORT");
    assertThat(fake.app("ops-app").orElseThrow().config()).containsEntry("DATABASE_URL", DB_URL_CANARY.reveal())
        .containsEntry("PORT", "3000");
    assertThat(redactor.redact("x " + DB_URL_CANARY.reveal())).doesNotContain("config-canary-77x");
  }

  @Test
  void deployImage_scaleAndEndpoints_landInFakeState() {
    List<MigrationEvent> events = new CopyOnWriteArrayList<>();
    MigrationListener listener = new MigrationListener() {
      @Override
      public void output(MigrationEvent.Output event) {
        events.add(event);
      }

      @Override
      public void stepStarted(MigrationEvent.StepStarted event) {
        events.add(event);
      }
    };
    app.deploy(Deploy.dockerImage("registry.example.com/team/ops:1.0",
        new RegistryCredentials("deployer", REGISTRY_PASSWORD)), listener);

    FakeAptible.App deployed = fake.app("ops-app").orElseThrow();
    assertThat(deployed.status()).isEqualTo("provisioned");
    assertThat(deployed.services()).extracting(FakeAptible.Service::name).containsExactly("web", "worker");
    assertThat(deployed.beforeDeploy()).containsExactly("npm run migrate");
    assertThat(fake.deploys()).last().satisfies(d -> assertThat(d.paramsJson())
        .contains("\"APTIBLE_DOCKER_IMAGE\":\"registry.example.com/team/ops:1.0\"")
        .contains("\"APTIBLE_PRIVATE_REGISTRY_USERNAME\":\"deployer\""));
    assertThat(events).isNotEmpty().noneMatch(e -> e.toString().contains(REGISTRY_PASSWORD.reveal()));

    app.scale("web", 2, 2048);
    assertThat(fake.app("ops-app").orElseThrow().services().get(0))
        .isEqualTo(new FakeAptible.Service("web", "node server.js", 2, 2048, "m"));
    assertThat(AptibleClientFakeAptibleTest.client(fake, redactor).app("ops-app").services())
        .extracting(ServiceInfo::name, ServiceInfo::containerCount)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("web", 2), org.assertj.core.groups.Tuple.tuple("worker", 1));
    assertThatThrownBy(() -> app.scale("clock", 1, 1024)).isInstanceOfSatisfying(AptibleException.class,
        e -> assertThat(e.errorText()).isEqualTo(
            "Service with type clock does not exist for app ops-app. Valid types: web, worker."));

    List<HttpsEndpoint> endpoints = app.ensureHttpsEndpoints("web", List.of("www.example.com", "api.example.com"));
    List<HttpsEndpoint> again = app.ensureHttpsEndpoints("web", List.of("www.example.com", "api.example.com"));
    // one endpoint per domain, as Aptible makes them: two domains, two CNAME targets
    assertThat(endpoints).extracting(HttpsEndpoint::domain).containsExactly("www.example.com", "api.example.com");
    assertThat(endpoints).extracting(HttpsEndpoint::dnsTarget).doesNotHaveDuplicates()
        .allSatisfy(h -> assertThat(h).startsWith("elb-ops-env-").endsWith(".aptible.in"))
        .containsExactly(fake.endpoints().get(0).hostname(), fake.endpoints().get(1).hostname());
    assertThat(again).as("repeated: the same endpoints are reused").isEqualTo(endpoints);
    assertThat(fake.endpoints()).extracting(FakeAptible.Endpoint::managedTlsDomain)
        .containsExactly(java.util.Optional.of("www.example.com"), java.util.Optional.of("api.example.com"));
    List<HttpsEndpoint> defaultEndpoint = app.ensureHttpsEndpoints("web", List.of());
    assertThat(fake.endpoints()).hasSize(3).last().satisfies(e ->
        assertThat(e.defaultDomain()).get().asString().endsWith(".on-aptible.com"));
    assertThat(defaultEndpoint).singleElement().satisfies(e -> {
      assertThat(e.dnsTarget()).isEqualTo(fake.endpoints().get(2).hostname());
      assertThat(e.domain()).isEqualTo(fake.endpoints().get(2).defaultDomain().orElseThrow());
      assertThat(e.custom()).isFalse();
    });
    String target = endpoints.get(0).dnsTarget();

    AptibleClient client = AptibleClientFakeAptibleTest.client(fake, redactor);
    client.app("ops-app").renewEndpoint(target);
    assertThat(client.app("ops-app").endpoints().get(0).managedTlsStatus()).contains("ready");
    assertThat(client.operationLogs(fake.deploys().get(0).id())).contains("succeeded");
  }

  @Test
  void deployGitCommitish_pushedBranch_deploysItsProcfile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path work)
      throws Exception {
    AptibleApp gitApp = AptibleClientFakeAptibleTest.client(fake, redactor).app("commitish-app");
    gitApp.ensureApp();
    org.eclipse.jgit.lib.ObjectId commit = GitDeployTest.commitApp(work, "feature", Map.of("Dockerfile",
        "FROM scratch\n", "Procfile", "web: ./serve\n"));
    try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.open(work.toFile())) {
      git.push().setRemote(fake.bareRepository("ops-env", "commitish-app").toUri().toString())
          .setRefSpecs(new org.eclipse.jgit.transport.RefSpec("refs/heads/feature:refs/heads/feature")).call();
    }

    AptibleClientFakeAptibleTest.client(fake, redactor).app("commitish-app").deployGitCommitish("feature", line -> { });

    FakeAptible.App deployed = fake.app("commitish-app").orElseThrow();
    assertThat(deployed.services()).extracting(FakeAptible.Service::name).containsExactly("web");
    assertThat(fake.deploys()).last().satisfies(d -> {
      assertThat(d.paramsJson()).contains("\"git_ref\":\"feature\"");
      assertThat(d.resource()).isEqualTo("commitish-app");
    });
    assertThat(commit).isNotNull();
  }

  @Test
  void databaseUrl_registeredAndUsable() {
    app.ensureDatabase("ops-db", DatabaseSpec.postgresql("17"));
    Secret url = app.databaseUrl("ops-db");
    assertThat(url.reveal()).startsWith("postgresql://cut_aptible_");
    String password = url.reveal().substring(url.reveal().indexOf(':', 14) + 1, url.reveal().indexOf('@'));
    assertThat(redactor.redact("the password is " + password)).isEqualTo("the password is ****");
  }
}
