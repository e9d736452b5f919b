package dev.pipewright.executor.host;

import dev.pipewright.executor.JobRun;

/**
 * Makes the {@link JobHost} of each job instance and owns what the hosts of a build share (the
 * directories of the process host, a volume). One per runner; thread-safe.
 */
public interface JobHostFactory extends AutoCloseable {

  /**
   * The host for one attempt of a job instance. Cheap and without side effects: the engine calls
   * {@link JobHost#prepare} on the job's own thread.
   *
   * @throws dev.pipewright.models.CiException PERMANENT when this factory cannot run the job at all
   *     (a {@code container:} job on a factory without a container engine), naming the job
   */
  JobHost open(JobRun run);

  /**
   * Whether this attempt of the job was prepared before, by this worker or by one that is gone: how
   * a successor tells a job it lost from one that never started.
   */
  boolean startedBefore(JobRun run);

  /** The build is over: deletes its workspaces and whatever else its jobs' hosts left. */
  void releaseBuild(String buildId);

  /** Frees what the factory holds itself (helper processes, clients). */
  @Override
  void close();
}
