package dev.pipewright.kubernetes.pod;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRun;
import dev.pipewright.kubernetes.runner.KubeNames;
import dev.pipewright.kubernetes.runner.KubernetesRunnerConfig;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRun;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code batch/v1} Job of one attempt of a job instance on the pod host, as a pure function of
 * what the job needs: no client calls, so the YAML is unit-tested and a repeated start yields the
 * same object.
 *
 * <p>One pod, one container of the job's image running the {@link PodAgent}. The pod mounts only
 * the job's own directories of the workspace volume (its workspace, its runner directory with temp,
 * tool cache and control files) as {@code subPath}s, each at the very path the worker sees it under
 * its own mount of the volume: the engine's paths are the same on both sides, and a job sees no
 * other job's files. Nothing in the Job is secret: commands and their environment travel as files
 * on the volume. The pod runs as the configured non-root user, mounts no service-account token and
 * gets no service links; it never restarts ({@code backoffLimit: 0}, {@code restartPolicy: Never}):
 * a failed pod is an infrastructure failure the orchestrator retries as a new attempt.
 */
final class PodManifests {
  static final String CONTAINER = "job";
  static final String VOLUME = "workspace";

  /**
   * Added to the job's timeout for {@code activeDeadlineSeconds}: the engine ends a job that runs
   * out of time itself (running its clean-up steps); the deadline only bounds a pod whose worker is
   * gone for good.
   */
  static final Duration DEADLINE_MARGIN = Duration.ofMinutes(10);

  private final KubernetesRunnerConfig config;
  private final Path root;

  /**
   * @param root where the worker mounts the workspace volume; the pod mounts its directories of it
   *     at the same paths
   */
  PodManifests(KubernetesRunnerConfig config, Path root) {
    this.config = config;
    this.root = root;
  }

  /** The owner reference every object of a build carries: GC and cancel-by-delete hang on it. */
  static OwnerReference ownerReference(String runName, String runUid) {
    return new OwnerReferenceBuilder()
        .withApiVersion(PipelineRun.API_VERSION)
        .withKind(PipelineRun.KIND)
        .withName(runName)
        .withUid(runUid)
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /** The labels of the Job and its pod; the informer selects on the installation's own. */
  Map<String, String> labels(JobRef ref, int attempt) {
    Map<String, String> labels = KubeNames.ownLabels(config.installation());
    labels.put(KubeNames.BUILD_LABEL, KubeNames.labelValue(ref.buildId()));
    labels.put(KubeNames.JOB_LABEL, KubeNames.labelValue(ref.jobKey()));
    labels.put(KubeNames.JOB_NAME_LABEL, KubeNames.jobName(ref, attempt));
    labels.put(KubeNames.ATTEMPT_LABEL, Integer.toString(attempt));
    return labels;
  }

  /**
   * @param image the job's image ({@code container:} or its {@code runs-on} mapping)
   * @param directories the job's directories under {@link #root}: mounted as they are
   * @param controlDir the agent's control directory, inside one of them
   */
  Job job(
      JobRun run,
      String image,
      List<Path> directories,
      String controlDir,
      Duration timeout,
      OwnerReference owner) {
    Map<String, String> labels = labels(run.ref(), run.attempt());
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(KubeNames.BUILD_ANNOTATION, run.buildId());
    annotations.put(KubeNames.JOB_KEY_ANNOTATION, run.jobKey());
    List<VolumeMount> mounts = new ArrayList<>();
    for (Path dir : directories) {
      mounts.add(
          new VolumeMountBuilder()
              .withName(VOLUME)
              .withMountPath(dir.toString())
              .withSubPath(root.relativize(dir).toString())
              .build());
    }
    return new JobBuilder()
        .withNewMetadata()
        .withName(KubeNames.jobName(run.ref(), run.attempt()))
        .withNamespace(config.namespace())
        .withLabels(labels)
        .withAnnotations(annotations)
        .withOwnerReferences(owner)
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        .withActiveDeadlineSeconds(timeout.plus(DEADLINE_MARGIN).toSeconds())
        .withTtlSecondsAfterFinished((int) config.ttlAfterFinished().toSeconds())
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(config.runAsUser())
        .withRunAsGroup(config.runAsUser())
        .withFsGroup(config.runAsUser())
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addNewVolume()
        .withName(VOLUME)
        .withNewPersistentVolumeClaim()
        .withClaimName(config.workspaceClaim())
        .endPersistentVolumeClaim()
        .endVolume()
        .withContainers(
            new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(image)
                .withCommand(PodAgent.command(controlDir))
                .withResources(resources())
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false)
                .withRunAsNonRoot(true)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .endSecurityContext()
                .withVolumeMounts(mounts)
                .build())
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private ResourceRequirements resources() {
    ResourceRequirementsBuilder b = new ResourceRequirementsBuilder();
    if (config.cpuRequest() != null) {
      b.addToRequests("cpu", new Quantity(config.cpuRequest()));
    }
    if (config.memoryRequest() != null) {
      b.addToRequests("memory", new Quantity(config.memoryRequest()));
    }
    if (config.cpuLimit() != null) {
      b.addToLimits("cpu", new Quantity(config.cpuLimit()));
    }
    if (config.memoryLimit() != null) {
      b.addToLimits("memory", new Quantity(config.memoryLimit()));
    }
    return b.build();
  }
}
