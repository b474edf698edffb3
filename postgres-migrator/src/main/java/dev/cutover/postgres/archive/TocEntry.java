package dev.cutover.postgres.archive;

import java.util.List;
import java.util.Objects;

/**
 * One table-of-contents entry of a custom-format archive, as pg_dump wrote it.
 *
 * <p>Strings the archive stores as SQL NULL are given as {@code ""}. The archive's own strings are
 * kept verbatim (decoded from the dump's encoding), so {@link #defn()} is exactly the SQL pg_restore
 * would send.
 *
 * @param dumpId the entry's id (positive, unique, not dense)
 * @param hadData whether the entry owns a data block ({@code TABLE DATA}, {@code BLOBS})
 * @param tableOid OID of the object's system catalog, as a decimal string ({@code "0"} if none)
 * @param oid the object's OID, as a decimal string ({@code "0"} if none)
 * @param tag the object name as {@code pg_restore -l} shows it
 * @param desc the entry type, e.g. {@code TABLE}, {@code TABLE DATA}, {@code INDEX}, {@code COMMENT}
 * @param section pre-data, data, post-data or none
 * @param defn the SQL that creates the object (may hold several statements), or {@code ""}
 * @param dropStmt the SQL that drops it, or {@code ""}
 * @param copyStmt for {@code TABLE DATA}: the {@code COPY ... FROM stdin;} statement, else {@code ""}
 * @param namespace the schema, or {@code ""} when not schema-qualified
 * @param tablespace the tablespace, or {@code ""} for the default or not applicable
 * @param tableAm the table access method (e.g. {@code heap}) of tables and materialized views, or {@code ""}
 * @param relkind {@code pg_class.relkind} as a character code (archives 1.16+ only), or 0
 * @param owner the owning role, or {@code ""}
 * @param dependencies dump ids this entry depends on (may name ids not in the archive)
 * @param dataOffset absolute file position of the entry's data block, or -1 when the archive does
 *     not record it (pipe-written archive, or no data)
 */
public record TocEntry(
    int dumpId,
    boolean hadData,
    String tableOid,
    String oid,
    String tag,
    String desc,
    Section section,
    String defn,
    String dropStmt,
    String copyStmt,
    String namespace,
    String tablespace,
    String tableAm,
    int relkind,
    String owner,
    List<Integer> dependencies,
    long dataOffset) {

  /** Where pg_dump puts an entry (stored in the archive, {@code teSection}). */
  public enum Section {
    /** Comments, ACLs, security labels: they follow their object. */
    NONE,
    /** Schemas, types, functions, tables, views, sequences: created before any data. */
    PRE_DATA,
    /** Table data, sequence values, large objects. */
    DATA,
    /** Indexes, constraints, triggers, rules, materialized view refreshes. */
    POST_DATA;

    /** The section for pg_dump's code ({@code SECTION_NONE} = 1 ... {@code SECTION_POST_DATA} = 4). */
    static Section of(int code) {
      return switch (code) {
        case 1 -> NONE;
        case 2 -> PRE_DATA;
        case 3 -> DATA;
        case 4 -> POST_DATA;
        default -> throw new IllegalArgumentException("unknown section code " + code);
      };
    }
  }

  public TocEntry {
    Objects.requireNonNull(tableOid, "tableOid");
    Objects.requireNonNull(oid, "oid");
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(desc, "desc");
    Objects.requireNonNull(section, "section");
    Objects.requireNonNull(defn, "defn");
    Objects.requireNonNull(dropStmt, "dropStmt");
    Objects.requireNonNull(copyStmt, "copyStmt");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(tablespace, "tablespace");
    Objects.requireNonNull(tableAm, "tableAm");
    Objects.requireNonNull(owner, "owner");
    dependencies = List.copyOf(dependencies);
  }

  /** Whether the archive records where this entry's data block starts. */
  public boolean hasDataOffset() {
    return dataOffset >= 0;
  }

  /** {@code namespace.tag}, or just the tag when the entry has no schema. Not quoted. */
  public String qualifiedName() {
    return namespace.isEmpty() ? tag : namespace + "." + tag;
  }

  /** The line {@code pg_restore -l} prints for this entry. */
  public String listLine() {
    return dumpId + "; " + tableOid + " " + oid + " " + desc + " " + (namespace.isEmpty() ? "-" : oneLine(namespace))
        + " " + oneLine(tag) + " " + oneLine(owner);
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ').replace('\r', ' ');
  }

  @Override
  public String toString() {
    return "TocEntry[" + dumpId + " " + desc + " " + qualifiedName() + " (" + section + ")]";
  }
}
