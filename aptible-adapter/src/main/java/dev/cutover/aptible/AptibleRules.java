package dev.cutover.aptible;

import dev.cutover.core.ValidationException;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.spi.TargetRules;
import java.util.List;

/**
 * Aptible's rules as the migration's plan asks them ({@link AptibleApp#rules()}): handles, the
 * access token the CLI would use, database disks and container sizes, images, config names,
 * services and endpoints. Everything here is checked locally, with no CLI or API call; the checks
 * themselves are {@link AptibleInputs}, which the client's operations use too, so a rule lives in
 * one place. Immutable and thread-safe.
 */
final class AptibleRules implements TargetRules {
  private final AptibleClient client;

  AptibleRules(AptibleClient client) {
    this.client = client;
  }

  @Override
  public void checkTarget(String environment, String handle, ValidationException.Collector problems) {
    AptibleInputs.handle(problems, "target.environment", environment);
    AptibleInputs.handle(problems, "target.app", handle);
    client.tokenProblem().ifPresent(p -> problems.add("aptible.token", p.where(), p.problem(), p.fix()));
  }

  @Override
  public void checkDatabase(String handle, DatabaseSpec spec, ValidationException.Collector problems) {
    AptibleInputs.handle(problems, "database.handle", handle);
    AptibleInputs.disk(problems, spec.diskSizeGb());
    AptibleInputs.containerSize(problems, "database.containerSizeMb", spec.containerSizeMb());
  }

  @Override
  public void checkImage(String image, ValidationException.Collector problems) {
    AptibleInputs.image(problems, image);
  }

  @Override
  public void checkConfigName(String name, ValidationException.Collector problems) {
    AptibleInputs.configVar(problems, name, false);
  }

  @Override
  public void checkContainerSize(String field, int sizeMb, ValidationException.Collector problems) {
    AptibleInputs.containerSize(problems, field, sizeMb);
  }

  @Override
  public void checkService(String service, int count, ValidationException.Collector problems) {
    AptibleInputs.service(problems, service, count);
  }

  @Override
  public void checkEndpoints(String handle, String service, List<String> domains,
      ValidationException.Collector problems) {
    AptibleInputs.endpoints(problems, handle, domains);
    AptibleInputs.processType(problems, "endpoint.service", service);
    for (int i = 0; i < domains.size(); i++) {
      AptibleInputs.domain(problems, "endpoint.domains[" + i + "]", domains.get(i));
    }
  }

  @Override
  public List<Integer> containerSizesMb() {
    return AptibleInputs.CONTAINER_SIZES_MB;
  }

  @Override
  public String toString() {
    return "AptibleRules[" + client.environment() + "]";
  }
}
