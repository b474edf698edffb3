package dev.cutover.core.spi;

import java.util.Objects;

/**
 * A finished backup on the source platform.
 *
 * @param id e.g. {@code b012}
 * @param num the transfer number
 * @param sizeBytes its size as the platform reports it, or -1
 * @param app the app whose backups list holds it: the database's owner, which is another app when
 *     the database is shared with the source app through an attachment; empty for the source app
 *     itself. Journal it with the id: downloading needs it.
 */
public record BackupRef(String id, int num, long sizeBytes, String app) {
  /**
   * Validates the components; throws {@link NullPointerException} on a null component.
   *
   * @param id see {@link #id()}
   * @param num see {@link #num()}
   * @param sizeBytes see {@link #sizeBytes()}
   * @param app see {@link #app()}
   */
  public BackupRef {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(app, "app");
  }

  /**
   * A backup listed on the source app itself.
   *
   * @param id e.g. {@code b012}
   * @param num the transfer number
   * @param sizeBytes its size, or -1
   */
  public BackupRef(String id, int num, long sizeBytes) {
    this(id, num, sizeBytes, "");
  }
}
