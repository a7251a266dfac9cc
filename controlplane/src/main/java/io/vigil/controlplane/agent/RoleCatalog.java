package io.vigil.controlplane.agent;

import io.vigil.controlplane.config.ConfigException;
import io.vigil.controlplane.config.YamlSection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Role profiles: each role of the seed deployments (web server, database master, pgpool, cache,
 * PDF worker, ...) mapped to its probes with seed-derived defaults. Bundled as {@code roles.yml};
 * a host names its roles and overrides only what differs.
 */
public final class RoleCatalog {

  public static final String BUNDLED = "roles.yml";

  /** A role: what it is and its probes. */
  public record Role(String name, String description, List<ProbeSpec> probes) {
  }

  private final Map<String, Role> roles;

  private RoleCatalog(Map<String, Role> roles) {
    this.roles = roles;
  }

  /** The bundled catalog. */
  public static RoleCatalog bundled() {
    return parse(YamlSection.loadResource(BUNDLED));
  }

  static RoleCatalog parse(YamlSection root) {
    root.rejectUnknown(Set.of("roles"));
    Map<String, Role> roles = new TreeMap<>();
    for (Map.Entry<String, YamlSection> entry : root.section("roles").sections().entrySet()) {
      String role = entry.getKey();
      YamlSection section = entry.getValue();
      section.rejectUnknown(Set.of("description", "probes"));
      List<ProbeSpec> probes = new ArrayList<>();
      for (Map.Entry<String, YamlSection> probe : section.section("probes").sections().entrySet()) {
        probes.add(spec(probe.getKey(), probe.getValue(), "role " + role, null));
      }
      roles.put(role, new Role(role, section.string("description").orElse(role), List.copyOf(probes)));
    }
    return new RoleCatalog(roles);
  }

  /**
   * Reads one probe entry: {@code type}, {@code interval}, {@code options}. With a {@code base}, the
   * entry overrides it and may leave the type out.
   */
  static ProbeSpec spec(String name, YamlSection entry, String origin, ProbeSpec base) {
    entry.rejectUnknown(Set.of("type", "interval", "options"));
    Duration interval = entry.string("interval").map(v -> duration(entry, v)).orElse(null);
    Map<String, String> options = entry.section("options").scalars();
    try {
      if (base != null) {
        if (entry.string("type").filter(t -> !t.equals(base.type())).isPresent()) {
          throw entry.errorAt("type", "probe " + name + " is a " + base.type() + " in " + base.origin()
              + "; give it another name to add a probe of another type");
        }
        return base.overriddenBy(interval, options, origin);
      }
      String type = entry.string("type").orElseThrow(() -> entry.errorAt("type",
          "probe " + name + " needs a 'type' (it is not a probe of the host's roles)"));
      return new ProbeSpec(name, type, interval == null ? Duration.ofSeconds(10) : interval, options, origin);
    } catch (IllegalArgumentException e) {
      throw entry.errorAt("type", e.getMessage());
    }
  }

  private static Duration duration(YamlSection entry, String text) {
    try {
      return io.vigil.probes.ProbeOptions.of(Map.of("interval", text)).duration("interval", null);
    } catch (IllegalArgumentException e) {
      throw entry.errorAt("interval", e.getMessage());
    }
  }

  public Collection<Role> roles() {
    return roles.values();
  }

  /**
   * The probes of a host with these roles: the union of the roles' probes (the same name in two
   * roles must be the same probe), in role order.
   *
   * @throws ConfigException for an unknown role, listing the known ones
   */
  public Map<String, ProbeSpec> probesOf(List<String> hostRoles) {
    Map<String, ProbeSpec> probes = new LinkedHashMap<>();
    for (String name : hostRoles) {
      Role role = roles.get(name);
      if (role == null) {
        throw new ConfigException("unknown role '" + name + "' (known: " + String.join(", ", roles.keySet()) + ")");
      }
      for (ProbeSpec spec : role.probes()) {
        ProbeSpec earlier = probes.putIfAbsent(spec.name(), spec);
        if (earlier != null && !(earlier.type().equals(spec.type()) && earlier.options().equals(spec.options()))) {
          throw new ConfigException("probe " + spec.name() + " differs between " + earlier.origin() + " and "
              + spec.origin() + "; set it under vigil.agent.probes." + spec.name());
        }
      }
    }
    return probes;
  }
}
