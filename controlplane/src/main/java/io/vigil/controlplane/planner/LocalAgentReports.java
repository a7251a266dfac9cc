package io.vigil.controlplane.planner;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.vigil.controlplane.agent.Agent;
import io.vigil.controlplane.report.Report;
import java.util.List;

/**
 * In {@code vigil run}, planner and agent share a process: the local agent's results go straight
 * into the planner's ingest, through the same validation as remote reports, with no HTTP hop.
 */
@Context
@Requires(beans = {Agent.class, ReportIngest.class})
@Requires(property = "vigil.planner.enabled", value = "true")
final class LocalAgentReports {

  LocalAgentReports(Agent agent, ReportIngest ingest) {
    if (agent.sender().isPresent()) {
      return; // configured to report over HTTP (perhaps to another planner)
    }
    org.slf4j.LoggerFactory.getLogger(LocalAgentReports.class).info("the local agent {} reports to this planner",
        agent.settings().host());
    agent.snapshots().onResult((probe, result) -> ingest.accept(agent.settings().host(),
        new Report(agent.settings().host(), result.at().toString(), List.of(new Report.Result(probe, null,
            result.state().name(), result.summary(), List.of(), result.at().toString(), result.took().toNanos() / 1e6)))));
  }
}
