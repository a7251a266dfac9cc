package io.vigil.controlplane.planner.engine;

import io.vigil.remediations.ActionResult;
import io.vigil.remediations.ActionTarget;
import io.vigil.remediations.Precondition;
import io.vigil.remediations.Remediation;
import io.vigil.remediations.RemediationType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** A remediation for unit tests of the engine's logic: records calls, fails or refuses on demand. */
final class FakeRemediation implements Remediation {

  final List<String> executed = new CopyOnWriteArrayList<>();
  final AtomicBoolean refuse = new AtomicBoolean();
  final AtomicBoolean fail = new AtomicBoolean();
  final AtomicInteger transientFailures = new AtomicInteger();

  static RemediationType type(String name, FakeRemediation instance) {
    return RemediationType.of(name, options -> instance);
  }

  @Override
  public String render(ActionTarget target) {
    return "fix " + target.host() + (target.params().isEmpty() ? "" : " " + target.params());
  }

  @Override
  public Precondition preconditions(ActionTarget target) {
    return refuse.get() ? Precondition.refused("lag 9000 bytes over tolerance 100", Map.of("lag_bytes", "9000"))
        : Precondition.holds("all good", Map.of());
  }

  @Override
  public ActionResult execute(ActionTarget target, Duration timeout) throws io.vigil.remediations.TransientActionException {
    if (transientFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new io.vigil.remediations.TransientActionException("connection refused");
    }
    executed.add(target.host());
    return fail.get() ? new ActionResult(false, 3, "", "service not found", "exit 3") : ActionResult.ok("done");
  }
}
