package dev.pipewright.kubernetes.it;

import static org.awaitility.Awaitility.await;

import dev.pipewright.kubernetes.runner.KubeNames;
import dev.pipewright.pipelinerun.v1alpha1.Phase;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRun;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRunStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;

/** A build's objects as the integration tests read them from the API server. */
final class BuildObjects {
  private BuildObjects() {}

  /** The build's PipelineRun, or null. */
  static PipelineRun run(KubernetesClient client, String namespace, String buildId) {
    return client
        .resources(PipelineRun.class)
        .inNamespace(namespace)
        .withName(PipelineRun.nameFor(buildId))
        .get();
  }

  /** The build's Jobs, whichever installation made them. */
  static List<Job> jobs(KubernetesClient client, String namespace, String buildId) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(namespace)
        .withLabel(KubeNames.BUILD_LABEL, buildId)
        .list()
        .getItems();
  }

  /** The run's status once its phase is {@code phase}. */
  static PipelineRunStatus awaitPhase(
      KubernetesClient client, String namespace, String buildId, Phase phase, Duration atMost) {
    return await()
        .atMost(atMost)
        .until(
            () -> {
              PipelineRun run = run(client, namespace, buildId);
              return run == null ? null : run.getStatus();
            },
            s -> s != null && s.getPhase() == phase);
  }
}
