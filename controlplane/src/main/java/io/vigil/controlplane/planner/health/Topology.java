package io.vigil.controlplane.planner.health;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What depends on what: web head → pgpool → PostgreSQL primary and replicas; Celery workers →
 * RabbitMQ; cache warmers → memcached; PDF workers and loaders → Gluster mount. Nodes are checks
 * named {@code host/check}. When a parent is failing, a failing child's symptom is caused by it:
 * the child is suppressed and the action goes to the root cause, the failing ancestor that has no
 * failing ancestor of its own.
 */
public final class Topology {

  private final Map<String, List<String>> parents;

  private Topology(Map<String, List<String>> parents) {
    this.parents = parents;
  }

  /**
   * @param dependsOn each node's direct parents
   * @throws IllegalArgumentException for a cycle, naming it ({@code a -> b -> a})
   */
  public static Topology of(Map<String, List<String>> dependsOn) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    dependsOn.forEach((node, ps) -> copy.put(node, List.copyOf(ps)));
    rejectCycles(copy);
    return new Topology(copy);
  }

  public static Topology empty() {
    return new Topology(Map.of());
  }

  public List<String> parents(String node) {
    return parents.getOrDefault(node, List.of());
  }

  /**
   * The root cause of {@code node}'s problem, if an ancestor is failing: the failing ancestors that
   * have no failing ancestor themselves, nearest first. Empty when no ancestor fails (the node is its
   * own root cause).
   */
  public List<String> rootCauses(String node, Predicate<String> failing) {
    List<String> roots = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Deque<String> queue = new ArrayDeque<>(parents(node));
    while (!queue.isEmpty()) {
      String candidate = queue.poll();
      if (!seen.add(candidate)) {
        continue;
      }
      if (failing.test(candidate) && ancestorsFailing(candidate, failing).isEmpty()) {
        roots.add(candidate);
      }
      queue.addAll(parents(candidate));
    }
    return roots;
  }

  /** The nearest failing root cause, if any. */
  public Optional<String> rootCause(String node, Predicate<String> failing) {
    return rootCauses(node, failing).stream().findFirst();
  }

  private List<String> ancestorsFailing(String node, Predicate<String> failing) {
    List<String> found = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Deque<String> queue = new ArrayDeque<>(parents(node));
    while (!queue.isEmpty()) {
      String p = queue.poll();
      if (seen.add(p)) {
        if (failing.test(p)) {
          found.add(p);
        }
        queue.addAll(parents(p));
      }
    }
    return found;
  }

  private static void rejectCycles(Map<String, List<String>> graph) {
    Map<String, Integer> color = new HashMap<>(); // 1 on the path, 2 done
    for (String start : graph.keySet()) {
      Deque<String> path = new ArrayDeque<>();
      visit(start, graph, color, path);
    }
  }

  private static void visit(String node, Map<String, List<String>> graph, Map<String, Integer> color, Deque<String> path) {
    Integer c = color.get(node);
    if (c != null && c == 2) {
      return;
    }
    if (c != null && c == 1) {
      List<String> cycle = new ArrayList<>();
      boolean in = false;
      for (String p : new LinkedHashSet<>(path)) {
        in |= p.equals(node);
        if (in) {
          cycle.add(p);
        }
      }
      cycle.add(node);
      throw new IllegalArgumentException("the topology has a cycle: " + String.join(" -> ", cycle));
    }
    color.put(node, 1);
    path.addLast(node);
    for (String parent : graph.getOrDefault(node, List.of())) {
      visit(parent, graph, color, path);
    }
    path.removeLast();
    color.put(node, 2);
  }
}
