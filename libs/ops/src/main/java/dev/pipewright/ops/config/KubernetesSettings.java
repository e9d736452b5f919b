package dev.pipewright.ops.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code kubernetes.*} keys: the pod host's namespace, images, pods and volumes; in the order
 * CONFIGURATION.md lists them.
 */
final class KubernetesSettings {
  private KubernetesSettings() {}

  static final Setting<String> NAMESPACE =
      Setting.of(
          "kubernetes.namespace",
          "PIPEWRIGHT_K8S_NAMESPACE",
          Parsers.nonBlank(),
          "pipewright",
          "namespace of PipelineRuns, Jobs, Pods and Secrets");
  static final Setting<String> INSTALLATION =
      Setting.computed(
          "kubernetes.installation",
          "PIPEWRIGHT_K8S_INSTALLATION",
          InstallationId.parser(),
          // Empty: derived from database.url once every setting is read (ConfigLoader).
          () -> "",
          "`<database>-<hash>` of `database.url`",
          "label `pipewright.dev/installation` of this installation's PipelineRuns, Jobs, Pods and"
              + " Secrets: it watches and changes only those. Shared by every replica; another"
              + " installation in the namespace needs another (its own database gives it one)");
  static final Setting<String> WORKSPACE_CLAIM =
      Setting.of(
          "kubernetes.workspace-claim",
          "PIPEWRIGHT_K8S_WORKSPACE_CLAIM",
          Parsers.nonBlank(),
          "pipewright-workspace",
          "the ReadWriteMany PVC holding build workspaces");
  static final Setting<String> DEFAULT_IMAGE =
      Setting.of(
          "kubernetes.default-image",
          "PIPEWRIGHT_K8S_DEFAULT_IMAGE",
          Parsers.nonBlank(),
          "docker.io/library/debian:bookworm-slim",
          "image of jobs without `container:` whose runs-on is not mapped");
  static final Setting<Map<String, String>> RUNS_ON_IMAGES =
      Setting.of(
          "kubernetes.runs-on-images",
          "PIPEWRIGHT_K8S_RUNS_ON_IMAGES",
          Parsers.pairs(),
          "",
          "runs-on label → image; YAML mapping, or `label=image,...` in the variable");
  static final Setting<Duration> JOB_TTL =
      Setting.of(
          "kubernetes.job-ttl",
          "PIPEWRIGHT_K8S_JOB_TTL_SECONDS",
          Parsers.seconds(),
          "3600",
          "ttlSecondsAfterFinished of each Job; seconds or 1h");
  static final Setting<Long> RUN_AS_USER =
      Setting.of(
          "kubernetes.run-as-user",
          "PIPEWRIGHT_K8S_RUN_AS_USER",
          Parsers.nonNegativeLong(),
          "1001",
          "uid of every build container");
  static final Setting<String> CPU_REQUEST =
      Setting.of(
          "kubernetes.step-cpu-request",
          "PIPEWRIGHT_K8S_STEP_CPU_REQUEST",
          Parsers.text(),
          "250m",
          "CPU request of each job's pod container, which runs all its steps (empty: unset)");
  static final Setting<String> MEMORY_REQUEST =
      Setting.of(
          "kubernetes.step-memory-request",
          "PIPEWRIGHT_K8S_STEP_MEMORY_REQUEST",
          Parsers.text(),
          "256Mi",
          "memory request of each job's pod container, which runs all its steps (empty: unset)");
  static final Setting<String> CPU_LIMIT =
      Setting.of(
          "kubernetes.step-cpu-limit",
          "PIPEWRIGHT_K8S_STEP_CPU_LIMIT",
          Parsers.text(),
          "2",
          "CPU limit of each job's pod container, which runs all its steps (empty: unset)");
  static final Setting<String> MEMORY_LIMIT =
      Setting.of(
          "kubernetes.step-memory-limit",
          "PIPEWRIGHT_K8S_STEP_MEMORY_LIMIT",
          Parsers.text(),
          "2Gi",
          "memory limit of each job's pod container, which runs all its steps (empty: unset)");
  static final Setting<Duration> LOG_POLL_INTERVAL =
      Setting.of(
          "kubernetes.log-poll-interval",
          "PIPEWRIGHT_K8S_LOG_POLL_INTERVAL",
          Parsers.duration(),
          "200ms",
          "how often the pod host reads the log and exit files of a running step on the"
              + " workspace volume: bounds how late a printed line reaches the log store");

  static final Setting<String> NODE_IMAGE =
      Setting.of(
          "kubernetes.node-image",
          "PIPEWRIGHT_K8S_NODE_IMAGE",
          Parsers.text(),
          "",
          "an image with node and ldd whose Node.js an init container copies into each job's pod"
              + " at /__e/node, for the JavaScript actions of job images without node (empty:"
              + " none, and such an action fails its step saying so)");

  static final List<Setting<?>> ALL =
      List.of(
          NAMESPACE,
          INSTALLATION,
          WORKSPACE_CLAIM,
          DEFAULT_IMAGE,
          RUNS_ON_IMAGES,
          JOB_TTL,
          RUN_AS_USER,
          CPU_REQUEST,
          MEMORY_REQUEST,
          CPU_LIMIT,
          MEMORY_LIMIT,
          LOG_POLL_INTERVAL,
          NODE_IMAGE);
}
