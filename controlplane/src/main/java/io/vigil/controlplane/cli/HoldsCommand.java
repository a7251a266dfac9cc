package io.vigil.controlplane.cli;

import io.micronaut.json.tree.JsonNode;
import io.vigil.controlplane.cli.PlannerClient.ApiError;
import io.vigil.controlplane.planner.api.DurationText;
import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code vigil holds [list | create --host H --role R --cluster C --action A --for 30m --reason TEXT | end ID]}:
 * maintenance holds through the planner's API. A hold blocks matching actions until it expires or
 * is ended; checks keep flowing.
 */
public final class HoldsCommand extends PlannerCommand {

  private static final String[] SCOPE = {"host", "role", "cluster", "action"};

  public HoldsCommand() {
    this(System.getenv(), Clock.systemUTC());
  }

  HoldsCommand(Map<String, String> env, Clock clock) {
    super(env, clock);
  }

  @Override
  String name() {
    return "holds";
  }

  @Override
  String usage() {
    return "usage: vigil holds [list]\n"
        + "       vigil holds create [--host H] [--role R] [--cluster C] [--action A] --for 30m --reason TEXT [--id ID]\n"
        + "       vigil holds end ID\n"
        + "A hold needs at least one of --host, --role, --cluster and --action; --for takes 30m, 2h, 1d or PT30M.\n"
        + common();
  }

  @Override
  Set<String> options() {
    return Set.of("host", "role", "cluster", "action", "for", "reason", "id");
  }

  @Override
  int run(CliOptions options, PlannerClient planner, PrintStream out) throws ApiError {
    String verb = options.word(0, "list");
    switch (verb) {
      case "list" -> {
        options.atMostWords(1);
        return list(planner, out);
      }
      case "create" -> {
        options.atMostWords(1);
        return create(options, planner, out);
      }
      case "end" -> {
        options.atMostWords(2);
        String id = options.word(1, null);
        if (id == null) {
          throw new IllegalArgumentException("end needs the hold's id (vigil holds list shows them)");
        }
        planner.delete("/holds/" + encode(id));
        out.println("ended hold " + id);
        return 0;
      }
      default -> throw new IllegalArgumentException("unknown action '" + verb + "' (list, create or end)");
    }
  }

  private static int list(PlannerClient planner, PrintStream out) throws ApiError {
    JsonNode holds = planner.get("/holds").get("holds");
    if (holds == null || holds.size() == 0) {
      out.println("no holds in effect");
      return 0;
    }
    Table table = new Table("ID", "HOST", "ROLE", "CLUSTER", "ACTION", "UNTIL", "BY", "REASON");
    for (JsonNode h : holds.values()) {
      table.row(h, "id", "host", "role", "cluster", "action", "until", "by", "reason");
    }
    table.print(out);
    return 0;
  }

  private static int create(CliOptions options, PlannerClient planner, PrintStream out) throws ApiError {
    Map<String, String> body = new LinkedHashMap<>();
    options.value("id").ifPresent(id -> body.put("id", id));
    for (String scope : SCOPE) {
      options.value(scope).ifPresent(v -> body.put(scope, v));
    }
    if (body.keySet().stream().noneMatch(k -> !k.equals("id"))) {
      throw new IllegalArgumentException("a hold needs a scope: at least one of --host, --role, --cluster, --action");
    }
    String duration = options.value("for").orElseThrow(() -> new IllegalArgumentException(
        "a hold needs --for (e.g. 30m, 2h): holds always expire"));
    try {
      DurationText.parse(duration); // a typo is a usage error here rather than a round trip
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--for: " + e.getMessage());
    }
    body.put("duration", duration);
    body.put("reason", options.value("reason").orElseThrow(() -> new IllegalArgumentException(
        "a hold needs --reason, for the timeline")));
    JsonNode hold = planner.post("/holds", body);
    out.println("created hold " + Table.text(hold, "id") + " until " + Table.text(hold, "until"));
    return 0;
  }
}
