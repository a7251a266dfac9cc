package io.vigil.controlplane.cli;

import io.vigil.controlplane.agent.ProbeSpec;
import io.vigil.controlplane.agent.RoleCatalog;
import io.vigil.controlplane.config.ConfigException;
import io.vigil.controlplane.config.VigilConfig;
import io.vigil.nagios.config.objects.CheckNrpeOptions;
import io.vigil.nagios.config.objects.InventoryRole;
import io.vigil.nagios.config.objects.NagiosInventory;
import io.vigil.nagios.config.objects.NagiosObjectConfig;
import io.vigil.nagios.config.objects.NagiosObjectOptions;
import io.vigil.nagios.config.objects.NagiosPreflight;
import io.vigil.nagios.config.objects.NrpeService;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code vigil nagios-config}: Nagios object definitions (hosts, hostgroups per role, a
 * {@code check_nrpe} service for every probe of every host, the commands) from the same inventory
 * the planner uses ({@code vigil.inventory}) and the role catalog the agents use, so Nagios and Vigil
 * never disagree about what is watched. {@code --check} validates the result with the real
 * {@code nagios4 -v}.
 */
public final class NagiosConfigCommand {

  static final String USAGE = "usage: vigil nagios-config [--config FILE] [--out FILE] [--nrpe-port N] "
      + "[--plaintext | --ca FILE [--client-cert FILE --client-key FILE]] [--check]";

  public int execute(List<String> args, PrintStream out, PrintStream err) {
    String config = null;
    Path target = null;
    int port = 5666;
    boolean plaintext = false;
    boolean check = false;
    Path ca = null;
    Path cert = null;
    Path key = null;
    try {
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        switch (a) {
          case "--config" -> config = Path.of(value(args, ++i, a)).toAbsolutePath().toString();
          case "--out" -> target = Path.of(value(args, ++i, a));
          case "--nrpe-port" -> port = Integer.parseInt(value(args, ++i, a));
          case "--plaintext" -> plaintext = true;
          case "--ca" -> ca = Path.of(value(args, ++i, a)).toAbsolutePath();
          case "--client-cert" -> cert = Path.of(value(args, ++i, a)).toAbsolutePath();
          case "--client-key" -> key = Path.of(value(args, ++i, a)).toAbsolutePath();
          case "--check" -> check = true;
          default -> throw new IllegalArgumentException("unknown option '" + a + "'");
        }
      }
      CheckNrpeOptions nrpe = plaintext ? CheckNrpeOptions.plaintext(port) : CheckNrpeOptions.tls(port);
      if (ca != null || cert != null) {
        nrpe = new CheckNrpeOptions(nrpe.program(), port, false, Optional.ofNullable(ca), Optional.ofNullable(cert),
            Optional.ofNullable(key), Optional.empty());
      }
      String rendered = NagiosObjectConfig.render(inventory(new VigilConfig(config)), NagiosObjectOptions.defaults(nrpe));
      if (target != null) {
        Files.writeString(target, rendered);
      } else if (!check) {
        out.print(rendered);
      }
      return check ? preflight(rendered, out, err) : 0;
    } catch (ConfigException e) {
      err.println("vigil: bad configuration: " + e.getMessage());
      return 2;
    } catch (IllegalArgumentException e) {
      err.println("vigil nagios-config: " + e.getMessage());
      err.println(USAGE);
      return 2;
    } catch (IOException e) {
      err.println("vigil nagios-config: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  /** The inventory's hosts with the role catalog's probes as NRPE services. */
  static NagiosInventory inventory(VigilConfig config) {
    RoleCatalog catalog = RoleCatalog.bundled();
    List<InventoryRole> roles = new ArrayList<>();
    for (RoleCatalog.Role role : catalog.roles()) {
      List<NrpeService> services = new ArrayList<>();
      for (ProbeSpec spec : role.probes()) {
        services.add(new NrpeService(spec.name(), "check_" + spec.name(), spec.interval(), 3));
      }
      roles.add(new InventoryRole(role.name(), services));
    }
    return new NagiosInventory(config.inventory(catalog), roles);
  }

  private static int preflight(String rendered, PrintStream out, PrintStream err) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("vigil-nagios-check");
    try {
      // nagios4 -v reads the files as user nagios
      dir.toFile().setReadable(true, false);
      dir.toFile().setExecutable(true, false);
      Path objects = Files.writeString(dir.resolve("vigil-objects.cfg"), rendered);
      Path main = Files.writeString(dir.resolve("nagios.cfg"), NagiosObjectConfig.mainConfig(List.of(objects), true));
      NagiosPreflight result = NagiosPreflight.run(main);
      if (result.clean()) {
        out.println("nagios4 -v: 0 warnings, 0 errors");
        return 0;
      }
      err.println("nagios4 -v: " + result.totalWarnings() + " warnings, " + result.totalErrors() + " errors");
      result.errors().forEach(err::println);
      result.warnings().forEach(err::println);
      return 1;
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size()) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args.get(i);
  }
}
