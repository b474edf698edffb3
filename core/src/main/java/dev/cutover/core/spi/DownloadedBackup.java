package dev.cutover.core.spi;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A backup on local disk.
 *
 * @param file the private file (0600)
 * @param sizeBytes its size
 * @param sha256 hex SHA-256 of its bytes, computed while downloading
 */
public record DownloadedBackup(Path file, long sizeBytes, String sha256) {
  public DownloadedBackup {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(sha256, "sha256");
  }
}
