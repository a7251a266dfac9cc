package io.vigil.nagios.config.objects;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Writes Nagios object definitions for an inventory: the check_nrpe commands, a 24x7 timeperiod, a
 * contact and contact group (or references to the site's own), one hostgroup per role, the hosts,
 * and for every host one service per NRPE service of its roles, each {@code check_nrpe!<command>}.
 * Validated with the real {@code nagios4 -v} (see {@link NagiosPreflight}).
 *
 * <pre>{@code
 * NagiosObjectConfig.write(dir.resolve("vigil.cfg"), inventory, NagiosObjectOptions.defaults(CheckNrpeOptions.tls(5666)));
 * Files.writeString(dir.resolve("nagios.cfg"), NagiosObjectConfig.mainConfig(List.of(dir.resolve("vigil.cfg")), false));
 * NagiosPreflight check = NagiosPreflight.run(dir.resolve("nagios.cfg"));
 * }</pre>
 *
 * <p>The output is deterministic: objects are sorted by name and nothing depends on the clock, so a
 * re-run on the same inventory gives the same bytes (and a config management diff shows only real
 * changes).
 */
public final class NagiosObjectConfig {

  /**
   * Nagios's own recommended {@code illegal_macro_output_chars} (sample nagios.cfg); without the
   * setting {@code nagios4 -v} warns "Nothing specified for illegal_macro_output_chars variable!".
   */
  public static final String ILLEGAL_MACRO_OUTPUT_CHARS = "`~$&|'\"<>";

  private static final String HEADER = "# Nagios object definitions written by Vigil from its inventory.\n"
      + "# Do not edit: change the inventory and run bin/vigil nagios-config again.\n\n";

  private NagiosObjectConfig() {
  }

  /** The object definitions, as the text of one .cfg file. */
  public static String render(NagiosInventory inventory, NagiosObjectOptions options) {
    StringBuilder out = new StringBuilder(HEADER);
    CheckNrpeOptions nrpe = options.checkNrpe();
    new ObjectDefinition("command").set("command_name", options.checkCommand())
        .set("command_line", nrpe.commandLine(true)).appendTo(out);
    if (options.agentHostCheck()) {
      new ObjectDefinition("command").set("command_name", options.agentCommand())
          .set("command_line", nrpe.commandLine(false)).appendTo(out);
    }
    if (options.siteTimeperiod().isEmpty()) {
      timeperiod(options.timeperiod()).appendTo(out);
    }
    if (options.siteContactGroup().isEmpty()) {
      contact(options, out);
    }
    for (Map.Entry<String, List<String>> group : hostsByRole(inventory).entrySet()) {
      new ObjectDefinition("hostgroup").set("hostgroup_name", options.hostgroup(group.getKey()))
          .set("alias", "Vigil role " + group.getKey())
          .set("members", String.join(",", group.getValue())).appendTo(out);
    }
    List<InventoryHost> hosts = inventory.hosts().stream().sorted(Comparator.comparing(InventoryHost::name)).toList();
    for (InventoryHost host : hosts) {
      host(host, options).appendTo(out);
    }
    for (InventoryHost host : hosts) {
      for (NrpeService service : inventory.servicesOf(host).values()) {
        service(host, service, options).appendTo(out);
      }
    }
    out.setLength(out.length() - 1); // one newline at the end, not a blank line
    return out.toString();
  }

  /** Writes {@link #render} to {@code file} atomically, readable by all (nagios reads it as user nagios). */
  public static void write(Path file, NagiosInventory inventory, NagiosObjectOptions options) throws IOException {
    Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.writeString(temp, render(inventory, options), StandardCharsets.UTF_8);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * A main config for validating object files with {@code nagios4 -v}: {@code cfg_file} lines and
   * {@code illegal_macro_output_chars}. {@code nagios4 -v} switches to user nagios before reading the
   * object files, so their directory must be readable by nagios, or {@code runAsRoot} adds
   * {@code nagios_user=root} and {@code nagios_group=root} (lab-recipe section 7).
   */
  public static String mainConfig(List<Path> objectFiles, boolean runAsRoot) {
    StringBuilder out = new StringBuilder("# Written by Vigil to validate object files with nagios4 -v\n");
    for (Path file : objectFiles) {
      out.append("cfg_file=").append(file.toAbsolutePath()).append('\n');
    }
    out.append("illegal_macro_output_chars=").append(ILLEGAL_MACRO_OUTPUT_CHARS).append('\n');
    if (runAsRoot) {
      out.append("nagios_user=root\nnagios_group=root\n");
    }
    return out.toString();
  }

  /** A duration in Nagios interval units (minutes, {@code interval_length=60}): 30s is 0.5, 10s 0.1667. */
  static String minutes(Duration interval) {
    BigDecimal minutes = BigDecimal.valueOf(interval.toMillis()).divide(BigDecimal.valueOf(60_000), 4, RoundingMode.HALF_UP);
    return minutes.stripTrailingZeros().toPlainString();
  }

  private static SortedMap<String, List<String>> hostsByRole(NagiosInventory inventory) {
    return inventory.hosts().stream().flatMap(h -> h.roles().stream().map(r -> Map.entry(r, h.name())))
        .collect(Collectors.groupingBy(Map.Entry::getKey, TreeMap::new,
            Collectors.mapping(Map.Entry::getValue, Collectors.collectingAndThen(Collectors.toList(),
                names -> names.stream().sorted().toList()))));
  }

  private static ObjectDefinition timeperiod(String name) {
    ObjectDefinition period = new ObjectDefinition("timeperiod").set("timeperiod_name", name).set("alias", "always");
    for (String day : List.of("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")) {
      period.set(day, "00:00-24:00");
    }
    return period;
  }

  private static void contact(NagiosObjectOptions options, StringBuilder out) {
    new ObjectDefinition("command").set("command_name", options.notifyCommand())
        .set("command_line", "/bin/true").appendTo(out);
    new ObjectDefinition("contact").set("contact_name", options.contact())
        .set("alias", "Vigil operators")
        .set("host_notifications_enabled", 1)
        .set("service_notifications_enabled", 1)
        .set("host_notification_period", options.timeperiod())
        .set("service_notification_period", options.timeperiod())
        .set("host_notification_options", "d,u,r")
        .set("service_notification_options", "w,u,c,r")
        .set("host_notification_commands", options.notifyCommand())
        .set("service_notification_commands", options.notifyCommand()).appendTo(out);
    new ObjectDefinition("contactgroup").set("contactgroup_name", options.contactGroup())
        .set("alias", "Vigil operators")
        .set("members", options.contact()).appendTo(out);
  }

  private static ObjectDefinition host(InventoryHost host, NagiosObjectOptions options) {
    ObjectDefinition definition = new ObjectDefinition("host").set("host_name", host.name())
        .set("alias", host.name())
        .set("address", host.address());
    if (options.agentHostCheck()) {
      definition.set("check_command", options.agentCommand()).set("check_interval", 1).set("retry_interval", 1);
    }
    return definition.set("max_check_attempts", 3)
        .set("check_period", options.timeperiod())
        .set("contact_groups", options.contactGroup())
        .set("notification_interval", 0)
        .set("notification_period", options.timeperiod());
  }

  private static ObjectDefinition service(InventoryHost host, NrpeService service, NagiosObjectOptions options) {
    Duration retry = service.checkInterval().compareTo(Duration.ofMinutes(1)) < 0 ? service.checkInterval()
        : Duration.ofMinutes(1); // confirm a soft problem within a minute
    return new ObjectDefinition("service").set("host_name", host.name())
        .set("service_description", service.description())
        .set("check_command", options.checkCommand() + "!" + service.command())
        .set("max_check_attempts", service.maxCheckAttempts())
        .set("check_interval", minutes(service.checkInterval()))
        .set("retry_interval", minutes(retry))
        .set("check_period", options.timeperiod())
        .set("contact_groups", options.contactGroup())
        .set("notification_interval", 0)
        .set("notification_period", options.timeperiod());
  }
}
