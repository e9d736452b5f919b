package dev.pipewright.kubernetes.pod;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.host.container.ContainerConfig;
import dev.pipewright.kubernetes.runner.KubeNames;
import dev.pipewright.kubernetes.runner.KubernetesRunnerConfig;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRun;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
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
 * <p>One pod: a container of the job's image running the {@link PodAgent}, and each service as a
 * native sidecar before it. The pod mounts only the job's own directories of the workspace volume
 * (its workspace, its runner directory with temp, tool cache and control files) as {@code
 * subPath}s, each at the very path the worker sees it under its own mount of the volume: the
 * engine's paths are the same on both sides, and a job sees no other job's files. Nothing in the
 * Job is secret: commands and their environment travel as files on the volume. The pod runs as the
 * configured non-root user, mounts no service-account token and gets no service links; it never
 * restarts ({@code backoffLimit: 0}, {@code restartPolicy: Never}): a failed pod is an
 * infrastructure failure the orchestrator retries as a new attempt.
 */
final class PodManifests {
  static final String CONTAINER = "job";
  static final String VOLUME = "workspace";

  /** The emptyDir the init container copies the executor's Node.js into. */
  static final String NODE_VOLUME = "node";

  /** Where the job's container sees it (GitHub mounts its externals at {@code /__e}). */
  static final String NODE_MOUNT = "/__e/node";

  /**
   * What the init container of {@link KubernetesRunnerConfig#nodeImage} runs: copies its {@code
   * node} and the libraries {@code ldd} names, its dynamic loader among them, into {@link
   * #NODE_MOUNT}, and writes {@code node} there, a script that starts it through that loader, so it
   * runs in any image of the architecture (the pod agent already needs a {@code /bin/sh}).
   */
  static final String NODE_COPY =
      "set -e\n"
          + "n=$(command -v node)\n"
          + "d=$0\n"
          + "mkdir -p \"$d/bin\" \"$d/lib\"\n"
          + "cp \"$n\" \"$d/bin/node\"\n"
          + "loader=\n"
          + "for f in $(ldd \"$n\" | awk '$2 == \"=>\" && $3 ~ /^\\// {print $3} $1 ~ /^\\// {print $1}');"
          + " do\n"
          + "  cp \"$f\" \"$d/lib/\"\n"
          + "  case \"$f\" in */ld-*) loader=$(basename \"$f\") ;; esac\n"
          + "done\n"
          + "if [ -n \"$loader\" ]; then\n"
          + "  printf '#!/bin/sh\\nexec %s/lib/%s --library-path %s/lib %s/bin/node \"$@\"\\n'"
          + " \"$d\" \"$loader\" \"$d\" \"$d\" > \"$d/node\"\n"
          + "else\n"
          + "  printf '#!/bin/sh\\nexec %s/bin/node \"$@\"\\n' \"$d\" > \"$d/node\"\n"
          + "fi\n"
          + "chmod 755 \"$d/node\"\n";

  /** Service sidecars are named {@code svc-<label>}. */
  static final String SERVICE_PREFIX = "svc-";

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
   * What a job's pod runs besides its agent: the job's {@code container:} and {@code services:}
   * (rendered and checked) and the Secrets the factory made for them.
   *
   * @param image the job's image ({@code container:} or its {@code runs-on} mapping)
   * @param container the job's {@code container:}, or null
   * @param services the job's services by label, in the workflow's order
   * @param pullSecret the {@code kubernetes.io/dockerconfigjson} Secret for registry credentials,
   *     or null
   * @param envSecret the Secret holding the services' environment ({@link #envKey}), or null
   */
  record JobPod(
      String image,
      ContainerConfig container,
      Map<String, ContainerConfig> services,
      String pullSecret,
      String envSecret) {}

  /** The key of a service's variable in the job's env Secret. */
  static String envKey(String label, String name) {
    return label + "." + name;
  }

  /** The sidecar container of a service. */
  static String serviceContainer(String label) {
    return SERVICE_PREFIX + label;
  }

  /**
   * @param directories the job's directories under {@link #root}: mounted as they are
   * @param controlDir the agent's control directory, inside one of them
   */
  Job job(
      JobRun run,
      JobPod pod,
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
    ContainerConfig c = pod.container();
    ContainerBuilder job =
        new ContainerBuilder()
            .withName(CONTAINER)
            .withImage(pod.image())
            .withResources(resources())
            .withSecurityContext(containerSecurity(null))
            .withVolumeMounts(mounts);
    if (config.nodeImage() != null) {
      job.addNewVolumeMount().withName(NODE_VOLUME).withMountPath(NODE_MOUNT).endVolumeMount();
    }
    if (c != null && c.entrypoint() != null) {
      // The entry point runs with the agent as its arguments (the exec "$@" convention).
      job.withCommand(c.entrypoint()).withArgs(PodAgent.command(controlDir));
    } else {
      job.withCommand(PodAgent.command(controlDir));
    }
    if (c != null) {
      job.withWorkingDir(c.workdir()).withPorts(ports(c));
    }
    PodSpecBuilder spec =
        podSpec(config).withHostname(c == null ? null : c.hostname()).withContainers(job.build());
    if (config.nodeImage() != null) {
      spec.addNewVolume().withName(NODE_VOLUME).withNewEmptyDir().endEmptyDir().endVolume();
      spec.addToInitContainers(nodeCopy());
    }
    if (!pod.services().isEmpty()) {
      // Native sidecars (Kubernetes 1.29+): started in order before the job's container, which
      // starts only once each one's startup probe passed: the steps never run before the services
      // are healthy. All share the pod's network, so each label is 127.0.0.1.
      pod.services()
          .forEach((label, s) -> spec.addToInitContainers(sidecar(label, s, pod.envSecret())));
      spec.addNewHostAlias()
          .withIp("127.0.0.1")
          .withHostnames(List.copyOf(pod.services().keySet()))
          .endHostAlias();
    }
    if (pod.pullSecret() != null) {
      spec.addNewImagePullSecret().withName(pod.pullSecret()).endImagePullSecret();
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
        .withSpec(spec.build())
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * What every pod of the pod host is (a job's, a docker step's): never restarted, no
   * service-account token, no service links, the configured non-root user, the runtime's seccomp
   * profile, the workspace volume.
   */
  static PodSpecBuilder podSpec(KubernetesRunnerConfig config) {
    return new PodSpecBuilder()
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
        .endVolume();
  }

  /**
   * A service as a native sidecar: its image's own command (or {@code --entrypoint}), its
   * environment from the job's env Secret, its health command as a startup probe (Docker runs it
   * with {@code /bin/sh -c}, so does the probe), Docker's retries as the failure threshold.
   */
  private static Container sidecar(String label, ContainerConfig s, String envSecret) {
    List<EnvVar> env = new ArrayList<>();
    for (String name : s.env().keySet()) {
      env.add(
          new EnvVarBuilder()
              .withName(name)
              .withNewValueFrom()
              .withNewSecretKeyRef()
              .withName(envSecret)
              .withKey(envKey(label, name))
              .endSecretKeyRef()
              .endValueFrom()
              .build());
    }
    ContainerBuilder b =
        new ContainerBuilder()
            .withName(serviceContainer(label))
            .withImage(s.image())
            .withRestartPolicy("Always")
            .withWorkingDir(s.workdir())
            .withEnv(env)
            .withPorts(ports(s))
            .withSecurityContext(containerSecurity(s.user()));
    if (s.entrypoint() != null) {
      b.withCommand(s.entrypoint());
    }
    if (s.health() != null) {
      b.withNewStartupProbe()
          .withNewExec()
          .withCommand("/bin/sh", "-c", s.health().command())
          .endExec()
          .withInitialDelaySeconds((int) s.health().startPeriod().toSeconds())
          .withPeriodSeconds(atLeastOneSecond(s.health().interval()))
          .withTimeoutSeconds(atLeastOneSecond(s.health().timeout()))
          .withFailureThreshold(s.health().retries())
          .endStartupProbe();
    }
    return b.build();
  }

  /** The init container that copies the executor's Node.js into the pod ({@link #NODE_COPY}). */
  private Container nodeCopy() {
    return new ContainerBuilder()
        .withName("node")
        .withImage(config.nodeImage())
        .withCommand("/bin/sh", "-c", NODE_COPY, NODE_MOUNT)
        .withResources(resources())
        .withSecurityContext(containerSecurity(null))
        .addNewVolumeMount()
        .withName(NODE_VOLUME)
        .withMountPath(NODE_MOUNT)
        .endVolumeMount()
        .build();
  }

  /** Probes count in whole seconds, one at least. */
  private static int atLeastOneSecond(Duration d) {
    return (int) Math.max(1, (d.toMillis() + 999) / 1000);
  }

  private static List<ContainerPort> ports(ContainerConfig c) {
    List<ContainerPort> ports = new ArrayList<>();
    for (String p : c.containerPorts()) {
      int slash = p.indexOf('/');
      String number = p.substring(0, slash);
      if (!number.contains("-")) {
        ports.add(
            new ContainerPortBuilder()
                .withContainerPort(Integer.parseInt(number))
                .withProtocol(p.substring(slash + 1).toUpperCase(java.util.Locale.ROOT))
                .build());
      }
    }
    return ports;
  }

  /**
   * Every container of the pod: no privilege escalation, no capabilities, the runtime's seccomp
   * profile; a service's {@code --user} (numeric, checked by ContainerSupport) as its own.
   */
  static SecurityContext containerSecurity(String user) {
    SecurityContextBuilder b =
        new SecurityContextBuilder()
            .withAllowPrivilegeEscalation(false)
            .withRunAsNonRoot(true)
            .withNewCapabilities()
            .withDrop("ALL")
            .endCapabilities()
            .withNewSeccompProfile()
            .withType("RuntimeDefault")
            .endSeccompProfile();
    if (user != null) {
      String[] ids = user.split(":");
      b.withRunAsUser(Long.parseLong(ids[0]));
      if (ids.length > 1) {
        b.withRunAsGroup(Long.parseLong(ids[1]));
      }
    }
    return b.build();
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
