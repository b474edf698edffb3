package dev.cutover.core.migration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.core.MigrationException;
import dev.cutover.core.report.internal.AtomicFiles;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The append-only audit trail of one migration: JSON Lines beside the journal
 * ({@code journal.json} → {@code journal.events.jsonl}), one event per line, never rewritten. Each
 * line carries {@code seq} (its line number) and {@code prev}, the SHA-256 of the line before it (64
 * zeros for the first), so an edited, inserted or deleted line breaks the chain; the journal keeps
 * the count and the last line's hash, so a removed or edited tail shows too ({@link #audit}). A hash
 * chain without a key detects edits, not a forger who rewrites every later line and the journal.
 *
 * <p>Each append is forced to disk before it returns. Only the lock holder appends.
 */
final class EventLog {
  static final String GENESIS = "0".repeat(64);

  /** One line of the log. */
  record Event(long seq, Instant at, String type, JsonNode fields) {
    String text(String field) {
      return fields.path(field).asText("");
    }
  }

  private final Path file;
  private long lines;
  private String head;

  private EventLog(Path file, long lines, String head) {
    this.file = file;
    this.lines = lines;
    this.head = head;
  }

  /** The log of the journal {@code journal}: {@code <name without .json>.events.jsonl} beside it. */
  static Path fileFor(Path journal) {
    String name = journal.getFileName().toString();
    return journal.resolveSibling((name.endsWith(".json") ? name.substring(0, name.length() - 5) : name) + ".events.jsonl");
  }

  /**
   * Opens the log for appending, creating it when missing. A last line that a killed process left
   * without its newline was never a complete event: it is cut off, and the cut is itself logged.
   */
  static EventLog open(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      String torn = "";
      if (Files.exists(file)) {
        byte[] bytes = AtomicFiles.read(file).getBytes(StandardCharsets.UTF_8);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
          end--;
        }
        if (end < bytes.length) {
          torn = new String(bytes, end, bytes.length - end, StandardCharsets.UTF_8);
          try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(end);
            raf.getFD().sync();
          }
        }
      }
      List<String> existing = Files.exists(file) ? lines(file) : List.of();
      EventLog log = new EventLog(file, existing.size(), existing.isEmpty() ? GENESIS : sha256(existing.get(existing.size() - 1)));
      if (!torn.isEmpty()) {
        log.append(Instant.now(), "log-repaired", Map.of("removedBytes", torn.getBytes(StandardCharsets.UTF_8).length,
            "removedSha256", sha256(torn), "why", "a process stopped while writing its last line"));
      }
      return log;
    } catch (IOException e) {
      throw new MigrationException("journal", "journal: cannot open the event log " + file + " (" + e.getMessage()
          + "); check the work directory is writable", false, e);
    }
  }

  /** Appends one event and forces it to disk. {@code fields} values are strings, numbers, booleans, lists or maps. */
  void append(Instant at, String type, Map<String, ?> fields) {
    ObjectNode line = JsonMapping.COMPACT.createObjectNode();
    line.put("seq", lines + 1);
    line.put("at", at.toString());
    line.put("event", type);
    fields.forEach((k, v) -> line.set(k, JsonMapping.COMPACT.valueToTree(v)));
    line.put("prev", head);
    String text;
    try {
      text = JsonMapping.COMPACT.writeValueAsString(line);
    } catch (JsonProcessingException e) {
      throw new MigrationException("journal", "journal: cannot render an event (" + e.getOriginalMessage() + ")", false, e);
    }
    // a FileOutputStream, not a channel: a channel closes itself when the thread is interrupted, and a
    // cancelled run must still log that it was cancelled
    try (FileOutputStream out = new FileOutputStream(file.toFile(), true)) {
      out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
      out.getFD().sync();
    } catch (IOException e) {
      throw new MigrationException("journal", "journal: cannot append to the event log " + file + " (" + e.getMessage()
          + "); check the disk", false, e);
    }
    lines++;
    head = sha256(text);
  }

  /** How many lines the log has. */
  long lines() {
    return lines;
  }

  /** The SHA-256 of its last line. */
  String head() {
    return head;
  }

  Path file() {
    return file;
  }

  /** Every event that parses, in order (the report's history). A line that does not parse is skipped; {@link #audit} names it. */
  static List<Event> read(Path file) {
    List<Event> events = new ArrayList<>();
    if (!Files.exists(file)) {
      return events;
    }
    try {
      for (String line : lines(file)) {
        try {
          JsonNode node = JsonMapping.COMPACT.readTree(line);
          events.add(new Event(node.path("seq").asLong(), Instant.parse(node.path("at").asText()),
              node.path("event").asText(), node));
        } catch (IOException | RuntimeException e) {
          // an edited line: the audit reports it; the history shows what still reads
        }
      }
    } catch (IOException e) {
      throw new MigrationException("report", "report: cannot read the event log " + file + " (" + e.getMessage() + ")",
          false, e);
    }
    return events;
  }

  /**
   * Checks the chain: every line is an event, numbered in order, carrying the hash of the line
   * before it; and the journal's record of the log ({@code journalLines} lines ending in
   * {@code journalHead}) still holds. Reads only.
   */
  static AuditResult audit(Path file, long journalLines, String journalHead) {
    List<String> text;
    try {
      text = lines(file);
    } catch (IOException e) {
      return new AuditResult(file, 0, 1, "cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
    }
    String prev = GENESIS;
    for (int i = 0; i < text.size(); i++) {
      long n = i + 1;
      JsonNode node;
      try {
        node = JsonMapping.COMPACT.readTree(text.get(i));
      } catch (IOException e) {
        return new AuditResult(file, text.size(), n, "is not a JSON event (it was edited or cut)");
      }
      if (node == null || !node.isObject() || node.path("seq").asLong() != n) {
        return new AuditResult(file, text.size(), n, "carries seq " + (node == null ? "none" : node.path("seq").asText("none"))
            + ", not " + n + ": a line before it was deleted or inserted, or this one was edited");
      }
      if (!node.path("prev").asText().equals(prev)) {
        return n == 1 ? new AuditResult(file, text.size(), 1, "does not start the chain (its prev is not the genesis hash)")
            : new AuditResult(file, text.size(), n - 1, "was changed: line " + n + " carries another hash of it");
      }
      prev = sha256(text.get(i));
    }
    if (journalLines > text.size()) {
      return new AuditResult(file, text.size(), text.size() + 1, "is missing: the journal recorded " + journalLines
          + " lines and the log has " + text.size() + " (lines were removed from the end)");
    }
    if (journalLines > 0 && journalHead != null && !sha256(text.get((int) journalLines - 1)).equals(journalHead)) {
      return new AuditResult(file, text.size(), journalLines, "was changed: its hash differs from the one the journal recorded");
    }
    return new AuditResult(file, text.size(), 0, "");
  }

  private static List<String> lines(Path file) throws IOException {
    String text = AtomicFiles.read(file);
    if (text.isEmpty()) {
      return List.of();
    }
    return List.of((text.endsWith("\n") ? text.substring(0, text.length() - 1) : text).split("\n", -1));
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
