package dev.pipewright.models;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which job instances a re-run of a finished build runs again, as GitHub's "Re-run all jobs" and
 * "Re-run failed jobs" choose them (docs: actions/managing-workflow-runs/re-running-workflows-and-
 * jobs): all of them, or every failed or cancelled instance together with every instance that
 * depends on one through {@code needs}, directly or not — a dependent that was skipped because of
 * the failure runs this time, and one that ran reads outputs that may change. Instances that
 * succeeded outside that set keep their result and outputs.
 */
public final class RerunSelection {
  private RerunSelection() {}

  /**
   * One stored instance: its key, its workflow job id and the job ids it waits for. The instances
   * of a matrix share their job id; a calling job waits for the jobs it calls, so re-running a
   * called job re-runs its caller.
   */
  public record Instance(String key, String jobId, List<String> needs, JobStatus status) {
    public Instance {
      needs = List.copyOf(needs);
    }
  }

  /** The keys to run again, in the order given; empty when there is nothing to re-run. */
  public static Set<String> select(List<Instance> instances, boolean failedOnly) {
    Set<String> keys = new LinkedHashSet<>();
    if (!failedOnly) {
      instances.forEach(i -> keys.add(i.key()));
      return keys;
    }
    Map<String, Set<String>> dependentsOf = new HashMap<>();
    for (Instance i : instances) {
      for (String need : i.needs()) {
        dependentsOf.computeIfAbsent(need, n -> new HashSet<>()).add(i.jobId());
      }
    }
    Deque<String> pending = new ArrayDeque<>();
    for (Instance i : instances) {
      if (failedOrCancelled(i)) {
        pending.add(i.jobId());
      }
    }
    // Only what lies downstream of a failure runs whole: of a failed matrix job the cells that
    // succeeded keep their result, as GitHub re-runs each failed cell on its own.
    Set<String> downstream = new HashSet<>();
    while (!pending.isEmpty()) {
      for (String dependent : dependentsOf.getOrDefault(pending.poll(), Set.of())) {
        if (downstream.add(dependent)) {
          pending.add(dependent);
        }
      }
    }
    for (Instance i : instances) {
      if (failedOrCancelled(i) || downstream.contains(i.jobId())) {
        keys.add(i.key());
      }
    }
    return keys;
  }

  private static boolean failedOrCancelled(Instance i) {
    return i.status() == JobStatus.FAILED || i.status() == JobStatus.CANCELLED;
  }
}
