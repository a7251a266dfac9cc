package io.vigil.nagios.config.objects;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The fleet as Nagios should see it: hosts with their roles, and the NRPE services of each role.
 * A plain value: the agent's role catalog (or a test) builds one; {@link NagiosObjectConfig} writes it.
 *
 * <pre>{@code
 * var pgpool = new InventoryRole("pgpool", List.of(
 *     new NrpeService("pgpool nodes", "check_pgpool_nodes", Duration.ofMinutes(1), 3)));
 * var inventory = new NagiosInventory(
 *     List.of(new InventoryHost("dwrouter1.qa.dum.edwdc.net", "192.0.2.20", List.of("pgpool"))),
 *     List.of(pgpool));
 * }</pre>
 *
 * <p>Checked when built: host and role names are unique, every role a host names is defined, and two
 * roles of one host that both have a service of the same description define it identically (it is
 * then written once).
 */
public record NagiosInventory(List<InventoryHost> hosts, List<InventoryRole> roles) {

  public NagiosInventory {
    hosts = List.copyOf(hosts);
    roles = List.copyOf(roles);
    Map<String, InventoryRole> byName = new HashMap<>();
    for (InventoryRole role : roles) {
      if (byName.put(role.name(), role) != null) {
        throw new IllegalArgumentException("role '" + role.name() + "' defined twice");
      }
    }
    Set<String> hostNames = new HashSet<>();
    for (InventoryHost host : hosts) {
      if (!hostNames.add(host.name())) {
        throw new IllegalArgumentException("host '" + host.name() + "' listed twice");
      }
      for (String role : host.roles()) {
        if (!byName.containsKey(role)) {
          throw new IllegalArgumentException("host '" + host.name() + "': role '" + role + "' is not defined (roles: "
              + new TreeMap<>(byName).keySet() + ")");
        }
      }
      merge(host, byName);
    }
  }

  /** The services of {@code host}: those of all its roles, by description. */
  public SortedMap<String, NrpeService> servicesOf(InventoryHost host) {
    Map<String, InventoryRole> byName = new HashMap<>();
    roles.forEach(r -> byName.put(r.name(), r));
    return merge(host, byName);
  }

  private static SortedMap<String, NrpeService> merge(InventoryHost host, Map<String, InventoryRole> roles) {
    SortedMap<String, NrpeService> services = new TreeMap<>();
    Map<String, String> from = new HashMap<>();
    for (String roleName : host.roles()) {
      for (NrpeService service : roles.get(roleName).services()) {
        NrpeService other = services.putIfAbsent(service.description(), service);
        if (other != null && !other.equals(service)) {
          throw new IllegalArgumentException("host '" + host.name() + "': service '" + service.description()
              + "' differs between roles '" + from.get(service.description()) + "' (" + other + ") and '"
              + roleName + "' (" + service + ")");
        }
        from.putIfAbsent(service.description(), roleName);
      }
    }
    return services;
  }
}
