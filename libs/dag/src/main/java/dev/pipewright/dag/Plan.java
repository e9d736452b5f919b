package dev.pipewright.dag;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a workflow runs and in which order.
 *
 * <p>Scheduling works at the level of workflow jobs: a job that {@code needs} a matrix job waits
 * for <em>every</em> instance of it, as on GitHub. {@link #ready} answers "which jobs may start"
 * from the set of finished job ids; it is a pure function, so an orchestrator can call it on every
 * reconcile pass with what it observed, without keeping progress in memory. Deciding when a matrix
 * job is finished (all of its instances done) and how many instances run at once ({@code
 * max-parallel}) is the orchestrator's job; {@link #readyInstances} does the same reasoning on
 * instance keys for orchestrators that track instances only.
 *
 * @param batches workflow job ids grouped so that every job's needs are in earlier batches; each
 *     job sits in the earliest batch it can, ids are sorted within a batch. Running batch after
 *     batch is correct but slower than {@link #ready}, which starts a job as soon as its own needs
 *     are done.
 * @param jobs every job, in source order
 */
public record Plan(List<List<String>> batches, List<PlannedJob> jobs) {

  public Plan {
    batches = batches.stream().map(List::copyOf).toList();
    jobs = JobIndex.of(jobs);
  }

  /**
   * The job with this id.
   *
   * @throws NoSuchElementException when the workflow has no such job
   */
  public PlannedJob job(String id) {
    PlannedJob job = index().byId(id);
    if (job == null) {
      throw new NoSuchElementException("no job '" + id + "' in this plan");
    }
    return job;
  }

  /**
   * The jobs that may start now: not finished, and every job they need is finished. Finished means
   * done in any way the caller decides lets dependents go ahead (GitHub skips dependents of a
   * failed job unless their {@code if:} says otherwise; that rule belongs to the caller). Cost is
   * proportional to the jobs without needs plus the dependents of the finished jobs, not to the
   * whole workflow.
   *
   * @return sorted job ids
   */
  public SortedSet<String> ready(Set<String> finishedJobIds) {
    TreeSet<String> ready = new TreeSet<>();
    for (String root : index().roots()) {
      if (!finishedJobIds.contains(root)) {
        ready.add(root);
      }
    }
    for (String done : finishedJobIds) {
      if (index().byId(done) == null) {
        continue;
      }
      for (String candidate : index().dependents(done)) {
        if (!finishedJobIds.contains(candidate)
            && !ready.contains(candidate)
            && finishedJobIds.containsAll(index().byId(candidate).needs())) {
          ready.add(candidate);
        }
      }
    }
    return Collections.unmodifiableSortedSet(ready);
  }

  /**
   * {@link #ready} on instance keys: the instances that may start now. A job's needs are met when
   * every instance of every needed job is finished. A job whose matrix is only known at run time
   * has no instance keys here, so it stands for itself: it is returned by its job id, and counts as
   * finished when its job id is in {@code finishedKeys}.
   *
   * @return instance keys (or job ids of dynamic jobs), sorted
   */
  public SortedSet<String> readyInstances(Set<String> finishedKeys) {
    Set<String> finishedJobs = new HashSet<>();
    for (PlannedJob job : jobs) {
      if (finished(job, finishedKeys)) {
        finishedJobs.add(job.id());
      }
    }
    TreeSet<String> ready = new TreeSet<>();
    for (PlannedJob job : jobs) {
      if (!finishedJobs.containsAll(job.needs())) {
        continue;
      }
      if (job.dynamic()) {
        if (!finishedKeys.contains(job.id())) {
          ready.add(job.id());
        }
        continue;
      }
      for (JobInstance instance : job.instances()) {
        if (!finishedKeys.contains(instance.key())) {
          ready.add(instance.key());
        }
      }
    }
    return Collections.unmodifiableSortedSet(ready);
  }

  /**
   * Every job that directly or transitively needs {@code id}: what can no longer run when it fails,
   * unless an {@code if:} says otherwise.
   *
   * @return job ids in breadth-first order from {@code id}
   */
  public Set<String> downstreamOf(String id) {
    job(id);
    LinkedHashSet<String> seen = new LinkedHashSet<>();
    ArrayDeque<String> queue = new ArrayDeque<>(List.of(id));
    while (!queue.isEmpty()) {
      for (String dependent : index().dependents(queue.poll())) {
        if (seen.add(dependent)) {
          queue.add(dependent);
        }
      }
    }
    return Collections.unmodifiableSet(seen);
  }

  /** Number of runnable instances known before the run (dynamic matrices not counted). */
  public int instanceCount() {
    int count = 0;
    for (PlannedJob job : jobs) {
      count += job.dynamic() ? 0 : job.instances().size();
    }
    return count;
  }

  private static boolean finished(PlannedJob job, Set<String> finishedKeys) {
    if (job.dynamic()) {
      return finishedKeys.contains(job.id());
    }
    for (JobInstance instance : job.instances()) {
      if (!finishedKeys.contains(instance.key())) {
        return false;
      }
    }
    return true;
  }

  private JobIndex index() {
    return (JobIndex) jobs;
  }
}
