package dev.cutover.postgres.verify;

import java.math.BigInteger;
import java.util.Locale;

/**
 * An order-independent digest of a multiset of rows: how many there are, and the exact sum of each
 * row's 64-bit {@code hashtextextended} over its text form.
 *
 * <p>Why this shape: a sum (not an XOR) keeps duplicate rows from cancelling out; sums add up, so a
 * table digested in chunks on several connections, in any order and with chunks cut differently on
 * each side, yields the same value; and the server sums {@code bigint} in a 128-bit integer (its
 * result is {@code numeric} only at the end), so the sum is exact and never overflows. Measured on
 * 1 M pgbench rows (2 cores, JIT off, three runs): {@code sum(h)} 320-400 ms, the same hash as two
 * 32-bit halves summed as {@code int4} 560-800 ms (the extra casts cost more than they save),
 * {@code bit_xor(h)} 330-420 ms (but cancels duplicates), an ordered {@code md5(string_agg(…))}
 * 2,200 ms (and needs all rows in memory); producing the row text alone is about half the time.
 *
 * @param rows how many rows
 * @param sum the sum of the rows' hashes
 */
record Digest(long rows, BigInteger sum) {
  static final Digest EMPTY = new Digest(0, BigInteger.ZERO);
  private static final BigInteger MOD = BigInteger.ONE.shiftLeft(128);

  /**
   * The query digesting {@code rowText} (an SQL expression over alias {@code r}, such as
   * {@code (r.*)::text}) for every row of {@code from} (which binds {@code r}). Needs
   * {@code search_path = pg_catalog}. Returns the row count and the sum as text.
   */
  static String query(String rowText, String from) {
    return "SELECT count(*), coalesce(sum(hashtextextended(" + rowText + ", 0)), 0)::text FROM " + from;
  }

  /** The digest in a row of {@link #query}'s result. */
  static Digest of(long rows, String sum) {
    return new Digest(rows, new BigInteger(sum));
  }

  Digest plus(Digest other) {
    return new Digest(rows + other.rows, sum.add(other.sum));
  }

  /** The sum as 32 hex digits (modulo 2^128). */
  String hex() {
    return String.format(Locale.ROOT, "%032x", sum.mod(MOD));
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%,d rows, digest %s", rows, hex());
  }
}
