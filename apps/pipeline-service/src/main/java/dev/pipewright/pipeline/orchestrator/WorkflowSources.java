package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.dag.WorkflowSource;
import dev.pipewright.executor.RepositoryRef;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;

/** Where the workflows a build calls are read from, for the build's repository at its commit. */
@FunctionalInterface
public interface WorkflowSources {

  /** Reads no workflow: a build that calls one fails, saying so. */
  WorkflowSources NONE =
      repository ->
          ref -> {
            throw new CiException(
                ErrorCode.NOT_FOUND, "this worker has no source for called workflows");
          };

  WorkflowSource of(RepositoryRef repository);
}
