package dev.cutover.core.migration;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.Redactor;
import dev.cutover.core.spi.DatabaseMover;
import dev.cutover.core.spi.RedisMover;
import dev.cutover.core.spi.RepoPreparation;
import dev.cutover.core.spi.SourceApp;
import dev.cutover.core.spi.TargetApp;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a migration runs with, as opposed to what it decides ({@link MigrationOptions}): the ports,
 * the listener, the clock, the redactor, tool versions for the report, and a lock the caller holds.
 * Never journalled. {@code mover}, {@code preparation}, {@code redactor} and {@code lock} are null
 * until given or resolved by the planner; {@code redis} is null unless given (then Redis add-ons are moved).
 */
record Wiring(SourceApp source, TargetApp target, MigrationListener listener, DatabaseMover mover,
    RepoPreparation preparation, Clock clock, Redactor redactor, Map<String, String> toolVersions, MigrationLock lock,
    RedisMover redis) {
  Wiring {
    toolVersions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(toolVersions));
  }

  static Wiring of(SourceApp source, TargetApp target) {
    return new Wiring(source, target, MigrationListener.NONE, null, null, Clock.systemUTC(), null, Map.of(), null, null);
  }

  Wiring listener(MigrationListener value) {
    return new Wiring(source, target, value, mover, preparation, clock, redactor, toolVersions, lock, redis);
  }

  Wiring mover(DatabaseMover value) {
    return new Wiring(source, target, listener, value, preparation, clock, redactor, toolVersions, lock, redis);
  }

  Wiring preparation(RepoPreparation value) {
    return new Wiring(source, target, listener, mover, value, clock, redactor, toolVersions, lock, redis);
  }

  Wiring clock(Clock value) {
    return new Wiring(source, target, listener, mover, preparation, value, redactor, toolVersions, lock, redis);
  }

  Wiring redactor(Redactor value) {
    return new Wiring(source, target, listener, mover, preparation, clock, value, toolVersions, lock, redis);
  }

  Wiring toolVersion(String tool, String version) {
    Map<String, String> versions = new LinkedHashMap<>(toolVersions);
    versions.put(tool, version);
    return new Wiring(source, target, listener, mover, preparation, clock, redactor, versions, lock, redis);
  }

  Wiring lock(MigrationLock value) {
    return new Wiring(source, target, listener, mover, preparation, clock, redactor, toolVersions, value, redis);
  }

  Wiring redis(RedisMover value) {
    return new Wiring(source, target, listener, mover, preparation, clock, redactor, toolVersions, lock, value);
  }
}
