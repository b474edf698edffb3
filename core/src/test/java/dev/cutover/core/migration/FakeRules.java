package dev.cutover.core.migration;

import dev.cutover.core.ValidationException;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.spi.TargetRules;
import java.util.List;

/** A platform's rules for core's tests (the real ones are the adapters'): handles, sizes, disks, images, names. */
final class FakeRules implements TargetRules {
  static final List<Integer> SIZES = List.of(512, 1024, 2048, 4096, 7168, 15360, 30720);

  @Override
  public void checkTarget(String environment, String handle, ValidationException.Collector problems) {
    handle("target.app", handle, problems);
    handle("target.environment", environment, problems);
  }

  @Override
  public void checkDatabase(String handle, DatabaseSpec spec, ValidationException.Collector problems) {
    handle("database.handle", handle, problems);
    if (spec.diskSizeGb() < 1 || spec.diskSizeGb() > 16384) {
      problems.add("database.diskSizeGb", spec.diskSizeGb(), "must be 1-16384", "pass a disk size in GB");
    }
    checkContainerSize("database.containerSizeMb", spec.containerSizeMb(), problems);
  }

  @Override
  public void checkImage(String image, ValidationException.Collector problems) {
    if (!image.matches("[a-z0-9./:_-]+")) {
      problems.add("deploy.image", image, "is not an image reference", "pass e.g. registry.example.com/app:1.2.3");
    }
  }

  @Override
  public void checkConfigName(String name, ValidationException.Collector problems) {
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      problems.add("config." + name, name, "is not a variable name", "rename it");
    }
  }

  @Override
  public void checkContainerSize(String field, int sizeMb, ValidationException.Collector problems) {
    if (!SIZES.contains(sizeMb)) {
      problems.add(field, sizeMb, "is not an offered size", "use one of " + SIZES);
    }
  }

  @Override
  public List<Integer> containerSizesMb() {
    return SIZES;
  }

  private static void handle(String field, String value, ValidationException.Collector problems) {
    if (!value.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
      problems.add(field, value, "is not a handle", "rename it, e.g. my-app");
    }
  }
}
