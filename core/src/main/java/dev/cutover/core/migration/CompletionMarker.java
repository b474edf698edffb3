package dev.cutover.core.migration;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.core.report.internal.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The record that a source app was cut over: {@code <source>.cutover-completed.json} in the
 * directory that holds the migrations' work directories (by default {@code .cutover/}), written when
 * a migration completes and removed when that migration is rolled back. A rollback of any other
 * migration of the same source is refused while it exists: turning maintenance off would put the
 * source back into service beside the target that took over. Migrations whose work directories
 * live under different parents do not see each other's markers.
 *
 * @param migrationId the completed migration
 * @param source the source app
 * @param target the target it was cut over to ({@code environment/app})
 * @param journal that migration's journal
 * @param completedAt when it completed (ISO-8601)
 */
record CompletionMarker(String migrationId, String source, String target, String journal, String completedAt) {
  static Path fileFor(Path workDirectory, String source) {
    return workDirectory.toAbsolutePath().normalize().getParent().resolve(source + ".cutover-completed.json");
  }

  static Optional<CompletionMarker> read(Path workDirectory, String source) {
    Path file = fileFor(workDirectory, source);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonNode n = JsonMapping.COMPACT.readTree(AtomicFiles.read(file));
      return Optional.of(new CompletionMarker(n.path("migrationId").asText(), n.path("source").asText(),
          n.path("target").asText(), n.path("journal").asText(), n.path("completedAt").asText()));
    } catch (IOException | RuntimeException e) {
      // unreadable: assume a migration completed, and say so
      return Optional.of(new CompletionMarker("unknown", source, "unknown", file.toString(), "unknown"));
    }
  }

  void write(Path workDirectory) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("migrationId", migrationId);
    m.put("source", source);
    m.put("target", target);
    m.put("journal", journal);
    m.put("completedAt", completedAt);
    try {
      AtomicFiles.write(fileFor(workDirectory, source), JsonMapping.PRETTY.writeValueAsString(m) + "\n", "report");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Removes the marker if it is this migration's. */
  static void removeIfOurs(Path workDirectory, String source, String migrationId) {
    if (read(workDirectory, source).filter(m -> m.migrationId().equals(migrationId)).isPresent()) {
      try {
        Files.deleteIfExists(fileFor(workDirectory, source));
      } catch (IOException e) {
        throw new dev.cutover.core.MigrationException("rollback", "rollback: cannot remove the completion marker "
            + fileFor(workDirectory, source) + " (" + e.getMessage() + "); delete it by hand", false, e);
      }
    }
  }

  String describe() {
    return source + " was cut over to " + target + " by the completed migration " + migrationId + " at " + completedAt
        + " (journal " + journal + ")";
  }
}
