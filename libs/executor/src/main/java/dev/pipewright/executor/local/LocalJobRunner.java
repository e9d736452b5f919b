package dev.pipewright.executor.local;

import dev.pipewright.executor.LogSink;
import dev.pipewright.executor.engine.EngineJobRunner;
import dev.pipewright.executor.host.JobHostFactory;
import dev.pipewright.executor.host.process.ProcessHostFactory;

/**
 * Runs jobs on this machine: the job engine over process hosts, each job instance in a workspace of
 * its own, {@code <root>/<workspace>/<job>/} (see {@link ProcessHostFactory}). Jobs run in parallel
 * up to {@link LocalRunnerConfig#maxParallelJobs()}, over all builds.
 *
 * <p>Jobs die with the worker: after a restart, {@link #attach} reports a job that an earlier
 * worker started as {@link dev.pipewright.executor.JobSnapshot.Phase#LOST}.
 */
public final class LocalJobRunner extends EngineJobRunner {

  public LocalJobRunner(LocalRunnerConfig config, LogSink sink) {
    this(config, sink, new ProcessHostFactory(config.workspaceRoot(), config.inheritedEnv()));
  }

  /**
   * With other hosts than processes (a factory that runs {@code container:} jobs in containers).
   */
  public LocalJobRunner(LocalRunnerConfig config, LogSink sink, JobHostFactory hosts) {
    super("local", config.engine(), config.maxParallelJobs(), hosts, sink);
  }
}
