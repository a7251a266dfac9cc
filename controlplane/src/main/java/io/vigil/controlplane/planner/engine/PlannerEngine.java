package io.vigil.controlplane.planner.engine;

import io.vigil.controlplane.planner.engine.PlannerSettings.PolicySpec;
import io.vigil.controlplane.planner.health.CheckHealth;
import io.vigil.controlplane.planner.policy.Decision;
import io.vigil.controlplane.planner.policy.Hold;
import io.vigil.controlplane.planner.policy.Planner;
import io.vigil.controlplane.planner.policy.Planner.ActionKey;
import io.vigil.controlplane.planner.policy.Policy;
import io.vigil.controlplane.planner.policy.RemediationBudget;
import io.vigil.controlplane.planner.store.ActionRecord;
import io.vigil.controlplane.planner.store.Approval;
import io.vigil.controlplane.planner.store.PlannerStore;
import io.vigil.controlplane.planner.store.TimelineEvent;
import io.vigil.controlplane.planner.store.TimelineEvent.Kind;
import io.vigil.controlplane.planner.store.TimelineQuery;
import io.vigil.probes.CheckState;
import io.vigil.remediations.ActionTarget;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The planner's heart: it keeps every check's health from the results it is given (agent reports,
 * its own probes, Alertmanager), decides with {@link Planner#decide} whenever a result or the clock
 * could change a decision, writes every state change and every changed decision to the timeline,
 * and hands the actions it decides to the {@link ActionExecutor} while it is the leader.
 *
 * <p>All state is guarded by one lock; the work under it is small (a state transition, and a
 * decision only for checks with a problem that a policy covers), so ingest stays fast.
 */
public final class PlannerEngine implements PlannerOperations, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PlannerEngine.class);
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");
  private static final Pattern CHECK = Pattern.compile("[a-z][a-z0-9_]{0,62}");
  private static final Pattern EVENT = Pattern.compile("[a-z][a-z0-9_]{0,62}");
  private static final Pattern PARAM_VALUE = Pattern.compile("[A-Za-z0-9@._:/-]{0,128}");

  /** What the engine knows about one check. */
  static final class Entry {
    CheckHealth health = CheckHealth.unseen();
    String output = "";
    String suppressedBy = "";
    Instant graceUntil;
  }

  private final PlannerSettings settings;
  private final PlannerStore store;
  private final Clock clock;
  private final PlannerMetrics metrics;
  private final String who;
  private final Object lock = new Object();
  private final Map<String, Entry> entries = new HashMap<>();
  private final Map<String, CheckHealth> health = new HashMap<>();
  private final Map<ActionKey, RemediationBudget> budgets = new HashMap<>();
  private final Set<ActionKey> inFlight = ConcurrentHashMap.newKeySet();
  private final Map<ActionKey, Instant> lastActionEnd = new HashMap<>();
  private final Map<ActionKey, Instant> recheckAfter = new HashMap<>();
  private final Map<String, String> lastDecision = new HashMap<>();
  private final Map<String, Set<String>> children = new HashMap<>();
  private final Set<String> escalated = new HashSet<>();
  private final Set<String> alertsSeen = ConcurrentHashMap.newKeySet();
  private volatile List<Hold> holds = List.of();
  private volatile boolean leader;
  private volatile long term;
  private volatile boolean resolving;
  private volatile String storeName = "file";
  private volatile Set<ActionKey> approved = Set.of();
  private ActionExecutor executor;
  private final TimelineWriter writer;

  public PlannerEngine(PlannerSettings settings, PlannerStore store, Clock clock, PlannerMetrics metrics) {
    this.settings = settings;
    this.store = store;
    this.clock = clock;
    this.metrics = metrics;
    this.who = "planner:" + settings.node();
    this.writer = new TimelineWriter(store, settings.node());
    this.holds = store.holds(clock.instant());
    this.approved = approvedIn(store.approvals());
    for (String host : settings.hostRoles().keySet()) {
      for (String check : checksOf(host)) {
        for (String parent : settings.topology().parents(host + "/" + check)) {
          children.computeIfAbsent(parent, k -> new LinkedHashSet<>()).add(host + "/" + check);
        }
      }
    }
  }

  private Set<String> checksOf(String host) {
    Set<String> checks = new LinkedHashSet<>();
    settings.probes().stream().filter(p -> p.host().equals(host)).forEach(p -> checks.add(p.check()));
    settings.checkPolicies().forEach(p -> checks.add(p.check()));
    return checks;
  }

  void executor(ActionExecutor executor) {
    this.executor = executor;
  }

  void storeName(String name) {
    this.storeName = name;
  }

  public PlannerSettings settings() {
    return settings;
  }

  public PlannerStore store() {
    return store;
  }

  String who() {
    return who;
  }

  // ---------------------------------------------------------------------------------------------
  // Leadership

  /** Became leader with {@code newTerm}: resolve what a previous leader left unfinished, then act. */
  public void elected(long newTerm) {
    resolving = true;
    term = newTerm;
    leader = true;
    metrics.leader(true, newTerm);
    timeline(TimelineEvent.of(clock.instant(), Kind.LEADERSHIP, "", "", who, "became leader",
        "term " + newTerm + " (fencing token)"));
    LOG.info("{} is the leader, term {}", settings.node(), newTerm);
    refreshApprovals();
    List<ActionRecord> unfinished = store.unfinishedActions();
    if (!unfinished.isEmpty() && executor != null) {
      timeline(TimelineEvent.of(clock.instant(), Kind.LEADERSHIP, "", "", who, "resolving " + unfinished.size()
          + " unfinished action(s)", "a previous leader wrote their intent; verifying before anything else"));
      executor.resolve(unfinished, newTerm, () -> {
        resolving = false;
        tick();
      });
      return;
    }
    resolving = false;
    tick();
  }

  /** Lost leadership: stop acting at once; running actions are fenced at their next write. */
  public void deposed() {
    if (!leader) {
      return;
    }
    leader = false;
    metrics.leader(false, term);
    LOG.warn("{} lost leadership (term {})", settings.node(), term);
    try {
      store.append(TimelineEvent.of(clock.instant(), Kind.LEADERSHIP, "", "", who, "lost leadership",
          "term " + term + " ended; another planner may act now"));
    } catch (RuntimeException e) {
      LOG.debug("could not record the end of leadership", e);
    }
  }

  public boolean isLeader() {
    return leader;
  }

  public long term() {
    return term;
  }

  // ---------------------------------------------------------------------------------------------
  // Inputs

  /**
   * One check result, from an agent report, the planner's own probe or an alert.
   *
   * @param source who reported it ({@code agent:db1}), for the timeline
   */
  public void ingest(String host, String check, CheckState state, String output, Instant at, String source) {
    String key = host + "/" + check;
    Instant now = clock.instant();
    List<String> toDecide = new ArrayList<>(2);
    List<TimelineEvent> events = new ArrayList<>(1);
    synchronized (lock) {
      Entry e = entries.computeIfAbsent(key, k -> new Entry());
      CheckHealth.Transition t = e.health.observe(state, at, settings.healthOf(check));
      if (t.after() == t.before()) {
        return; // out of order
      }
      e.health = t.after();
      e.output = output == null ? "" : output;
      health.put(key, t.after());
      metrics.ingested();
      boolean recovered = t.events().contains(CheckHealth.Event.HARD_RECOVERY)
          || t.events().contains(CheckHealth.Event.SOFT_RECOVERY);
      // a check's very first OK result changes nothing worth a line; a return from staleness does
      if (!t.events().isEmpty() || (t.before().stale() && t.before().lastResultAt() != null)) {
        events.add(new TimelineEvent(0, now, Kind.STATE_CHANGE, host, check, "", source,
            state + " " + t.after().type() + " (attempt " + t.after().attempt() + "/"
                + settings.healthOf(check).maxCheckAttempts() + ")", describe(t.events()), Map.of("output", bound(output))));
      }
      if (state != CheckState.OK || recovered) {
        toDecide.add(key);
      }
      if (state == CheckState.OK) {
        e.suppressedBy = "";
        budgetHealthy(host, check, at);
      } else {
        // attributed to a failing ancestor whether or not a policy covers it (alerts, metrics, API)
        e.suppressedBy = String.join(", ", settings.topology().rootCauses(key, this::failingLocked));
      }
      if (recovered) {
        // children of a recovered root cause get a grace period to recover on their own
        for (String child : children.getOrDefault(key, Set.of())) {
          Entry c = entries.get(child);
          if (c != null && c.health.state() != CheckState.OK) {
            c.graceUntil = now.plus(settings.rootCauseGrace());
            toDecide.add(child);
          }
        }
      }
    }
    events.forEach(this::timeline);
    if (!toDecide.isEmpty()) {
      decide(toDecide);
    }
  }

  private boolean failingLocked(String node) {
    CheckHealth h = health.get(node);
    return h != null && h.state() != CheckState.OK && !h.stale();
  }

  private void budgetHealthy(String host, String check, Instant at) {
    for (Policy p : settings.checkPolicies()) {
      if (p.check().equals(check)) {
        ActionKey k = new ActionKey(p.action(), host);
        RemediationBudget b = budgets.get(k);
        if (b != null) {
          RemediationBudget next = b.healthy(at, p.budget());
          budgets.put(k, next);
          if (next.attempts().isEmpty() && escalated.remove(p.name() + "|" + host)) {
            metrics.escalationActive(p.name(), host, false);
            timeline(TimelineEvent.of(at, Kind.ESCALATION, host, check, who, "escalation cleared",
                "healthy for " + p.budget().resetAfterHealthy() + ": the budget is fresh again"));
          }
        }
      }
    }
  }

  /** The periodic pass: staleness, holds ending, backoffs running out, approval deadlines. */
  public void tick() {
    Instant now = clock.instant();
    List<String> toDecide = new ArrayList<>();
    List<TimelineEvent> events = new ArrayList<>();
    synchronized (lock) {
      for (Map.Entry<String, Entry> en : entries.entrySet()) {
        Entry e = en.getValue();
        String check = en.getKey().substring(en.getKey().indexOf('/') + 1);
        CheckHealth.Transition t = e.health.expire(now, settings.healthOf(check));
        if (t.after() != t.before()) {
          e.health = t.after();
          health.put(en.getKey(), t.after());
          String host = en.getKey().substring(0, en.getKey().indexOf('/'));
          events.add(TimelineEvent.of(now, Kind.STATE_CHANGE, host, check, who, "UNKNOWN (stale)",
              "no result within " + settings.healthOf(check).ttl() + "; never acted upon while stale"));
        }
        if (e.health.state() != CheckState.OK) {
          toDecide.add(en.getKey());
        }
      }
      holds = store.holds(now);
      metrics.holds(holds.size());
    }
    events.forEach(this::timeline);
    expireApprovals(now);
    if (!toDecide.isEmpty()) {
      decide(toDecide);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Deciding

  private void decide(Collection<String> keys) {
    Instant now = clock.instant();
    List<Decision> decisions;
    Map<String, Entry> snapshot = new HashMap<>();
    synchronized (lock) {
      Planner.Input in = new Planner.Input(now, health, settings.hostRoles(), settings.hostCluster(),
          settings.topology(), settings.checkPolicies(), holds, budgets, inFlight, approvedKeys(),
          settings.tiers(), settings.tierMembers());
      decisions = Planner.decide(in, keys);
      for (Decision d : decisions) {
        snapshot.put(d.check(), entries.get(d.check()));
        if (d.outcome() == Decision.Outcome.SUPPRESSED_BY_ROOT_CAUSE) {
          entries.get(d.check()).suppressedBy = d.why().replaceFirst("^caused by ", "");
        } else if (entries.get(d.check()) != null) {
          entries.get(d.check()).suppressedBy = "";
        }
      }
    }
    for (Decision d : decisions) {
      handle(d, snapshot.get(d.check()), now);
    }
  }

  private void handle(Decision d, Entry entry, Instant now) {
    PolicySpec spec = settings.policy(d.policy());
    ActionKey key = new ActionKey(d.action(), d.target());
    String check = d.check().substring(d.check().indexOf('/') + 1);
    Decision.Outcome outcome = d.outcome();
    String why = d.why();
    if (outcome == Decision.Outcome.ACT || outcome == Decision.Outcome.DRY_RUN || outcome == Decision.Outcome.OBSERVE
        || outcome == Decision.Outcome.AWAITING_APPROVAL) {
      if (entry != null && entry.graceUntil != null && now.isBefore(entry.graceUntil)) {
        outcome = Decision.Outcome.SUPPRESSED_BY_ROOT_CAUSE;
        why = "its root cause recovered moments ago: waiting until " + entry.graceUntil + " for it to recover on its own";
      }
    }
    if (outcome == Decision.Outcome.ACT) {
      synchronized (lock) {
        Instant lastEnd = lastActionEnd.get(key);
        if (lastEnd != null && entry != null && entry.health.lastResultAt() != null
            && !entry.health.lastResultAt().isAfter(lastEnd)) {
          return; // the last action ended after this result: wait for a fresh one before acting again
        }
        Instant recheck = recheckAfter.get(key);
        if (recheck != null && now.isBefore(recheck)) {
          return; // a precondition refused it moments ago
        }
      }
      if (!leader || resolving) {
        record(d, "not_leader", leader ? "resolving a previous leader's unfinished actions first"
            : "not the leader: the leader acts", now, check);
        return;
      }
      if (executor == null) {
        return;
      }
      if (!inFlight.add(key)) {
        return;
      }
      metrics.decision("act");
      lastDecision.put(d.policy() + "|" + d.check(), "act");
      boolean approved = spec.policy().mode() == Policy.Mode.APPROVE;
      if (approved) {
        useApproval(spec, d.target());
      }
      executor.submit(spec, d.target(), check, d.why(), entry == null ? Instant.EPOCH : firstProblem(entry));
      return;
    }
    switch (outcome) {
      case BUDGET_EXHAUSTED -> {
        record(d.check(), d.policy(), "budget_exhausted", why, now, d.target(), check);
        escalate(spec, d.target(), check, why, entry, now);
      }
      case DRY_RUN -> {
        String command = render(spec, d.target(), check);
        record(d.check(), d.policy(), "dry_run", "dry-run: would run " + command, now, d.target(), check);
      }
      case AWAITING_APPROVAL -> {
        record(d.check(), d.policy(), "awaiting_approval", why, now, d.target(), check);
        if (leader) {
          requestApproval(spec, d.target(), check, entry, now);
        }
      }
      default -> record(d.check(), d.policy(), outcome.name().toLowerCase(Locale.ROOT), why, now, d.target(), check);
    }
  }

  private static Instant firstProblem(Entry e) {
    return e.health.lastStateChange() == null ? Instant.EPOCH : e.health.lastStateChange();
  }

  private void record(Decision d, String outcome, String why, Instant now, String check) {
    record(d.check(), d.policy(), outcome, why, now, d.target(), check);
  }

  /** Writes a decision to the timeline when it differs from the last one for this check and policy. */
  private void record(String checkKey, String policy, String outcome, String why, Instant now, String host,
      String check) {
    String k = policy + "|" + checkKey;
    String v = outcome + "|" + why.replaceAll("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z", "");
    synchronized (lock) {
      if (v.equals(lastDecision.get(k))) {
        return;
      }
      lastDecision.put(k, v);
    }
    metrics.decision(outcome);
    timeline(new TimelineEvent(0, now, Kind.DECISION, host, check, "", who, outcome.replace('_', ' ') + " ("
        + policy + ")", why, Map.of("policy", policy)));
  }

  private String render(PolicySpec spec, String host, String check) {
    var r = settings.remediations().get(spec.policy().action());
    try {
      return r.remediation().render(new ActionTarget(host, check, spec.params()));
    } catch (RuntimeException e) {
      return spec.policy().action() + " on " + host + " (cannot render: " + e.getMessage() + ")";
    }
  }

  private void escalate(PolicySpec spec, String host, String check, String why, Entry entry, Instant now) {
    String k = spec.policy().name() + "|" + host;
    synchronized (lock) {
      if (!escalated.add(k)) {
        return;
      }
    }
    metrics.escalation(spec.policy().name(), host);
    List<ActionRecord> recent = store.actions(new TimelineQuery(host, null, null, null, 3));
    StringBuilder diag = new StringBuilder();
    for (ActionRecord a : recent) {
      diag.append(a.createdAt()).append(' ').append(a.action()).append(' ').append(a.status()).append(": ")
          .append(a.detail()).append('\n');
    }
    timeline(new TimelineEvent(0, now, Kind.ESCALATION, host, check, "", who, "escalation: " + spec.policy().name()
        + " gave up on " + host, why, Map.of("check_output", entry == null ? "" : bound(entry.output),
        "recent_actions", bound(diag.toString()))));
    LOG.warn("escalation: policy {} on {}: {}", spec.policy().name(), host, why);
  }

  // ---------------------------------------------------------------------------------------------
  // Called by the executor

  /** Marks the action on {@code host} as in flight; false when it already is. */
  boolean claim(PolicySpec spec, String host) {
    return inFlight.add(new ActionKey(spec.policy().action(), host));
  }

  /** Before an attempt: charge the budget. */
  void attempted(PolicySpec spec, String host, Instant at) {
    synchronized (lock) {
      ActionKey k = new ActionKey(spec.policy().action(), host);
      budgets.put(k, budgets.getOrDefault(k, RemediationBudget.fresh()).attempted(at, spec.policy().budget()));
      metrics.budget(spec.policy().name(), host, remaining(spec, host, at));
    }
  }

  int remaining(PolicySpec spec, String host, Instant at) {
    RemediationBudget b = budgets.getOrDefault(new ActionKey(spec.policy().action(), host), RemediationBudget.fresh());
    RemediationBudget.Verdict v = b.check(at, spec.policy().budget());
    if (v instanceof RemediationBudget.Allowed a) {
      return a.remaining();
    }
    if (v instanceof RemediationBudget.Backoff bo) {
      return spec.policy().budget().maxAttempts() - bo.attemptsSoFar();
    }
    return 0;
  }

  /** A precondition refused the action: nothing was attempted; look again after {@code recheck}. */
  void refused(PolicySpec spec, String host, String check, String why, Map<String, String> facts) {
    Instant now = clock.instant();
    ActionKey k = new ActionKey(spec.policy().action(), host);
    synchronized (lock) {
      recheckAfter.put(k, now.plus(spec.recheck()));
    }
    inFlight.remove(k);
    metrics.refused(spec.policy().action());
    String checkKey = host + "/" + check;
    String v = "precondition_failed|" + why;
    boolean changed;
    synchronized (lock) {
      changed = !v.equals(lastDecision.put(spec.policy().name() + "|" + checkKey, v));
    }
    if (changed) {
      metrics.decision("precondition_failed");
      Map<String, String> details = new LinkedHashMap<>(facts);
      details.put("policy", spec.policy().name());
      timeline(new TimelineEvent(0, now, Kind.DECISION, host, check, "", who, "refused by precondition ("
          + spec.policy().name() + ")", why, details));
      timeline(new TimelineEvent(0, now, Kind.ALERT, host, check, "", who, spec.policy().action() + " on " + host
          + " refused", why, details));
    }
  }

  /** An action ended (any way): it no longer counts as in flight. */
  void ended(PolicySpec spec, String host, String check, boolean healthy, Instant at) {
    ActionKey k = new ActionKey(spec.policy().action(), host);
    synchronized (lock) {
      lastActionEnd.put(k, at);
      recheckAfter.remove(k);
    }
    inFlight.remove(k);
    metrics.budget(spec.policy().name(), host, remaining(spec, host, at));
    decide(List.of(host + "/" + check));
  }

  /** True once {@code host/check} has a result newer than {@code since} and it is OK. */
  boolean healthySince(String host, String check, Instant since) {
    synchronized (lock) {
      Entry e = entries.get(host + "/" + check);
      return e != null && e.health.state() == CheckState.OK && e.health.lastResultAt() != null
          && e.health.lastResultAt().isAfter(since);
    }
  }

  /** The check's current state and output, for the timeline. */
  String describeCheck(String host, String check) {
    synchronized (lock) {
      Entry e = entries.get(host + "/" + check);
      return e == null ? "no result yet" : e.health.state() + " " + e.health.type() + ": " + e.output;
    }
  }

  void timeline(TimelineEvent e) {
    if (!leader) {
      return; // followers keep state in memory; the leader writes the shared timeline
    }
    writer.write(e);
  }

  /** Appends at once, after everything queued before it (API actions, whose caller waits anyway). */
  private TimelineEvent appendNow(TimelineEvent e) {
    writer.flush();
    return store.append(e);
  }

  @Override
  public void close() {
    writer.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Approvals

  /**
   * The approved actions, from memory: a decision never reads the store. The set is refreshed from
   * the store when this planner decides or uses an approval, on election, and on every tick, which
   * is how an approval given through another planner's API reaches the leader.
   */
  private Set<ActionKey> approvedKeys() {
    return approved;
  }

  private void refreshApprovals() {
    approved = approvedIn(store.approvals());
  }

  private static Set<ActionKey> approvedIn(List<Approval> approvals) {
    Set<ActionKey> keys = new HashSet<>();
    for (Approval a : approvals) {
      if (a.status() == Approval.Status.APPROVED) {
        keys.add(new ActionKey(a.action(), a.host()));
      }
    }
    return Set.copyOf(keys);
  }

  private void requestApproval(PolicySpec spec, String host, String check, Entry entry, Instant now) {
    String id = "ap-" + spec.policy().name() + "-" + host + "-" + (entry == null ? 0 : firstProblem(entry).getEpochSecond());
    if (store.approval(id).isPresent()) {
      return;
    }
    Approval a = new Approval(id, spec.policy().name(), spec.policy().action(), host, check, render(spec, host, check),
        now, now.plus(spec.policy().approvalDeadline()), Approval.Status.PENDING, null, null, null);
    store.putApproval(a);
    timeline(new TimelineEvent(0, now, Kind.APPROVAL, host, check, "", who, "approval requested: " + id,
        "policy " + spec.policy().name() + " in approve mode; deadline " + a.deadline(), Map.of("command", a.command())));
  }

  private void useApproval(PolicySpec spec, String host) {
    for (Approval a : store.approvals()) {
      if (a.status() == Approval.Status.APPROVED && a.policy().equals(spec.policy().name()) && a.host().equals(host)) {
        store.putApproval(a.decide(Approval.Status.USED, a.by(), clock.instant(), a.comment()));
      }
    }
    refreshApprovals();
  }

  private void expireApprovals(Instant now) {
    List<Approval> all = store.approvals();
    approved = approvedIn(all);
    if (!leader) {
      return;
    }
    for (Approval a : all) {
      if (a.status() == Approval.Status.PENDING && a.deadline() != null && !now.isBefore(a.deadline())) {
        store.putApproval(a.decide(Approval.Status.EXPIRED, "planner", now, "deadline passed"));
        timeline(TimelineEvent.of(now, Kind.APPROVAL, a.host(), a.check(), who, "approval expired: " + a.id(),
            "no operator decided before " + a.deadline() + "; nothing was done"));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // PlannerOperations

  @Override
  public List<CheckView> states(String host) {
    List<CheckView> views = new ArrayList<>();
    synchronized (lock) {
      for (Map.Entry<String, Entry> en : entries.entrySet()) {
        String h = en.getKey().substring(0, en.getKey().indexOf('/'));
        if (host != null && !host.equals(h)) {
          continue;
        }
        CheckHealth c = en.getValue().health;
        String check = en.getKey().substring(en.getKey().indexOf('/') + 1);
        views.add(new CheckView(h, check, c.state().name(), c.type().name(), c.attempt(),
            settings.healthOf(check).maxCheckAttempts(), c.flapping(), c.stale(), en.getValue().suppressedBy,
            c.lastResultAt(), en.getValue().output));
      }
    }
    views.sort(Comparator.comparing(CheckView::host).thenComparing(CheckView::check));
    return views;
  }

  /** Every check's health, for metrics: {@code host/check} → entry view. */
  List<CheckView> allStates() {
    return states(null);
  }

  @Override
  public List<TimelineEvent> timeline(TimelineQuery query) {
    writer.flush();
    return store.timeline(query);
  }

  @Override
  public List<ActionRecord> actions(TimelineQuery query) {
    return store.actions(query);
  }

  @Override
  public List<PolicyView> policies() {
    return settings.policies().stream().map(s -> {
      Policy p = s.policy();
      return new PolicyView(p.name(), s.forEvent() ? "event:" + s.event() : "check:" + p.check(),
          p.on().stream().map(Enum::name).sorted().toList(), p.action(), p.mode().name().toLowerCase(Locale.ROOT)
              .replace('_', '-'), p.tier(), p.budget().maxAttempts(), p.budget().window(), p.budget().initialBackoff(),
          p.budget().resetAfterHealthy());
    }).toList();
  }

  @Override
  public LeaderView leader() {
    return new LeaderView(settings.node(), leader, term, storeName);
  }

  @Override
  public Hold createHold(HoldRequest r, String by) {
    if (r == null) {
      throw new IllegalArgumentException("a hold needs a body");
    }
    if (r.duration() == null || r.duration().isNegative() || r.duration().isZero()) {
      throw new IllegalArgumentException("duration: a hold needs a positive duration (holds always expire)");
    }
    if (r.duration().compareTo(Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException("duration: at most 7 days (" + r.duration() + " asked)");
    }
    if (r.host() != null && !settings.hostRoles().isEmpty() && !settings.hostRoles().containsKey(r.host())) {
      throw new IllegalArgumentException("host: '" + r.host() + "' is not an inventory host");
    }
    if (r.action() != null && !settings.remediations().containsKey(r.action())) {
      throw new IllegalArgumentException("action: no remediation named '" + r.action() + "'");
    }
    Instant now = clock.instant();
    String id = r.id() == null || r.id().isBlank() ? "hold-" + UUID.randomUUID().toString().substring(0, 8) : r.id();
    Hold hold = new Hold(id, r.host(), r.role(), r.cluster(), r.action(), now.plus(r.duration()), r.reason(), by);
    store.putHold(hold);
    holds = store.holds(now);
    metrics.holds(holds.size());
    appendNow(new TimelineEvent(0, now, Kind.HOLD, r.host(), "", "", "api:" + by, "hold created: " + id,
        hold.describe(), Map.of()));
    return hold;
  }

  @Override
  public List<Hold> holds() {
    return store.holds(clock.instant());
  }

  @Override
  public void endHold(String id, String by) {
    Instant now = clock.instant();
    if (!store.endHold(id, now, by)) {
      throw new NoSuchElementException("no active hold '" + id + "'");
    }
    holds = store.holds(now);
    metrics.holds(holds.size());
    appendNow(TimelineEvent.of(now, Kind.HOLD, "", "", "api:" + by, "hold ended: " + id, "ended by " + by));
    tick();
  }

  @Override
  public List<Approval> approvals() {
    List<Approval> all = new ArrayList<>(store.approvals());
    all.sort(Comparator.comparing(Approval::requestedAt, Comparator.nullsLast(Comparator.reverseOrder())));
    return all;
  }

  @Override
  public Approval decideApproval(String id, boolean approve, String by, String comment) {
    Approval a = store.approval(id).orElseThrow(() -> new NoSuchElementException("no approval request '" + id + "'"));
    Instant now = clock.instant();
    if (a.status() != Approval.Status.PENDING) {
      throw new IllegalStateException("approval " + id + " is " + a.status().name().toLowerCase(Locale.ROOT)
          + ", not pending");
    }
    if (a.deadline() != null && !now.isBefore(a.deadline())) {
      store.putApproval(a.decide(Approval.Status.EXPIRED, "planner", now, "deadline passed"));
      throw new IllegalStateException("approval " + id + " expired at " + a.deadline());
    }
    Approval decided = a.decide(approve ? Approval.Status.APPROVED : Approval.Status.REJECTED, by, now, comment);
    store.putApproval(decided);
    refreshApprovals();
    appendNow(new TimelineEvent(0, now, Kind.APPROVAL, a.host(), a.check(), "", "api:" + by,
        (approve ? "approved: " : "rejected: ") + id, comment == null ? "" : comment, Map.of("command", a.command())));
    if (approve) {
      decide(List.of(a.host() + "/" + a.check()));
    }
    return decided;
  }

  @Override
  public TimelineEvent event(String host, String name, Map<String, String> params, String by) {
    if (host == null || !HOST.matcher(host).matches()) {
      throw new IllegalArgumentException("host: '" + host + "' is not a host name");
    }
    if (!settings.hostRoles().isEmpty() && !settings.hostRoles().containsKey(host)) {
      throw new IllegalArgumentException("host: '" + host + "' is not an inventory host");
    }
    if (name == null || !EVENT.matcher(name).matches()) {
      throw new IllegalArgumentException("name: '" + name + "' (expected lower snake case)");
    }
    Map<String, String> p = params == null ? Map.of() : params;
    for (var e : p.entrySet()) {
      if (!CHECK.matcher(e.getKey()).matches() || e.getValue() == null || !PARAM_VALUE.matcher(e.getValue()).matches()) {
        throw new IllegalArgumentException("params." + e.getKey() + ": only [A-Za-z0-9@._:/-] up to 128 characters");
      }
    }
    Instant now = clock.instant();
    TimelineEvent recorded = appendNow(new TimelineEvent(0, now, Kind.EVENT, host, "", "", "api:" + by,
        "event " + name, "reported by " + by, p));
    for (PolicySpec spec : settings.policies()) {
      if (spec.forEvent() && spec.event().equals(name)) {
        eventPolicy(spec, host, name, p, now);
      }
    }
    return recorded;
  }

  private void eventPolicy(PolicySpec spec, String host, String name, Map<String, String> params, Instant now) {
    Map<String, String> merged = new LinkedHashMap<>(spec.params());
    merged.putAll(params);
    PolicySpec withParams = new PolicySpec(spec.policy(), spec.event(), merged, spec.timeout(), spec.verifyDeadline(),
        spec.recheck(), spec.targets());
    String why = "event " + name + " on " + host;
    // the event's own host, or the policy's targets one at a time (a cache tier node by node);
    // each held, or still running this action, on its own
    List<String> hosts = spec.targets().isEmpty() ? List.of(host) : spec.targets();
    Policy.Mode mode = spec.policy().mode();
    List<String> free = new ArrayList<>();
    for (String t : hosts) {
      String checkKey = t + "/event:" + name;
      var held = Hold.blocking(holds, new Hold.Target(t, settings.hostRoles().getOrDefault(t, Set.of()),
          settings.hostCluster().get(t), spec.policy().action()), now);
      if (held.isPresent()) {
        record(checkKey, spec.policy().name(), "held", "blocked by " + held.get().describe(), now, t, "");
      } else if (mode == Policy.Mode.OBSERVE || mode == Policy.Mode.DRY_RUN) {
        record(checkKey, spec.policy().name(), mode == Policy.Mode.DRY_RUN ? "dry_run" : "observe",
            "would run " + render(withParams, t, "") + " after " + why, now, t, "");
      } else if (inFlight.contains(new ActionKey(spec.policy().action(), t))) {
        record(checkKey, spec.policy().name(), "in_progress", spec.policy().action() + " on " + t + " is running",
            now, t, "");
      } else {
        free.add(t);
      }
    }
    if (free.isEmpty()) {
      return;
    }
    if (!leader || executor == null) {
      record(host + "/event:" + name, spec.policy().name(), "not_leader", "not the leader: the leader acts", now,
          host, "");
      return;
    }
    metrics.decision("act");
    executor.submitInTurn(withParams, free, why, now);
  }

  @Override
  public boolean alert(AlertNotice alert) {
    if (alert == null || alert.fingerprint() == null || alert.fingerprint().isBlank()) {
      throw new IllegalArgumentException("alert: a fingerprint is required");
    }
    String status = alert.status() == null ? "" : alert.status();
    if (!status.equals("firing") && !status.equals("resolved")) {
      throw new IllegalArgumentException("alert " + alert.fingerprint() + ": status '" + status
          + "' (expected firing or resolved)");
    }
    String startKey = alert.startsAt() == null ? "" : alert.startsAt().toString();
    if (!alertsSeen.add(alert.fingerprint() + "|" + status + "|" + startKey)) {
      metrics.alert("duplicate");
      return false;
    }
    metrics.alert("accepted");
    Map<String, String> labels = alert.labels() == null ? Map.of() : alert.labels();
    String host = labels.getOrDefault("host", "");
    String check = labels.getOrDefault("check", "");
    Instant now = clock.instant();
    appendNow(new TimelineEvent(0, now, Kind.ALERT, host, check, "", "alertmanager",
        labels.getOrDefault("alertname", "alert") + " " + status, alert.annotations() == null ? ""
        : alert.annotations().getOrDefault("summary", ""), Map.of("fingerprint", alert.fingerprint())));
    if (HOST.matcher(host).matches() && CHECK.matcher(check).matches()) {
      // a secondary trigger: counts like a result of the check, only when the agent's own are missing
      synchronized (lock) {
        Entry e = entries.get(host + "/" + check);
        if (e != null && !e.health.stale()) {
          return true;
        }
      }
      CheckState state = status.equals("firing")
          ? "warning".equals(labels.get("severity")) ? CheckState.WARNING : CheckState.CRITICAL : CheckState.OK;
      ingest(host, check, state, "alertmanager: " + labels.getOrDefault("alertname", "") + " " + status, now,
          "alertmanager");
    }
    return true;
  }

  static String describe(Set<CheckHealth.Event> events) {
    if (events.isEmpty()) {
      return "fresh result after staleness";
    }
    return String.join(", ", events.stream().map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', ' ')).toList());
  }

  static String bound(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= 1024 ? s : s.substring(0, 1024) + "...";
  }
}
