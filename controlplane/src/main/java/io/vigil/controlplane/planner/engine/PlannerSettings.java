package io.vigil.controlplane.planner.engine;

import io.vigil.controlplane.config.ConfigException;
import io.vigil.controlplane.config.VigilConfig;
import io.vigil.controlplane.config.YamlSection;
import io.vigil.controlplane.planner.health.HealthRules;
import io.vigil.controlplane.planner.health.Topology;
import io.vigil.controlplane.planner.policy.BlastRadius;
import io.vigil.controlplane.planner.policy.BudgetRules;
import io.vigil.controlplane.planner.policy.Policy;
import io.vigil.probes.CheckState;
import io.vigil.probes.Probe;
import io.vigil.probes.ProbeCatalog;
import io.vigil.probes.ProbeOptions;
import io.vigil.remediations.Remediation;
import io.vigil.remediations.RemediationType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The planner's part of the configuration, {@code vigil.planner}, checked as a whole at start-up:
 * every error names file, line and column. See docs/configuration.md for every key.
 *
 * @param hostRoles   inventory host → roles
 * @param hostCluster inventory host → cluster (absent when none)
 */
public record PlannerSettings(String node, StoreSettings store, Duration interval, Duration rootCauseGrace,
    HealthRules defaultHealth, Map<String, HealthRules> checkHealth, List<PlannerProbe> probes, Topology topology,
    Map<String, BlastRadius> tiers, Map<String, Set<String>> tierMembers, Map<String, Set<String>> hostRoles,
    Map<String, String> hostCluster, Map<String, ConfiguredRemediation> remediations, List<PolicySpec> policies) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
  private static final Pattern CHECK_KEY = Pattern.compile("(\\*|[A-Za-z0-9][A-Za-z0-9._-]*)/[a-z][a-z0-9_]{0,62}");

  /** Where the planner keeps its state: the embedded file store or PostgreSQL. */
  public record StoreSettings(String type, Path path, String url, String user, Path passwordFile, long lockKey,
      Duration leaderCheckInterval) {
  }

  /** A probe the planner runs itself, its results attributed to {@code host/check}. */
  public record PlannerProbe(String name, String host, String check, String type, Duration interval,
      Map<String, String> options) {
  }

  /** A remediation of the configuration: its name, type and the configured action. */
  public record ConfiguredRemediation(String name, String type, Remediation remediation) {
  }

  /**
   * A policy with what the decision core does not need: the event it answers (instead of a check),
   * the parameters handed to the action, the action's timeout, the verification deadline, and how
   * soon a refused precondition is checked again.
   */
  public record PolicySpec(Policy policy, String event, Map<String, String> params, Duration timeout,
      Duration verifyDeadline, Duration recheck, List<String> targets) {

    public boolean forEvent() {
      return event != null;
    }
  }

  /** Reads {@code vigil.planner} (and {@code vigil.inventory}) against the remediation types given. */
  public static PlannerSettings parse(YamlSection vigil, Map<String, RemediationType> types) {
    String node = vigil.string("node-name").orElse("vigil");
    YamlSection planner = vigil.section("planner");
    planner.rejectUnknown(VigilConfig.PLANNER_KEYS);

    Map<String, Set<String>> hostRoles = new LinkedHashMap<>();
    Map<String, String> hostCluster = new LinkedHashMap<>();
    for (var e : vigil.section("inventory").sections().entrySet()) {
      hostRoles.put(e.getKey(), new LinkedHashSet<>(e.getValue().strings("roles")));
      e.getValue().string("cluster").ifPresent(c -> hostCluster.put(e.getKey(), c));
    }

    StoreSettings store = store(planner.section("store"));
    ProbeOptions top = options(planner, Set.of("interval", "root_cause_grace"));
    Duration interval = duration(planner, top, "interval", Duration.ofSeconds(1));
    Duration grace = duration(planner, top, "root_cause_grace", Duration.ofSeconds(60));

    YamlSection healthSection = planner.section("health");
    healthSection.rejectUnknown(Set.of("max_check_attempts", "flap_low", "flap_high", "ttl", "checks"));
    HealthRules defaults = health(healthSection, HealthRules.DEFAULT, "health");
    Map<String, HealthRules> perCheck = new LinkedHashMap<>();
    for (var e : healthSection.section("checks").sections().entrySet()) {
      e.getValue().rejectUnknown(Set.of("max_check_attempts", "flap_low", "flap_high", "ttl"));
      perCheck.put(e.getKey(), health(e.getValue(), defaults, "health.checks." + e.getKey()));
    }

    List<PlannerProbe> probes = probes(planner.section("probes"), hostRoles);
    Topology topology = topology(planner.section("topology"), hostRoles.keySet(), probes);

    Map<String, BlastRadius> tiers = new LinkedHashMap<>();
    Map<String, Set<String>> tierMembers = new LinkedHashMap<>();
    for (var e : planner.section("tiers").sections().entrySet()) {
      YamlSection t = e.getValue();
      t.rejectUnknown(Set.of("members", "max_concurrent", "max_unhealthy_fraction", "exclusive"));
      ProbeOptions o = options(t, Set.of("max_concurrent", "max_unhealthy_fraction", "exclusive"));
      try {
        tiers.put(e.getKey(), new BlastRadius(o.integer("max_concurrent", 1),
            Double.parseDouble(o.string("max_unhealthy_fraction", "0.5")), o.bool("exclusive", false)));
      } catch (IllegalArgumentException ex) {
        throw t.errorAt("max_concurrent", "tier " + e.getKey() + ": " + ex.getMessage());
      }
      Set<String> members = new LinkedHashSet<>(t.strings("members"));
      for (String m : members) {
        if (!hostRoles.containsKey(m) && !members.isEmpty() && !hostRoles.isEmpty()) {
          throw t.errorAt("members", "tier " + e.getKey() + ": '" + m + "' is not an inventory host");
        }
      }
      tierMembers.put(e.getKey(), members);
    }

    Map<String, ConfiguredRemediation> remediations = new LinkedHashMap<>();
    for (var e : planner.section("remediations").sections().entrySet()) {
      YamlSection r = e.getValue();
      r.rejectUnknown(Set.of("type", "options"));
      String type = r.string("type").orElseThrow(() -> r.errorAt("type", "remediation " + e.getKey() + " needs a type"));
      RemediationType rt = types.get(type);
      if (rt == null) {
        throw r.errorAt("type", "remediation " + e.getKey() + ": unknown type '" + type + "' (known: "
            + String.join(", ", types.keySet().stream().sorted().toList()) + ")");
      }
      try {
        remediations.put(e.getKey(), new ConfiguredRemediation(e.getKey(), type, rt.configure(r.section("options").plain())));
      } catch (IllegalArgumentException ex) {
        throw r.errorAt("options", "remediation " + e.getKey() + " (" + type + "): " + ex.getMessage());
      }
    }

    List<PolicySpec> policies = new ArrayList<>();
    Set<String> policyNames = new LinkedHashSet<>();
    for (YamlSection p : planner.sectionList("policies")) {
      PolicySpec spec = policy(p, remediations.keySet(), tiers.keySet());
      if (!policyNames.add(spec.policy().name())) {
        throw p.errorAt("name", "a second policy named '" + spec.policy().name() + "'");
      }
      policies.add(spec);
    }
    return new PlannerSettings(node, store, interval, grace, defaults, Map.copyOf(perCheck), List.copyOf(probes),
        topology, Map.copyOf(tiers), Map.copyOf(tierMembers), Map.copyOf(hostRoles), Map.copyOf(hostCluster),
        java.util.Collections.unmodifiableMap(remediations), List.copyOf(policies));
  }

  /** The health rules of {@code check} (a probe name). */
  public HealthRules healthOf(String check) {
    return checkHealth.getOrDefault(check, defaultHealth);
  }

  /** The check policies, for the decision core. */
  public List<Policy> checkPolicies() {
    return policies.stream().filter(p -> !p.forEvent()).map(PolicySpec::policy).toList();
  }

  public PolicySpec policy(String name) {
    return policies.stream().filter(p -> p.policy().name().equals(name)).findFirst().orElse(null);
  }

  private static StoreSettings store(YamlSection s) {
    s.rejectUnknown(Set.of("type", "path", "url", "user", "password_file", "lock_key", "leader_check_interval"));
    String type = s.string("type").orElse("file");
    ProbeOptions o = options(s, Set.of("lock_key", "leader_check_interval"));
    long lockKey;
    try {
      lockKey = Long.parseLong(o.string("lock_key", "7596950838"));
    } catch (NumberFormatException e) {
      throw s.errorAt("lock_key", "lock_key must be a whole number");
    }
    Duration check = duration(s, o, "leader_check_interval", Duration.ofSeconds(1));
    switch (type) {
      case "file" -> {
        String path = s.string("path").orElseGet(PlannerSettings::defaultDataDir);
        return new StoreSettings("file", Path.of(path), null, null, null, lockKey, check);
      }
      case "postgres" -> {
        String url = s.string("url").orElseThrow(() -> s.errorAt("url", "store type postgres needs a jdbc url"));
        if (!url.startsWith("jdbc:postgresql://")) {
          throw s.errorAt("url", "expected jdbc:postgresql://host:port/database, got '" + url + "'");
        }
        String user = s.string("user").orElseThrow(() -> s.errorAt("user", "store type postgres needs a user"));
        Path password = s.string("password_file").map(Path::of).orElse(null);
        return new StoreSettings("postgres", null, url, user, password, lockKey, check);
      }
      default -> throw s.errorAt("type", "store type '" + type + "' (expected file or postgres)");
    }
  }

  private static final java.util.concurrent.atomic.AtomicInteger DATA_DIRS = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * {@code vigil-data} in the working directory; under the {@code vigil.data} system property (set
   * by the test runs) a directory of its own per planner, so that test contexts never share a store.
   */
  private static String defaultDataDir() {
    String base = System.getProperty("vigil.data");
    return base == null ? "vigil-data"
        : base + "/" + ProcessHandle.current().pid() + "-" + DATA_DIRS.incrementAndGet();
  }

  private static HealthRules health(YamlSection s, HealthRules base, String where) {
    ProbeOptions o = options(s, Set.of("max_check_attempts", "flap_low", "flap_high", "ttl"));
    try {
      return new HealthRules(o.integer("max_check_attempts", base.maxCheckAttempts()),
          Double.parseDouble(o.string("flap_low", String.valueOf(base.flapLow()))),
          Double.parseDouble(o.string("flap_high", String.valueOf(base.flapHigh()))), o.duration("ttl", base.ttl()));
    } catch (IllegalArgumentException e) {
      throw s.errorAt(s.keys().stream().findFirst().orElse("ttl"), where + ": " + e.getMessage());
    }
  }

  private static List<PlannerProbe> probes(YamlSection section, Map<String, Set<String>> hostRoles) {
    List<PlannerProbe> probes = new ArrayList<>();
    ProbeCatalog catalog = ProbeCatalog.standard();
    for (var e : section.sections().entrySet()) {
      YamlSection p = e.getValue();
      p.rejectUnknown(Set.of("host", "check", "type", "interval", "options"));
      if (!NAME.matcher(e.getKey()).matches()) {
        throw p.errorAt("type", "probe name '" + e.getKey() + "' (expected lower case letters, digits, _ and -)");
      }
      String host = p.string("host").orElseThrow(() -> p.errorAt("host", "planner probe " + e.getKey()
          + " needs the host its results are about"));
      if (!hostRoles.isEmpty() && !hostRoles.containsKey(host)) {
        throw p.errorAt("host", "planner probe " + e.getKey() + ": '" + host + "' is not an inventory host");
      }
      String check = p.string("check").orElse(e.getKey().replace('-', '_'));
      String type = p.string("type").orElseThrow(() -> p.errorAt("type", "planner probe " + e.getKey() + " needs a type"));
      Duration interval = duration(p, options(p, Set.of("interval")), "interval", Duration.ofSeconds(1));
      Map<String, String> opts = p.section("options").scalars();
      try (Probe ignored = catalog.create(type, check, opts)) {
        // built once to validate; the planner's scheduler builds its own
      } catch (IllegalArgumentException ex) {
        throw p.errorAt("options", "planner probe " + e.getKey() + ": " + ex.getMessage());
      }
      probes.add(new PlannerProbe(e.getKey(), host, check, type, interval, opts));
    }
    return probes;
  }

  private static Topology topology(YamlSection section, Set<String> hosts, List<PlannerProbe> probes) {
    Set<String> allHosts = new LinkedHashSet<>(hosts);
    probes.forEach(p -> allHosts.add(p.host()));
    Map<String, List<String>> dependsOn = new LinkedHashMap<>();
    for (String key : section.keys()) {
      if (!CHECK_KEY.matcher(key).matches()) {
        throw section.errorAt(key, "topology key '" + key + "' (expected host/check or */check)");
      }
      List<String> parents = section.strings(key);
      for (String parent : parents) {
        if (!CHECK_KEY.matcher(parent).matches() || parent.startsWith("*/")) {
          throw section.errorAt(key, "parent '" + parent + "' of " + key + " (expected host/check)");
        }
      }
      if (key.startsWith("*/")) {
        String check = key.substring(2);
        for (String host : allHosts) {
          String node = host + "/" + check;
          dependsOn.computeIfAbsent(node, k -> new ArrayList<>()).addAll(parents.stream().filter(p -> !p.equals(node)).toList());
        }
      } else {
        dependsOn.computeIfAbsent(key, k -> new ArrayList<>()).addAll(parents);
      }
    }
    try {
      return Topology.of(dependsOn);
    } catch (IllegalArgumentException e) {
      throw section.errorAt(section.keys().stream().findFirst().orElse(""), "topology: " + e.getMessage());
    }
  }

  private static PolicySpec policy(YamlSection p, Set<String> remediations, Set<String> tiers) {
    p.rejectUnknown(Set.of("name", "check", "event", "on", "action", "mode", "tier", "budget", "approval_deadline",
        "params", "timeout", "verify_deadline", "recheck", "targets"));
    String name = p.string("name").orElseThrow(() -> p.errorAt("name", "a policy needs a name"));
    String check = p.string("check").orElse(null);
    String event = p.string("event").orElse(null);
    if ((check == null) == (event == null)) {
      throw p.errorAt("check", "policy " + name + " needs exactly one of 'check' (a probe name) or 'event'");
    }
    String action = p.string("action").orElseThrow(() -> p.errorAt("action", "policy " + name + " needs an action"));
    if (!remediations.contains(action)) {
      throw p.errorAt("action", "policy " + name + ": no remediation named '" + action + "' (remediations: "
          + String.join(", ", remediations) + ")");
    }
    Set<CheckState> on = EnumSet.noneOf(CheckState.class);
    for (String s : p.strings("on")) {
      try {
        on.add(CheckState.valueOf(s.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw p.errorAt("on", "policy " + name + ": '" + s + "' is not a state (WARNING, CRITICAL, UNKNOWN)");
      }
    }
    if (on.isEmpty()) {
      on.add(CheckState.CRITICAL);
    }
    String modeText = p.string("mode").orElse("observe");
    Policy.Mode mode;
    try {
      mode = Policy.Mode.valueOf(modeText.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw p.errorAt("mode", "policy " + name + ": mode '" + modeText + "' (expected observe, dry-run, approve or auto)");
    }
    String tier = p.string("tier").orElse(null);
    if (tier != null && !tiers.contains(tier)) {
      throw p.errorAt("tier", "policy " + name + ": no tier named '" + tier + "'");
    }
    YamlSection b = p.section("budget");
    b.rejectUnknown(Set.of("attempts", "window", "backoff", "multiplier", "max_backoff", "reset_after_healthy"));
    ProbeOptions bo = options(b, Set.of("attempts", "window", "backoff", "multiplier", "max_backoff", "reset_after_healthy"));
    BudgetRules budget;
    try {
      BudgetRules d = BudgetRules.DEFAULT;
      budget = new BudgetRules(bo.integer("attempts", d.maxAttempts()), bo.duration("window", d.window()),
          bo.duration("backoff", d.initialBackoff()), Double.parseDouble(bo.string("multiplier", String.valueOf(d.multiplier()))),
          bo.duration("max_backoff", d.maxBackoff()), bo.duration("reset_after_healthy", d.resetAfterHealthy()));
    } catch (IllegalArgumentException e) {
      throw p.errorAt("budget", "policy " + name + ": budget: " + e.getMessage());
    }
    ProbeOptions po = options(p, Set.of("approval_deadline", "timeout", "verify_deadline", "recheck"));
    Duration deadline = duration(p, po, "approval_deadline", Duration.ofMinutes(15));
    Map<String, String> params = p.section("params").scalars();
    Policy policy;
    try {
      policy = new Policy(name, check, on, action, mode, tier, budget, deadline);
    } catch (IllegalArgumentException e) {
      throw p.errorAt("on", e.getMessage());
    }
    List<String> targets = p.strings("targets");
    if (!targets.isEmpty() && event == null) {
      throw p.errorAt("targets", "policy " + name + ": 'targets' is for event policies (a check policy acts on the"
          + " check's host)");
    }
    return new PolicySpec(policy, event, params, duration(p, po, "timeout", Duration.ofSeconds(30)),
        duration(p, po, "verify_deadline", Duration.ofSeconds(60)), duration(p, po, "recheck", Duration.ofSeconds(5)),
        List.copyOf(targets));
  }

  private static ProbeOptions options(YamlSection s, Set<String> keys) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String k : keys) {
      s.string(k).ifPresent(v -> m.put(k, v));
    }
    return ProbeOptions.of(m);
  }

  private static Duration duration(YamlSection s, ProbeOptions o, String key, Duration fallback) {
    try {
      return o.duration(key, fallback);
    } catch (IllegalArgumentException e) {
      throw s.errorAt(key, e.getMessage());
    }
  }
}
