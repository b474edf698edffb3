package dev.cutover.core.spi;

import dev.cutover.core.ValidationException;
import dev.cutover.core.model.DatabaseSpec;
import java.util.List;
import java.util.Optional;

/**
 * The target platform's input rules, owned by the adapter that talks to the platform (for Aptible:
 * {@code AptibleApp.rules()}). {@code plan()} asks them before any side effect, so everything the
 * platform would refuse is refused while the source is still live, not in the downtime window.
 *
 * <p>Each {@code check*} method adds every problem it finds (field, value, what is wrong, the fix)
 * to {@code problems} and calls nothing remote: no CLI, no API. The defaults accept everything and
 * offer no container sizes; a platform adapter overrides what its platform limits. Stateless and
 * thread-safe.
 */
public interface TargetRules {
  /** Rules that accept every input: for targets without platform limits (and for tests). */
  TargetRules NONE = new TargetRules() {
    @Override
    public String toString() {
      return "TargetRules.NONE";
    }
  };

  /**
   * The target itself: the environment and app handles, and whether credentials for the platform
   * can be found (read locally, never checked remotely).
   */
  default void checkTarget(String environment, String handle, ValidationException.Collector problems) {}

  /** A database to create: its handle, disk size and container size (not the version: that needs the platform). */
  default void checkDatabase(String handle, DatabaseSpec spec, ValidationException.Collector problems) {}

  /** A container image reference to deploy. */
  default void checkImage(String image, ValidationException.Collector problems) {}

  /** A configuration variable name the target will be given. */
  default void checkConfigName(String name, ValidationException.Collector problems) {}

  /** A container size in MB, reported under {@code field}. */
  default void checkContainerSize(String field, int sizeMb, ValidationException.Collector problems) {}

  /** A service the app will be scaled to: its name and container count (the size is {@link #checkContainerSize}). */
  default void checkService(String service, int count, ValidationException.Collector problems) {}

  /**
   * The HTTPS endpoints of app {@code handle}'s {@code service}: one per custom domain with managed
   * TLS, or one on the platform's default domain when {@code domains} is empty.
   */
  default void checkEndpoints(String handle, String service, List<String> domains,
      ValidationException.Collector problems) {}

  /** The container sizes (MB) the platform offers, ascending; empty when it takes any size. */
  default List<Integer> containerSizesMb() {
    return List.of();
  }

  /**
   * The smallest offered container size that holds {@code memoryMb}; {@code memoryMb} itself when
   * the platform offers no fixed sizes; empty when none is large enough.
   */
  default Optional<Integer> containerSizeFor(int memoryMb) {
    List<Integer> sizes = containerSizesMb();
    return sizes.isEmpty() ? Optional.of(memoryMb) : sizes.stream().filter(s -> s >= memoryMb).findFirst();
  }
}
