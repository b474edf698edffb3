package dev.cutover.core.migration;

import dev.cutover.core.model.PgConnection;
import java.util.Optional;

/**
 * The live source database of a data move, when its URL can be read and used from here: the restore
 * reads from it what an archive does not carry, and the verification compares against it. Empty
 * (with a warning saying what is used instead) when it cannot be.
 */
final class SourceDatabase {
  private SourceDatabase() {}

  static Optional<PgConnection> of(StepContext ctx, PostgresMove m, MigrationStep step, String instead) {
    return ctx.source().databaseUrl(m.source().attachmentName()).flatMap(url -> {
      ctx.redactor().register(url);
      try {
        return Optional.of(PgConnection.parse(url));
      } catch (IllegalArgumentException e) {
        ctx.warning(step, "the source database URL of " + m.id() + " cannot be used (" + e.getMessage() + "); " + instead);
        return Optional.empty();
      }
    });
  }
}
