package dev.pipewright.kubernetes;

import dev.pipewright.kubernetes.runner.KubeNames;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRun;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRunSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.Map;

/** Creating a build's PipelineRun: what the worker does when it claims a build. */
public final class PipelineRuns {
  private PipelineRuns() {}

  /**
   * The build's PipelineRun, created if absent with the installation's labels (idempotent: a second
   * call, or a concurrent one, returns the existing run). An existing run whose spec names an
   * earlier run attempt than {@code spec} (the build was re-run) is raised to it, so its operator
   * mirrors the new attempt.
   *
   * @throws CiException CONFLICT when a run of that name exists but is not the installation's: its
   *     operator would never see this build's progress
   */
  public static PipelineRun ensure(
      KubernetesClient client, String namespace, String installation, PipelineRunSpec spec) {
    String name = PipelineRun.nameFor(spec.getBuildId());
    var resource = client.resources(PipelineRun.class).inNamespace(namespace).withName(name);
    PipelineRun existing = resource.get();
    if (existing != null) {
      PipelineRun run = ours(existing, installation);
      if (run.getSpec().runAttempt() >= spec.runAttempt()) {
        return run;
      }
      return resource.edit(
          r -> {
            if (r.getSpec().runAttempt() < spec.runAttempt()) {
              r.getSpec().setRunAttempt(spec.runAttempt());
            }
            return r;
          });
    }
    PipelineRun run = new PipelineRun();
    run.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(namespace)
            .withLabels(KubeNames.ownLabels(installation))
            .build());
    run.setSpec(spec);
    try {
      return client.resources(PipelineRun.class).inNamespace(namespace).resource(run).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return ours(resource.get(), installation);
      }
      throw e;
    }
  }

  private static PipelineRun ours(PipelineRun run, String installation) {
    if (run == null) {
      return null;
    }
    Map<String, String> labels = run.getMetadata().getLabels();
    String owner = labels == null ? null : labels.get(KubeNames.INSTALLATION_LABEL);
    if (!installation.equals(owner)) {
      throw new CiException(
          ErrorCode.CONFLICT,
          "PipelineRun "
              + run.getMetadata().getName()
              + " belongs to installation "
              + (owner == null ? "(none: label " + KubeNames.INSTALLATION_LABEL + " unset)" : owner)
              + ", not to this one ("
              + installation
              + ")");
    }
    return run;
  }
}
