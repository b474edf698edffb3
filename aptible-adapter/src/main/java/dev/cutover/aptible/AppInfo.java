package dev.cutover.aptible;

import java.util.List;
import java.util.Objects;

/**
 * An Aptible app as {@code aptible apps} shows it.
 *
 * @param handle the app's handle
 * @param environment its environment's handle
 * @param status e.g. {@code pending} (never deployed) or {@code provisioned}
 * @param gitRemote the git remote Aptible assigned
 * @param services its services (empty before the first deploy)
 */
public record AppInfo(String handle, String environment, String status, String gitRemote, List<ServiceInfo> services) {
  public AppInfo {
    Objects.requireNonNull(handle, "handle");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(gitRemote, "gitRemote");
    services = List.copyOf(services);
  }
}
