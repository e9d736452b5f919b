package dev.pipewright.kubernetes.runner;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the Kubernetes runner, read once at start (the {@code PIPEWRIGHT_K8S_*} variables of
 * k8s/config.yaml).
 *
 * @param namespace where PipelineRuns, Jobs, Pods and Secrets live
 * @param workspaceClaim the ReadWriteMany PVC; each build uses the sub-directory named after its
 *     workspace
 * @param defaultImage the image of jobs without {@code container:} whose {@code runs-on} is not
 *     mapped
 * @param runsOnImages {@code runs-on} label → image, first matching label wins
 * @param ttlAfterFinished {@code ttlSecondsAfterFinished} of each Job
 * @param runAsUser the uid of every build container (restricted pods never run as root)
 * @param cpuRequest per step container, e.g. {@code 250m}; null leaves it unset
 * @param logPollInterval how often the logs of running steps are read
 * @param cancelGrace how long a cancelled job may go on running its {@code always()}/{@code
 *     cancelled()} steps before its Job is deleted
 */
public record KubernetesRunnerConfig(
    String namespace,
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
    Duration cancelGrace) {

  /** The default {@link #cancelGrace}. */
  public static final Duration DEFAULT_CANCEL_GRACE = Duration.ofMinutes(5);

  public KubernetesRunnerConfig {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(workspaceClaim, "workspaceClaim");
    Objects.requireNonNull(defaultImage, "defaultImage");
    runsOnImages = runsOnImages == null ? Map.of() : Map.copyOf(runsOnImages);
    ttlAfterFinished = ttlAfterFinished == null ? Duration.ofHours(1) : ttlAfterFinished;
    logPollInterval = logPollInterval == null ? Duration.ofSeconds(2) : logPollInterval;
    cancelGrace = cancelGrace == null ? DEFAULT_CANCEL_GRACE : cancelGrace;
  }

  /** The settings without {@link #cancelGrace}, which takes its default. */
  public KubernetesRunnerConfig(
      String namespace,
      String workspaceClaim,
      String defaultImage,
      Map<String, String> runsOnImages,
      Duration ttlAfterFinished,
      long runAsUser,
      String cpuRequest,
      String memoryRequest,
      String cpuLimit,
      String memoryLimit,
      Duration logPollInterval) {
    this(
        namespace,
        workspaceClaim,
        defaultImage,
        runsOnImages,
        ttlAfterFinished,
        runAsUser,
        cpuRequest,
        memoryRequest,
        cpuLimit,
        memoryLimit,
        logPollInterval,
        null);
  }

  /** Sensible defaults for a namespace and claim; the rest can be overridden via {@link #from}. */
  public static KubernetesRunnerConfig defaults(String namespace, String workspaceClaim) {
    return new KubernetesRunnerConfig(
        namespace,
        workspaceClaim,
        "docker.io/library/debian:bookworm-slim",
        Map.of(),
        Duration.ofHours(1),
        1001,
        "250m",
        "256Mi",
        "2",
        "2Gi",
        Duration.ofSeconds(2),
        DEFAULT_CANCEL_GRACE);
  }

  /**
   * Reads the {@code PIPEWRIGHT_K8S_*} variables; unset ones keep the defaults.
   *
   * @param env usually {@code System.getenv()}
   */
  public static KubernetesRunnerConfig from(Map<String, String> env) {
    KubernetesRunnerConfig d =
        defaults(
            env.getOrDefault("PIPEWRIGHT_K8S_NAMESPACE", "pipewright"),
            env.getOrDefault("PIPEWRIGHT_K8S_WORKSPACE_CLAIM", "pipewright-workspace"));
    return new KubernetesRunnerConfig(
        d.namespace(),
        d.workspaceClaim(),
        env.getOrDefault("PIPEWRIGHT_K8S_DEFAULT_IMAGE", d.defaultImage()),
        parsePairs(env.getOrDefault("PIPEWRIGHT_K8S_RUNS_ON_IMAGES", "")),
        Duration.ofSeconds(
            Long.parseLong(
                env.getOrDefault(
                    "PIPEWRIGHT_K8S_JOB_TTL_SECONDS",
                    Long.toString(d.ttlAfterFinished().toSeconds())))),
        Long.parseLong(
            env.getOrDefault("PIPEWRIGHT_K8S_RUN_AS_USER", Long.toString(d.runAsUser()))),
        env.getOrDefault("PIPEWRIGHT_K8S_STEP_CPU_REQUEST", d.cpuRequest()),
        env.getOrDefault("PIPEWRIGHT_K8S_STEP_MEMORY_REQUEST", d.memoryRequest()),
        env.getOrDefault("PIPEWRIGHT_K8S_STEP_CPU_LIMIT", d.cpuLimit()),
        env.getOrDefault("PIPEWRIGHT_K8S_STEP_MEMORY_LIMIT", d.memoryLimit()),
        d.logPollInterval(),
        Duration.ofSeconds(
            Long.parseLong(
                env.getOrDefault(
                    "PIPEWRIGHT_K8S_CANCEL_GRACE_SECONDS",
                    Long.toString(d.cancelGrace().toSeconds())))));
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

  static Map<String, String> parsePairs(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : text.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
      }
    }
    return out;
  }
}
