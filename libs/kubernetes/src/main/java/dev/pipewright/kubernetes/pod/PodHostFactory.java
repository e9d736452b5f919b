package dev.pipewright.kubernetes.pod;

import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.engine.ContextBuilder;
import dev.pipewright.executor.host.HostProcess;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.host.JobHostFactory;
import dev.pipewright.executor.host.JobPaths;
import dev.pipewright.executor.host.OutputReceiver;
import dev.pipewright.executor.host.ProvidedNode;
import dev.pipewright.executor.host.StepContainer;
import dev.pipewright.executor.host.container.ContainerConfig;
import dev.pipewright.executor.host.container.ContainerSupport;
import dev.pipewright.executor.host.process.ProcessHostFactory;
import dev.pipewright.kubernetes.PipelineRuns;
import dev.pipewright.kubernetes.runner.ApiErrors;
import dev.pipewright.kubernetes.runner.KubeNames;
import dev.pipewright.kubernetes.runner.KubernetesRunnerConfig;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.parser.spec.JobSpec;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRun;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRunSpec;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.ScalableResource;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pod hosts: one Kubernetes Job per attempt of a job instance, on the workspace volume the worker
 * mounts at {@code root} (see {@link PodManifests} and {@link PodAgent}). The job's directories are
 * laid out as the process host lays them out under that root, {@code <workspace>/<job>/} and {@code
 * .pipewright/<build>/<job>/}, so each job instance has its own workspace, temp and tool cache.
 * Pods are observed through one shared informer (this installation's pods only), so a poll of a
 * pod's state costs no API call.
 */
public final class PodHostFactory implements JobHostFactory {
  private static final Logger log = LoggerFactory.getLogger(PodHostFactory.class);
  private static final String BY_JOB = "pipewright-job-name";

  /** How long a pod may take to run its agent (scheduling, image pull) before the job fails. */
  static final Duration START_TIMEOUT = Duration.ofMinutes(10);

  private final KubernetesClient client;
  private final KubernetesRunnerConfig config;
  private final Path root;
  private final String runnerName;
  private final ProcessHostFactory directories;
  private final PodManifests manifests;
  private final StepPods stepPods;
  private final SharedIndexInformer<Pod> informer;
  private final Map<String, OwnerReference> owners = new ConcurrentHashMap<>();

  /** Builds with Secrets made here: their release deletes any a dead worker's jobs left. */
  private final Set<String> buildsWithSecrets = ConcurrentHashMap.newKeySet();

  /** Builds with a Job this worker had to delete itself: their release deletes what is left. */
  private final Set<String> deleted = ConcurrentHashMap.newKeySet();

  /**
   * @param root where this worker mounts the workspace volume ({@code workspace.root}); the pods
   *     mount their directories of it at the same paths
   * @param runnerName {@code runner.name}, for the expressions of {@code container:}
   */
  public PodHostFactory(
      KubernetesClient client, KubernetesRunnerConfig config, Path root, String runnerName) {
    this.client = client;
    this.config = config;
    this.root = root.toAbsolutePath().normalize();
    this.runnerName = runnerName;
    this.directories = new ProcessHostFactory(this.root, List.of());
    this.manifests = new PodManifests(config, this.root);
    this.stepPods = new StepPods(client, config, new StepJobs(config, this.root), this::podOf);
    this.informer =
        client
            .pods()
            .inNamespace(config.namespace())
            .withLabelSelector(KubeNames.selector(config.installation()))
            .runnableInformer(0);
    informer.addIndexers(Map.of(BY_JOB, p -> List.of(jobNameOf(p))));
    informer.run();
  }

  @Override
  public JobHost open(JobRun run) {
    JobHost worker = directories.open(run);
    String job = "job '" + run.jobKey() + "'";
    JobSpec spec = run.job();
    String eventPath = JobPaths.join(worker.paths().runnerFiles(), "event.json");
    Map<String, Object> contexts =
        ContextBuilder.jobContexts(run, worker.paths(), eventPath, runnerName);
    ContainerConfig container =
        spec.container() == null
            ? null
            : ContainerConfig.of(run.jobKey(), spec.container(), contexts);
    Map<String, ContainerConfig> services =
        ContainerConfig.services(run.jobKey(), spec.services(), contexts);
    ContainerSupport.check(container, services, ContainerSupport.Host.POD);
    String image =
        container != null
            ? container.image()
            : config.imageFor(null, spec.runsOn() == null ? null : spec.runsOn().labels());
    String jobName = KubeNames.jobName(run.ref(), run.attempt());
    JobSecrets secrets = JobSecrets.of(jobName, container, services);
    PodManifests.JobPod pod =
        new PodManifests.JobPod(
            image, container, services, secrets.pullSecret(), secrets.envSecret());
    Path runnerDir = Path.of(worker.paths().runnerFiles());
    List<Path> mounted = List.of(Path.of(worker.paths().workspace()), runnerDir);
    Duration timeout = timeout(run);
    PodHost.Pods pods =
        new PodHost.Pods() {
          @Override
          public void create(PodHost host) throws IOException {
            if (run.attempt() > 1) {
              retireEarlierAttempts(run, runnerDir);
            }
            if (!secrets.isEmpty()) {
              buildsWithSecrets.add(run.buildId());
              for (Secret s :
                  secrets.manifests(
                      config.namespace(), manifests.labels(run.ref(), run.attempt()), owner(run))) {
                createSecret(s);
              }
            }
            createJob(
                manifests.job(run, pod, mounted, host.control().toString(), timeout, owner(run)));
          }

          @Override
          public void delete(String name) {
            deleted.add(run.buildId());
            deleteJob(name);
          }

          @Override
          public Pod pod(String name) {
            return podOf(name);
          }

          @Override
          public String log(String podName, String containerName) throws IOException {
            try {
              return client
                  .pods()
                  .inNamespace(config.namespace())
                  .withName(podName)
                  .inContainer(containerName)
                  .getLog();
            } catch (KubernetesClientException e) {
              throw new IOException(e.getMessage(), e);
            }
          }

          @Override
          public HostProcess startStep(
              StepContainer step, HostAlias services, OutputReceiver output) {
            return startStepJob(run, jobName, step, services, timeout, output);
          }

          @Override
          public void deleteSecrets() {
            for (String name : secrets.names()) {
              try {
                client.secrets().inNamespace(config.namespace()).withName(name).delete();
              } catch (KubernetesClientException e) {
                log.warn("could not delete Secret {}: {}", name, e.toString());
              }
            }
          }
        };
    return new PodHost(
        job,
        jobName,
        worker,
        pods,
        container == null ? Map.of() : container.env(),
        services,
        runnerDir.resolve(controlDirName(run.attempt())),
        config.logPollInterval(),
        START_TIMEOUT,
        providedNode());
  }

  /** The Node.js the pod's init container copies from the configured image, when there is one. */
  private ProvidedNode providedNode() {
    return config.nodeImage() == null
        ? null
        : new ProvidedNode(
            List.of(PodManifests.NODE_MOUNT + "/node"),
            "the executor's, copied from "
                + config.nodeImage()
                + " into "
                + PodManifests.NODE_MOUNT
                + " by the pod's init container");
  }

  @Override
  public boolean startedBefore(JobRun run) {
    return directories.startedBefore(run);
  }

  /** Deletes the build's directories; its Jobs too when one of them had to be deleted. */
  @Override
  public void releaseBuild(String buildId) {
    owners.remove(buildId);
    if (buildsWithSecrets.remove(buildId)) {
      try {
        client
            .secrets()
            .inNamespace(config.namespace())
            .withLabel(KubeNames.INSTALLATION_LABEL, config.installation())
            .withLabel(KubeNames.BUILD_LABEL, KubeNames.labelValue(buildId))
            .delete();
      } catch (KubernetesClientException e) {
        log.warn("could not delete the Secrets of build {}: {}", buildId, e.toString());
      }
    }
    if (deleted.remove(buildId)) {
      try {
        jobsOfBuild(buildId).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
      } catch (KubernetesClientException e) {
        log.warn("could not delete the Jobs of build {}: {}", buildId, e.toString());
      }
    }
    directories.releaseBuild(buildId);
  }

  @Override
  public void close() {
    informer.close();
    directories.close();
  }

  /**
   * A new attempt (its predecessor lost with its worker, or its pod failed) shares the job's
   * workspace: the earlier attempts' agents are told to stop and their Jobs deleted first, so no
   * step of theirs still runs beside it.
   */
  private void retireEarlierAttempts(JobRun run, Path runnerDir) throws IOException {
    for (int a = 1; a < run.attempt(); a++) {
      Path control = runnerDir.resolve(controlDirName(a));
      if (Files.isDirectory(control)) {
        PodHost.writeAtomically(control, PodAgent.RELEASE, new byte[0]);
      }
    }
    try {
      jobsOfBuild(run.buildId())
          .withLabel(KubeNames.JOB_LABEL, KubeNames.labelValue(run.jobKey()))
          .withoutLabel(KubeNames.ATTEMPT_LABEL, Integer.toString(run.attempt()))
          .withPropagationPolicy(DeletionPropagation.BACKGROUND)
          .delete();
    } catch (KubernetesClientException e) {
      throw new IOException("deleting the earlier attempts of " + run.ref() + ": " + e, e);
    }
  }

  /** This installation's Jobs of a build, for deletes by label. */
  private FilterWatchListDeletable<Job, JobList, ScalableResource<Job>> jobsOfBuild(
      String buildId) {
    return jobs()
        .withLabel(KubeNames.INSTALLATION_LABEL, config.installation())
        .withLabel(KubeNames.BUILD_LABEL, KubeNames.labelValue(buildId));
  }

  private NonNamespaceOperation<Job, JobList, ScalableResource<Job>> jobs() {
    return client.batch().v1().jobs().inNamespace(config.namespace());
  }

  /** The agent's control directory of one attempt, in the job's runner directory. */
  static String controlDirName(int attempt) {
    return "pod-a" + attempt;
  }

  /** The job's timeout when it is a number; otherwise the default, within the policy's ceiling. */
  static Duration timeout(JobRun run) {
    Duration timeout = JobRun.DEFAULT_JOB_TIMEOUT;
    String declared = run.job().timeoutMinutes();
    if (declared != null) {
      try {
        double minutes = Double.parseDouble(declared.strip());
        if (minutes > 0 && !Double.isInfinite(minutes)) {
          timeout = Duration.ofMillis(Math.round(minutes * 60_000));
        }
      } catch (NumberFormatException expression) {
        // An expression: the engine evaluates it; the deadline keeps the default.
      }
    }
    if (run.maxTimeout() != null && run.maxTimeout().compareTo(timeout) < 0) {
      timeout = run.maxTimeout();
    }
    return timeout;
  }

  private OwnerReference owner(JobRun run) {
    return owners.computeIfAbsent(
        run.buildId(),
        id -> {
          PipelineRunSpec spec = new PipelineRunSpec(id);
          spec.setRef(run.repository().ref());
          spec.setSha(run.repository().sha());
          spec.setRepository(run.repository().url());
          PipelineRun pr =
              PipelineRuns.ensure(client, config.namespace(), config.installation(), spec);
          return PodManifests.ownerReference(pr.getMetadata().getName(), pr.getMetadata().getUid());
        });
  }

  /**
   * Starts a docker step's Secret and Job ({@link StepPods}); their build is marked so that its
   * release deletes what a dead worker left.
   */
  private HostProcess startStepJob(
      JobRun run,
      String jobName,
      StepContainer step,
      HostAlias services,
      Duration timeout,
      OutputReceiver output) {
    buildsWithSecrets.add(run.buildId());
    deleted.add(run.buildId());
    return stepPods.start(
        KubeNames.stepJobName(jobName, step.id()),
        step,
        services,
        manifests.labels(run.ref(), run.attempt()),
        timeout.plus(PodManifests.DEADLINE_MARGIN),
        owner(run),
        output);
  }

  /** Creates a job's Secret, or updates the one an earlier call of the same attempt made. */
  private void createSecret(Secret secret) {
    try {
      client
          .secrets()
          .inNamespace(config.namespace())
          .resource(secret)
          .createOr(NonDeletingOperation::update);
    } catch (KubernetesClientException e) {
      throw new CiException(
          ApiErrors.codeOf(e.getCode()),
          "creating Secret " + secret.getMetadata().getName() + ": " + e.getMessage(),
          e);
    }
  }

  private void createJob(Job job) throws IOException {
    try {
      jobs().resource(job).create();
    } catch (KubernetesClientException e) {
      // Created by an earlier call or an earlier worker: the deterministic name makes it the same,
      // unless that attempt is over (its agent released or its pod failed): it cannot run again.
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw new CiException(
            ApiErrors.codeOf(e.getCode()),
            "creating Job " + job.getMetadata().getName() + ": " + e.getMessage(),
            e);
      }
      String name = job.getMetadata().getName();
      Job existing = jobs().withName(name).get();
      if (existing != null
          && existing.getStatus() != null
          && existing.getStatus().getConditions() != null
          && existing.getStatus().getConditions().stream()
              .anyMatch(
                  c ->
                      ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                          && "True".equals(c.getStatus()))) {
        throw new CiException(
            ErrorCode.INFRASTRUCTURE, "Job " + name + " of this attempt has ended already");
      }
    }
  }

  private void deleteJob(String jobName) {
    try {
      jobs().withName(jobName).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    } catch (KubernetesClientException e) {
      log.warn("could not delete Job {}: {}", jobName, e.toString());
    }
  }

  /** The newest pod of the Job, from the informer's cache. */
  private Pod podOf(String jobName) {
    return informer.getIndexer().byIndex(BY_JOB, jobName).stream()
        .max(Comparator.comparing(p -> String.valueOf(p.getMetadata().getCreationTimestamp())))
        .orElse(null);
  }

  private static String jobNameOf(Pod p) {
    Map<String, String> labels = p.getMetadata().getLabels();
    String name = labels == null ? null : labels.get(KubeNames.JOB_NAME_LABEL);
    return name == null ? "" : name;
  }
}
