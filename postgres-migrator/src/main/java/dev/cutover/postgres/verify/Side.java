package dev.cutover.postgres.verify;

import dev.cutover.core.model.PgConnection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One side of a comparison: {@code jobs} sessions to one database, all reading the same snapshot
 * (the first exports it, the others join it), so parallel chunk queries see one consistent database.
 * The caller closes it.
 */
final class Side implements AutoCloseable {
  /**
   * What was read from one side, besides the rows.
   *
   * @param relations tables and materialized views to digest
   * @param catalogue kind to (name to definition)
   * @param privileges owners and grants
   * @param settings database and app role settings
   * @param sequences name to state and definition
   * @param roles every role name on the server
   */
  record Facts(List<Relation> relations, Map<String, Map<String, String>> catalogue, Privileges privileges,
      Settings settings, Map<String, String> sequences, Set<String> roles) {}

  private final PgConnection where;
  private final List<ReadSession> sessions;

  private Side(PgConnection where, List<ReadSession> sessions) {
    this.where = where;
    this.sessions = sessions;
  }

  /** Opens {@code jobs} read-only sessions to the source on one snapshot. */
  static Side source(PgConnection c, int jobs) {
    return open(c, jobs, true, false);
  }

  /**
   * Opens {@code jobs} sessions to the restored target on one snapshot: read-write transactions
   * (for archive verification's temporary tables; rolled back, never committed) whose sessions may
   * lift what keeps them from reading every row (see {@link ReadSession#ownsTarget}).
   */
  static Side target(PgConnection c, int jobs) {
    return open(c, jobs, false, true);
  }

  private static Side open(PgConnection c, int jobs, boolean readOnly, boolean target) {
    List<ReadSession> sessions = new ArrayList<>();
    try {
      ReadSession first = ReadSession.open(c);
      first.ownsTarget(target);
      sessions.add(first);
      String snapshot = first.exportSnapshot(readOnly);
      for (int i = 1; i < jobs; i++) {
        ReadSession s = ReadSession.open(c);
        s.ownsTarget(target);
        sessions.add(s);
        s.joinSnapshot(snapshot, readOnly);
      }
      return new Side(c, sessions);
    } catch (SQLException e) {
      sessions.forEach(ReadSession::close);
      throw ReadSession.s(e, "starting a snapshot", c);
    } catch (RuntimeException e) {
      sessions.forEach(ReadSession::close);
      throw e;
    }
  }

  List<ReadSession> sessions() {
    return sessions;
  }

  ReadSession first() {
    return sessions.get(0);
  }

  PgConnection where() {
    return where;
  }

  /** Reads everything but the rows, on the first session; {@code settingsRole}'s settings are read. */
  Facts facts(Roles roles, String settingsRole) {
    ReadSession s = first();
    try {
      return new Facts(Relation.list(s), Catalogue.read(s, roles), Privileges.read(s, roles),
          Settings.read(s, settingsRole), Sequences.read(s), Set.copyOf(s.rows("SELECT rolname FROM pg_roles").stream()
          .map(r -> r[0]).toList()));
    } catch (SQLException e) {
      throw ReadSession.s(e, "reading the catalogue", where);
    }
  }

  /** Digests every populated relation's rows, in chunks over all sessions. */
  Map<String, Chunks.Result> digests(List<Relation> relations, String threadName) {
    List<Chunks.Piece> pieces = new ArrayList<>();
    for (Relation r : relations) {
      if (r.populated()) {
        pieces.addAll(r.pieces(first().serverVersion()));
      }
    }
    return Chunks.run(sessions, pieces, threadName);
  }

  @Override
  public void close() {
    sessions.forEach(ReadSession::close);
  }
}
