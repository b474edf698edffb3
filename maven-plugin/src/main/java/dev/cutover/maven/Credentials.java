package dev.cutover.maven;

import dev.cutover.core.Secret;
import dev.cutover.core.ValidationException;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/**
 * Where the plugin's secrets come from: a {@code <server>} of Maven's {@code settings.xml} (its
 * password decrypted with Maven's settings decrypter when it is encrypted), else an environment
 * variable. Never the POM.
 */
final class Credentials {
  /** A user name and password from one source. */
  record Login(String username, Secret password, String source) {}

  private final Settings settings;
  private final SettingsDecrypter decrypter;
  private final UnaryOperator<String> environment;

  Credentials(Settings settings, SettingsDecrypter decrypter, UnaryOperator<String> environment) {
    this.settings = settings;
    this.decrypter = decrypter;
    this.environment = environment;
  }

  /**
   * The password of server {@code serverId}, else the environment variable {@code envVar}; empty
   * when neither is set. A server that exists but cannot be decrypted or has no password is a problem.
   */
  Optional<Login> find(String serverId, String envVar, ValidationException.Collector problems) {
    Optional<Login> server = server(serverId, problems);
    // a server that is there but broken is reported, never silently replaced by the environment
    if (server.isPresent() || envVar == null || hasServer(serverId)) {
      return server;
    }
    String value = environment.apply(envVar);
    return value == null || value.isBlank() ? Optional.empty()
        : Optional.of(new Login(null, Secret.of(value.strip()), "environment variable " + envVar));
  }

  private boolean hasServer(String serverId) {
    return serverId != null && settings != null && settings.getServer(serverId) != null;
  }

  /** Server {@code serverId} of settings.xml, decrypted; empty when there is no such server. */
  Optional<Login> server(String serverId, ValidationException.Collector problems) {
    if (!hasServer(serverId)) {
      return Optional.empty();
    }
    Server server = settings.getServer(serverId);
    SettingsDecryptionResult result = decrypter.decrypt(new DefaultSettingsDecryptionRequest(server));
    String field = "settings.xml <server> " + serverId;
    for (SettingsProblem p : result.getProblems()) {
      if (p.getSeverity() != SettingsProblem.Severity.WARNING) {
        problems.addSecret(field, "its password cannot be decrypted (" + p.getMessage() + ")",
            "check the master password in ~/.m2/settings-security.xml, or encrypt the password again with "
                + "mvn --encrypt-password");
        return Optional.empty();
      }
    }
    Server plain = result.getServer();
    if (plain.getPassword() == null || plain.getPassword().isBlank()) {
      problems.add(field, "no password", "the server has no <password>",
          "put the token in <password> (mvn --encrypt-password encrypts it)");
      return Optional.empty();
    }
    return Optional.of(new Login(plain.getUsername(), Secret.of(plain.getPassword().strip()),
        "settings.xml server " + serverId));
  }
}
