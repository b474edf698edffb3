package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.aptible.AptibleClient;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.Toolkit;
import dev.cutover.core.spi.DatabaseMover;
import dev.cutover.heroku.HerokuClient;
import dev.cutover.postgres.PgMigrator;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * The README's wiring: one {@link Toolkit} given to both clients, no redactor passed anywhere. One
 * {@link Redactor} instance reaches the Heroku client and its app, the Aptible client and its app,
 * and the data mover {@code plan()} finds on the classpath (it is given the run's toolkit;
 * {@code PlanTest} shows plan() refusing a source and target with different redactors).
 */
class DefaultWiringTest {
  @Test
  void readmeWiring_oneRedactorReachesEveryAdapter() {
    Toolkit toolkit = Toolkit.create();
    try (HerokuClient heroku = HerokuClient.builder().toolkit(toolkit).apiKey(Secret.of("heroku-key-wiring")).build();
        AptibleClient aptible = AptibleClient.builder().toolkit(toolkit).environment("my-environment")
            .accessToken(Secret.of("eyJ.wiring.sig")).build()) {
      DatabaseMover found = ServiceLoader.load(DatabaseMover.class).findFirst().orElseThrow();

      DatabaseMover given = found.withToolkit(toolkit);

      Redactor one = toolkit.redactor();
      assertThat(heroku.toolkit().redactor()).isSameAs(one);
      assertThat(heroku.app("my-heroku-app").toolkit()).get().satisfies(k -> assertThat(k.redactor()).isSameAs(one));
      assertThat(aptible.toolkit().redactor()).isSameAs(one);
      assertThat(aptible.app("my-app").toolkit()).get().satisfies(k -> assertThat(k.redactor()).isSameAs(one));
      assertThat(given).isInstanceOfSatisfying(PgMigrator.class, pg -> assertThat(pg.redactor()).isSameAs(one));
      assertThat(one.redact("key heroku-key-wiring, token eyJ.wiring.sig")).doesNotContain("heroku-key-wiring")
          .doesNotContain("eyJ.wiring.sig");
    }
  }
}
