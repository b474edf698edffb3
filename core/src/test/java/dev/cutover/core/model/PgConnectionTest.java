package dev.cutover.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.Secret;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PgConnectionTest {
  @ParameterizedTest
  @ValueSource(strings = {"p@ss/word?#1", "a+b c%zz", "with:colon", "%41plain", "x#y", "semi;colon&amp=1"})
  void parse_passwordWithUrlSpecialCharacters_unencoded_keptExactly(String password) {
    PgConnection c = PgConnection.parse(Secret.of("postgres://u6d2f1a9c3b:" + password
        + "@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d7k2m9x1?sslmode=require"));

    assertThat(c.password().reveal()).isEqualTo(password.equals("%41plain") ? "Aplain" : password);
    assertThat(c.user()).isEqualTo("u6d2f1a9c3b");
    assertThat(c.host()).isEqualTo("ec2-1-2-3-4.compute-1.amazonaws.com");
    assertThat(c.port()).isEqualTo(5432);
    assertThat(c.database()).isEqualTo("d7k2m9x1");
    assertThat(c.sslMode()).isEqualTo("require");
  }

  @ParameterizedTest
  @ValueSource(strings = {"p@ss/word?#1", "a+b c", "with:colon", "100%", "ünïcødé"})
  void url_roundTripsThroughParse(String password) {
    PgConnection c = new PgConnection("db.example.com", 6543, "my db", "app", Secret.of(password), "disable");

    PgConnection back = PgConnection.parse(c.url());

    assertThat(back.password().reveal()).isEqualTo(password);
    assertThat(back).isEqualTo(c);
  }

  @Test
  void parse_ipv6HostAndDefaultPort() {
    PgConnection c = PgConnection.parse(Secret.of("postgresql://u:pw@[::1]/db"));

    assertThat(c.host()).isEqualTo("::1");
    assertThat(c.port()).isEqualTo(5432);
    assertThat(c.sslMode()).isEqualTo("prefer");
  }

  @Test
  void parse_notAUrl_rejectedWithoutThePassword() {
    assertThatThrownBy(() -> PgConnection.parse(Secret.of("postgres://u:s3cr3t-pw@host name/db")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("s3cr3t");
    assertThatThrownBy(() -> PgConnection.parse(Secret.of("mysql://u:s3cr3t-pw@host/db")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scheme");
  }
}
