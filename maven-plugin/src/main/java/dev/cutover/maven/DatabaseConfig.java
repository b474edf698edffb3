package dev.cutover.maven;

import dev.cutover.core.ValidationException;
import dev.cutover.core.model.DatabaseSpec;
import java.util.Optional;

/**
 * The {@code <database>} element: the Aptible PostgreSQL database to create. Without it, the
 * database follows the Heroku database's major version and size.
 *
 * <pre>{@code
 * <database>
 *   <version>16</version>
 *   <diskSizeGb>100</diskSizeGb>
 *   <containerSizeMb>4096</containerSizeMb>
 *   <handle>my-app-db</handle>
 * </database>
 * }</pre>
 */
public class DatabaseConfig {
  /** PostgreSQL version, e.g. {@code 16}; required when any other field is set. */
  String version;
  /** Disk size in GB; default 10, or twice the data. */
  Integer diskSizeGb;
  /** Container size in MB; default 1024. */
  Integer containerSizeMb;
  /** Database handle; default {@code <targetApp>-db}. */
  String handle;

  /** Created by Maven from the {@code <database>} element. */
  public DatabaseConfig() {}

  /** The spec, or empty when nothing is set; a missing version is added to {@code problems}. */
  Optional<DatabaseSpec> spec(ValidationException.Collector problems) {
    if (version == null) {
      if (diskSizeGb != null || containerSizeMb != null || handle != null) {
        problems.add("database.version", "unset", "is needed with diskSizeGb, containerSizeMb or handle",
            "add <version>16</version> (the Aptible PostgreSQL version) to <database>");
      }
      return Optional.empty();
    }
    DatabaseSpec spec = DatabaseSpec.postgresql(version);
    spec = diskSizeGb == null ? spec : spec.diskSizeGb(diskSizeGb);
    spec = containerSizeMb == null ? spec : spec.containerSizeMb(containerSizeMb);
    return Optional.of(handle == null ? spec : spec.handle(handle));
  }

  @Override
  public String toString() {
    return "DatabaseConfig[version " + version + ", " + diskSizeGb + " GB, " + containerSizeMb + " MB, handle "
        + handle + "]";
  }
}
