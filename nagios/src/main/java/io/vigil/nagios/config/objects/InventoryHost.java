package io.vigil.nagios.config.objects;

import java.util.List;

/**
 * A host of the inventory: its Nagios host name, the address check_nrpe connects to, and its roles.
 *
 * @param name    the host_name, e.g. {@code dbpgdwr0s1.qa.dum.edwdc.net}
 * @param address a host name or IP address ({@code $HOSTADDRESS$})
 * @param roles   role names, each defined in the inventory
 */
public record InventoryHost(String name, String address, List<String> roles) {

  public InventoryHost {
    NagiosNames.objectName("host name", name);
    NagiosNames.address("address of host '" + name + "'", address);
    roles = List.copyOf(roles);
    if (roles.stream().distinct().count() != roles.size()) {
      throw new IllegalArgumentException("host '" + name + "': a role listed twice in " + roles);
    }
  }
}
