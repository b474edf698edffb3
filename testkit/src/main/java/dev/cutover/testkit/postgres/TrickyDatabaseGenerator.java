package dev.cutover.testkit.postgres;

import dev.cutover.core.model.PgConnection;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Fills an empty database with the objects that break Heroku-to-Aptible migrations, at any size.
 *
 * <p>What it creates: extensions in a Heroku-style {@code heroku_ext} schema ({@code hstore}) and in
 * {@code public} ({@code citext}, {@code pgcrypto}); database-level settings (a {@code search_path}
 * that includes {@code heroku_ext}, {@code statement_timeout}) and a
 * setting of the connecting role in the database ({@code work_mem}); a database comment and a column
 * comment; a table with forced row-level security, a policy and a {@code "C"}-collated column; an
 * unlogged table; an inherited table whose parent gained a column after it (so the column order
 * differs from a fresh {@code CREATE TABLE … INHERITS}); two large objects (one over 1 MiB, one with a
 * comment); an enum; a range-partitioned table with a jsonb column and a GIN
 * index; a bytea table with a generated column; identity, serial and standalone sequences; a view
 * using the hstore operator; a materialized view with a unique index; trigger functions (one using
 * pgcrypto); foreign keys; a SECURITY DEFINER function whose EXECUTE is revoked from PUBLIC; and
 * objects owned by and granted to two roles created for the occasion ({@code <prefix>owner_<hex>},
 * {@code <prefix>reader_<hex>}), which a target server will not have.
 *
 * <p>Rows scale with {@link Builder#users(long)}: {@code users} users, twice as many events, half as
 * many invoices and a tenth as many 1 KiB documents. About 1 MB per 1,000 users (measured: 300,000
 * users make a 305 MB database): 5,000 users make a few MB, a million about a gigabyte. All rows are made server-side with {@code generate_series}.
 *
 * <pre>{@code
 * try (TestDatabase db = PgFixture.local().createDatabase("cut_demo_");
 *      TrickyDatabase tricky = TrickyDatabaseGenerator.builder().users(5_000).build().generate(db.connection())) {
 *   // migrate db.connection() somewhere
 * }
 * }</pre>
 */
public final class TrickyDatabaseGenerator {
  /** The extensions it installs; check {@code pg_available_extensions} lists them. */
  public static final List<String> EXTENSIONS = List.of("hstore", "citext", "pgcrypto");
  /** The hstore version installed with {@link Builder#olderHstore(boolean)}: older than any server's default. */
  public static final String OLDER_HSTORE = "1.5";
  /** OID of the small large object (with a comment). */
  public static final long SMALL_LARGE_OBJECT = 7_340_001;
  /** OID of the 1.6 MB large object (more than one 1 MiB piece). */
  public static final long BIG_LARGE_OBJECT = 7_340_002;

  private final long users;
  private final String rolePrefix;
  private final boolean olderHstore;

  private TrickyDatabaseGenerator(Builder b) {
    this.users = b.users;
    this.rolePrefix = b.rolePrefix;
    this.olderHstore = b.olderHstore;
  }

  /** A builder: 5,000 users, role prefix {@code cut_src_}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Fills {@code database}, which must be empty, connected as a role that may create roles and
   * extensions (a superuser). Blocks until done (a few seconds per 10,000 users on a 2-core machine). The caller
   * closes the result, which drops the two roles again.
   *
   * @throws IllegalStateException when an extension is not available or a statement fails (the roles
   *     created so far are dropped)
   */
  public TrickyDatabase generate(PgConnection database) {
    Objects.requireNonNull(database, "database");
    String suffix = PgFixture.uniqueName("r").substring(1);
    String owner = rolePrefix + "owner_" + suffix;
    String reader = rolePrefix + "reader_" + suffix;
    TrickyDatabase result = new TrickyDatabase(database, owner, reader, users);
    try (Connection c = PgFixture.open(database); Statement st = c.createStatement()) {
      for (String sql : script(database.database(), owner, reader)) {
        st.execute(sql);
      }
      st.execute("analyze");
    } catch (SQLException e) {
      result.close();
      throw new IllegalStateException("generating the tricky database in " + database + " failed: " + e.getMessage(), e);
    }
    return result;
  }

  private List<String> script(String dbName, String owner, String reader) {
    long events = users * 2;
    long invoices = Math.max(1, users / 2);
    long documents = Math.max(1, users / 10);
    List<String> s = new ArrayList<>();
    s.add("create role " + owner + " nologin");
    s.add("create role " + reader + " nologin");
    s.add("create schema heroku_ext authorization " + owner);
    s.add("create extension hstore with schema heroku_ext" + (olderHstore ? " version '" + OLDER_HSTORE + "'" : ""));
    s.add("create extension citext with schema public");
    s.add("create extension pgcrypto with schema public");
    s.add("alter database \"" + dbName + "\" set search_path = \"$user\", public, heroku_ext");
    s.add("set search_path = public, heroku_ext");
    s.add("create type user_status as enum ('active', 'suspended', 'deleted')");
    s.add("create sequence invoice_number_seq start 100000");
    s.add("create table users (id bigint generated always as identity primary key, email citext not null unique, "
        + "status user_status not null default 'active', prefs hstore, password_hash text, "
        + "created_at timestamptz not null default now(), updated_at timestamptz)");
    s.add("create function set_updated_at() returns trigger language plpgsql as "
        + "$$ begin new.updated_at := now(); return new; end $$");
    s.add("create function hash_password() returns trigger language plpgsql as $$ begin "
        + "if new.password_hash is not null and new.password_hash !~ '^[0-9a-f]{64}$' then "
        + "new.password_hash := encode(public.digest(new.password_hash, 'sha256'), 'hex'); end if; return new; end $$");
    s.add("create trigger users_hash_password before insert or update on users for each row execute function hash_password()");
    s.add("create trigger users_updated_at before update on users for each row execute function set_updated_at()");
    s.add("create table events (id bigint generated by default as identity, user_id bigint not null references users(id), "
        + "occurred_at timestamptz not null, kind text not null, payload jsonb not null, primary key (id, occurred_at)) "
        + "partition by range (occurred_at)");
    s.add("create table events_2026_01 partition of events for values from ('2026-01-01') to ('2026-02-01')");
    s.add("create table events_2026_02 partition of events for values from ('2026-02-01') to ('2026-03-01')");
    s.add("create table events_2026_03 partition of events for values from ('2026-03-01') to ('2026-04-01')");
    s.add("create table events_default partition of events default");
    s.add("create index events_payload_gin on events using gin (payload jsonb_path_ops)");
    s.add("create index events_user_time on events (user_id, occurred_at)");
    s.add("create table documents (id serial primary key, owner_id bigint not null references users(id), "
        + "title text not null, body bytea not null, sha256 text generated always as (encode(sha256(body), 'hex')) stored)");
    s.add("create table invoices (number bigint primary key default nextval('invoice_number_seq'), "
        + "user_id bigint not null references users(id), amount numeric(12,2) not null check (amount >= 0), "
        + "issued_on date not null)");
    s.add("alter sequence invoice_number_seq owned by invoices.number");
    s.add("create view active_users as select id, email, prefs -> 'theme' as theme from users where status = 'active'");
    s.add("insert into users (email, status, prefs, password_hash, created_at) select 'User' || g || '@Example.com', "
        + "(array['active','active','active','suspended','deleted'])[1 + g % 5]::user_status, "
        + "hstore(array['theme', 'lang'], array[(array['dark','light'])[1 + g % 2], 'en']), 'secret' || g, "
        + "timestamptz '2025-01-01' + g * interval '1 minute' from generate_series(1, " + users + ") g");
    s.add("insert into events (user_id, occurred_at, kind, payload) select 1 + g % " + users + ", "
        + "timestamptz '2026-01-01' + (g % 120) * interval '1 day' + g * interval '1 second', "
        + "(array['login','view','purchase','logout'])[1 + g % 4], jsonb_build_object('n', g, 'tags', "
        + "jsonb_build_array('t' || g % 7, 't' || g % 11), 'ok', g % 3 = 0) from generate_series(1, " + events + ") g");
    s.add("insert into documents (owner_id, title, body) select 1 + g % " + users + ", 'doc ' || g, "
        + "gen_random_bytes(1024) from generate_series(1, " + documents + ") g");
    s.add("insert into invoices (user_id, amount, issued_on) select 1 + g % " + users + ", (g % 10000) / 100.0, "
        + "date '2026-01-01' + g % 90 from generate_series(1, " + invoices + ") g");
    s.add("create materialized view user_event_counts as select user_id, count(*) as events from events group by user_id");
    s.add("create unique index user_event_counts_user on user_event_counts (user_id)");
    s.add("create function invoice_total(p_user bigint) returns numeric language sql stable security definer "
        + "set search_path = public as $$ select coalesce(sum(amount), 0) from public.invoices where user_id = p_user $$");
    s.add("revoke execute on function invoice_total(bigint) from public");
    s.add("comment on table users is 'application users (citext email, hstore prefs from heroku_ext)'");
    s.add("comment on column users.email is 'login name, compared case-insensitively'");
    s.add("comment on database \"" + dbName + "\" is 'the tricky database: what breaks migrations'");
    s.add("alter database \"" + dbName + "\" set statement_timeout = '5min'");
    s.add("alter role current_user in database \"" + dbName + "\" set work_mem = '8MB'");
    s.add("create table tenant_notes (id int primary key, tenant text collate \"C\" not null, note text, "
        + "noted_at timestamptz not null default now())");
    s.add("alter table tenant_notes enable row level security");
    s.add("alter table tenant_notes force row level security");
    s.add("create policy tenant_isolation on tenant_notes using (tenant = current_setting('cutover.tenant', true))");
    s.add("insert into tenant_notes select g, (array['acme','globex'])[1 + g % 2], 'note ' || g, "
        + "timestamptz '2026-01-01' + g * interval '1 hour' from generate_series(1, " + Math.max(1, users / 20) + ") g");
    s.add("create unlogged table session_cache (key text primary key, value jsonb not null, expires_at timestamptz)");
    s.add("insert into session_cache select 's' || g, jsonb_build_object('user', g), timestamptz '2026-06-01' "
        + "+ g * interval '1 minute' from generate_series(1, " + Math.max(1, users / 50) + ") g");
    s.add("create table audit_log (id bigint not null, at timestamptz not null, action text not null)");
    s.add("create table audit_log_archive (archived_on date not null default date '2026-01-01') inherits (audit_log)");
    s.add("alter table audit_log add column actor text");
    s.add("insert into audit_log select g, timestamptz '2026-01-01' + g * interval '1 minute', 'login', 'user' || g "
        + "from generate_series(1, " + Math.max(1, users / 10) + ") g");
    s.add("insert into audit_log_archive (id, at, action, actor, archived_on) select g, timestamptz '2025-01-01' "
        + "+ g * interval '1 minute', 'logout', 'user' || g, date '2025-12-31' from generate_series(1, "
        + Math.max(1, users / 10) + ") g");
    s.add("select lo_from_bytea(" + SMALL_LARGE_OBJECT + ", convert_to('a large object, as apps store uploads', 'UTF8'))");
    s.add("select lo_from_bytea(" + BIG_LARGE_OBJECT + ", decode(repeat('00ff7f80', 400000), 'hex'))");
    s.add("comment on large object " + SMALL_LARGE_OBJECT + " is 'an upload'");
    s.add("alter table invoices owner to " + owner);
    s.add("alter view active_users owner to " + owner);
    s.add("grant select on all tables in schema public to " + reader);
    s.add("grant usage on schema heroku_ext to " + reader);
    s.add("grant execute on function invoice_total(bigint) to " + reader);
    return s;
  }

  /** Builds a {@link TrickyDatabaseGenerator}. Not thread-safe. */
  public static final class Builder {
    private long users = 5_000;
    private String rolePrefix = "cut_src_";
    private boolean olderHstore;

    private Builder() {}

    /**
     * How many users to make (at least 10); every other table scales with it.
     *
     * @throws IllegalArgumentException when below 10
     */
    public Builder users(long users) {
      if (users < 10) {
        throw new IllegalArgumentException("users must be at least 10: " + users);
      }
      this.users = users;
      return this;
    }

    /**
     * The prefix of the two roles' names (lowercase letters, digits, {@code _}).
     *
     * @throws IllegalArgumentException for other characters
     */
    public Builder rolePrefix(String rolePrefix) {
      if (!rolePrefix.matches("[a-z][a-z0-9_]{0,30}")) {
        throw new IllegalArgumentException("rolePrefix must be lowercase letters, digits or _: " + rolePrefix);
      }
      this.rolePrefix = rolePrefix;
      return this;
    }

    /**
     * Whether hstore is installed at version {@value TrickyDatabaseGenerator#OLDER_HSTORE} rather than the
     * server's default (default false): an archive does not record extension versions, so only a restore
     * that reads them from the live source keeps it.
     *
     * @param olderHstore whether to install the older version
     * @return this builder
     */
    public Builder olderHstore(boolean olderHstore) {
      this.olderHstore = olderHstore;
      return this;
    }

    /** The generator; nothing is created until {@link TrickyDatabaseGenerator#generate}. */
    public TrickyDatabaseGenerator build() {
      return new TrickyDatabaseGenerator(this);
    }
  }
}
