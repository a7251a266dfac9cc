package io.vigil.controlplane.config;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.vigil.controlplane.agent.AgentSettings;
import io.vigil.controlplane.agent.RoleCatalog;
import io.vigil.controlplane.planner.AgentTokens;
import io.vigil.probes.ProbeCatalog;
import java.nio.file.Path;

/**
 * Vigil's own settings, read with positions from the one YAML file the process was started with
 * ({@code vigil.config.file}; the bundled example when none), so errors name file and line.
 * Micronaut reads the same file for its own sections.
 */
@Context
public final class VigilConfig {

  /** Every key of {@code vigil.planner}; each part is parsed (and its keys checked) by its owner. */
  public static final java.util.Set<String> PLANNER_KEYS = java.util.Set.of("agents", "store", "api", "interval",
      "health", "probes", "topology", "tiers", "remediations", "policies", "root_cause_grace");

  private final YamlSection vigil;

  /** The whole {@code vigil:} section. */
  public YamlSection root() {
    return vigil;
  }

  /** The keys directly under {@code vigil:}. */
  static final java.util.Set<String> KEYS = java.util.Set.of("node-name", "inventory", "agent", "planner");

  public VigilConfig(@Value("${vigil.config.file:}") String file) {
    this.vigil = read(file);
  }

  static YamlSection read(String file) {
    YamlSection root = file == null || file.isBlank()
        ? YamlSection.loadResource(ConfigFile.BUNDLED_EXAMPLE) : YamlSection.load(Path.of(file));
    YamlSection vigil = root.section("vigil");
    vigil.rejectUnknown(KEYS); // an "agnet:" would otherwise configure nothing, silently
    return vigil;
  }

  /** Checks everything Vigil reads from the file, as start-up would; throws ConfigException. */
  public static void check(String file) {
    VigilConfig config = new VigilConfig(file);
    config.agent();
    config.agentTokens();
  }

  /**
   * The agents the planner accepts reports from: {@code vigil.planner.agents.<name>.token}.
   *
   * <pre>{@code
   * vigil:
   *   planner:
   *     agents:
   *       db1: {token: "a long random secret"}
   * }</pre>
   */
  public AgentTokens agentTokens() {
    YamlSection planner = vigil.section("planner");
    planner.rejectUnknown(PLANNER_KEYS);
    java.util.Map<String, String> tokens = new java.util.LinkedHashMap<>();
    for (var agent : planner.section("agents").sections().entrySet()) {
      agent.getValue().rejectUnknown(java.util.Set.of("token"));
      String token = agent.getValue().string("token")
          .orElseThrow(() -> agent.getValue().errorAt("token", "agent " + agent.getKey() + " needs a token"));
      if (token.length() < 16) {
        throw agent.getValue().errorAt("token", "the token of agent " + agent.getKey() + " is shorter than 16 characters");
      }
      tokens.put(agent.getKey(), token);
    }
    return new AgentTokens(tokens);
  }

  /**
   * The fleet the planner watches: {@code vigil.inventory.<host>: {address: 10.0.0.5, roles: [...], cluster: c1}}.
   */
  public java.util.List<io.vigil.nagios.config.objects.InventoryHost> inventory(RoleCatalog roles) {
    java.util.List<io.vigil.nagios.config.objects.InventoryHost> hosts = new java.util.ArrayList<>();
    for (var host : vigil.section("inventory").sections().entrySet()) {
      YamlSection h = host.getValue();
      h.rejectUnknown(java.util.Set.of("address", "roles", "cluster"));
      String address = h.string("address").orElseThrow(() -> h.errorAt("address", "host " + host.getKey() + " needs an address"));
      try {
        roles.probesOf(h.strings("roles"));
      } catch (ConfigException e) {
        throw h.errorAt("roles", "host " + host.getKey() + ": " + e.getMessage());
      }
      try {
        hosts.add(new io.vigil.nagios.config.objects.InventoryHost(host.getKey(), address, h.strings("roles")));
      } catch (IllegalArgumentException e) {
        throw h.errorAt("address", "host " + host.getKey() + ": " + e.getMessage());
      }
    }
    return hosts;
  }

  /** The agent section, with every probe validated against the probe catalog. */
  public AgentSettings agent() {
    return AgentSettings.parse(vigil.section("agent"), RoleCatalog.bundled(), ProbeCatalog.standard());
  }
}
