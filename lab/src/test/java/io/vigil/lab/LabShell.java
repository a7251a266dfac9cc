package io.vigil.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Calls one of the lab's bash functions (from lab/lib.sh and lab/components/*.sh) so that a test
 * reads a component's state the way the lab scripts do, for example {@code rabbitmq_queue_stats
 * celery}, which needs rabbitmqctl with the lab node's private env.
 */
final class LabShell {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private LabShell() {
  }

  /** Runs {@code function args...} after sourcing lab/lib.sh; arguments are passed as argv. */
  static Lab.Result call(Lab lab, String function, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add("bash");
    argv.add("-c");
    argv.add(". \"$1\" && shift && \"$@\"");
    argv.add("lab-shell");
    argv.add(lab.repoRoot().resolve("lab/lib.sh").toString());
    argv.add(function);
    argv.addAll(List.of(args));
    return lab.run(argv, TIMEOUT);
  }
}
