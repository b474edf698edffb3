package dev.cutover.core.migration;

import dev.cutover.core.migration.MigrationPlan.AddonDecision;
import dev.cutover.core.migration.MigrationPlan.ConfigDecision;
import dev.cutover.core.migration.MigrationPlan.EndpointPlan;
import dev.cutover.core.migration.MigrationPlan.ServicePlan;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.spi.RepoPreparation;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Everything the planner decided, handed to {@link MigrationPlan} in one piece. */
record Decisions(AppInventory inventory, String identity, RepoPreparation.Preview repo, List<ConfigDecision> config,
    List<ServicePlan> services, Optional<String> releaseCommand, List<EndpointPlan> endpoints,
    List<AddonDecision> addons, List<DataMove> dataMoves, List<String> warnings, Path journal, Path workDirectory,
    Optional<MigrationStep> resumesAt) {
  Decisions {
    config = List.copyOf(config);
    services = List.copyOf(services);
    endpoints = List.copyOf(endpoints);
    addons = List.copyOf(addons);
    dataMoves = List.copyOf(dataMoves);
    warnings = List.copyOf(warnings);
  }
}
