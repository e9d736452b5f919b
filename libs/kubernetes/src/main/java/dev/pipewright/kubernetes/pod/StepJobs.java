package dev.pipewright.kubernetes.pod;

import dev.pipewright.executor.host.StepContainer;
import dev.pipewright.kubernetes.runner.KubeNames;
import dev.pipewright.kubernetes.runner.KubernetesRunnerConfig;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.HostAliasBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code batch/v1} Job of a docker step on the pod host, as actions/runner-container-hooks' k8s
 * mode runs a container step ({@code runContainerStep}: a Job of its own whose pod mounts the job's
 * work volume, its environment from a Secret, the exit code read from the container's terminated
 * state, the output from the pod's log). One pod of the step's image, its entry point as {@code
 * command} and its arguments as {@code args} (Docker's ENTRYPOINT and CMD), in {@code
 * /github/workspace}; the job's directories it asks for mounted from the workspace volume as {@code
 * subPath}s at GitHub's paths ({@code /github/workspace}, {@code /github/home}...). It runs as the
 * job's pod runs (the configured non-root user, who shares the job's files with the worker), never
 * restarts, mounts no service-account token. Pure: no client calls.
 */
final class StepJobs {
  static final String CONTAINER = "step";

  /** Marks a docker step's Job and pod (value: the command id's Job name). */
  static final String STEP_LABEL = "pipewright.dev/step";

  private final KubernetesRunnerConfig config;
  private final Path root;

  StepJobs(KubernetesRunnerConfig config, Path root) {
    this.config = config;
    this.root = root;
  }

  /**
   * @param services the job's service labels as names of its pod's IP (the step's pod has a network
   *     of its own), or null for none
   * @param labels the job's labels; the step's Job name replaces its Job name label, so the
   *     worker's pod informer finds the step's pod by it
   */
  Job job(
      String name,
      StepContainer step,
      String envSecret,
      HostAlias services,
      Map<String, String> labels,
      Duration deadline,
      OwnerReference owner) {
    Map<String, String> own = new LinkedHashMap<>(labels);
    own.put(KubeNames.JOB_NAME_LABEL, name);
    own.put(STEP_LABEL, name);
    List<VolumeMount> mounts = new ArrayList<>();
    step.mounts()
        .forEach(
            (inContainer, dir) ->
                mounts.add(
                    new VolumeMountBuilder()
                        .withName(PodManifests.VOLUME)
                        .withMountPath(inContainer)
                        .withSubPath(root.relativize(Path.of(dir)).toString())
                        .build()));
    ContainerBuilder container =
        new ContainerBuilder()
            .withName(CONTAINER)
            .withImage(step.image())
            .withArgs(step.args())
            .withWorkingDir(step.workingDirectory())
            .withVolumeMounts(mounts)
            .withSecurityContext(PodManifests.containerSecurity(null));
    if (step.entrypoint() != null) {
      container.withCommand(step.entrypoint());
    }
    if (envSecret != null) {
      container.addNewEnvFrom().withNewSecretRef(envSecret, false).endEnvFrom();
    }
    PodSpecBuilder spec = PodManifests.podSpec(config).withContainers(container.build());
    if (services != null) {
      spec.withHostAliases(services);
    }
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(config.namespace())
        .withLabels(own)
        .withOwnerReferences(owner)
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        .withActiveDeadlineSeconds(deadline.toSeconds())
        .withTtlSecondsAfterFinished((int) config.ttlAfterFinished().toSeconds())
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(own)
        .endMetadata()
        .withSpec(spec.build())
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * The job's service labels as names of its pod's IP, for the pod of a docker step, which has a
   * network of its own: the sidecars listen in the job's pod.
   *
   * @param jobPod the job's pod as last seen, or null
   * @param job names the job in the error
   * @throws CiException when the pod has no IP: steps run once it runs, so only a pod gone has none
   */
  static HostAlias servicesAt(Pod jobPod, Collection<String> labels, String job) {
    String ip = jobPod == null || jobPod.getStatus() == null ? null : jobPod.getStatus().getPodIP();
    if (ip == null || ip.isBlank()) {
      throw new CiException(
          ErrorCode.INFRASTRUCTURE,
          job + ": the job's pod has no IP, so a docker step could not reach its services");
    }
    return new HostAliasBuilder().withIp(ip).withHostnames(List.copyOf(labels)).build();
  }

  /** The step's environment: an Opaque Secret the container reads whole ({@code envFrom}). */
  Secret envSecret(
      String name, StepContainer step, Map<String, String> labels, OwnerReference owner) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(config.namespace())
        .withLabels(labels)
        .withOwnerReferences(owner)
        .endMetadata()
        .withType("Opaque")
        .withStringData(step.env())
        .build();
  }
}
