package io.vigil.controlplane.cli;

import io.vigil.controlplane.cli.PlannerClient.ApiError;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the planner's CLI wrappers ({@code holds}, {@code timeline}, {@code approvals}) share:
 * options, the client, and the exit codes: 0 done, 1 the planner refused or could not be reached
 * (its message printed), 2 a usage error.
 */
abstract class PlannerCommand {

  final Map<String, String> env;
  final Clock clock;

  PlannerCommand(Map<String, String> env, Clock clock) {
    this.env = env;
    this.clock = clock;
  }

  abstract String name();

  abstract String usage();

  /** The options this command takes besides {@code --planner} and {@code --token-file}. */
  abstract Set<String> options();

  abstract int run(CliOptions options, PlannerClient planner, PrintStream out) throws ApiError;

  public int execute(List<String> args, PrintStream out, PrintStream err) {
    if (args.contains("--help") || args.contains("-h") || args.contains("help")) {
      out.println(usage());
      return 0;
    }
    try {
      CliOptions options = CliOptions.parse(args, options());
      return run(options, PlannerClient.from(options, env), out);
    } catch (IllegalArgumentException e) {
      err.println("vigil " + name() + ": " + e.getMessage());
      err.println(usage());
      return 2;
    } catch (ApiError e) {
      err.println("vigil " + name() + ": " + e.getMessage());
      return 1;
    }
  }

  static String encode(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
  }

  static String common() {
    return "  --planner URL       the planner (default " + PlannerClient.DEFAULT_URL + ")\n"
        + "  --token-file FILE   the API token (default: $" + PlannerClient.TOKEN_ENV + ")";
  }
}
