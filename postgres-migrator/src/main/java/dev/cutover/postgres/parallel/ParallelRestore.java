package dev.cutover.postgres.parallel;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.PgToolException;
import dev.cutover.core.Redactor;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreResult;
import java.nio.file.Path;

/**
 * Placeholder with the agreed signature, replaced by the parallel helper's engine when branch
 * {@code parallel} is merged (take theirs).
 */
public final class ParallelRestore {
  private ParallelRestore() {}

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Restores {@code archive} into {@code target}.
   *
   * @throws PgToolException always, until the engine is merged
   */
  public RestoreResult restore(Path archive, PgConnection target) {
    throw new PgToolException("restore", "restore: the PARALLEL engine is not in this build yet; use PG_RESTORE",
        false, null);
  }

  /** Builds a {@link ParallelRestore}. */
  public static final class Builder {
    private Builder() {}

    /** Parallel jobs. */
    public Builder jobs(int jobs) {
      return this;
    }

    /** The redactor. */
    public Builder redactor(Redactor redactor) {
      return this;
    }

    /** The listener. */
    public Builder listener(MigrationListener listener) {
      return this;
    }

    /** Builds it. */
    public ParallelRestore build() {
      return new ParallelRestore();
    }
  }
}
