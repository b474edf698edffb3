package dev.cutover.aptible;

import dev.cutover.aptible.internal.AptibleCli;
import dev.cutover.aptible.internal.api.AptibleApi;
import dev.cutover.core.Secret;
import dev.cutover.core.model.RegistryCredentials;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The calls that carry secret values, over the transport {@link SecretTransport} chose once, when
 * the client was built: the Aptible API (values in request bodies) or the CLI (values in argv).
 * Inputs are checked and secrets registered by the caller. Not API.
 */
interface SecretCalls {
  /** Sets {@code vars} on {@code app} in one configure operation; blocks until it ends. */
  void setConfig(String app, Map<String, Secret> vars);

  /** Deploys {@code image} to {@code app}, with registry credentials when given; blocks until it ends. */
  void deployImage(String app, String image, Optional<RegistryCredentials> credentials, Consumer<String> output);

  /** The API: {@code POST /apps/{id}/operations}, nothing in any argv. */
  static SecretCalls api(AptibleApi api, String environment) {
    return new SecretCalls() {
      @Override
      public void setConfig(String app, Map<String, Secret> vars) {
        api.configure("aptible.config:set", api.findApp("aptible.config:set", app, environment), vars);
      }

      @Override
      public void deployImage(String app, String image, Optional<RegistryCredentials> credentials,
          Consumer<String> output) {
        AptibleApi.Operation op = api.deployImage("aptible.deploy", api.findApp("aptible.deploy", app, environment),
            image, credentials.map(RegistryCredentials::username), credentials.map(RegistryCredentials::password));
        output.accept("Operation #" + op.id() + " (deploy of " + image + ") succeeded");
      }
    };
  }

  /** The CLI: {@code config:set KEY=VALUE} and {@code deploy --private-registry-password}, visible in the process list. */
  static SecretCalls cli(AptibleCli cli, String environment, Duration timeout) {
    return new SecretCalls() {
      @Override
      public void setConfig(String app, Map<String, Secret> vars) {
        List<String> args = new ArrayList<>(List.of("config:set", "--app", app, "--environment", environment, "--"));
        vars.forEach((k, v) -> args.add(k + "=" + v.reveal()));
        cli.run("aptible.config:set", args, timeout, line -> {});
      }

      @Override
      public void deployImage(String app, String image, Optional<RegistryCredentials> credentials,
          Consumer<String> output) {
        List<String> args = new ArrayList<>(List.of("deploy", "--app", app, "--environment", environment,
            "--docker-image", image));
        credentials.ifPresent(c -> args.addAll(List.of("--private-registry-username", c.username(),
            "--private-registry-password", c.password().reveal())));
        cli.run("aptible.deploy", args, timeout, line -> output.accept(line.line()));
      }
    };
  }
}
