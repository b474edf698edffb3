package dev.cutover.core.migration;

import java.util.Arrays;
import java.util.Optional;

/** The pipeline's steps, in order (DESIGN steps 1 to 14, with the Redis copy and its verification after step 10). {@link #id()} is the name used in events, journal and report. */
public enum MigrationStep {
  /** Step: inventory the source app. */
  INVENTORY("inventory", "inventory the source app"),
  /** Step: check tools, credentials, disk space and the restore path. */
  PREFLIGHT("preflight", "check tools, credentials, disk space and the restore path"),
  /** Step: make the repository Aptible-ready (Dockerfile, Procfile, .aptible.yml). */
  PREPARE_REPO("prepare-repo", "make the repository Aptible-ready (Dockerfile, Procfile, .aptible.yml)"),
  /** Step: create the target app. */
  CREATE_APP("create-app", "create the target app"),
  /** Step: create the target database. */
  CREATE_DATABASE("create-database", "create the target database"),
  /** Step: put the source app in maintenance mode (downtime starts). */
  MAINTENANCE_ON("maintenance-on", "put the source app in maintenance mode (downtime starts)"),
  /** Step: capture a fresh backup and download it to a private file. */
  CAPTURE("capture", "capture a fresh backup and download it to a private file"),
  /** Step: open a tunnel to the target database. */
  TUNNEL("tunnel", "open a tunnel to the target database"),
  /** Step: restore the backup into the target database. */
  RESTORE("restore", "restore the backup into the target database"),
  /** Step: verify the restored data against the source (gate). */
  VERIFY("verify", "verify the restored data against the source (gate)"),
  /** Step: copy every key of every Redis add-on into its Aptible Redis database. */
  REDIS_COPY("redis-copy", "copy every Redis key, with its TTL, into the target Redis databases"),
  /** Step: verify the Redis data against the source, key by key (gate). */
  REDIS_VERIFY("redis-verify", "verify the Redis data against the source, key by key (gate)"),
  /** Step: set config vars on the target. */
  CONFIGURE("configure", "set config vars on the target"),
  /** Step: deploy the code. */
  DEPLOY("deploy", "deploy the code"),
  /** Step: scale services from the formation and create endpoints. */
  SCALE("scale", "scale services from the formation and create endpoints"),
  /** Step: write the report. */
  REPORT("report", "write the report");

  private final String id;
  private final String description;

  MigrationStep(String id, String description) {
    this.id = id;
    this.description = description;
  }

  /** The step's name, e.g. {@code restore}. */
  public String id() {
    return id;
  }

  /** The step's number, 1 to 16. */
  public int number() {
    return ordinal() + 1;
  }

  /** What the step does, one line. */
  public String description() {
    return description;
  }

  /** Whether the step moves or checks data, and is skipped when the source has no database. */
  public boolean isDataStep() {
    return this == CREATE_DATABASE || this == CAPTURE || this == TUNNEL || this == RESTORE || this == VERIFY
        || this == REDIS_COPY || this == REDIS_VERIFY;
  }

  /** The step named {@code id}. */
  public static Optional<MigrationStep> byId(String id) {
    return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
  }

  @Override
  public String toString() {
    return number() + ". " + id;
  }
}
