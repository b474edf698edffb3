package dev.cutover.core.migration;

import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Secret;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.spi.DatabaseTunnel;
import dev.cutover.core.spi.HttpsEndpoint;
import dev.cutover.core.spi.TargetApp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** An in-memory Aptible app: records what was created, set, deployed and scaled; tracks open tunnels. */
final class FakeTarget implements TargetApp {
  static final String DB_PASSWORD = "aptDbPassw0rd-canary";
  static final String TUNNEL_PASSWORD = "tunnelPassw0rd-canary";
  final Faults faults;
  final Map<String, DatabaseSpec> databases = new LinkedHashMap<>();
  final Map<String, String> config = new LinkedHashMap<>();
  final Map<String, int[]> scaled = new LinkedHashMap<>();
  final Map<String, List<String>> endpoints = new LinkedHashMap<>();
  final List<Deploy> deploys = new ArrayList<>();
  final List<FakeTunnel> tunnels = new ArrayList<>();
  boolean appExists;
  boolean interruptOnDeploy;
  /** When set, deploy waits for it: a run held in the middle of a step. */
  volatile java.util.concurrent.CountDownLatch deployGate;
  final java.util.concurrent.CountDownLatch deployStarted = new java.util.concurrent.CountDownLatch(1);
  private final String handle;

  FakeTarget(Faults faults) {
    this(faults, "my-app");
  }

  FakeTarget(Faults faults, String handle) {
    this.faults = faults;
    this.handle = handle;
  }

  @Override
  public String handle() {
    return handle;
  }

  @Override
  public String environment() {
    return "my-env";
  }

  @Override
  public void ensureApp() {
    faults.call("ensureApp");
    appExists = true;
  }

  @Override
  public void ensureDatabase(String dbHandle, DatabaseSpec spec) {
    faults.call("ensureDatabase");
    databases.putIfAbsent(dbHandle, spec);
  }

  @Override
  public Secret databaseUrl(String dbHandle) {
    return Secret.of("postgresql://aptible:" + DB_PASSWORD + "@db-my-env-1.aptible.in:26187/db");
  }

  @Override
  public DatabaseTunnel openTunnel(String dbHandle) {
    faults.call("openTunnel");
    FakeTunnel t = new FakeTunnel();
    tunnels.add(t);
    return t;
  }

  /** When set, the toolkit this target says it was built with. */
  dev.cutover.core.Toolkit toolkit;

  @Override
  public java.util.Optional<dev.cutover.core.Toolkit> toolkit() {
    return java.util.Optional.ofNullable(toolkit);
  }

  @Override
  public dev.cutover.core.spi.TargetRules rules() {
    return new FakeRules();
  }

  @Override
  public Set<String> configNames() {
    return config.keySet();
  }

  @Override
  public void setConfig(Map<String, Secret> vars) {
    faults.call("setConfig");
    vars.forEach((k, v) -> config.put(k, v.reveal()));
  }

  @Override
  public String deploy(Deploy deploy, MigrationListener listener) {
    if (interruptOnDeploy) {
      interruptOnDeploy = false;
      faults.calls.add("deploy");
      Thread.currentThread().interrupt();
      throw MigrationCancelledException.interrupted("deploy", new InterruptedException("test"));
    }
    faults.call("deploy");
    deployStarted.countDown();
    if (deployGate != null) {
      try {
        deployGate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw MigrationCancelledException.interrupted("deploy", e);
      }
    }
    deploys.add(deploy);
    return "0123456789abcdef0123456789abcdef01234567";
  }

  @Override
  public void scale(String service, int count, int containerSizeMb) {
    faults.call("scale");
    scaled.put(service, new int[] {count, containerSizeMb});
  }

  @Override
  public String activateTlsCommand(String dnsTarget) {
    return "fake endpoints:renew " + dnsTarget;
  }

  @Override
  public List<HttpsEndpoint> ensureHttpsEndpoints(String service, List<String> domains) {
    faults.call("ensureHttpsEndpoint");
    endpoints.put(service, domains);
    if (domains.isEmpty()) {
      return List.of(new HttpsEndpoint(service, "app-42.on-aptible.com", "elb-my-env-42.aptible.in", false));
    }
    List<HttpsEndpoint> out = new ArrayList<>();
    for (int i = 0; i < domains.size(); i++) {
      // like Aptible: one endpoint per domain, each with its own host name
      out.add(new HttpsEndpoint(service, domains.get(i), "elb-my-env-" + (42 + i) + ".aptible.in", true));
    }
    return out;
  }

  long openTunnels() {
    return tunnels.stream().filter(FakeTunnel::isAlive).count();
  }

  /** A tunnel that is just a flag. */
  static final class FakeTunnel implements DatabaseTunnel {
    private boolean open = true;

    @Override
    public PgConnection connection() {
      return new PgConnection("localhost.aptible.in", 55432, "db", "aptible", Secret.of(TUNNEL_PASSWORD), "require");
    }

    @Override
    public boolean isAlive() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }
  }
}
