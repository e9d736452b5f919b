package dev.pipewright.pipeline.worker;

import dev.pipewright.actions.ActionResolver;
import dev.pipewright.actions.GitRepositoryFiles;
import dev.pipewright.executor.JobRunner;
import dev.pipewright.executor.LogSink;
import dev.pipewright.executor.engine.EngineJobRunner;
import dev.pipewright.executor.engine.EngineSettings;
import dev.pipewright.executor.local.LocalJobRunner;
import dev.pipewright.executor.local.LocalRunnerConfig;
import dev.pipewright.kubernetes.pod.PodHostFactory;
import dev.pipewright.ops.config.Executor;
import dev.pipewright.pipeline.orchestrator.JobServices;
import dev.pipewright.pipeline.orchestrator.WorkflowSources;
import dev.pipewright.pipeline.sources.RepositoryWorkflowSources;
import dev.pipewright.secrets.SecretBox;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a worker runs jobs with, from its settings: the job runner of its executor, the sources of
 * remote actions and called workflows (both kept on the worker's disk, next to the jobs'
 * workspaces), and the runtime tokens its jobs get.
 */
final class WorkerRunners {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerRunners.class);

  private WorkerRunners() {}

  /**
   * The runner of {@code config.executor()}: the local runner, or the job engine on the pod host.
   *
   * @param kubernetes the cluster's client in Kubernetes mode, else null
   * @throws IllegalArgumentException for an executor that is neither
   */
  static JobRunner of(WorkerConfig config, KubernetesClient kubernetes, LogSink sink) {
    if (Executor.LOCAL.id().equals(config.executor())) {
      return new LocalJobRunner(
          LocalRunnerConfig.defaults(config.workspaceRoot())
              .withMaxParallelJobs(config.parallelism() * config.concurrentBuilds())
              .withActions(actions(config))
              .withNode(config.node()),
          sink);
    }
    if (config.kubernetesExecutor()) {
      return podRunner(kubernetes, config, sink);
    }
    throw new IllegalArgumentException(
        "PIPEWRIGHT_EXECUTOR="
            + config.executor()
            + " is neither local nor kubernetes; pass its runner to the builder");
  }

  /** The job engine on the pod host: the workspace volume is mounted at the workspace root. */
  static EngineJobRunner podRunner(KubernetesClient kubernetes, WorkerConfig config, LogSink sink) {
    EngineSettings engine =
        EngineSettings.defaults("pipewright-kubernetes").withActions(actions(config));
    return new EngineJobRunner(
        "kubernetes",
        engine,
        config.parallelism() * config.concurrentBuilds(),
        new PodHostFactory(
            kubernetes, config.kubernetes(), config.workspaceRoot(), engine.runnerName()),
        sink);
  }

  /** Runtime tokens for the jobs when there are a key to sign them and a URL to reach. */
  static JobServices jobServices(WorkerConfig config, Optional<SecretBox> secretBox) {
    if (secretBox.isEmpty() || config.resultsUrl().isEmpty()) {
      LOG.info(
          "worker {}: jobs get no ACTIONS_RUNTIME_TOKEN (artifacts and caches off): {}",
          config.workerId(),
          secretBox.isEmpty() ? "no secret key file" : "artifacts.results-url is empty");
      return JobServices.NONE;
    }
    LOG.info(
        "worker {}: jobs reach the artifact and cache services at {}",
        config.workerId(),
        config.resultsUrl());
    return RuntimeTokenIssuer.of(secretBox.get().keys(), config.resultsUrl());
  }

  /**
   * Called workflows fetched with git into a cache on the worker's disk, next to the jobs'
   * workspaces ({@code <workspace.root>/.pipewright/workflows}), from the configured actions URL.
   */
  static WorkflowSources calledWorkflows(WorkerConfig config) {
    Path cache = config.workspaceRoot().resolve(".pipewright").resolve("workflows");
    return new RepositoryWorkflowSources(
        new GitRepositoryFiles(cache, Duration.ofMinutes(2)), config.actions().url(), null);
  }

  /**
   * Remote actions fetched from the configured sources and kept once per SHA on the worker's disk
   * ({@code <workspace.root>/.pipewright/actions}; on Kubernetes the workspace volume), from where
   * each job gets its own copy.
   */
  static ActionResolver actions(WorkerConfig config) {
    return ActionResolver.onDisk(
        config.actions(),
        config.workspaceRoot().resolve(".pipewright").resolve("actions"),
        Duration.ofMinutes(2));
  }
}
