package dev.cutover.core.migration;

import dev.cutover.core.model.DatabaseSpec;
import java.util.List;
import java.util.Map;

/**
 * One piece of data the plan moves from the source to a target database: each Heroku Postgres
 * primary ({@link PostgresMove}) and, with a Redis mover, each Redis add-on ({@link RedisMove}). The
 * data steps (create database, capture, tunnel, restore, verify; redis-copy, redis-verify) run over
 * the moves of their kind ({@link MigrationPlan#dataMoves(Class)}), keep their progress per move in
 * the journal (keyed by {@link #id()}), and the configure step sets each move's {@link #configVars()}
 * to its target's URL. A new kind of data is a new implementation plus the steps that move it.
 */
public interface DataMove {
  /** Unique within the plan, stable across plans of the same migration: the journal's key (e.g. {@code DATABASE}). */
  String id();

  /** The target database's handle on Aptible. */
  String targetHandle();

  /** The target database to create. */
  DatabaseSpec target();

  /** The config vars the target app gets this database's URL as (e.g. {@code DATABASE_URL}). */
  List<String> configVars();

  /** Every decision about this move, names and numbers only, for the canonical plan and its fingerprint. */
  Map<String, Object> decisions();
}
