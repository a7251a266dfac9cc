package io.vigil.nagios.config.objects;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A role a host plays (web server, pgpool, database replica ...) and the NRPE services every host in
 * that role gets. Each role becomes a Nagios hostgroup.
 *
 * @param name     the role, e.g. {@code db-replica}; a Nagios object name
 * @param services what to check on its hosts; descriptions unique within the role
 */
public record InventoryRole(String name, List<NrpeService> services) {

  public InventoryRole {
    NagiosNames.objectName("role name", name);
    services = List.copyOf(services);
    Set<String> seen = new HashSet<>();
    for (NrpeService service : services) {
      if (!seen.add(service.description())) {
        throw new IllegalArgumentException("role '" + name + "': service '" + service.description() + "' twice");
      }
    }
  }
}
