package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.RepositoryRef;
import dev.pipewright.executor.RuntimeServices;

/** Gives each job it starts the token and URL of the artifact and cache services. */
public interface JobServices {
  /** None: {@code pipewright run}, a worker with no results URL or no secret key. */
  JobServices NONE = (job, repository) -> null;

  /**
   * @return the job's services, or null for none
   */
  RuntimeServices forJob(JobRef job, RepositoryRef repository);
}
