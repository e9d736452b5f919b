package dev.pipewright.dag;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import java.util.TreeSet;
import org.jgrapht.Graph;
import org.jgrapht.alg.connectivity.KosarajuStrongConnectivityInspector;
import org.jgrapht.graph.DefaultDirectedGraph;
import org.jgrapht.graph.DefaultEdge;

/**
 * The job dependency graph of one workflow, on JGraphT. An edge {@code a → b} means "a needs b", so
 * a cycle reads the way the YAML does.
 *
 * <p>Batches come from one Kahn pass that gives every job its depth (1 + the deepest job it needs):
 * O(V + E) in total, instead of rescanning the remaining jobs for every batch. Strongly connected
 * components are only computed when that pass leaves jobs behind, i.e. on a cycle.
 */
final class JobGraph {

  /** Something that makes the workflow unplannable, attached to the job whose needs cause it. */
  record Problem(String jobId, String message, String hint) {}

  /** Either batches (no problems) or the problems, in source order of the jobs concerned. */
  record Result(List<List<String>> batches, List<Problem> problems) {}

  private final Graph<String, DefaultEdge> graph = new DefaultDirectedGraph<>(DefaultEdge.class);
  private final Map<String, Integer> order = new HashMap<>();

  private JobGraph() {}

  /**
   * Analyses jobs given in source order as id → needs.
   *
   * @param needsById every job id with the ids it needs, in source order
   */
  static Result analyze(SequencedMap<String, List<String>> needsById) {
    JobGraph g = new JobGraph();
    for (String id : needsById.keySet()) {
      g.order.put(id, g.order.size());
      g.graph.addVertex(id);
    }
    List<Problem> problems = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : needsById.entrySet()) {
      for (String need : e.getValue()) {
        if (g.order.containsKey(need)) {
          g.graph.addEdge(e.getKey(), need);
        } else {
          problems.add(
              new Problem(
                  e.getKey(),
                  "job '" + e.getKey() + "' needs unknown job '" + need + "'",
                  "jobs in this workflow: " + knownJobs(needsById.keySet())));
        }
      }
    }
    List<List<String>> batches = g.layer();
    if (batches == null) {
      problems.addAll(g.cycles());
      problems.sort(Comparator.comparingInt(p -> g.order.get(p.jobId())));
    }
    return problems.isEmpty() ? new Result(batches, List.of()) : new Result(null, problems);
  }

  /** The batches, or null when a cycle keeps some jobs from ever becoming ready. */
  private List<List<String>> layer() {
    int n = order.size();
    Map<String, Integer> pending = new HashMap<>(n * 2);
    Map<String, Integer> depth = new HashMap<>(n * 2);
    ArrayDeque<String> ready = new ArrayDeque<>();
    for (String v : graph.vertexSet()) {
      int needs = graph.outDegreeOf(v);
      if (needs == 0) {
        ready.add(v);
        depth.put(v, 0);
      } else {
        pending.put(v, needs);
      }
    }
    List<List<String>> batches = new ArrayList<>();
    int placed = 0;
    while (!ready.isEmpty()) {
      String v = ready.poll();
      int d = depth.get(v);
      while (batches.size() <= d) {
        batches.add(new ArrayList<>());
      }
      batches.get(d).add(v);
      placed++;
      for (DefaultEdge in : graph.incomingEdgesOf(v)) {
        String dependent = graph.getEdgeSource(in);
        depth.merge(dependent, d + 1, Math::max);
        if (pending.merge(dependent, -1, Integer::sum) == 0) {
          ready.add(dependent);
        }
      }
    }
    if (placed < n) {
      return null;
    }
    List<List<String>> sorted = new ArrayList<>(batches.size());
    for (List<String> batch : batches) {
      batch.sort(null);
      sorted.add(List.copyOf(batch));
    }
    return List.copyOf(sorted);
  }

  /**
   * One problem per cycle-bearing strongly connected component, naming the shortest cycle through
   * its first job in source order. Listing every simple cycle could be exponential; one named cycle
   * per component is what a person needs to break it.
   */
  private List<Problem> cycles() {
    List<Problem> problems = new ArrayList<>();
    for (Set<String> component :
        new KosarajuStrongConnectivityInspector<>(graph).stronglyConnectedSets()) {
      String start = component.stream().min(Comparator.comparingInt(order::get)).orElseThrow();
      if (component.size() == 1 && !graph.containsEdge(start, start)) {
        continue;
      }
      problems.add(
          new Problem(
              start,
              "dependency cycle: " + String.join(" → ", shortestCycle(start, component)),
              "each job needs the next one, so none of them can start; remove one of these needs"));
    }
    return problems;
  }

  /** Breadth-first from {@code start} along needs inside its component, back to {@code start}. */
  private List<String> shortestCycle(String start, Set<String> component) {
    Map<String, String> parent = new LinkedHashMap<>();
    ArrayDeque<String> queue = new ArrayDeque<>();
    queue.add(start);
    Set<String> seen = new HashSet<>();
    seen.add(start);
    String last = null;
    while (!queue.isEmpty() && last == null) {
      String v = queue.poll();
      for (String need : sortedNeeds(v)) {
        if (need.equals(start)) {
          last = v;
          break;
        }
        if (component.contains(need) && seen.add(need)) {
          parent.put(need, v);
          queue.add(need);
        }
      }
    }
    List<String> path = new ArrayList<>();
    path.add(start);
    for (String v = last; !v.equals(start); v = parent.get(v)) {
      path.add(1, v);
    }
    path.add(start);
    return path;
  }

  /** Needs in source order, so the named cycle does not depend on hash order. */
  private List<String> sortedNeeds(String v) {
    List<String> needs = new ArrayList<>();
    for (DefaultEdge e : graph.outgoingEdgesOf(v)) {
      needs.add(graph.getEdgeTarget(e));
    }
    needs.sort(Comparator.comparingInt(order::get));
    return needs;
  }

  private static String knownJobs(Set<String> ids) {
    TreeSet<String> sorted = new TreeSet<>(ids);
    int limit = 20;
    if (sorted.size() <= limit) {
      return String.join(", ", sorted);
    }
    return String.join(", ", sorted.stream().limit(limit).toList())
        + " … ("
        + (sorted.size() - limit)
        + " more)";
  }
}
