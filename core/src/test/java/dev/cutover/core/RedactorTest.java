package dev.cutover.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {
  private final Redactor redactor = Redactor.create();

  @Test
  void registerUrl_urlWithPassword_passwordAloneMaskedRawAndDecoded() {
    Redactor r = Redactor.create();

    r.registerUrl(Secret.of("postgres://u:pa%3Ass%2Fw0rd@db.example.com:5432/shop"));
    r.registerUrl(Secret.of("rediss://:r3dis-pw-x@redis.example.com:6380"));
    r.registerUrl(Secret.of("plain-config-value"));

    assertThat(r.redact("password=pa:ss/w0rd; PGPASSWORD=pa%3Ass%2Fw0rd; auth r3dis-pw-x; plain-config-value"))
        .doesNotContain("pa:ss/w0rd").doesNotContain("pa%3Ass%2Fw0rd").doesNotContain("r3dis-pw-x")
        .doesNotContain("plain-config-value");
    assertThat(r.redact("user u at db.example.com")).isEqualTo("user u at db.example.com");
  }

  @Test
  void redact_unregisteredUrlPassword_masked() {
    assertThat(redactor.redact("connecting to postgres://u:PASS@host/db now"))
        .isEqualTo("connecting to postgres://u:****@host/db now");
    assertThat(redactor.redact("DATABASE_URL=postgresql://user:p%40ss@ec2.compute.amazonaws.com:5432/d1"))
        .isEqualTo("DATABASE_URL=postgresql://user:****@ec2.compute.amazonaws.com:5432/d1");
  }

  @Test
  void redact_urlWithoutPassword_unchanged() {
    assertThat(redactor.redact("https://api.heroku.com/apps/my-app and git@github.com:me/repo"))
        .isEqualTo("https://api.heroku.com/apps/my-app and git@github.com:me/repo");
  }

  @Test
  void redact_registeredSecretPlainAndUrlEncoded_masked() {
    redactor.register(Secret.of("PA$$ w:rd/1"));

    assertThat(redactor.redact("pw=PA$$ w:rd/1")).isEqualTo("pw=****");
    assertThat(redactor.redact("q=PA%24%24+w%3Ard%2F1")).isEqualTo("q=****");
    assertThat(redactor.redact("path/PA%24%24%20w%3Ard%2F1")).isEqualTo("path/****");
  }

  @Test
  void redact_registeredPasswordInsideUrl_masked() {
    redactor.register(Secret.of("hunter2-long"));

    assertThat(redactor.redact("postgres://u:hunter2-long@host/db")).isEqualTo("postgres://u:****@host/db");
  }

  @Test
  void redact_overlappingSecrets_longestMaskedWhole() {
    redactor.registerAll(List.of(Secret.of("abcd"), Secret.of("abcdefgh")));

    assertThat(redactor.redact("x abcdefgh y abcd")).isEqualTo("x **** y ****");
  }

  @Test
  void redact_veryShortSecret_notMaskedInFreeText() {
    redactor.register(Secret.of("ab"));

    assertThat(redactor.redact("a tab")).isEqualTo("a tab");
  }

  @Test
  void redact_portLikeNumber_notMaskedButLongNumberIs() {
    redactor.register(Secret.of("3000"));
    redactor.register(Secret.of("4111111111111111"));

    assertThat(redactor.redact("PORT=3000 card 4111111111111111")).isEqualTo("PORT=3000 card ****");
  }

  @Test
  void redact_urlAfterLongRunsAndDashes_stillMasked() {
    Redactor r = Redactor.create();
    String hex = "ab12".repeat(50_000);

    assertThat(r.redact(hex)).isEqualTo(hex);
    assertThat(r.redact("-dpostgresql://u:s3cretpw@db:5432/x " + hex + " 1postgres://v:an0therpw@h/y"))
        .doesNotContain("s3cretpw").doesNotContain("an0therpw").contains("-dpostgresql://u:****@db").contains(hex);
  }

  @Test
  void redact_nullOrEmpty_empty() {
    assertThat(redactor.redact(null)).isEmpty();
    assertThat(redactor.redact("")).isEmpty();
  }

  @Test
  void toString_showsCountOnly() {
    redactor.register(Secret.of("secret-value"));

    assertThat(redactor.toString()).doesNotContain("secret-value");
  }
}
