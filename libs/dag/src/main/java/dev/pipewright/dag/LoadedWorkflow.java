package dev.pipewright.dag;

import dev.pipewright.parser.spec.JobSpec;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A workflow parsed and planned: the spec for running steps, the plan for ordering jobs.
 *
 * @param spec the top-level workflow
 * @param plan every job of the build, the called workflows' jobs included
 * @param jobs every job of the plan by id, with the file it comes from
 */
public record LoadedWorkflow(WorkflowSpec spec, Plan plan, Map<String, PlacedJob> jobs) {

  public LoadedWorkflow {
    jobs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(jobs));
  }

  /** A workflow whose calls are not expanded: each job stands for itself. */
  public LoadedWorkflow(WorkflowSpec spec, Plan plan) {
    this(spec, plan, topLevel(spec));
  }

  /** The job with this id in the build. */
  public PlacedJob placed(String id) {
    PlacedJob job = jobs.get(id);
    if (job == null) {
      throw new NoSuchElementException("no job '" + id + "' in this build");
    }
    return job;
  }

  /** The job as written in its file. */
  public JobSpec job(String id) {
    return placed(id).job();
  }

  /**
   * The call made by the caller instance {@code key} (a row of a calling job).
   *
   * @throws NoSuchElementException when no call has that key
   */
  public Call call(String key) {
    for (PlacedJob job : jobs.values()) {
      if (job.call() != null && job.call().key().equals(key)) {
        return job.call();
      }
    }
    throw new NoSuchElementException("no call '" + key + "' in this build");
  }

  private static Map<String, PlacedJob> topLevel(WorkflowSpec spec) {
    Map<String, PlacedJob> jobs = new LinkedHashMap<>();
    spec.jobs().values().forEach(j -> jobs.put(j.id(), PlacedJob.top(j, spec)));
    return jobs;
  }
}
