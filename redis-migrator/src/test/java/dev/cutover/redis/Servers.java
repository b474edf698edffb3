package dev.cutover.redis;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cutover.core.Secret;
import dev.cutover.testkit.redis.RedisServer;

/** Real {@code redis-server}s for integration tests: skips without one, but fails under CI=true. */
public final class Servers {
  public static final Secret SOURCE_PASSWORD = Secret.of("source-canary-pw-5f1c");
  public static final Secret TARGET_PASSWORD = Secret.of("target-canary-pw-93ab");

  private Servers() {}

  static void require() {
    boolean present = RedisServer.isAvailable();
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("CI=true but redis-server is not on the PATH (.ci/run installs it)");
    }
    assumeTrue(present, "needs redis-server on the PATH (apt-get install redis-server)");
  }

  /**
   * A child JVM on this test classpath running {@code main} with {@code args}, the two passwords in its
   * environment ({@code SOURCE_PASSWORD}, {@code TARGET_PASSWORD}), not its argv.
   */
  public static ProcessBuilder childJvm(String heap, Class<?> main, String... args) {
    java.util.List<String> argv = new java.util.ArrayList<>(java.util.List.of(
        ProcessHandle.current().info().command().orElse("java"), "-Xmx" + heap, "-cp",
        System.getProperty("java.class.path"), main.getName()));
    argv.addAll(java.util.List.of(args));
    ProcessBuilder child = new ProcessBuilder(argv).redirectErrorStream(true);
    child.environment().put("SOURCE_PASSWORD", SOURCE_PASSWORD.reveal());
    child.environment().put("TARGET_PASSWORD", TARGET_PASSWORD.reveal());
    return child;
  }

  /** A Heroku-like source: a password, and TLS with a self-signed certificate. */
  public static RedisServer source() {
    require();
    return RedisServer.builder().password(SOURCE_PASSWORD).tls().start();
  }

  /** An Aptible-like target as seen through the tunnel: plain, with a password. */
  public static RedisServer target(String... config) {
    require();
    RedisServer.Builder b = RedisServer.builder().password(TARGET_PASSWORD);
    for (int i = 0; i + 1 < config.length; i += 2) {
      b.config(config[i], config[i + 1]);
    }
    return b.start();
  }
}
