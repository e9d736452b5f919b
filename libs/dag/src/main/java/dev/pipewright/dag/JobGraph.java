package dev.pipewright.dag;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
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
 * The job dependency graph of one workflow. An edge {@code a → b} means "a needs b", so a named
 * cycle reads the way the YAML does.
 *
 * <p>Two paths, because a valid workflow must plan fast (10,000 jobs and 30,000 needs in a few
 * milliseconds) while an invalid one must be explained well:
 *
 * <ul>
 *   <li>Batches come from one Kahn pass over int arrays that gives every job its depth (1 + the
 *       deepest job it needs): O(V + E) in total, instead of rescanning the remaining jobs for
 *       every batch. Building a JGraphT graph object per edge costs more than this whole pass.
 *   <li>When that pass leaves jobs behind there is a cycle: only those jobs go into a JGraphT
 *       graph, whose strongly connected components give every cycle at once, each then named by a
 *       shortest path.
 * </ul>
 */
final class JobGraph {

  /** Something that makes the workflow unplannable, attached to the job whose needs cause it. */
  record Problem(String jobId, String message, String hint) {}

  /** Either batches (no problems) or the problems, in source order of the jobs concerned. */
  record Result(List<List<String>> batches, List<Problem> problems) {}

  private final String[] ids;
  private final Map<String, Integer> order;

  /** Distinct known needs of each job, as indexes. */
  private final int[][] needs;

  private JobGraph(String[] ids, Map<String, Integer> order, int[][] needs) {
    this.ids = ids;
    this.order = order;
    this.needs = needs;
  }

  /**
   * Analyses jobs given in source order as id → needs.
   *
   * @param needsById every job id with the ids it needs, in source order
   */
  static Result analyze(SequencedMap<String, List<String>> needsById) {
    int n = needsById.size();
    String[] ids = needsById.keySet().toArray(String[]::new);
    Map<String, Integer> order = HashMap.newHashMap(n);
    for (int i = 0; i < n; i++) {
      order.put(ids[i], i);
    }
    List<Problem> problems = new ArrayList<>();
    int[][] needs = new int[n][];
    int v = 0;
    for (Map.Entry<String, List<String>> e : needsById.entrySet()) {
      List<String> names = e.getValue();
      int[] known = new int[names.size()];
      int count = 0;
      for (String need : names) {
        Integer index = order.get(need);
        if (index == null) {
          problems.add(
              new Problem(
                  e.getKey(),
                  "job '" + e.getKey() + "' needs unknown job '" + need + "'",
                  "jobs in this workflow: " + knownJobs(needsById.keySet())));
        } else if (!contains(known, count, index)) {
          known[count++] = index;
        }
      }
      needs[v++] = count == known.length ? known : Arrays.copyOf(known, count);
    }
    JobGraph g = new JobGraph(ids, order, needs);
    int[] depth = new int[n];
    int placed = g.depths(depth);
    if (placed < n) {
      problems.addAll(g.cycles(depth));
    }
    if (!problems.isEmpty()) {
      problems.sort(Comparator.comparingInt(p -> order.get(p.jobId())));
      return new Result(null, problems);
    }
    return new Result(g.batches(depth), List.of());
  }

  private static boolean contains(int[] values, int count, int value) {
    for (int i = 0; i < count; i++) {
      if (values[i] == value) {
        return true;
      }
    }
    return false;
  }

  /**
   * Kahn's algorithm from the jobs without needs towards their dependents, recording each job's
   * depth; jobs on or behind a cycle are never reached and keep depth -1.
   *
   * @return how many jobs were placed
   */
  private int depths(int[] depth) {
    int n = ids.length;
    // Dependents in compressed rows: those of job v are dependents[start[v] .. start[v + 1]).
    int[] start = new int[n + 1];
    for (int[] ns : needs) {
      for (int need : ns) {
        start[need + 1]++;
      }
    }
    for (int i = 0; i < n; i++) {
      start[i + 1] += start[i];
    }
    int[] dependents = new int[start[n]];
    int[] fill = Arrays.copyOf(start, n);
    int[] pending = new int[n];
    int[] queue = new int[n];
    int tail = 0;
    for (int v = 0; v < n; v++) {
      for (int need : needs[v]) {
        dependents[fill[need]++] = v;
      }
      pending[v] = needs[v].length;
      depth[v] = -1;
      if (pending[v] == 0) {
        depth[v] = 0;
        queue[tail++] = v;
      }
    }
    for (int head = 0; head < tail; head++) {
      int v = queue[head];
      for (int i = start[v]; i < start[v + 1]; i++) {
        int dependent = dependents[i];
        depth[dependent] = Math.max(depth[dependent], depth[v] + 1);
        if (--pending[dependent] == 0) {
          queue[tail++] = dependent;
        }
      }
    }
    for (int v = 0; v < n; v++) {
      if (pending[v] > 0) {
        // Reached from some placed needs, but waiting forever on a cycle.
        depth[v] = -1;
      }
    }
    return tail;
  }

  private List<List<String>> batches(int[] depth) {
    int levels = 0;
    for (int d : depth) {
      levels = Math.max(levels, d + 1);
    }
    List<List<String>> batches = new ArrayList<>(levels);
    for (int i = 0; i < levels; i++) {
      batches.add(new ArrayList<>());
    }
    for (int v = 0; v < ids.length; v++) {
      batches.get(depth[v]).add(ids[v]);
    }
    List<List<String>> sorted = new ArrayList<>(levels);
    for (List<String> batch : batches) {
      batch.sort(null);
      sorted.add(Collections.unmodifiableList(batch));
    }
    return Collections.unmodifiableList(sorted);
  }

  /**
   * One problem per cycle-bearing strongly connected component among the jobs Kahn's pass could not
   * place, naming the shortest cycle through its first job in source order. Listing every simple
   * cycle could be exponential; one named cycle per component is what a person needs to break it,
   * and fixing it reveals the next one.
   */
  private List<Problem> cycles(int[] depth) {
    Graph<String, DefaultEdge> graph = new DefaultDirectedGraph<>(DefaultEdge.class);
    for (int v = 0; v < ids.length; v++) {
      if (depth[v] < 0) {
        graph.addVertex(ids[v]);
      }
    }
    for (int v = 0; v < ids.length; v++) {
      if (depth[v] < 0) {
        for (int need : needs[v]) {
          if (depth[need] < 0) {
            graph.addEdge(ids[v], ids[need]);
          }
        }
      }
    }
    List<Problem> problems = new ArrayList<>();
    for (Set<String> component :
        new KosarajuStrongConnectivityInspector<>(graph).stronglyConnectedSets()) {
      String first = component.stream().min(Comparator.comparingInt(order::get)).orElseThrow();
      if (component.size() == 1 && !graph.containsEdge(first, first)) {
        continue;
      }
      problems.add(
          new Problem(
              first,
              "dependency cycle: " + String.join(" → ", shortestCycle(graph, first, component)),
              "each job needs the next one, so none of them can start; remove one of these needs"));
    }
    return problems;
  }

  /** Breadth-first from {@code start} along needs inside its component, back to {@code start}. */
  private List<String> shortestCycle(
      Graph<String, DefaultEdge> graph, String start, Set<String> component) {
    Map<String, String> parent = new LinkedHashMap<>();
    ArrayDeque<String> queue = new ArrayDeque<>();
    queue.add(start);
    Set<String> seen = new HashSet<>();
    seen.add(start);
    String last = null;
    while (!queue.isEmpty() && last == null) {
      String v = queue.poll();
      for (String need : sortedNeeds(graph, v)) {
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
  private List<String> sortedNeeds(Graph<String, DefaultEdge> graph, String v) {
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
