package dev.cutover.postgres.verify;

import dev.cutover.core.PgToolException;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.model.VerificationReport.TableCheck;
import dev.cutover.postgres.archive.ArchiveReader;
import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.DatabaseProperties;
import dev.cutover.postgres.archive.internal.DataBlocks;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Verification of a target against the archive it was restored from, when the source cannot be
 * reached: the archive's rows (see {@link ArchiveContent}), large objects, object list, sequences,
 * comments and database settings (see {@link ArchiveObjects}), all on {@code jobs} sessions to the
 * target.
 */
final class ArchiveVerification {
  private final Path archive;
  private final PgConnection target;
  private final List<String> appRoles;
  private final int jobs;
  private final Optional<String> unreachable;

  ArchiveVerification(Path archive, PgConnection target, List<String> appRoles, int jobs, Optional<String> unreachable) {
    this.archive = archive;
    this.target = target;
    this.appRoles = appRoles;
    this.jobs = jobs;
    this.unreachable = unreachable;
  }

  VerificationReport run() {
    Instant start = Instant.now();
    Findings findings = new Findings();
    ArchiveToc toc = ArchiveReader.readToc(archive);
    DataBlocks blocks;
    try {
      blocks = DataBlocks.locate(archive, toc);
    } catch (IOException e) {
      throw new PgToolException(ReadSession.STEP, ReadSession.STEP + ": cannot read the data blocks of " + archive
          + " (" + e.getMessage() + "); the archive is truncated or corrupt", false, e);
    }
    DatabaseProperties properties = DatabaseProperties.of(toc);
    String appRole = appRoles.isEmpty() ? properties.owner() : appRoles.get(0);
    try (Side side = Side.target(target, jobs)) {
      ReadSession s = side.first();
      Map<String, Map<String, String>> catalogue = Catalogue.read(s, new Roles(List.of(target.user())));
      List<Relation> relations = Relation.list(s);
      content(toc, blocks, side, relations, findings);
      largeObjects(toc, blocks, side, findings);
      ArchiveObjects.sequences(toc, Sequences.read(s), findings);
      Set<String> functions = new TreeSet<>(s.rows("SELECT n.nspname || '.' || p.proname || '(' "
          + "|| oidvectortypes(p.proargtypes) || ')' FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
          + "WHERE " + Relation.USER_SCHEMA).stream().map(r -> r[0]).toList());
      ArchiveObjects.objects(toc, catalogue, functions, findings);
      ArchiveObjects.comments(toc, s, properties, catalogue.get("comment"), findings);
      ArchiveObjects.settings(properties, Settings.read(s, target.user()), appRole, target.user(), findings);
    } catch (SQLException e) {
      throw ReadSession.s(e, "reading the target", target);
    }
    unreachable.ifPresent(u -> findings.notProven("the live source could not be reached (" + u + "): compared with "
        + "the backup archive instead"));
    findings.notProven("extension versions (an archive does not record them)");
    findings.notProven("owners and privileges (a restore without privileges does not carry them; an archive does "
        + "not say which role the target's user stands for)");
    findings.notProven("definitions of functions, views, types and columns (compared by presence; their rows by content)");
    return findings.build(VerificationReport.Evidence.BACKUP_ARCHIVE, Duration.between(start, Instant.now()));
  }

  /** Every archived table against the target's table, and every other target table against "no data". */
  private void content(ArchiveToc toc, DataBlocks blocks, Side side, List<Relation> relations, Findings findings) {
    Map<String, ArchiveContent.Table> tables = ArchiveContent.tables(toc);
    Map<String, Relation> byName = new TreeMap<>();
    relations.forEach(r -> byName.put(r.qualified(), r));
    int version = side.first().serverVersion();
    List<Chunks.Piece> pieces = new ArrayList<>();
    Map<String, ArchiveContent.Table> compared = new TreeMap<>();
    for (ArchiveContent.Table t : tables.values()) {
      Relation r = byName.get(t.qualified());
      if (r == null) {
        boolean partitioned = isPartitioned(side.first(), t);
        if (!partitioned) {
          findings.check("content", t.qualified(), "rows in the archive", Findings.MISSING);
          findings.table(new TableCheck(t.qualified(), "table", 0, -1, VerificationReport.Digest.MISMATCH, Duration.ZERO));
          continue;
        }
        // load via partition root: the rows went to the partitions; compare with all of them at once
        r = new Relation(t.schema(), t.name(), "partitioned table", true, 0);
        pieces.addAll(r.pieces(version, t.rowText(), t.quoted() + " r"));
      } else {
        pieces.addAll(r.pieces(version, t.rowText(), "ONLY " + t.quoted() + " r"));
      }
      pieces.addAll(ArchiveContent.archivePieces(archive, toc, blocks, t));
      compared.put(t.qualified(), t);
    }
    List<Relation> others = new ArrayList<>();
    for (Relation r : relations) {
      if (!compared.containsKey(r.qualified()) && !r.kind().equals("materialized view") && r.populated()) {
        others.add(r);
        pieces.addAll(r.pieces(version));
      }
    }
    Map<String, Chunks.Result> results = Chunks.run(side.sessions(), pieces, "cutover-verify-archive");
    for (ArchiveContent.Table t : compared.values()) {
      Chunks.Result a = results.get("archive:" + t.qualified());
      Chunks.Result b = results.get(t.qualified());
      String expected = a == null ? Digest.EMPTY.toString() : describe(a);
      String actual = b == null ? Digest.EMPTY.toString() : describe(b);
      findings.check("rows", t.qualified(), a == null ? "0" : Long.toString(a.digest().rows()),
          b == null ? "0" : Long.toString(b.digest().rows()));
      findings.check("content", t.qualified(), expected, actual);
      Relation r = byName.get(t.qualified());
      findings.table(new TableCheck(t.qualified(), r == null ? "partitioned table" : r.kind(),
          a == null ? 0 : a.digest().rows(), b == null ? 0 : b.digest().rows(),
          expected.equals(actual) ? VerificationReport.Digest.MATCH : VerificationReport.Digest.MISMATCH,
          longer(a, b)));
    }
    for (Relation r : others) {
      if (r.kind().equals("partition") && compared.values().stream().anyMatch(t -> byName.get(t.qualified()) == null)) {
        continue;
      }
      Chunks.Result b = results.get(r.qualified());
      String actual = b == null ? Digest.EMPTY.toString() : describe(b);
      findings.check("content", r.qualified(), Digest.EMPTY.toString() + " (the archive has no data for it)", actual);
      findings.table(new TableCheck(r.qualified(), r.kind(), 0, b == null ? 0 : b.digest().rows(),
          b != null && b.digest().rows() == 0 ? VerificationReport.Digest.MATCH : VerificationReport.Digest.MISMATCH,
          b == null ? Duration.ZERO : b.time()));
    }
    for (Relation r : relations) {
      if (r.kind().equals("materialized view")) {
        findings.table(new TableCheck(r.qualified(), r.kind(), -1, -1, VerificationReport.Digest.NOT_COMPARED,
            Duration.ZERO));
      }
    }
  }

  private static boolean isPartitioned(ReadSession s, ArchiveContent.Table t) {
    try {
      return "p".equals(s.string("SELECT c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
          + "WHERE n.nspname = ? AND c.relname = ?", t.schema(), t.name()));
    } catch (SQLException e) {
      return false;
    }
  }

  private static String describe(Chunks.Result r) {
    return r.error() != null ? "could not be read: " + r.error() : r.digest().toString();
  }

  private static Duration longer(Chunks.Result a, Chunks.Result b) {
    Duration x = a == null ? Duration.ZERO : a.time();
    Duration y = b == null ? Duration.ZERO : b.time();
    return x.compareTo(y) >= 0 ? x : y;
  }

  private void largeObjects(ArchiveToc toc, DataBlocks blocks, Side side, Findings findings) {
    Instant start = Instant.now();
    List<LargeObjects.Lo> archived;
    try {
      archived = ArchiveContent.largeObjects(archive, toc, blocks);
    } catch (IOException e) {
      findings.check("large objects", "(archive)", "readable", "could not be read: " + e.getMessage());
      return;
    }
    try (Statement st = side.first().jdbc().createStatement()) {
      LargeObjects.compare(archived.iterator(), LargeObjects.stream(side.first(), st), findings,
          Duration.between(start, Instant.now()));
    } catch (SQLException | IllegalStateException e) {
      findings.check("large objects", "(read)", "readable", "could not be read: " + e.getMessage());
    }
  }
}
