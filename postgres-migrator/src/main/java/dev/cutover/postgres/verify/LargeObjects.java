package dev.cutover.postgres.verify;

import dev.cutover.core.model.VerificationReport;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Large objects compared one by one, by OID, size and a digest of their bytes: MD5 over the MD5s of
 * each 1 MiB piece (so that the server never holds a whole object in memory, and the same digest can
 * be computed in Java from an archive). Both sides stream in OID order and are merged, so memory
 * stays flat whatever the number of objects.
 */
final class LargeObjects {
  /** The piece size the digest is defined over. */
  static final int PIECE = 1 << 20;
  /** How many differing objects are named one by one (the count says the rest). */
  static final int NAMED = 20;

  static final String QUERY = "SELECT m.oid::int8, z.size, (SELECT md5(string_agg(md5(lo_get(m.oid, o, " + PIECE
      + ")), '' ORDER BY o)) FROM generate_series(0::int8, greatest(z.size - 1, 0), " + PIECE + "::int8) o) "
      + "FROM pg_largeobject_metadata m, LATERAL (SELECT lo_lseek64(lo_open(m.oid, 262144), 0, 2) AS size) z "
      + "ORDER BY m.oid";

  /** One large object: OID, size and digest. */
  record Lo(long oid, long size, String digest) {
    @Override
    public String toString() {
      return size + " bytes, md5 " + digest;
    }
  }

  private LargeObjects() {}

  /** The objects of {@code s} in OID order; the caller closes the statement via {@code Stream}. */
  static Iterator<Lo> stream(ReadSession s, Statement st) throws SQLException {
    st.setFetchSize(256);
    ResultSet rs = st.executeQuery(QUERY);
    return new Iterator<>() {
      private Lo next = advance();

      private Lo advance() {
        try {
          return rs.next() ? new Lo(rs.getLong(1), rs.getLong(2), rs.getString(3)) : null;
        } catch (SQLException e) {
          throw new IllegalStateException("reading large objects on " + s.where() + ": " + e.getMessage(), e);
        }
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Lo next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        Lo current = next;
        next = advance();
        return current;
      }
    };
  }

  /**
   * Merges two OID-ordered streams: one check per object that is missing, extra or different (the
   * first {@value #NAMED} named, the rest counted), one check of the totals, and a line for the
   * verification table.
   */
  static void compare(Iterator<Lo> expected, Iterator<Lo> actual, Findings findings, Duration time) {
    long expectedCount = 0;
    long actualCount = 0;
    long differing = 0;
    Lo e = expected.hasNext() ? expected.next() : null;
    Lo a = actual.hasNext() ? actual.next() : null;
    while (e != null || a != null) {
      String exp;
      String act;
      long oid;
      if (a == null || e != null && e.oid() < a.oid()) {
        oid = e.oid();
        exp = e.toString();
        act = Findings.MISSING;
        expectedCount++;
        e = expected.hasNext() ? expected.next() : null;
      } else if (e == null || a.oid() < e.oid()) {
        oid = a.oid();
        exp = Findings.MISSING;
        act = a.toString();
        actualCount++;
        a = actual.hasNext() ? actual.next() : null;
      } else {
        oid = e.oid();
        exp = e.toString();
        act = a.toString();
        expectedCount++;
        actualCount++;
        e = expected.hasNext() ? expected.next() : null;
        a = actual.hasNext() ? actual.next() : null;
      }
      if (!exp.equals(act) && ++differing <= NAMED) {
        findings.check("large object", Long.toString(oid), exp, act);
      }
    }
    findings.check("large objects", "(count)", Long.toString(expectedCount), Long.toString(actualCount));
    if (differing > NAMED) {
      findings.check("large objects", "(differing)", "0", Long.toString(differing));
    }
    if (expectedCount > 0 || actualCount > 0) {
      findings.table(new VerificationReport.TableCheck("large objects", "large objects", expectedCount, actualCount,
          differing == 0 ? VerificationReport.Digest.MATCH : VerificationReport.Digest.MISMATCH, time));
    }
  }

  /** Computes an object's digest from its bytes in Java, as {@link #QUERY} does on the server. */
  static final class Hasher {
    private final MessageDigest outer = md5();
    private final MessageDigest piece = md5();
    private long size;
    private int inPiece;

    void update(byte[] b, int off, int len) {
      while (len > 0) {
        int n = Math.min(len, PIECE - inPiece);
        piece.update(b, off, n);
        inPiece += n;
        size += n;
        off += n;
        len -= n;
        if (inPiece == PIECE) {
          flush();
        }
      }
    }

    private void flush() {
      outer.update(HexFormat.of().formatHex(piece.digest()).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      inPiece = 0;
    }

    Lo finish(long oid) {
      if (inPiece > 0 || size == 0) {
        flush();
      }
      return new Lo(oid, size, HexFormat.of().formatHex(outer.digest()));
    }

    private static MessageDigest md5() {
      try {
        return MessageDigest.getInstance("MD5");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JVM has no MD5", e);
      }
    }
  }
}
