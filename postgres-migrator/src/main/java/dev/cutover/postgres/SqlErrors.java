package dev.cutover.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Errors that {@code psql} or {@code pg_restore} reported while restoring, and which of them are
 * the expected noise of moving a dump to a server without the source's roles.
 *
 * <p>Expected: {@code role "x" does not exist} raised by an ownership or privilege statement
 * ({@code ALTER … OWNER TO}, {@code GRANT}, {@code REVOKE}, {@code ALTER DEFAULT PRIVILEGES},
 * {@code SET SESSION AUTHORIZATION}): the object then belongs to the restoring role and the grant is
 * dropped, as the design says; and {@code … already exists} for the target's own roles and database
 * ({@code aptible}, {@code postgres}, {@code db}) and for the {@code public} schema and {@code plpgsql}
 * (and {@code must be owner of} those two, which a comment on them raises for a non-superuser).
 * Anything else is real: the same {@code role does not exist} raised by {@code CREATE POLICY … TO
 * role} loses a policy, so it is not expected.
 */
final class SqlErrors {
  /**
   * One error.
   *
   * @param location where it was reported, e.g. {@code data.sql:123} or {@code TOC entry 215; 1259 16390 TABLE t}
   * @param message the server's message, e.g. {@code role "x" does not exist}
   * @param detail DETAIL/HINT/CONTEXT lines, joined
   * @param statement the statement that failed, when known (possibly shortened)
   */
  record SqlError(String location, String message, String detail, String statement) {
    SqlError {
      Objects.requireNonNull(location, "location");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(detail, "detail");
      Objects.requireNonNull(statement, "statement");
    }

    SqlError withStatement(String s) {
      return new SqlError(location, message, detail, s);
    }

    String describe() {
      return location + ": ERROR: " + message + (detail.isEmpty() ? "" : " (" + detail + ")")
          + (statement.isEmpty() ? "" : "\n      statement: " + shorten(statement));
    }
  }

  /** The errors split into expected ones (counted by message) and real ones. */
  record Classified(Map<String, Integer> expected, List<SqlError> unexpected) {
    Classified {
      expected = Map.copyOf(expected);
      unexpected = List.copyOf(unexpected);
    }

    int expectedCount() {
      return expected.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  private static final Pattern PSQL_ERROR = Pattern.compile("^psql:(.*):(\\d+): ERROR:\\s+(.*)$");
  private static final Pattern PSQL_OTHER = Pattern.compile("^psql:.*:\\d+: [A-Z]+:.*$");
  private static final Pattern ROLE_MISSING = Pattern.compile("^role \"[^\"]*\" does not exist$");
  /** An ownership change to a role the (non-superuser) target role cannot act as: the object stays the target role's. */
  private static final Pattern NOT_MEMBER = Pattern.compile("^must be member of role \"[^\"]*\"$");
  private static final Pattern ALREADY_EXISTS = Pattern.compile(
      "^(role \"(aptible|postgres|db)\"|database \"(db|postgres)\"|schema \"public\"|extension \"plpgsql\") already exists$"
      + "|^must be owner of (extension plpgsql|schema public)$");
  private static final Pattern PRIVILEGE_STATEMENT = Pattern.compile(
      "^\\s*(ALTER\\s+.*\\s+OWNER\\s+TO\\s|GRANT\\s|REVOKE\\s|ALTER\\s+DEFAULT\\s+PRIVILEGES\\s|SET\\s+SESSION\\s+AUTHORIZATION\\s)",
      Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final Pattern OWNER_STATEMENT = Pattern.compile("^\\s*ALTER\\s+.*\\s+OWNER\\s+TO\\s",
      Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final int MAX_STATEMENT = 400;

  private SqlErrors() {}

  /**
   * Parses psql's stderr ({@code psql:FILE:LINE: ERROR:  message} and the DETAIL/HINT/CONTEXT lines
   * after it). The statement is left empty: {@link #lineOf} gives the line to look it up by.
   */
  static List<SqlError> parsePsql(String stderr) {
    List<SqlError> out = new ArrayList<>();
    String location = null;
    String message = null;
    StringBuilder detail = new StringBuilder();
    for (String line : stderr.split("\n")) {
      Matcher m = PSQL_ERROR.matcher(line);
      if (m.matches() || PSQL_OTHER.matcher(line).matches()) {
        if (message != null) {
          out.add(new SqlError(location, message, detail.toString(), ""));
        }
        location = m.matches() ? fileName(m.group(1)) + ":" + m.group(2) : null;
        message = m.matches() ? m.group(3) : null;
        detail.setLength(0);
      } else if (message != null && (line.startsWith("DETAIL:") || line.startsWith("HINT:") || line.startsWith("CONTEXT:"))) {
        detail.append(detail.length() == 0 ? "" : "; ").append(line.strip());
      }
    }
    if (message != null) {
      out.add(new SqlError(location, message, detail.toString(), ""));
    }
    return out;
  }

  private static String fileName(String file) {
    return java.nio.file.Path.of(file).getFileName().toString();
  }

  /** The 1-based script line number psql reported for {@code error}. */
  static long lineOf(SqlError error) {
    return Long.parseLong(error.location().substring(error.location().lastIndexOf(':') + 1));
  }

  /**
   * Parses pg_restore's stderr: {@code pg_restore: from TOC entry …}, then
   * {@code pg_restore: error: could not execute query: ERROR:  message} and {@code Command was: …}.
   */
  static List<SqlError> parsePgRestore(String stderr) {
    List<SqlError> out = new ArrayList<>();
    String location = "pg_restore";
    String message = null;
    StringBuilder detail = new StringBuilder();
    StringBuilder statement = null;
    for (String line : stderr.split("\n")) {
      if (line.startsWith("pg_restore: ")) {
        statement = null;
        String rest = line.substring("pg_restore: ".length());
        int err = rest.indexOf("ERROR:");
        if (rest.startsWith("from TOC entry ")) {
          flush(out, location, message, detail, null);
          message = null;
          location = "TOC entry " + rest.substring("from TOC entry ".length());
        } else if (rest.startsWith("error: ") && err >= 0) {
          flush(out, location, message, detail, null);
          message = rest.substring(err + "ERROR:".length()).strip();
          detail.setLength(0);
        } else if (rest.startsWith("error: ") && !rest.contains("errors ignored on restore")) {
          flush(out, location, message, detail, null);
          message = rest.substring("error: ".length()).strip();
          detail.setLength(0);
        }
      } else if (message != null && line.startsWith("Command was: ")) {
        statement = new StringBuilder(line.substring("Command was: ".length()));
        out.add(new SqlError(location, message, detail.toString(), statement.toString()));
        message = null;
      } else if (statement != null) {
        SqlError last = out.remove(out.size() - 1);
        statement.append('\n').append(line);
        out.add(last.withStatement(statement.toString()));
      } else if (message != null && (line.startsWith("DETAIL:") || line.startsWith("HINT:") || line.startsWith("CONTEXT:"))) {
        detail.append(detail.length() == 0 ? "" : "; ").append(line.strip());
      }
    }
    flush(out, location, message, detail, null);
    return out.stream().map(e -> e.withStatement(e.statement().strip())).toList();
  }

  private static void flush(List<SqlError> out, String location, String message, StringBuilder detail, String statement) {
    if (message != null) {
      out.add(new SqlError(location, message, detail.toString(), statement == null ? "" : statement));
    }
  }

  /** Splits {@code errors} into expected noise and real failures. */
  static Classified classify(List<SqlError> errors) {
    return classify(errors, Set.of());
  }

  /**
   * Splits {@code errors} into expected noise and real failures; {@code schema "s" already exists} is
   * expected for the schemas in {@code createdFirst} (made before the restore, for extensions).
   */
  static Classified classify(List<SqlError> errors, Set<String> createdFirst) {
    Map<String, Integer> expected = new TreeMap<>();
    List<SqlError> unexpected = new ArrayList<>();
    for (SqlError e : errors) {
      Optional<String> kind = expectedKind(e);
      for (String schema : createdFirst) {
        if (kind.isEmpty() && e.message().equals("schema \"" + schema + "\" already exists")) {
          kind = Optional.of(e.message() + " (created first, for an extension at the source's version)");
        }
      }
      if (kind.isPresent()) {
        expected.merge(kind.get(), 1, Integer::sum);
      } else {
        unexpected.add(e);
      }
    }
    return new Classified(expected, unexpected);
  }

  private static Optional<String> expectedKind(SqlError e) {
    if (ALREADY_EXISTS.matcher(e.message()).matches()) {
      return Optional.of(e.message());
    }
    if (ROLE_MISSING.matcher(e.message()).matches()
        && (e.statement().isEmpty() || PRIVILEGE_STATEMENT.matcher(e.statement()).find())) {
      return Optional.of(e.message());
    }
    if (NOT_MEMBER.matcher(e.message()).matches() && OWNER_STATEMENT.matcher(e.statement()).find()) {
      return Optional.of(e.message());
    }
    return Optional.empty();
  }

  static String shorten(String statement) {
    String oneLine = statement.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= MAX_STATEMENT ? oneLine : oneLine.substring(0, MAX_STATEMENT) + " …";
  }
}
