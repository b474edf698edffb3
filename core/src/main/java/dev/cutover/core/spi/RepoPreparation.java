package dev.cutover.core.migration;

import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.Deploy;
import java.util.List;
import java.util.Objects;

/**
 * Step 3's port: makes the app's repository Aptible-ready (a Dockerfile when there is none, the
 * Procfile where the deploy kind needs it, {@code release:} moved to {@code .aptible.yml}
 * {@code before_deploy}). Implemented by {@code cutover-aptible}; found with {@link java.util.ServiceLoader}
 * when not given to {@link Migration#repoPreparation(RepoPreparation)}.
 *
 * <p>Both methods block, never overwrite a user's file unless the implementation was told to, and
 * throw {@link dev.cutover.core.MigrationException} subclasses only.
 */
public interface RepoPreparation {
  /** Prepares nothing: the repository is used as it is. */
  RepoPreparation NONE = new RepoPreparation() {
    @Override
    public List<Change> preview(Deploy deploy, AppInventory inventory) {
      return List.of();
    }

    @Override
    public List<Change> apply(Deploy deploy, AppInventory inventory) {
      return List.of();
    }

    @Override
    public String toString() {
      return "RepoPreparation.NONE";
    }
  };

  /**
   * A file written (or to be written) in the repository.
   *
   * @param path path relative to the repository root, e.g. {@code Dockerfile}
   * @param why why it is needed
   */
  record Change(String path, String why) {
    public Change {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(why, "why");
    }
  }

  /** What {@link #apply} would write, without writing anything. */
  List<Change> preview(Deploy deploy, AppInventory inventory);

  /**
   * Writes the changes (and, for a git deploy, commits them on the deployed branch). Repeating it
   * after success changes nothing and returns an empty list.
   */
  List<Change> apply(Deploy deploy, AppInventory inventory);
}
