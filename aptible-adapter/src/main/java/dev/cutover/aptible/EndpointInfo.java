package dev.cutover.aptible;

import java.util.Objects;
import java.util.Optional;

/**
 * An HTTPS endpoint of an app.
 *
 * @param hostname the endpoint's own host name ({@code elb-....aptible.in}): the CNAME target
 * @param status e.g. {@code provisioned}
 * @param service the service it routes to
 * @param defaultDomain the {@code app-<id>.on-aptible.com} domain, when enabled
 * @param managedTlsDomain the custom domain with managed TLS, when enabled
 * @param managedTlsStatus the managed certificate's status (e.g. {@code pending}, {@code ready})
 */
public record EndpointInfo(String hostname, String status, String service, Optional<String> defaultDomain,
    Optional<String> managedTlsDomain, Optional<String> managedTlsStatus) {
  public EndpointInfo {
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(defaultDomain, "defaultDomain");
    Objects.requireNonNull(managedTlsDomain, "managedTlsDomain");
    Objects.requireNonNull(managedTlsStatus, "managedTlsStatus");
  }
}
