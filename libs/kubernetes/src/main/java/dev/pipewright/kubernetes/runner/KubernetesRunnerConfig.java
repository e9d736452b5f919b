package dev.pipewright.kubernetes.runner;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the Kubernetes runner, read once at start. A worker takes them from the {@code
 * kubernetes.*} settings of the one configuration (libs/ops/CONFIGURATION.md, the {@code
 * PIPEWRIGHT_K8S_*} variables of k8s/config.yaml).
 *
 * @param namespace where PipelineRuns, Jobs, Pods and Secrets live
 * @param installation this installation's value of {@link KubeNames#INSTALLATION_LABEL}: the runner
 *     labels its objects with it and watches only those
 * @param workspaceClaim the ReadWriteMany PVC of the workspaces, which the worker mounts at its
 *     {@code workspace.root}; each job's pod mounts its own directories of it
 * @param defaultImage the image of jobs without {@code container:} whose {@code runs-on} is not
 *     mapped
 * @param runsOnImages {@code runs-on} label → image, first matching label wins
 * @param ttlAfterFinished {@code ttlSecondsAfterFinished} of each Job
 * @param runAsUser the uid of every build container (restricted pods never run as root)
 * @param cpuRequest per job container, e.g. {@code 250m}; null leaves it unset
 * @param logPollInterval how often the pod host reads the log and exit files of a running command
 *     on the workspace volume (and checks its pod): bounds how late a printed line reaches the log
 *     store
 * @param nodeImage an image with {@code node} (and {@code ldd}) whose Node.js an init container
 *     copies into each job's pod, for the JavaScript actions of job images without one; null for
 *     none (such an action then fails its step saying so)
 */
public record KubernetesRunnerConfig(
    String namespace,
    String installation,
    String workspaceClaim,
    String defaultImage,
    Map<String, String> runsOnImages,
    Duration ttlAfterFinished,
    long runAsUser,
    String cpuRequest,
    String memoryRequest,
    String cpuLimit,
    String memoryLimit,
    Duration logPollInterval,
    String nodeImage) {

  public KubernetesRunnerConfig {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(installation, "installation");
    Objects.requireNonNull(workspaceClaim, "workspaceClaim");
    Objects.requireNonNull(defaultImage, "defaultImage");
    runsOnImages = runsOnImages == null ? Map.of() : Map.copyOf(runsOnImages);
    ttlAfterFinished = ttlAfterFinished == null ? Duration.ofHours(1) : ttlAfterFinished;
    logPollInterval = logPollInterval == null ? Duration.ofMillis(200) : logPollInterval;
  }

  /** The image for a job: its container, else the first mapped runs-on label, else the default. */
  public String imageFor(String containerImage, List<String> runsOnLabels) {
    if (containerImage != null && !containerImage.isBlank()) {
      return containerImage;
    }
    if (runsOnLabels != null) {
      for (String label : runsOnLabels) {
        String image = runsOnImages.get(label);
        if (image != null) {
          return image;
        }
      }
    }
    return defaultImage;
  }
}
