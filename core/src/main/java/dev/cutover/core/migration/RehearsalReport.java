package dev.cutover.core.migration;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a rehearsal ({@link MigrationPlan#rehearse()}) measured: the data moved with the plan's strategy into a
 * scratch target database while the source stayed live, each phase timed, and the downtime the real run would
 * have for the data (maintenance on until the data is verified) estimated from those phases. The estimate
 * leaves out the few seconds of the write fence and the cutover steps after the verification.
 *
 * @param at when the rehearsal finished
 * @param planFingerprint the fingerprint of the plan rehearsed
 * @param moves one entry per data move
 */
public record RehearsalReport(Instant at, String planFingerprint, List<Move> moves) {
  /**
   * One data move's rehearsal.
   *
   * @param id the move's id (e.g. {@code DATABASE})
   * @param strategy the strategy used, as planned
   * @param scratchDatabase the scratch database the data went into; it is left in place (deprovision it, e.g.
   *     {@code aptible db:deprovision HANDLE}, or give it again to the next rehearsal)
   * @param phases each phase with its measured time, in order
   * @param rows rows moved
   * @param bytes bytes moved (the backup's size, or the source's data size for DIRECT), or -1 when unknown
   * @param verified whether the verification passed (a source written to during the rehearsal may not)
   * @param verification one line on the verification
   */
  public record Move(String id, String strategy, String scratchDatabase, List<Phase> phases, long rows, long bytes,
      boolean verified, String verification) {
    /** Validates the components and copies the list; throws {@link NullPointerException} on a null component. */
    public Move {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(strategy, "strategy");
      Objects.requireNonNull(scratchDatabase, "scratchDatabase");
      phases = List.copyOf(phases);
      Objects.requireNonNull(verification, "verification");
    }

    /**
     * The downtime of this move in the real run: the phases that happen with maintenance on.
     *
     * @return their total
     */
    public Duration downtime() {
      return phases.stream().filter(Phase::inDowntime).map(Phase::took).reduce(Duration.ZERO, Duration::plus);
    }

    /**
     * Rows per second of the phase that writes the target (restore or copy).
     *
     * @return the throughput, 0 when not measured
     */
    public double rowsPerSecond() {
      return phases.stream().filter(p -> p.name().startsWith("restore") || p.name().equals("copy")).findFirst()
          .filter(p -> !p.took().isZero()).map(p -> rows * 1000.0 / p.took().toMillis()).orElse(0.0);
    }
  }

  /**
   * One measured phase.
   *
   * @param name e.g. {@code capture}, {@code download}, {@code restore}, {@code copy}, {@code verify}
   * @param took how long it took
   * @param inDowntime whether the real run does it with maintenance on
   */
  public record Phase(String name, Duration took, boolean inDowntime) {
    /** Validates the components; throws {@link NullPointerException} on a null component. */
    public Phase {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(took, "took");
    }
  }

  /** Validates the components and copies the list; throws {@link NullPointerException} on a null component. */
  public RehearsalReport {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(planFingerprint, "planFingerprint");
    moves = List.copyOf(moves);
  }

  /**
   * The estimated downtime of the real run for the data: the moves one after the other, as the run does them.
   *
   * @return the sum of every move's {@link Move#downtime()}
   */
  public Duration estimatedDowntime() {
    return moves.stream().map(Move::downtime).reduce(Duration.ZERO, Duration::plus);
  }

  /**
   * One line per move and the estimate, for the plan and the console.
   *
   * @return the text
   */
  public String render() {
    StringBuilder out = new StringBuilder("Rehearsal of " + at + ": estimated downtime " + seconds(estimatedDowntime())
        + " for the data (plus the write fence and the cutover steps)\n");
    for (Move m : moves) {
      out.append("  ").append(m.id()).append(" ").append(m.strategy()).append(" into ").append(m.scratchDatabase())
          .append(": ");
      m.phases().forEach(p -> out.append(p.name()).append(' ').append(seconds(p.took()))
          .append(p.inDowntime() ? "" : " (before the downtime)").append(", "));
      out.append(m.rows()).append(" rows, ").append(Math.round(m.rowsPerSecond())).append(" rows/s, ")
          .append(m.verified() ? "verified" : "NOT verified").append(" (").append(m.verification()).append(")\n");
    }
    return out.toString();
  }

  private static String seconds(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
