package dev.cutover.testkit.postgres;

import dev.cutover.core.model.PgConnection;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A database filled by {@link TrickyDatabaseGenerator}. {@link #close()} drops the two roles it
 * created (first reassigning and dropping what they own or were granted, in every database of the
 * server); the database itself belongs to whoever created it. {@code close()} is idempotent and
 * throws nothing checked.
 */
public final class TrickyDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TrickyDatabase.class);

  private final PgConnection connection;
  private final String ownerRole;
  private final String readerRole;
  private final long users;
  private final AtomicBoolean closed = new AtomicBoolean();

  TrickyDatabase(PgConnection connection, String ownerRole, String readerRole, long users) {
    this.connection = connection;
    this.ownerRole = ownerRole;
    this.readerRole = readerRole;
    this.users = users;
  }

  /** How to reach the database. */
  public PgConnection connection() {
    return connection;
  }

  /** The role that owns {@code heroku_ext}, {@code invoices} and {@code active_users}. */
  public String ownerRole() {
    return ownerRole;
  }

  /** The role granted SELECT on every table. */
  public String readerRole() {
    return readerRole;
  }

  /** The number of users generated. */
  public long users() {
    return users;
  }

  /** The tables (partitions included) and materialized views it made, schema-qualified. */
  public static List<String> tables() {
    return List.of("public.audit_log", "public.audit_log_archive", "public.documents", "public.events_2026_01",
        "public.events_2026_02", "public.events_2026_03", "public.events_default", "public.invoices",
        "public.session_cache", "public.tenant_notes", "public.user_event_counts", "public.users");
  }

  /**
   * Renames the two roles until the returned handle is closed, so that a restore into another
   * database on the <em>same</em> server meets {@code role "…" does not exist}, as a restore on
   * another server would. The source's objects follow the rename; closing renames them back.
   *
   * @throws IllegalStateException when the server refuses
   */
  public AutoCloseable hideRoles() {
    rename("", "_gone");
    return new AutoCloseable() {
      private final AtomicBoolean done = new AtomicBoolean();

      @Override
      public void close() {
        if (done.compareAndSet(false, true)) {
          rename("_gone", "");
        }
      }
    };
  }

  private void rename(String fromSuffix, String toSuffix) {
    PgFixture.execute(connection, "alter role " + ownerRole + fromSuffix + " rename to " + ownerRole + toSuffix,
        "alter role " + readerRole + fromSuffix + " rename to " + readerRole + toSuffix);
  }

  /** Drops the two roles after removing what depends on them in every database. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    PgConnection server = reachable(connection) ? connection : connection.withDatabase("postgres");
    for (String role : List.of(ownerRole, readerRole)) {
      try {
        for (String db : databasesDependingOn(server, role)) {
          PgFixture.execute(connection.withDatabase(db), "reassign owned by " + role + " to current_user",
              "drop owned by " + role);
        }
        PgFixture.execute(server, "drop role if exists " + role);
      } catch (SQLException | IllegalStateException e) {
        log.warn("could not drop role {}: {}", role, e.getMessage());
      }
    }
  }

  private static boolean reachable(PgConnection c) {
    try (Connection conn = PgFixture.open(c)) {
      return conn.isValid(5);
    } catch (SQLException e) {
      return false;
    }
  }

  private static List<String> databasesDependingOn(PgConnection server, String role) throws SQLException {
    try (Connection c = PgFixture.open(server); Statement st = c.createStatement();
        var rs = st.executeQuery("select distinct d.datname from pg_shdepend s join pg_database d on d.oid = s.dbid "
            + "join pg_roles r on r.oid = s.refobjid where r.rolname = '" + role + "'")) {
      List<String> out = new java.util.ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    }
  }

  @Override
  public String toString() {
    return "TrickyDatabase[" + connection.database() + ", " + users + " users, roles " + ownerRole + ", " + readerRole + "]";
  }
}
