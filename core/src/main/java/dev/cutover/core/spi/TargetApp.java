package dev.cutover.core.spi;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.Secret;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.model.Deploy;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The app being created, as the pipeline sees it. Implemented by {@code AptibleClient.app(handle)}.
 * Every method blocks, is safe to repeat after a failure (it recognises what already exists), and
 * throws {@link dev.cutover.core.MigrationException} subclasses only.
 */
public interface TargetApp {
  /** The app's handle. */
  String handle();

  /** The Aptible environment (account) handle. */
  String environment();

  /**
   * The toolkit this target was built with, when it has one: {@code plan()} uses its redactor for
   * the whole run and refuses a source built with another. The default has none.
   */
  default java.util.Optional<dev.cutover.core.Toolkit> toolkit() {
    return java.util.Optional.empty();
  }

  /**
   * The platform's input rules, which {@code plan()} checks before any side effect. The default
   * accepts everything; a platform adapter returns its own.
   */
  default TargetRules rules() {
    return TargetRules.NONE;
  }

  /** Creates the app unless it exists. */
  void ensureApp();

  /** Creates the database unless one with this handle, type and version exists; refuses a clash. */
  void ensureDatabase(String dbHandle, DatabaseSpec spec);

  /** The database's connection URL (secret). */
  Secret databaseUrl(String dbHandle);

  /**
   * The URL of the database's credential of {@code credentialType} (secret), e.g. {@code redis+ssl}
   * for a Redis database's TLS URL. The default supports the default credential only.
   *
   * @throws dev.cutover.core.MigrationException when the database has no such credential
   */
  default Secret databaseUrl(String dbHandle, String credentialType) {
    throw new dev.cutover.core.MigrationException("target.db:url", "target.db:url: " + handle() + " cannot name a"
        + " credential type (" + credentialType + "); use a TargetApp that does", false, null);
  }

  /**
   * The versions of database {@code type} the platform can create ({@code aptible db:versions}), in
   * its order. Read-only. The default knows none (the planner then asks for the source's version).
   */
  default List<String> databaseVersions(String type) {
    return List.of();
  }

  /** Opens a tunnel to the database; the caller closes it. */
  DatabaseTunnel openTunnel(String dbHandle);

  /** Names of the config vars currently set on the app. */
  Set<String> configNames();

  /** Sets config vars (one operation). Values never reach argv where avoidable. */
  void setConfig(Map<String, Secret> vars);

  /**
   * Deploys the app's code.
   *
   * @return what was deployed, for the audit trail: the git commit id pushed, or the image reference
   */
  String deploy(Deploy deploy, MigrationListener listener);

  /** Scales {@code service} to {@code count} containers of {@code containerSizeMb}. */
  void scale(String service, int count, int containerSizeMb);

  /**
   * Ensures one HTTPS endpoint with managed TLS per domain for {@code service} (an existing one for
   * the same domain is reused), or one default-domain endpoint when {@code domains} is empty.
   *
   * @return one record per domain, in the order given (for no domains: the default-domain endpoint),
   *     each with its own DNS target: two domains get two endpoints and two CNAME targets
   */
  List<HttpsEndpoint> ensureHttpsEndpoints(String service, List<String> domains);

  /**
   * What a person runs once DNS points at {@code dnsTarget} to activate the managed TLS certificate
   * of that endpoint, in this platform's own terms (for Aptible, its CLI command). Calls nothing. The
   * default says it in words.
   *
   * @param dnsTarget the endpoint's DNS target, as in {@link HttpsEndpoint#dnsTarget()}
   * @return the command or instruction
   */
  default String activateTlsCommand(String dnsTarget) {
    return "activate the managed TLS certificate of the endpoint " + dnsTarget + " on the target platform";
  }

  /**
   * How a person replaces a Redis add-on by hand on this platform and points {@code configVars} at
   * the new database (for Aptible, its CLI commands). Calls nothing. The default says it in words.
   *
   * @param configVars the source's config vars that point at the Redis add-on
   * @return the advice, a sentence fragment without a final period
   */
  default String createRedisAdvice(List<String> configVars) {
    return "create a Redis database on the target and point " + String.join(", ", configVars) + " at it";
  }
}
