package dev.cutover.core.spi;

import java.util.Objects;

/**
 * One HTTPS endpoint on the target, serving one domain: the record a DNS change needs.
 *
 * @param service the service it routes to, e.g. {@code web}
 * @param domain the custom domain it serves with managed TLS, or the platform's default domain
 *     (e.g. {@code app-123.on-aptible.com}) for a default-domain endpoint
 * @param dnsTarget the endpoint's own host name ({@code elb-....aptible.in}), the CNAME target of {@code domain}
 * @param custom whether {@code domain} is a custom domain (false: the platform's default domain, nothing to change in DNS)
 */
public record HttpsEndpoint(String service, String domain, String dnsTarget, boolean custom) {
  /** Validates the components; throws {@link NullPointerException} on a null component. */
  public HttpsEndpoint {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(dnsTarget, "dnsTarget");
  }
}
