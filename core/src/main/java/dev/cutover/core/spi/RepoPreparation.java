package dev.cutover.core.spi;

import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.Deploy;
import java.util.List;
import java.util.Objects;

/**
 * Step 3's port: makes the app's repository Aptible-ready (a Dockerfile when there is none, the
 * Procfile where the deploy kind needs it, {@code release:} moved to {@code .aptible.yml}
 * {@code before_deploy}). Implemented by {@code cutover-aptible}; found with {@link java.util.ServiceLoader}
 * when not given to {@code Migration.repoPreparation(...)}.
 *
 * <p>The implementation owns the platform's rules (which port an endpoint routes to, what a
 * generated Dockerfile exposes); the plan asks {@link #preview} once, records the port it returns,
 * and the run calls {@link #apply} with exactly that port, so the {@code PORT} the run sets and the
 * port the prepared repository listens on are one decision.
 *
 * <p>Both methods block, never overwrite a user's file unless the implementation was told to, and
 * throw {@link dev.cutover.core.MigrationException} subclasses only.
 */
public interface RepoPreparation {
  /** The port assumed when nothing says otherwise: the guide's Node.js template listens on 3000. */
  int DEFAULT_PORT = 3000;

  /** Prepares nothing: the repository is used as it is, and the app listens on the requested port (else 3000). */
  RepoPreparation NONE = new RepoPreparation() {
    @Override
    public Preview preview(Deploy deploy, AppInventory inventory, int requestedPort) {
      return requestedPort != 0 ? new Preview(List.of(), requestedPort, "as requested", List.of())
          : new Preview(List.of(), DEFAULT_PORT, "the default (no repository preparation to read the Dockerfile)",
              List.of());
    }

    @Override
    public List<Change> apply(Deploy deploy, AppInventory inventory, int port) {
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
    /** Validates the components; throws {@link NullPointerException} on a null component. */
    public Change {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(why, "why");
    }
  }

  /**
   * A problem in the repository that the preparation cannot fix and that stops the app from building
   * or running correctly on Aptible (e.g. a kept Dockerfile that copies every secret into the image).
   *
   * @param location the file and line, e.g. {@code Dockerfile:9}, or {@code .} for the repository
   * @param problem what is wrong, in a sentence
   * @param fix what to change
   */
  record Finding(String location, String problem, String fix) {
    /** Validates the components; throws {@link NullPointerException} on a null component. */
    public Finding {
      Objects.requireNonNull(location, "location");
      Objects.requireNonNull(problem, "problem");
      Objects.requireNonNull(fix, "fix");
    }

    @Override
    public String toString() {
      return location + ": " + problem + " Fix: " + fix;
    }
  }

  /**
   * What {@link #apply} would do, computed without writing anything, and what the preparation found.
   *
   * @param changes the files it would write, in order
   * @param port the port the prepared repository's app listens on and the platform routes to (1-65535)
   * @param portReason how that port was chosen, for the plan (e.g. {@code the Dockerfile's EXPOSE})
   * @param warnings things the user should check by hand: the app runs, but differently from Heroku
   * @param blocking problems only the user can fix: a plan that has any refuses to run until they are fixed
   * @param notes what the preparation did that the user should know, and steps it leaves to the user
   *     (a command Heroku ran once, such as {@code app.json}'s {@code postdeploy}; variables the code
   *     reads that Aptible will not set)
   * @param keepConfigVars config vars Heroku manages (and the plan would skip) that the code reads: copied
   */
  record Preview(List<Change> changes, int port, String portReason, List<String> warnings, List<Finding> blocking,
      List<String> notes, List<String> keepConfigVars) {
    /** Validates the components and copies the lists (absent lists, as in older journals, are empty). */
    public Preview {
      changes = List.copyOf(changes);
      Objects.requireNonNull(portReason, "portReason");
      warnings = List.copyOf(warnings);
      blocking = blocking == null ? List.of() : List.copyOf(blocking);
      notes = notes == null ? List.of() : List.copyOf(notes);
      keepConfigVars = keepConfigVars == null ? List.of() : List.copyOf(keepConfigVars);
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1-65535: " + port);
      }
    }

    /**
     * A preview without findings beyond {@code warnings}.
     *
     * @param changes the files it would write, in order
     * @param port the port the prepared app listens on
     * @param portReason how that port was chosen
     * @param warnings things the user should check by hand
     */
    public Preview(List<Change> changes, int port, String portReason, List<String> warnings) {
      this(changes, port, portReason, warnings, List.of(), List.of(), List.of());
    }
  }

  /**
   * What {@link #apply} would write and the port the prepared repository will listen on, without
   * writing anything.
   *
   * @param requestedPort the port the user asked for, or 0 to let the repository decide (a
   *     Dockerfile's {@code EXPOSE}, else the generated template's port)
   * @throws dev.cutover.core.ValidationException when the repository cannot serve the requested port
   *     (e.g. its own Dockerfile exposes another one)
   */
  Preview preview(Deploy deploy, AppInventory inventory, int requestedPort);

  /**
   * Writes the changes for {@code port}, the port {@link #preview} returned and the plan recorded
   * (and, for a git deploy, commits them on the deployed branch). Repeating it after success changes
   * nothing and returns an empty list.
   *
   * @return the files written
   */
  List<Change> apply(Deploy deploy, AppInventory inventory, int port);
}
