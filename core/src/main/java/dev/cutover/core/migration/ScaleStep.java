package dev.cutover.core.migration;

import dev.cutover.core.migration.MigrationPlan.EndpointPlan;
import dev.cutover.core.migration.MigrationPlan.ServicePlan;
import dev.cutover.core.spi.HttpsEndpoint;
import java.util.ArrayList;
import java.util.stream.Collectors;

/**
 * Step 13 (cutover): every service scaled as the formation was, then the HTTPS endpoints, one per
 * domain, each journalled with its own DNS target.
 */
final class ScaleStep implements Step {
  @Override
  public MigrationStep id() {
    return MigrationStep.SCALE;
  }

  @Override
  public boolean cutover() {
    return true;
  }

  @Override
  public String describe(MigrationPlan plan) {
    String services = plan.services().isEmpty() ? "no services" : plan.services().stream()
        .map(sp -> sp.service() + "=" + sp.count() + "x" + sp.containerSizeMb() + "MB").collect(Collectors.joining(" "));
    String endpoints = plan.endpoints().isEmpty() ? "; no endpoint" : plan.endpoints().stream()
        .map(e -> "; HTTPS endpoint for " + e.service() + (e.domains().isEmpty() ? " (default domain)"
            : " per domain " + e.domains())).collect(Collectors.joining());
    return services + endpoints;
  }

  @Override
  public String run(StepContext ctx) {
    Journal j = ctx.journal();
    StringBuilder out = new StringBuilder();
    for (ServicePlan sp : ctx.plan().services()) {
      ctx.target().scale(sp.service(), sp.count(), sp.containerSizeMb());
      if (!j.servicesScaled.contains(sp.service())) {
        j.servicesScaled = new ArrayList<>(j.servicesScaled);
        j.servicesScaled.add(sp.service());
      }
      out.append(sp.service()).append('=').append(sp.count()).append('x').append(sp.containerSizeMb()).append("MB ");
    }
    for (EndpointPlan ep : ctx.plan().endpoints()) {
      for (HttpsEndpoint e : ctx.target().ensureHttpsEndpoints(ep.service(), ep.domains())) {
        j.endpoints = new ArrayList<>(j.endpoints.stream().filter(x -> !x.domain().equals(e.domain())).toList());
        j.endpoints.add(new Journal.Endpoint(e.service(), e.domain(), e.dnsTarget(), e.custom()));
        out.append("; endpoint ").append(e.domain()).append(" -> ").append(e.dnsTarget());
      }
    }
    return out.length() == 0 ? "no services to scale" : out.toString().trim();
  }
}
