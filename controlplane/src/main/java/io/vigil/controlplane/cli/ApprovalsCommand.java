package io.vigil.controlplane.cli;

import io.micronaut.json.tree.JsonNode;
import io.vigil.controlplane.cli.PlannerClient.ApiError;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.Set;

/**
 * {@code vigil approvals [list | approve ID | reject ID] [--comment TEXT]}: the requests of policies
 * in {@code approve} mode, and the operator's answer to them.
 */
public final class ApprovalsCommand extends PlannerCommand {

  public ApprovalsCommand() {
    this(System.getenv(), Clock.systemUTC());
  }

  ApprovalsCommand(Map<String, String> env, Clock clock) {
    super(env, clock);
  }

  @Override
  String name() {
    return "approvals";
  }

  @Override
  String usage() {
    return "usage: vigil approvals [list]\n"
        + "       vigil approvals approve ID [--comment TEXT]\n"
        + "       vigil approvals reject ID [--comment TEXT]\n"
        + common();
  }

  @Override
  Set<String> options() {
    return Set.of("comment");
  }

  @Override
  int run(CliOptions options, PlannerClient planner, PrintStream out) throws ApiError {
    String verb = options.word(0, "list");
    if (verb.equals("list")) {
      options.atMostWords(1);
      if (options.value("comment").isPresent()) {
        throw new IllegalArgumentException("--comment goes with approve or reject");
      }
      return list(planner, out);
    }
    if (!verb.equals("approve") && !verb.equals("reject")) {
      throw new IllegalArgumentException("unknown action '" + verb + "' (list, approve or reject)");
    }
    options.atMostWords(2);
    String id = options.word(1, null);
    if (id == null) {
      throw new IllegalArgumentException(verb + " needs the request's id (vigil approvals list shows them)");
    }
    JsonNode decided = planner.post("/approvals/" + encode(id) + "/" + verb,
        Map.of("comment", options.value("comment").orElse("")));
    out.println((verb.equals("approve") ? "approved " : "rejected ") + id + ": " + Table.text(decided, "action")
        + " on " + Table.text(decided, "host") + " (" + Table.text(decided, "command") + ")");
    return 0;
  }

  private static int list(PlannerClient planner, PrintStream out) throws ApiError {
    JsonNode approvals = planner.get("/approvals").get("approvals");
    if (approvals == null || approvals.size() == 0) {
      out.println("no approval requests");
      return 0;
    }
    Table table = new Table("ID", "STATUS", "POLICY", "ACTION", "HOST", "CHECK", "DEADLINE", "BY", "COMMAND");
    for (JsonNode a : approvals.values()) {
      table.row(a, "id", "status", "policy", "action", "host", "check", "deadline", "by", "command");
    }
    table.print(out);
    return 0;
  }
}
