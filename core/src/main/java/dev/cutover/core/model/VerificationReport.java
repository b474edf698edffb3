package dev.cutover.core.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The comparison of a restored database with what it should hold, and what that comparison proves.
 *
 * <p>{@link #evidence()} says what the target was compared with; only {@link Evidence#LIVE_SOURCE}
 * and {@link Evidence#BACKUP_ARCHIVE} compare content, so only they can make
 * {@link #contentVerified()} true. {@link #passed()} is the gate: every check matched. A report never
 * needs closing and is immutable.
 *
 * <pre>{@code
 * VerificationReport v = pg.verify(VerificationRequest.of(target).source(source).archive(dump));
 * if (!v.passed()) {
 *   System.err.println(v.describeMismatches());   // each difference names the object and both values
 * }
 * v.tables().forEach(t -> System.out.println(t)); // rows, digest match and time per table
 * }</pre>
 *
 * @param evidence what the target was compared with
 * @param checks every comparison made (content, schema, privileges, settings, sequences, large objects)
 * @param tables one row per table, partition and materialized view: rows, digest match, time
 * @param expectedLosses differences that are expected and listed, not failed: grants to roles the
 *     target does not have, ownership moved to the target's user
 * @param notProven what this evidence could not cover (e.g. extension versions are not in an archive)
 * @param duration wall time of the verification
 */
public record VerificationReport(
    Evidence evidence,
    List<Check> checks,
    List<TableCheck> tables,
    List<String> expectedLosses,
    List<String> notProven,
    Duration duration) {

  /** What a verification compared the target with. */
  public enum Evidence {
    /** Content digests, schema, privileges and settings of the live source database, read at the same time as the target's. */
    LIVE_SOURCE("content digests against the live source", true),
    /** Content digests of the backup archive's data, and its object list, sequence values and comments. */
    BACKUP_ARCHIVE("content digests against the backup archive", true),
    /** Only row counts, as the restore counted them: proves no content. */
    COUNTS_ONLY("counts only", false);

    private final String description;
    private final boolean content;

    Evidence(String description, boolean content) {
      this.description = description;
      this.content = content;
    }

    /**
     * The wording reports use, e.g. {@code content digests against the live source}.
     *
     * @return the wording
     */
    public String description() {
      return description;
    }

    /**
     * Whether this evidence compares the data itself (not only counts).
     *
     * @return true for content evidence
     */
    public boolean provesContent() {
      return content;
    }

    /**
     * The evidence a {@link #description()} names; any other text (such as the {@code source database}
     * or {@code restore counts} of older reports) is {@link #COUNTS_ONLY}, the weakest claim.
     *
     * @param description a description, as {@link #description()} gives it
     * @return the evidence
     */
    public static Evidence fromDescription(String description) {
      for (Evidence e : values()) {
        if (e.description.equals(description)) {
          return e;
        }
      }
      return COUNTS_ONLY;
    }
  }

  /**
   * One comparison.
   *
   * @param kind e.g. {@code content}, {@code column}, {@code constraint}, {@code privilege}, {@code setting}
   * @param name the object compared, e.g. {@code public.users} or {@code public.users.email}
   * @param expected the source's (or the archive's) value
   * @param actual the target's value
   */
  public record Check(String kind, String name, String expected, String actual) {
    /**
     * Validates the components; throws {@link NullPointerException} on a null one.
     *
     * @param kind the kind of object or fact
     * @param name the object
     * @param expected the expected value
     * @param actual the target's value
     */
    public Check {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(expected, "expected");
      Objects.requireNonNull(actual, "actual");
    }

    /**
     * Whether the target's value is the expected one.
     *
     * @return true when they are equal
     */
    public boolean ok() {
      return expected.equals(actual);
    }

    @Override
    public String toString() {
      return kind + " " + name + (ok() ? ": " + actual : ": expected " + expected + ", actual " + actual);
    }
  }

  /** How a table's content digest compared. */
  public enum Digest {
    /** The digests are equal: same rows, same values, whatever their order. */
    MATCH,
    /** The digests differ (or the table is missing on one side). */
    MISMATCH,
    /** No digest was compared (counts only, or a materialized view that is not populated). */
    NOT_COMPARED
  }

  /**
   * One table's line in the verification table.
   *
   * @param name the schema-qualified name, e.g. {@code public.events_2026_01}
   * @param kind {@code table}, {@code partition}, {@code unlogged table}, {@code materialized view}, {@code large objects}
   * @param expectedRows rows in the source (or archive), -1 when it has no such table
   * @param actualRows rows in the target, -1 when it has no such table
   * @param digest how the content digests compared
   * @param time how long the slower side took to digest it
   */
  public record TableCheck(String name, String kind, long expectedRows, long actualRows, Digest digest, Duration time) {
    /**
     * Validates the components; throws {@link NullPointerException} on a null one.
     *
     * @param name the table
     * @param kind what kind of relation it is
     * @param expectedRows the source's (or archive's) rows, -1 when absent
     * @param actualRows the target's rows, -1 when absent
     * @param digest how the digests compared
     * @param time how long the slower side took
     */
    public TableCheck {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(digest, "digest");
      Objects.requireNonNull(time, "time");
    }

    /**
     * Whether rows agree and the digest did not differ.
     *
     * @return true when the table verified
     */
    public boolean ok() {
      return expectedRows == actualRows && digest != Digest.MISMATCH;
    }

    @Override
    public String toString() {
      return String.format(java.util.Locale.ROOT, "%s %s: %s rows (expected %s), digest %s, %d ms", kind, name,
          rows(actualRows), rows(expectedRows), digest.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '),
          time.toMillis());
    }

    private static String rows(long n) {
      return n < 0 ? "missing" : String.format(java.util.Locale.ROOT, "%,d", n);
    }
  }

  /**
   * Validates the components and copies the lists; throws {@link NullPointerException} on a null one.
   *
   * @param evidence what the target was compared with
   * @param checks every comparison
   * @param tables the verification table
   * @param expectedLosses differences expected and listed
   * @param notProven what this evidence could not cover
   * @param duration wall time
   */
  public VerificationReport {
    Objects.requireNonNull(evidence, "evidence");
    checks = List.copyOf(checks);
    tables = List.copyOf(tables);
    expectedLosses = List.copyOf(expectedLosses);
    notProven = List.copyOf(notProven);
    Objects.requireNonNull(duration, "duration");
  }

  /**
   * A report with only {@code checks}, for callers and stores that predate the per-table table.
   *
   * @param against an {@link Evidence#description()}; anything else reads as {@link Evidence#COUNTS_ONLY}
   * @param checks every comparison made
   */
  public VerificationReport(String against, List<Check> checks) {
    this(Evidence.fromDescription(against), checks, List.of(), List.of(), List.of(), Duration.ZERO);
  }

  /**
   * The evidence's wording, e.g. {@code content digests against the live source}.
   *
   * @return the wording
   */
  public String against() {
    return evidence.description();
  }

  /**
   * Whether every check matched: the gate before any cutover step.
   *
   * @return true when nothing differs
   */
  public boolean passed() {
    return checks.stream().allMatch(Check::ok);
  }

  /**
   * Whether every check matched and the evidence compared content: the only case to call "verified".
   *
   * @return true when the content is proven
   */
  public boolean contentVerified() {
    return passed() && evidence.provesContent();
  }

  /**
   * The checks that did not match.
   *
   * @return the mismatches, in check order
   */
  public List<Check> mismatches() {
    return checks.stream().filter(c -> !c.ok()).toList();
  }

  /**
   * Rows of every table in the target.
   *
   * @return the sum of the verification table's actual rows
   */
  public long totalRows() {
    return tables.stream().mapToLong(t -> Math.max(0, t.actualRows())).sum();
  }

  /**
   * A plain-text list of the mismatches, each naming the object and both values, the first
   * {@value #SHOWN_MISMATCHES} of them (or "all N checks passed (evidence)").
   *
   * @return the text
   */
  public String describeMismatches() {
    if (passed()) {
      return "all " + checks.size() + " checks passed (" + evidence.description() + ")";
    }
    List<Check> bad = mismatches();
    String more = bad.size() > SHOWN_MISMATCHES ? "\n  ... and " + (bad.size() - SHOWN_MISMATCHES) + " more" : "";
    return bad.stream().limit(SHOWN_MISMATCHES)
        .map(c -> String.format("  %s %s: expected %s, actual %s", c.kind(), c.name(), c.expected(), c.actual()))
        .collect(Collectors.joining("\n", bad.size() + " of " + checks.size() + " checks failed ("
            + evidence.description() + "):\n", more));
  }

  /** How many mismatches {@link #describeMismatches()} lists. */
  public static final int SHOWN_MISMATCHES = 50;

  @Override
  public String toString() {
    return "VerificationReport[" + evidence.description() + ": "
        + (passed() ? "passed" : "FAILED (" + mismatches().size() + " of " + checks.size() + " checks)") + ", "
        + checks.size() + " checks, " + tables.size() + " tables (" + String.format(java.util.Locale.ROOT, "%,d", totalRows())
        + " rows), " + expectedLosses.size() + " expected losses, " + notProven.size() + " not proven, "
        + duration.toMillis() + " ms]";
  }
}
