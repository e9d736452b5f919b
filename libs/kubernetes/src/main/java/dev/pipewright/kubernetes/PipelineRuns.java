package dev.pipewright.kubernetes;

import dev.pipewright.pipelinerun.v1alpha1.PipelineRun;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRunSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;

/** Creating a build's PipelineRun: what the worker does when it claims a build. */
public final class PipelineRuns {
  private PipelineRuns() {}

  /**
   * The build's PipelineRun, created if absent (idempotent: a second call, or a concurrent one,
   * returns the existing run).
   */
  public static PipelineRun ensure(
      KubernetesClient client, String namespace, PipelineRunSpec spec) {
    String name = PipelineRun.nameFor(spec.getBuildId());
    var resource = client.resources(PipelineRun.class).inNamespace(namespace).withName(name);
    PipelineRun existing = resource.get();
    if (existing != null) {
      return existing;
    }
    PipelineRun run = new PipelineRun();
    run.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(namespace)
            .addToLabels("app.kubernetes.io/managed-by", "pipewright")
            .build());
    run.setSpec(spec);
    try {
      return client.resources(PipelineRun.class).inNamespace(namespace).resource(run).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return resource.get();
      }
      throw e;
    }
  }
}
