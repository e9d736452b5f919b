package dev.pipewright.pipeline.worker;

import dev.pipewright.kubernetes.PipelineRuns;
import dev.pipewright.kubernetes.operator.PipelineRunOperator;
import dev.pipewright.kubernetes.operator.PipelineRunReconciler;
import dev.pipewright.kubernetes.runner.KubernetesRunnerConfig;
import dev.pipewright.models.CiException;
import dev.pipewright.pipeline.orchestrator.BuildLoops;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRunSpec;
import dev.pipewright.store.BuildRepository;
import dev.pipewright.store.BuildView;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Kubernetes mode ({@code executor: kubernetes}) adds to a worker besides its runner: each
 * claimed build's PipelineRun, and the PipelineRun operator, whose events trigger passes of the
 * build loops (the loops stay the only driver). Runs, Jobs, Pods and Secrets carry the
 * installation's label ({@code kubernetes.installation}) and only those are watched, so
 * installations sharing a namespace leave each other's builds alone.
 */
final class WorkerPipelineRuns {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerPipelineRuns.class);

  private final KubernetesClient client;
  private final KubernetesRunnerConfig settings;

  WorkerPipelineRuns(KubernetesClient client, KubernetesRunnerConfig settings) {
    this.client = client;
    this.settings = settings;
  }

  KubernetesClient client() {
    return client;
  }

  /**
   * Starts the operator over the installation's runs in the worker's namespace.
   *
   * @param serverSideApply whether it writes finalizers and status with server-side apply
   */
  PipelineRunOperator startOperator(
      BuildRepository builds, BuildLoops loops, boolean serverSideApply) {
    String namespace = settings.namespace();
    String installation = settings.installation();
    PipelineRunOperator operator =
        PipelineRunOperator.start(
            client,
            namespace,
            new PipelineRunReconciler(new WorkerBuildReconciler(builds, loops), installation),
            serverSideApply);
    LOG.info(
        "PipelineRun operator watching namespace {}, installation {}", namespace, installation);
    return operator;
  }

  /** Creates a claimed build's PipelineRun, from the row the claim returned; never throws. */
  void ensurePipelineRun(BuildView build) {
    String buildId = build.id().toString();
    PipelineRunSpec spec = new PipelineRunSpec(buildId);
    spec.setPipelineId(build.pipelineId());
    spec.setRepository(build.repositoryUrl());
    spec.setRef(build.repositoryRef());
    spec.setSha(build.repositorySha());
    spec.setRunAttempt(build.runAttempt());
    try {
      PipelineRuns.ensure(client, settings.namespace(), settings.installation(), spec);
    } catch (KubernetesClientException | CiException e) {
      // The runner ensures it again before the build's first Job.
      LOG.warn("build {}: cannot create its PipelineRun yet: {}", buildId, e.getMessage());
    }
  }
}
