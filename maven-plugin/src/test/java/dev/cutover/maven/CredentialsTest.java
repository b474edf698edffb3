package dev.cutover.maven;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.core.ValidationException;
import java.util.List;
import java.util.Map;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.DefaultSettingsProblem;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;
import org.junit.jupiter.api.Test;

class CredentialsTest {
  /** Decrypts {ENC:x} to x, as Maven's decrypter turns {...} into the clear password; {BAD} fails. */
  static final SettingsDecrypter DECRYPTER = request -> {
    Server s = request.getServers().get(0).clone();
    List<SettingsProblem> problems = List.of();
    if ("{BAD}".equals(s.getPassword())) {
      problems = List.of(new DefaultSettingsProblem("Failed to decrypt password for server " + s.getId(),
          SettingsProblem.Severity.ERROR, "server: " + s.getId(), -1, -1, null));
    } else if (s.getPassword() != null && s.getPassword().startsWith("{ENC:")) {
      s.setPassword(s.getPassword().substring(5, s.getPassword().length() - 1));
    }
    List<SettingsProblem> found = problems;
    return new SettingsDecryptionResult() {
      @Override
      public Server getServer() {
        return s;
      }

      @Override
      public List<Server> getServers() {
        return List.of(s);
      }

      @Override
      public org.apache.maven.settings.Proxy getProxy() {
        return null;
      }

      @Override
      public List<org.apache.maven.settings.Proxy> getProxies() {
        return List.of();
      }

      @Override
      public List<SettingsProblem> getProblems() {
        return found;
      }
    };
  };

  static Settings settings(String id, String password) {
    Server server = new Server();
    server.setId(id);
    server.setPassword(password);
    Settings settings = new Settings();
    settings.addServer(server);
    return settings;
  }

  @Test
  void find_encryptedServerAndEnv_serverWinsDecrypted() {
    Credentials c = new Credentials(settings("heroku", "{ENC:from-settings-123}"), DECRYPTER,
        Map.of("HEROKU_API_KEY", "from-env-456")::get);
    ValidationException.Collector problems = ValidationException.collector("t");

    Credentials.Login login = c.find("heroku", "HEROKU_API_KEY", problems).orElseThrow();

    assertThat(login.password().reveal()).isEqualTo("from-settings-123");
    assertThat(login.source()).isEqualTo("settings.xml server heroku");
    assertThat(problems.isEmpty()).isTrue();
  }

  @Test
  void find_noServer_fallsBackToEnvironment() {
    Credentials c = new Credentials(settings("other", "x"), DECRYPTER, Map.of("HEROKU_API_KEY", " from-env-456 ")::get);

    Credentials.Login login = c.find("heroku", "HEROKU_API_KEY", ValidationException.collector("t")).orElseThrow();

    assertThat(login.password().reveal()).isEqualTo("from-env-456");
    assertThat(login.source()).isEqualTo("environment variable HEROKU_API_KEY");
  }

  @Test
  void find_undecryptableServer_isAProblemAndNeverFallsBackToEnv() {
    Credentials c = new Credentials(settings("heroku", "{BAD}"), DECRYPTER, Map.of("HEROKU_API_KEY", "from-env")::get);
    ValidationException.Collector problems = ValidationException.collector("t");

    assertThat(c.find("heroku", "HEROKU_API_KEY", problems)).isEmpty();

    assertThat(problems.problems()).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("settings.xml <server> heroku");
      assertThat(p.value()).isEqualTo("****");
      assertThat(p.fix()).contains("settings-security.xml");
    });
  }

  @Test
  void registryHost_dockerRules() {
    assertThat(MigrationMojo.registryHost("registry.example.com/team/app:1")).isEqualTo("registry.example.com");
    assertThat(MigrationMojo.registryHost("localhost:5000/app")).isEqualTo("localhost:5000");
    assertThat(MigrationMojo.registryHost("team/app:1")).isEqualTo("docker.io");
    assertThat(MigrationMojo.registryHost("app")).isEqualTo("docker.io");
  }
}
