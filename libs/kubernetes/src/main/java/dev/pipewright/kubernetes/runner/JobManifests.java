package dev.pipewright.kubernetes.runner;

import dev.pipewright.pipelinerun.v1alpha1.PipelineRun;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Desired state of the objects a job instance needs, as a pure function of its {@link JobPlan}: no
 * client calls, so the YAML is unit-tested and a repeated start yields the same objects.
 *
 * <p>Pods meet the "restricted" Pod Security Standard. Scripts and env files travel in the build's
 * Secret, mounted read-only; they hold no secret value: those are separate keys of the same Secret,
 * referenced ({@code secretKeyRef}) by the containers of the steps that read them. Neither the Job
 * nor the scripts carry a secret value. A downward API volume shows every container the pod's
 * annotations, kept current by the kubelet: a cancel is an annotation (see {@link
 * KubeNames#CANCEL_ANNOTATION}).
 */
public final class JobManifests {
  public static final String FINISH_CONTAINER = "finish";
  static final String WRAPPER = loadWrapper();

  /**
   * The build Secret key of the wrapper, named after its content: jobs of one build started by
   * workers of different versions each find their own wrapper.
   */
  static final String WRAPPER_KEY = "pw-wrapper-" + KubeNames.sha256(WRAPPER).substring(0, 16);

  /** Where the wrapper is in every container (it travels once per build, not in every Job). */
  static final String WRAPPER_PATH = StepPlanner.FILES_DIR + "/wrapper.sh";

  private final KubernetesRunnerConfig config;

  public JobManifests(KubernetesRunnerConfig config) {
    this.config = config;
  }

  /** The owner reference every object of a build carries: GC and cancel-by-delete hang on it. */
  public static OwnerReference ownerReference(String runName, String runUid) {
    return new OwnerReferenceBuilder()
        .withApiVersion(PipelineRun.API_VERSION)
        .withKind(PipelineRun.KIND)
        .withName(runName)
        .withUid(runUid)
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /**
   * The labels of a job's Job and Pod; the informers select on the installation's own ({@link
   * KubeNames#ownLabels}).
   */
  Map<String, String> labels(JobPlan plan) {
    Map<String, String> labels = KubeNames.ownLabels(config.installation());
    labels.put(KubeNames.BUILD_LABEL, KubeNames.labelValue(plan.ref().buildId()));
    labels.put(KubeNames.JOB_LABEL, KubeNames.labelValue(plan.ref().jobKey()));
    labels.put(KubeNames.JOB_NAME_LABEL, plan.jobName());
    labels.put(KubeNames.ATTEMPT_LABEL, Integer.toString(plan.attempt()));
    return labels;
  }

  public Job job(JobPlan plan, OwnerReference owner) {
    Map<String, String> labels = labels(plan);
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(KubeNames.BUILD_ANNOTATION, plan.ref().buildId());
    annotations.put(KubeNames.JOB_KEY_ANNOTATION, plan.ref().jobKey());
    ObjectMeta meta =
        new ObjectMetaBuilder()
            .withName(plan.jobName())
            .withNamespace(config.namespace())
            .withLabels(labels)
            .withAnnotations(annotations)
            .withOwnerReferences(owner)
            .build();

    List<Container> steps = new ArrayList<>();
    for (PlannedStep step : plan.steps()) {
      steps.add(stepContainer(plan, step));
    }
    List<KeyToPath> items = new ArrayList<>();
    items.add(new KeyToPath(WRAPPER_KEY, null, "wrapper.sh"));
    for (PlannedStep step : plan.steps()) {
      for (String kind : List.of("script", "env", "stepenv")) {
        items.add(
            new KeyToPath(
                JobPlan.fileKey(plan.jobName(), step.number(), kind),
                null,
                step.number() + "." + kind));
      }
    }
    return new JobBuilder()
        .withMetadata(meta)
        .withNewSpec()
        .withBackoffLimit(0)
        .withActiveDeadlineSeconds(plan.activeDeadlineSeconds())
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
        .withName("workspace")
        .withNewPersistentVolumeClaim()
        .withClaimName(config.workspaceClaim())
        .endPersistentVolumeClaim()
        .endVolume()
        .addNewVolume()
        .withName("state")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .addNewVolume()
        .withName("podinfo")
        .withNewDownwardAPI()
        .addNewItem()
        .withPath("annotations")
        .withNewFieldRef()
        .withFieldPath("metadata.annotations")
        .endFieldRef()
        .endItem()
        .endDownwardAPI()
        .endVolume()
        .addNewVolume()
        .withName("files")
        .withNewSecret()
        .withSecretName(KubeNames.secretName(plan.ref().buildId()))
        .withItems(items)
        .withDefaultMode(0440)
        .endSecret()
        .endVolume()
        .withInitContainers(steps)
        .withContainers(finishContainer(plan))
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** The build's Secret as first created: this job's files, owned by the PipelineRun. */
  public Secret secret(JobPlan plan, OwnerReference owner) {
    return secret(plan.ref().buildId(), secretData(plan), owner);
  }

  /** The build's Secret as first created with {@code data} (already base64-encoded). */
  public Secret secret(String buildId, Map<String, String> data, OwnerReference owner) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(KubeNames.secretName(buildId))
        .withNamespace(config.namespace())
        .addToLabels(KubeNames.ownLabels(config.installation()))
        .addToLabels(KubeNames.BUILD_LABEL, KubeNames.labelValue(buildId))
        .withOwnerReferences(owner)
        .endMetadata()
        .withType("Opaque")
        .withData(data)
        .build();
  }

  /**
   * This job's entries of the build Secret (and the wrapper's), base64-encoded as {@code data}
   * wants them.
   */
  public static Map<String, String> secretData(JobPlan plan) {
    Map<String, String> data = new LinkedHashMap<>();
    Base64.Encoder b64 = Base64.getEncoder();
    data.put(WRAPPER_KEY, b64.encodeToString(WRAPPER.getBytes(StandardCharsets.UTF_8)));
    plan.files()
        .forEach((k, v) -> data.put(k, b64.encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return data;
  }

  private Container stepContainer(JobPlan plan, PlannedStep step) {
    List<String> command = new ArrayList<>(List.of("/bin/sh", WRAPPER_PATH));
    command.addAll(step.shellArgv());
    List<EnvVar> env = new ArrayList<>();
    env.add(env("PW_STEP", Integer.toString(step.number())));
    env.add(env("PW_RUN_WHEN", String.join(" ", new TreeSet<>(step.runWhen()))));
    if (!step.ifSteps().isEmpty()) {
      env.add(
          env(
              "PW_IF_STEPS",
              String.join(" ", step.ifSteps().stream().map(String::valueOf).toList())));
    }
    env.add(env("PW_CONTINUE_ON_ERROR", Boolean.toString(step.continueOnError())));
    env.add(env("PW_TIMEOUT", Long.toString(step.timeoutSeconds())));
    env.add(env("PW_WORKDIR", step.workingDirectory()));
    if (step.mark() != null) {
      env.add(env("PW_MARK", step.mark()));
    }
    // Secret-derived values reach only the steps that read them, and only by reference.
    for (int index : step.values()) {
      env.add(
          new EnvVarBuilder()
              .withName("PW_V_" + index)
              .withNewValueFrom()
              .withNewSecretKeyRef()
              .withName(KubeNames.secretName(plan.ref().buildId()))
              .withKey(JobPlan.valueKey(plan.jobName(), index))
              .endSecretKeyRef()
              .endValueFrom()
              .build());
    }
    return new ContainerBuilder()
        .withName(step.containerName())
        .withImage(plan.image())
        .withCommand(command)
        .withEnv(env)
        .withResources(stepResources())
        .withSecurityContext(restricted())
        .withVolumeMounts(mounts(plan))
        .withTerminationMessagePolicy("File")
        .build();
  }

  private Container finishContainer(JobPlan plan) {
    return new ContainerBuilder()
        .withName(FINISH_CONTAINER)
        .withImage(plan.image())
        .withCommand("/bin/sh", WRAPPER_PATH)
        .withEnv(env("PW_STEP", "0"))
        .withResources(
            new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity("10m"))
                .addToRequests("memory", new Quantity("16Mi"))
                .addToLimits("cpu", new Quantity("100m"))
                .addToLimits("memory", new Quantity("64Mi"))
                .build())
        .withSecurityContext(restricted())
        .withVolumeMounts(mounts(plan))
        .withTerminationMessagePolicy("File")
        .build();
  }

  private List<VolumeMount> mounts(JobPlan plan) {
    return List.of(
        mount("workspace", StepPlanner.WORKSPACE, false, plan.workspace()),
        mount("state", StepPlanner.STATE_DIR, false, null),
        mount("files", StepPlanner.FILES_DIR, true, null),
        // Mounted whole: a subPath mount of a downward API volume is never refreshed.
        mount("podinfo", StepPlanner.PODINFO_DIR, true, null),
        mount("tmp", "/tmp", false, null));
  }

  private static VolumeMount mount(String volume, String path, boolean readOnly, String subPath) {
    return new VolumeMountBuilder()
        .withName(volume)
        .withMountPath(path)
        .withReadOnly(readOnly ? Boolean.TRUE : null)
        .withSubPath(subPath)
        .build();
  }

  private ResourceRequirements stepResources() {
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

  private SecurityContext restricted() {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withRunAsNonRoot(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }

  private static EnvVar env(String name, String value) {
    return new EnvVar(name, value, null);
  }

  private static String loadWrapper() {
    try (InputStream in = JobManifests.class.getResourceAsStream("step-wrapper.sh")) {
      if (in == null) {
        throw new IllegalStateException("step-wrapper.sh is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
