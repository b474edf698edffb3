package dev.cutover.aptible;

import java.util.Objects;

/**
 * One file {@link RepoPreparer} writes (or would write, in a plan), and why.
 *
 * @param path the file, relative to the repository root (e.g. {@code .aptible/Procfile})
 * @param action what happens to it
 * @param reason why, in a sentence for the plan
 * @param content the full content written ({@code KEEP}: the current content); not in {@link #toString()}
 */
public record RepoChange(String path, Action action, String reason, String content) {
  /** What happens to a file. */
  public enum Action {
    /** A new file. */
    CREATE,
    /** An existing file is edited (every other line kept) or, when told to overwrite, replaced. */
    UPDATE,
    /** An existing user file is left as it is although the preparer would have written it. */
    KEEP
  }

  public RepoChange {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(content, "content");
  }

  @Override
  public String toString() {
    return action + " " + path + ": " + reason;
  }
}
