package dev.cutover.postgres.verify;

import java.util.Locale;

/**
 * An order-independent digest of a multiset of rows: how many there are, and the sums of the high
 * and low 32-bit halves of each row's 64-bit {@code hashtextextended} over its text form.
 *
 * <p>Why this shape: a sum (not an XOR) keeps duplicate rows from cancelling out; summing 32-bit
 * halves as {@code int4} lets the server accumulate in a plain {@code bigint} (a {@code sum} of
 * {@code bigint} would be {@code numeric}, several times slower); and sums add up, so a table
 * digested in chunks on several connections, in any order and with chunks cut differently on each
 * side, yields the same value. Sums wrap at 2^64 identically on both sides, which keeps them comparable.
 *
 * @param rows how many rows
 * @param high sum of the high halves
 * @param low sum of the low halves (each offset by -2^31 to fit {@code int4})
 */
record Digest(long rows, long high, long low) {
  static final Digest EMPTY = new Digest(0, 0, 0);

  /**
   * The query digesting {@code rowText} (an SQL expression over alias {@code r}, such as
   * {@code (r.*)::text}) for every row of {@code from} (which binds {@code r}). Needs
   * {@code search_path = pg_catalog}.
   */
  static String query(String rowText, String from) {
    return "SELECT count(*), coalesce(sum((h >> 32)::int4), 0), coalesce(sum(((h & 4294967295) - 2147483648)::int4), 0)"
        + " FROM (SELECT hashtextextended(" + rowText + ", 0) AS h FROM " + from + ") d";
  }

  Digest plus(Digest other) {
    return new Digest(rows + other.rows, high + other.high, low + other.low);
  }

  /** The two sums as 32 hex digits. */
  String hex() {
    return String.format(Locale.ROOT, "%016x%016x", high, low);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%,d rows, digest %s", rows, hex());
  }
}
