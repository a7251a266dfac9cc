package io.vigil.controlplane.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The arguments of the planner's CLI wrappers: {@code --name value} or {@code --name=value} options
 * from a known set, and positional words. A mistake throws IllegalArgumentException (usage, exit 2).
 */
final class CliOptions {

  /** Every planner command takes these. */
  static final Set<String> COMMON = Set.of("planner", "token-file");

  private final Map<String, String> values;
  private final List<String> positional;

  private CliOptions(Map<String, String> values, List<String> positional) {
    this.values = values;
    this.positional = positional;
  }

  static CliOptions parse(List<String> args, Set<String> options) {
    Map<String, String> values = new LinkedHashMap<>();
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--")) {
        positional.add(arg);
        continue;
      }
      int eq = arg.indexOf('=');
      String name = arg.substring(2, eq < 0 ? arg.length() : eq);
      if (!options.contains(name) && !COMMON.contains(name)) {
        throw new IllegalArgumentException("unknown option '--" + name + "'");
      }
      String value;
      if (eq >= 0) {
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new IllegalArgumentException("option '--" + name + "' needs a value");
      }
      if (values.put(name, value) != null) {
        throw new IllegalArgumentException("option '--" + name + "' given twice");
      }
    }
    return new CliOptions(values, positional);
  }

  Optional<String> value(String name) {
    return Optional.ofNullable(values.get(name)).filter(v -> !v.isBlank());
  }

  List<String> positional() {
    return positional;
  }

  /** The positional word at {@code index}, or {@code fallback} when there are fewer. */
  String word(int index, String fallback) {
    return index < positional.size() ? positional.get(index) : fallback;
  }

  /** Fails when more than {@code max} positional words were given. */
  void atMostWords(int max) {
    if (positional.size() > max) {
      throw new IllegalArgumentException("unexpected argument '" + positional.get(max) + "'");
    }
  }
}
