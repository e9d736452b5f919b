package dev.pipewright.dag;

import java.util.List;
import java.util.NoSuchElementException;

/**
 * What a workflow runs and in which order.
 *
 * <p>Scheduling works at the level of workflow jobs: a job that {@code needs} a matrix job waits
 * for <em>every</em> instance of it, as on GitHub. Which jobs may be decided on a given pass is
 * {@link JobGraph#candidates}, a pure function of the needs and the finished jobs; deciding when a
 * matrix job is finished and how many instances run at once ({@code max-parallel}) is the
 * orchestrator's job.
 *
 * @param batches workflow job ids grouped so that every job's needs are in earlier batches; each
 *     job sits in the earliest batch it can, ids are sorted within a batch. Running batch after
 *     batch is correct but slower than starting a job as soon as its own needs are done.
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
    PlannedJob job = ((JobIndex) jobs).byId(id);
    if (job == null) {
      throw new NoSuchElementException("no job '" + id + "' in this plan");
    }
    return job;
  }
}
