package dev.cutover.testkit.heroku;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.core.Secret;
import dev.cutover.core.model.PgConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * FakeHeroku refuses and answers what Heroku refuses and answers (reference/heroku.md §4, §7 and
 * the Platform API schema): the version in {@code Accept}, the right credentials per API, fields
 * only when included or expanded, a draining rate-limit pool, ranges over long lists, fir releases,
 * shared databases, followers, dynos. Plain HTTP; no database is reached.
 */
class FakeHerokuStrictnessTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String V3 = "application/vnd.heroku+json; version=3";
  /** A database nobody connects to: these tests read only what the fake says about it. */
  private static final PgConnection NOWHERE =
      new PgConnection("127.0.0.1", 1, "nowhere", "app", Secret.of("pw-nowhere"), "disable");

  private final OkHttpClient http = new OkHttpClient();
  private FakeHeroku fake;

  @BeforeEach
  void start() {
    fake = FakeHeroku.start();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private record Answer(int status, JsonNode body, Map<String, String> headers) {}

  private Answer call(String method, String path, String body, String... headers) throws IOException {
    Request.Builder b = new Request.Builder().url(fake.apiUrl() + path)
        .method(method, body == null ? null : RequestBody.create(body, MediaType.get("application/json")));
    b.header("Authorization", "Bearer " + fake.apiKey().reveal());
    for (int i = 0; i < headers.length; i += 2) {
      if (headers[i + 1] == null) {
        b.removeHeader(headers[i]);
      } else {
        b.header(headers[i], headers[i + 1]);
      }
    }
    try (Response r = http.newCall(b.build()).execute()) {
      String text = r.body().string();
      return new Answer(r.code(), text.isEmpty() ? JSON.nullNode() : JSON.readTree(text),
          Map.of("RateLimit-Remaining", String.valueOf(r.header("RateLimit-Remaining")),
              "Retry-After", String.valueOf(r.header("Retry-After")),
              "Next-Range", String.valueOf(r.header("Next-Range"))));
    }
  }

  private Answer get(String path, String... headers) throws IOException {
    String[] all = new String[headers.length + 2];
    all[0] = "Accept";
    all[1] = V3;
    System.arraycopy(headers, 0, all, 2, headers.length);
    return call("GET", path, null, all);
  }

  @Test
  void accept_missingOrWrongVersion_406NotAcceptable() throws IOException {
    fake.app("example-app");

    Answer none = call("GET", "/apps/example-app", null);
    Answer v2 = call("GET", "/apps/example-app", null, "Accept", "application/vnd.heroku+json; version=2");
    Answer json = call("GET", "/apps/example-app", null, "Accept", "application/json");

    for (Answer a : List.of(none, v2, json)) {
      assertThat(a.status()).isEqualTo(406);
      assertThat(a.body().path("id").asText()).isEqualTo("not_acceptable");
    }
    assertThat(get("/apps/example-app").status()).isEqualTo(200);
    assertThat(get("/apps/example-app", "Accept", "application/vnd.heroku+json; version=3.sdk").status())
        .isEqualTo(200);
  }

  @Test
  void credentials_bearerOnTheDataApiOnlyBasicOnPostgresV0() throws IOException {
    fake.app("example-app").postgres(NOWHERE);
    String addon = get("/apps/example-app/addons").body().get(0).path("name").asText();
    String basic = "Basic " + Base64.getEncoder().encodeToString((":" + fake.apiKey().reveal())
        .getBytes(StandardCharsets.UTF_8));
    String credentials = "/postgres/v0/databases/" + addon + "/credentials/default";

    assertThat(get(credentials).status()).as("Bearer refused").isEqualTo(401);
    Answer ok = get(credentials, "Authorization", basic);
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.body().path("credentials").get(0).path("user").asText()).isEqualTo("app");
    assertThat(get("/apps/example-app", "Authorization", basic).status()).as("Basic refused on the Platform API")
        .isEqualTo(401);
    assertThat(get("/apps/example-app", "Authorization", "Bearer wrong").status()).isEqualTo(401);
  }

  @Test
  void attachmentsAndAddons_extraFieldsOnlyWhenIncludedOrExpanded() throws IOException {
    fake.app("example-app").postgres(NOWHERE);

    JsonNode plain = get("/apps/example-app/addon-attachments").body().get(0);
    JsonNode included = get("/apps/example-app/addon-attachments", "Accept-Inclusion", "addon:plan,config_vars")
        .body().get(0);
    assertThat(plain.has("config_vars")).isFalse();
    assertThat(plain.path("addon").has("plan")).isFalse();
    assertThat(included.path("config_vars").get(0).asText()).isEqualTo("DATABASE_URL");
    assertThat(included.path("addon").path("plan").path("name").asText()).isEqualTo("heroku-postgresql:essential-0");

    JsonNode brief = get("/apps/example-app/addons").body().get(0);
    JsonNode expanded = get("/apps/example-app/addons", "Accept-Expansion", "addon_service,plan").body().get(0);
    assertThat(fieldNames(brief.path("addon_service"))).containsExactly("id", "name");
    assertThat(fieldNames(brief.path("plan"))).containsExactly("id", "name");
    assertThat(expanded.path("addon_service").path("human_name").asText()).isNotEmpty();
    assertThat(expanded.path("plan").path("price").path("unit").asText()).isEqualTo("month");
  }

  @Test
  void rateLimit_eachRequestTakesATokenEmptyPoolAnswers429WithRetryAfter() throws IOException {
    fake.app("example-app");
    fake.rateLimitRefill(Duration.ofHours(1)).rateLimitRemaining(2);

    assertThat(get("/apps/example-app").headers().get("RateLimit-Remaining")).isEqualTo("1");
    assertThat(get("/account/rate-limits").body().path("remaining").asInt()).as("free").isEqualTo(1);
    assertThat(get("/apps/example-app").headers().get("RateLimit-Remaining")).isEqualTo("0");
    Answer limited = get("/apps/example-app");

    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.body().path("id").asText()).isEqualTo("rate_limit");
    assertThat(limited.headers().get("RateLimit-Remaining")).isEqualTo("0");
    assertThat(Long.parseLong(limited.headers().get("Retry-After"))).isBetween(3000L, 3600L);
    fake.rateLimitRemaining(4500);
    assertThat(get("/apps/example-app").status()).isEqualTo(200);
  }

  @Test
  void releases_5000_pagedByRangeDefault200Max1000NewestFirstOnAsk() throws IOException {
    fake.app("old-app").releases(5000).processTypes(Map.of("web", "npm start"));

    Answer first = get("/apps/old-app/releases");
    assertThat(first.status()).isEqualTo(206);
    assertThat(first.body()).hasSize(200);
    assertThat(first.headers().get("Next-Range")).isEqualTo("version ]200..; max=200;");
    Answer next = get("/apps/old-app/releases", "Range", first.headers().get("Next-Range"));
    assertThat(next.body().get(0).path("version").asInt()).isEqualTo(201);
    assertThat(get("/apps/old-app/releases", "Range", "version ..; max=5000").body()).hasSize(1000);
    Answer newest = get("/apps/old-app/releases", "Range", "version ..; max=10, order=desc");
    List<Integer> versions = new ArrayList<>();
    newest.body().forEach(r -> versions.add(r.path("version").asInt()));
    assertThat(versions).startsWith(5000, 4999).hasSize(10);
    assertThat(newest.body().get(0).path("current").asBoolean()).isTrue();
    assertThat(newest.body().get(1).path("current").asBoolean()).isFalse();
  }

  @Test
  void firApp_releaseCarriesAnOciImageWhoseProcessTypesHoldTheCommands() throws IOException {
    fake.app("fir-app").generation("fir").buildpacks("heroku/python")
        .processTypes(Map.of("web", "gunicorn app:app", "release", "./manage.py migrate"));

    assertThat(get("/apps/fir-app").body().path("generation").path("name").asText()).isEqualTo("fir");
    JsonNode release = get("/apps/fir-app/releases", "Range", "version ..; max=1, order=desc").body().get(0);
    assertThat(release.path("slug").isNull()).isTrue();
    String image = release.path("oci_image").path("id").asText();
    assertThat(release.path("artifacts").get(0).path("type").asText()).isEqualTo("oci-image");

    JsonNode images = get("/apps/fir-app/oci-images/" + image).body();
    assertThat(images.isArray()).isTrue();
    JsonNode web = images.get(0).path("process_types").path("web");
    assertThat(web.path("display_cmd").asText()).isEqualTo("gunicorn app:app");
    assertThat(web.path("command").asText()).isEqualTo("/cnb/process/web");
    assertThat(images.get(0).path("process_types").path("release").path("display_cmd").asText())
        .isEqualTo("./manage.py migrate");
    assertThat(get("/apps/fir-app/slugs/" + image).status()).isEqualTo(404);
    assertThat(get("/apps/fir-app/buildpack-installations").body()).isEmpty();
  }

  @Test
  void sharedDatabaseAndFollower_ownerAppAndLeaderAsHerokuShowsThem() throws IOException {
    fake.app("billing-app").postgres(NOWHERE).follower("HEROKU_POSTGRESQL_GRAY", "DATABASE");
    fake.app("web-app").attach("DATABASE", fake.app("billing-app"), "DATABASE");

    JsonNode attachment = get("/apps/web-app/addon-attachments").body().get(0);
    assertThat(attachment.path("app").path("name").asText()).isEqualTo("web-app");
    assertThat(attachment.path("addon").path("app").path("name").asText()).isEqualTo("billing-app");
    JsonNode shared = get("/apps/web-app/addons").body().get(0);
    assertThat(shared.path("app").path("name").asText()).isEqualTo("billing-app");
    assertThat(get("/addons/" + shared.path("id").asText() + "/addon-attachments").body()).hasSize(2);

    String leaderUrl = fake.app("billing-app").configVars().get("DATABASE_URL");
    String grayUrl = fake.app("billing-app").configVars().get("HEROKU_POSTGRESQL_GRAY_URL");
    assertThat(grayUrl).isNotEqualTo(leaderUrl).contains("@localhost:");
    for (JsonNode addon : get("/apps/billing-app/addons").body()) {
      JsonNode info = get("/client/v11/databases/" + addon.path("id").asText()).body();
      if (info.path("resource_url").asText().equals(grayUrl)) {
        assertThat(info.path("following").asText()).isEqualTo(leaderUrl);
      } else {
        assertThat(info.path("following").isNull()).isTrue();
      }
    }
  }

  @Test
  void formationAndDynos_scaledAsTheCliAsksWithUnknownTypesRefused() throws IOException {
    fake.app("example-app").formation("web", 2, "Standard-1X", "npm start").formation("worker", 1, "Basic", "w");

    assertThat(get("/apps/example-app/dynos").body()).extracting(d -> d.path("name").asText())
        .containsExactlyInAnyOrder("web.1", "web.2", "worker.1");
    Answer bad = call("PATCH", "/apps/example-app/formation", "{\"updates\":[{\"type\":\"clock\",\"quantity\":1},"
        + "{\"type\":\"web\",\"quantity\":0}]}", "Accept", V3);
    assertThat(bad.status()).isEqualTo(404);
    assertThat(fake.app("example-app").quantity("web")).as("nothing applied").isEqualTo(2);
    Answer ok = call("PATCH", "/apps/example-app/formation", "{\"updates\":[{\"type\":\"web\",\"quantity\":\"+1\"},"
        + "{\"type\":\"worker\",\"quantity\":0}]}", "Accept", V3);
    assertThat(ok.status()).isEqualTo(200);
    assertThat(fake.app("example-app").quantity("web")).isEqualTo(3);
    assertThat(fake.app("example-app").dynos()).containsExactly("web.1", "web.2", "web.3");
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
