package dev.pipewright.dag;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SequencedMap;
import java.util.Set;
import java.util.TreeSet;
import org.jgrapht.Graph;
import org.jgrapht.alg.connectivity.KosarajuStrongConnectivityInspector;
import org.jgrapht.graph.DefaultDirectedGraph;
import org.jgrapht.graph.DefaultEdge;

/**
 * The job dependency graph of one workflow, and the one owner of its order: the planner's batches
 * and cycles, and the orchestrator's {@link #candidates} and {@link #upstreamOf}. An edge {@code a
 * → b} means "a needs b", so a named cycle reads the way the YAML does.
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
 *
 * <p>The scheduling queries are pure functions of the graph and what the caller observed, in the
 * shape of Tekton's {@code dag.GetCandidateTasks(graph, doneTasks...)} (tektoncd/pipeline,
 * pkg/reconciler/pipeline/dag/dag.go): an orchestrator asks them on every pass instead of keeping
 * progress in memory.
 */
public final class JobGraph {

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
    List<Problem> problems = new ArrayList<>();
    JobGraph g = build(needsById, problems);
    int[] depth = g.depthsOrCycles(problems);
    if (!problems.isEmpty()) {
      return new Result(null, problems);
    }
    return new Result(g.batches(depth), List.of());
  }

  /**
   * The graph of jobs given in source order as id → needs, for the scheduling queries.
   *
   * @throws IllegalArgumentException naming every need on an unknown job and every cycle (a plan
   *     has refused them already, so this is a caller's bug)
   */
  public static JobGraph of(SequencedMap<String, List<String>> needsById) {
    List<Problem> problems = new ArrayList<>();
    JobGraph g = build(needsById, problems);
    g.depthsOrCycles(problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          String.join("; ", problems.stream().map(Problem::message).toList()));
    }
    return g;
  }

  /**
   * The jobs that may be decided now, like Tekton's {@code GetCandidateTasks}: not done, and every
   * job they need is done. Done means finished in any way (succeeded, failed, cancelled, skipped);
   * whether a candidate then runs or is skipped is the caller's rule, from the results of its
   * needs. Ids unknown to the graph are ignored.
   *
   * @return job ids in source order
   */
  public List<String> candidates(Set<String> done) {
    List<String> candidates = new ArrayList<>();
    for (int v = 0; v < ids.length; v++) {
      if (!done.contains(ids[v]) && allDone(needs[v], done)) {
        candidates.add(ids[v]);
      }
    }
    return Collections.unmodifiableList(candidates);
  }

  private boolean allDone(int[] jobs, Set<String> done) {
    for (int job : jobs) {
      if (!done.contains(ids[job])) {
        return false;
      }
    }
    return true;
  }

  /**
   * Every job {@code id} needs, directly or transitively: the jobs whose failure its {@code
   * failure()} sees.
   *
   * @return job ids, breadth-first from {@code id}'s own needs
   * @throws NoSuchElementException when the graph has no such job
   */
  public Set<String> upstreamOf(String id) {
    Integer start = order.get(id);
    if (start == null) {
      throw new NoSuchElementException("no job '" + id + "' in this graph");
    }
    boolean[] seen = new boolean[ids.length];
    int[] queue = new int[ids.length];
    queue[0] = start;
    seen[start] = true;
    int tail = 1;
    for (int head = 0; head < tail; head++) {
      for (int need : needs[queue[head]]) {
        if (!seen[need]) {
          seen[need] = true;
          queue[tail++] = need;
        }
      }
    }
    LinkedHashSet<String> upstream = new LinkedHashSet<>();
    for (int i = 1; i < tail; i++) {
      upstream.add(ids[queue[i]]);
    }
    return Collections.unmodifiableSet(upstream);
  }

  /** The graph of {@code needsById}, adding a problem for every need on an unknown job. */
  private static JobGraph build(
      SequencedMap<String, List<String>> needsById, List<Problem> problems) {
    int n = needsById.size();
    String[] ids = needsById.keySet().toArray(String[]::new);
    Map<String, Integer> order = HashMap.newHashMap(n);
    for (int i = 0; i < n; i++) {
      order.put(ids[i], i);
    }
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
    return new JobGraph(ids, order, needs);
  }

  /**
   * Every job's depth; when some cannot be placed, adds the cycles to {@code problems}, which it
   * then sorts into source order of the jobs concerned.
   */
  private int[] depthsOrCycles(List<Problem> problems) {
    int[] depth = new int[ids.length];
    if (depths(depth) < ids.length) {
      problems.addAll(cycles(depth));
    }
    problems.sort(Comparator.comparingInt(p -> order.get(p.jobId())));
    return depth;
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
