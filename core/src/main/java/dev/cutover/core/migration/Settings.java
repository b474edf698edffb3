package dev.cutover.core.migration;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.Redactor;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.spi.DatabaseMover;
import dev.cutover.core.spi.SourceApp;
import dev.cutover.core.spi.TargetApp;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** The options of a {@link Migration}; copied on every change so a {@code Migration} never mutates. */
final class Settings {
  SourceApp source;
  TargetApp target;
  DatabaseSpec database;
  RestoreStrategy restore = RestoreStrategy.PARALLEL;
  Deploy deploy;
  Path journal;
  MigrationListener listener = MigrationListener.NONE;
  Path workDirectory;
  boolean keepDump;
  boolean replaceExisting;
  Map<String, Integer> containerSizeOverrides = new LinkedHashMap<>();
  DatabaseMover dataMover;
  RepoPreparation repoPreparation;
  Clock clock = Clock.systemUTC();
  Redactor redactor;
  int port;
  Map<String, String> toolVersions = new LinkedHashMap<>();

  Settings copy() {
    Settings s = new Settings();
    s.source = source;
    s.target = target;
    s.database = database;
    s.restore = restore;
    s.deploy = deploy;
    s.journal = journal;
    s.listener = listener;
    s.workDirectory = workDirectory;
    s.keepDump = keepDump;
    s.replaceExisting = replaceExisting;
    s.containerSizeOverrides = new LinkedHashMap<>(containerSizeOverrides);
    s.dataMover = dataMover;
    s.repoPreparation = repoPreparation;
    s.clock = clock;
    s.redactor = redactor;
    s.port = port;
    s.toolVersions = new LinkedHashMap<>(toolVersions);
    return s;
  }

  Path workDirectoryOrDefault() {
    return (workDirectory != null ? workDirectory
        : Path.of(".cutover", source.name() + "-to-" + target.handle())).toAbsolutePath().normalize();
  }

  Path journalOrDefault() {
    return (journal != null ? journal : workDirectoryOrDefault().resolve("journal.json")).toAbsolutePath().normalize();
  }
}
