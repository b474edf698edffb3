package dev.cutover.postgres.verify;

import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.PgToolException;
import dev.cutover.core.Redactor;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.model.VerificationRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves that a restored PostgreSQL database holds what its source held, and says exactly what was
 * proven.
 *
 * <pre>{@code
 * VerificationReport report = DatabaseVerifier.builder().jobs(2).redactor(redactor).build()
 *     .verify(VerificationRequest.of(target).source(source).archive(dump));
 * System.out.println(report);                     // evidence, passed or not, rows, time
 * }</pre>
 *
 * <p>Against the <b>live source</b> ({@link VerificationReport.Evidence#LIVE_SOURCE}): content digests of
 * every table, partition, unlogged and inherited table and materialized view, computed on the servers
 * in parallel chunks (ctid ranges of 32 MiB, so a 100 GB table is thousands of short queries), source
 * and target at the same time on their own {@code jobs} sessions, each side on one snapshot; every
 * large object (size and digest); every sequence (value, called, type, bounds, increment, cache,
 * cycle, owner column); the schema (columns with type, position, default, NOT NULL, generation,
 * identity and collation; constraints with validity and deferrability; indexes and their validity;
 * triggers and whether enabled; row-level security and policies; rules, views, functions and
 * procedures, types and domains, extended statistics, extensions and their versions, reloptions,
 * replica identity; comments on every object including the database); owners and grants (through the
 * app's roles, which the target's user stands for: a privilege the target has that the source did not
 * fails, a grant to a role the target lacks is an expected loss); and the database's and the app
 * role's settings.
 *
 * <p>Against the <b>backup archive</b> ({@link VerificationReport.Evidence#BACKUP_ARCHIVE}), when no
 * source is given or it cannot be reached: content digests of every table's data in the archive
 * (loaded batch by batch into a temporary table on the target, so the target's own parser reads it
 * exactly as the restore did, and digested like the target's table), every large object, every
 * sequence value and definition, every object the archive lists, every comment, the materialized
 * views' population, and the database and app role settings the archive carries. What an archive
 * does not hold (extension versions, privileges) is listed in {@link VerificationReport#notProven()}.
 *
 * <p>With neither, the restore's own counts are compared ({@link VerificationReport.Evidence#COUNTS_ONLY})
 * and the report does not pass: counts prove no content.
 *
 * <p>Blocks until done; opens and closes its own connections ({@code jobs} per database) and
 * threads. Reads the source only (never writes it); on the target only temporary tables are written.
 * Memory stays flat: rows are digested on the servers, large objects are merged as two ordered
 * streams. Immutable and thread-safe.
 */
public final class DatabaseVerifier {
  private static final Logger log = LoggerFactory.getLogger(DatabaseVerifier.class);

  private final int jobs;
  private final Redactor redactor;
  private final MigrationListener listener;

  private DatabaseVerifier(Builder b) {
    this.jobs = b.jobs;
    this.redactor = b.redactor;
    this.listener = MigrationListener.safe(b.listener);
  }

  /**
   * A builder with the defaults: 2 jobs, a fresh redactor, no listener.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Verifies {@code request.target()}: against the live source when given and reachable, else
   * against the archive when given, else with the restore's counts (which never passes). A source
   * that cannot be reached is a warning to the listener (step {@code verify}) and a line in
   * {@link VerificationReport#notProven()}, then the archive is used. Never throws on a mismatch.
   *
   * @param request what to verify and against what
   * @return the report, naming its evidence
   * @throws ValidationException when the request has neither a source, an archive nor restore counts
   * @throws PgToolException when the target cannot be read, or the source cannot be reached and
   *     there is no archive to fall back on
   * @throws dev.cutover.core.MigrationCancelledException when the calling thread is interrupted
   */
  public VerificationReport verify(VerificationRequest request) {
    Objects.requireNonNull(request, "request");
    redactor.register(request.target().password());
    request.source().ifPresent(s -> redactor.register(s.password()));
    if (request.source().isEmpty() && request.archive().isEmpty() && request.restored().isEmpty()) {
      throw new ValidationException(ReadSession.STEP, java.util.List.of(new ValidationException.Problem("request",
          request.toString(), "has nothing to compare the target with", "give the source, the archive, or both")));
    }
    Optional<String> unreachable = Optional.empty();
    if (request.source().isPresent()) {
      try {
        return log(new LiveVerification(request.source().get(), request.target(), request.appRoles(), jobs).run());
      } catch (PgToolException e) {
        if (!e.retryable() || !e.getMessage().contains(request.source().get().toString())
            || request.archive().isEmpty()) {
          throw e;
        }
        unreachable = Optional.of(redactor.redact(e.getMessage()));
        listener.warning(new MigrationEvent.Warning(ReadSession.STEP, Instant.now(),
            "the live source cannot be reached; verifying against the backup archive instead (" + unreachable.get() + ")"));
      }
    }
    if (request.archive().isPresent()) {
      return log(new ArchiveVerification(request.archive().get(), request.target(), request.appRoles(), jobs,
          unreachable).run());
    }
    return countsOnly(request);
  }

  private VerificationReport countsOnly(VerificationRequest request) {
    Instant start = Instant.now();
    Findings findings = new Findings();
    findings.check("evidence", "content", VerificationReport.Evidence.LIVE_SOURCE.description() + " or "
        + VerificationReport.Evidence.BACKUP_ARCHIVE.description(), VerificationReport.Evidence.COUNTS_ONLY.description());
    Map<String, Long> counted = new TreeMap<>(request.restored().orElseThrow().rowsRestored());
    try (Side t = Side.target(request.target(), 1)) {
      Map<String, Chunks.Result> digests = t.digests(Relation.list(t.first()), "cutover-verify-counts");
      counted.forEach((table, rows) -> {
        Chunks.Result r = digests.get(table);
        long actual = r == null ? -1 : r.digest().rows();
        findings.check("rows", table, Long.toString(rows), actual < 0 ? Findings.MISSING : Long.toString(actual));
        findings.table(new VerificationReport.TableCheck(table, "table", rows, actual,
            VerificationReport.Digest.NOT_COMPARED, r == null ? Duration.ZERO : r.time()));
      });
    } catch (java.sql.SQLException e) {
      throw ReadSession.s(e, "listing tables", request.target());
    }
    findings.notProven("content, schema, privileges and settings: neither the source nor the archive was given");
    return log(findings.build(VerificationReport.Evidence.COUNTS_ONLY, Duration.between(start, Instant.now())));
  }

  private VerificationReport log(VerificationReport report) {
    log.info("{}", report);
    return report;
  }

  @Override
  public String toString() {
    return "DatabaseVerifier[jobs " + jobs + "]";
  }

  /** Options for {@link DatabaseVerifier}. Not thread-safe; {@link #build()} validates. */
  public static final class Builder {
    private int jobs = 2;
    private Redactor redactor = Redactor.create();
    private MigrationListener listener = MigrationListener.NONE;

    private Builder() {}

    /**
     * Sessions per database (1 to 64; default 2): source and target each get this many, so a
     * verification against the source holds twice as many connections. Match the servers' cores.
     *
     * @param jobs sessions per database
     * @return this builder
     */
    public Builder jobs(int jobs) {
      this.jobs = jobs;
      return this;
    }

    /**
     * The redactor that masks passwords in messages (the request's passwords are registered with it).
     *
     * @param redactor the migration's redactor
     * @return this builder
     */
    public Builder redactor(Redactor redactor) {
      this.redactor = Objects.requireNonNull(redactor, "redactor");
      return this;
    }

    /**
     * Receives warnings (e.g. the source could not be reached), from the calling thread.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(MigrationListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the verifier.
     *
     * @return the verifier
     * @throws ValidationException when {@code jobs} is out of range
     */
    public DatabaseVerifier build() {
      ValidationException.Collector problems = ValidationException.collector(ReadSession.STEP);
      if (jobs < 1 || jobs > 64) {
        problems.add("jobs", jobs, "must be between 1 and 64", "use the servers' core count, e.g. 2");
      }
      problems.throwIfAny();
      return new DatabaseVerifier(this);
    }
  }
}
