package dev.pipewright.executor.local;

import dev.pipewright.executor.LogSink;
import dev.pipewright.executor.engine.EngineJobRunner;
import dev.pipewright.executor.host.JobHostFactory;
import dev.pipewright.executor.host.container.ContainerHostFactory;
import dev.pipewright.executor.host.process.ProcessHostFactory;

/**
 * Runs jobs on this machine: the job engine over process hosts (container hosts for jobs with
 * {@code container:}), each job instance in a workspace of its own, {@code
 * <root>/<workspace>/<job>/} (see {@link ProcessHostFactory}). Jobs run in parallel up to {@link
 * LocalRunnerConfig#maxParallelJobs()}, over all builds.
 *
 * <p>Jobs die with the worker: after a restart, {@link #attach} reports a job that an earlier
 * worker started as {@link dev.pipewright.executor.JobSnapshot.Phase#LOST}.
 */
public final class LocalJobRunner extends EngineJobRunner {

  /**
   * A job that sets {@code container:} runs in a podman container over the same directories (see
   * {@link ContainerHostFactory}); every other job as processes.
   */
  public LocalJobRunner(LocalRunnerConfig config, LogSink sink) {
    this(
        config,
        sink,
        new ContainerHostFactory(
            new ProcessHostFactory(config.workspaceRoot(), config.inheritedEnv(), config.node()),
            config.engine().runnerName()));
  }

  /**
   * With other hosts than processes (a factory that runs {@code container:} jobs in containers).
   */
  public LocalJobRunner(LocalRunnerConfig config, LogSink sink, JobHostFactory hosts) {
    super("local", config.engine(), config.maxParallelJobs(), hosts, sink);
  }
}
