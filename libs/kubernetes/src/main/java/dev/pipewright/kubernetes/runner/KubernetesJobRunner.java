package dev.pipewright.kubernetes.runner;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobResult;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.JobRunner;
import dev.pipewright.executor.JobSnapshot;
import dev.pipewright.executor.LogSink;
import dev.pipewright.executor.RunObserver;
import dev.pipewright.executor.SecretMasker;
import dev.pipewright.executor.StepResult;
import dev.pipewright.expressions.EvalContext;
import dev.pipewright.expressions.ExpressionException;
import dev.pipewright.expressions.Template;
import dev.pipewright.kubernetes.PipelineRuns;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.StepStatus;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRun;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRunSpec;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link JobRunner} of Kubernetes mode: one {@code batch/v1} Job per job instance (see {@link
 * JobManifests}), observed through two shared informers (Jobs and Pods labelled {@code
 * app.kubernetes.io/managed-by=pipewright} and with this installation's {@link
 * KubeNames#INSTALLATION_LABEL}) rather than a watch per job.
 *
 * <p>Every observation is level-triggered: an informer event marks the job dirty and a worker
 * thread recomputes {@link PodObservation} from the cached objects, then reports to the observer
 * what it has not reported yet (in step order, under the job's lock). Step logs are read from the
 * containers while they run (every {@code logPollInterval}) and to their end once they stop, before
 * the step's {@code stepFinished}.
 *
 * <p>A cancel follows GitHub's semantics: when the job's pod is running and a step still ahead may
 * run after a cancel ({@code always()}, {@code cancelled()}), the pod is annotated with {@link
 * KubeNames#CANCEL_ANNOTATION}; its step wrapper kills the running step and the later steps see the
 * job cancelled. The Job is kept until the pod ends, at most {@link
 * KubernetesRunnerConfig#cancelGrace} after the cancel, then deleted. Otherwise the Job is deleted
 * at once.
 */
public final class KubernetesJobRunner implements JobRunner {
  private static final Logger log = LoggerFactory.getLogger(KubernetesJobRunner.class);

  /**
   * Jobs submitted to the API server at the same time: submissions are latency-bound (two round
   * trips each), so a few in flight multiply the rate without loading the API server much.
   */
  static final int SUBMIT_PARALLELISM = 8;

  private final KubernetesClient client;
  private final KubernetesRunnerConfig config;
  private final LogSink logSink;
  private final PodLogs podLogs;
  private final StepPlanner planner;
  private final JobManifests manifests;
  private final Map<String, Tracked> jobs = new ConcurrentHashMap<>();
  private final Map<String, OwnerReference> owners = new ConcurrentHashMap<>();
  private final Set<String> secretsCreated = ConcurrentHashMap.newKeySet();

  /** Builds released while some of their jobs still run clean-up steps after a cancel. */
  private final Set<String> released = ConcurrentHashMap.newKeySet();

  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
  private final ExecutorService submitters =
      Executors.newFixedThreadPool(
          SUBMIT_PARALLELISM, Thread.ofVirtual().name("pipewright-k8s-submit-", 0).factory());
  private final GroupWriter<OwnerReference> secretWriter = new GroupWriter<>(this::writeFiles);
  private final ScheduledExecutorService ticker;
  private final SharedIndexInformer<Job> jobInformer;
  private final SharedIndexInformer<Pod> podInformer;
  private final AtomicBoolean closed = new AtomicBoolean();

  public KubernetesJobRunner(
      KubernetesClient client, KubernetesRunnerConfig config, LogSink logSink, PodLogs podLogs) {
    this.client = client;
    this.config = config;
    this.logSink = logSink;
    this.podLogs = podLogs;
    this.planner = new StepPlanner(config);
    this.manifests = new JobManifests(config);
    this.jobInformer =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(config.namespace())
            .withLabelSelector(KubeNames.selector(config.installation()))
            .inform(handler(j -> j.getMetadata().getName()));
    this.podInformer =
        client
            .pods()
            .inNamespace(config.namespace())
            .withLabelSelector(KubeNames.selector(config.installation()))
            .inform(handler(p -> label(p, KubeNames.JOB_NAME_LABEL)));
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("pipewright-k8s-logs").factory());
    long every = config.logPollInterval().toMillis();
    ticker.scheduleWithFixedDelay(this::pollRunning, every, every, TimeUnit.MILLISECONDS);
  }

  public KubernetesJobRunner(KubernetesClient client, KubernetesRunnerConfig config, LogSink sink) {
    this(client, config, sink, new Fabric8PodLogs(client));
  }

  @Override
  public String kind() {
    return "kubernetes";
  }

  @Override
  public JobSnapshot start(JobRun run, RunObserver observer) {
    requireOpen();
    JobPlan plan = planner.plan(run);
    Tracked known = jobs.get(plan.jobName());
    if (known != null) {
      return known.snapshot();
    }
    for (Tracked other : jobs.values()) {
      if (other.run.ref().equals(run.ref()) && !other.snapshot().finished()) {
        throw new CiException(
            ErrorCode.CONFLICT,
            run.ref()
                + " is still running attempt "
                + other.run.attempt()
                + "; cancel it before starting attempt "
                + run.attempt());
      }
    }
    Tracked t = new Tracked(run, plan, observer);
    Tracked raced = jobs.putIfAbsent(plan.jobName(), t);
    if (raced != null) {
      return raced.snapshot();
    }
    try {
      submitters.execute(() -> submit(t));
    } catch (RejectedExecutionException e) {
      jobs.remove(plan.jobName(), t);
      throw new CiException(ErrorCode.TRANSIENT, "the Kubernetes runner is closed", e);
    }
    return t.snapshot();
  }

  /**
   * Writes a job's Secret entries (merged with those of the build's other jobs submitted at the
   * same time: see {@link GroupWriter}) and creates its Job. A job cancelled or released meanwhile
   * is not created (or deleted again). A failure makes the runner forget the job, so {@link
   * #status} says UNKNOWN and the orchestrator's next pass starts it again, exactly as if {@link
   * #start} had thrown.
   */
  private void submit(Tracked t) {
    String jobName = t.plan.jobName();
    if (t.cancelled || jobs.get(jobName) != t) {
      return;
    }
    try {
      OwnerReference owner = owner(t.run);
      secretWriter.write(t.run.buildId(), owner, JobManifests.secretData(t.plan));
      if (t.cancelled || jobs.get(jobName) != t) {
        return;
      }
      createJob(t.plan, owner);
      if (t.cancelled) {
        deleteJob(jobName);
      }
      refresh(t);
    } catch (RuntimeException e) {
      log.warn("submitting {} failed; it will be started again: {}", jobName, e.toString());
      jobs.remove(jobName, t);
    }
  }

  @Override
  public JobSnapshot attach(JobRun run, RunObserver observer) {
    requireOpen();
    JobPlan plan = planner.plan(run);
    Tracked known = jobs.get(plan.jobName());
    if (known != null) {
      return known.snapshot();
    }
    Job job = ApiErrors.typed("reading Job " + plan.jobName(), () -> findJob(plan.jobName()));
    if (job == null) {
      return JobSnapshot.unknown(run.ref());
    }
    Tracked t = new Tracked(run, plan, observer);
    Tracked raced = jobs.putIfAbsent(plan.jobName(), t);
    Tracked tracked = raced != null ? raced : t;
    refresh(tracked);
    return tracked.snapshot();
  }

  @Override
  public JobSnapshot status(JobRef ref) {
    Tracked latest = null;
    for (Tracked t : jobs.values()) {
      if (t.run.ref().equals(ref) && (latest == null || t.run.attempt() > latest.run.attempt())) {
        latest = t;
      }
    }
    return latest == null ? JobSnapshot.unknown(ref) : latest.snapshot();
  }

  @Override
  public List<JobSnapshot> status(String buildId) {
    List<JobSnapshot> out = new ArrayList<>();
    for (Tracked t : jobs.values()) {
      if (t.run.buildId().equals(buildId)) {
        out.add(t.snapshot());
      }
    }
    return out;
  }

  @Override
  public void cancel(JobRef ref) {
    ApiErrors.typed(
        "cancelling " + ref,
        () -> {
          for (Tracked t : jobs.values()) {
            if (t.run.ref().equals(ref)) {
              cancel(t, true);
            }
          }
        });
  }

  @Override
  public void cancelBuild(String buildId) {
    ApiErrors.typed(
        "cancelling the jobs of build " + buildId,
        () -> {
          Set<String> kept = new HashSet<>();
          for (Tracked t : jobs.values()) {
            if (t.run.buildId().equals(buildId)) {
              cancel(t, true);
              if (t.runsCleanUp()) {
                kept.add(t.plan.jobName());
              }
            }
          }
          // Jobs of the build this worker does not track (started by a predecessor) go too.
          deleteJobsOfBuild(buildId, kept);
        });
  }

  /**
   * Cancels the build's jobs and forgets the build, deleting its Jobs and Secret. Returns at once;
   * while jobs kept for their clean-up steps run (at most {@link
   * KubernetesRunnerConfig#cancelGrace}), the forgetting and deleting wait for them: their later
   * containers read the Secret, and their observers still hear of them.
   */
  @Override
  public void releaseBuild(String buildId) {
    released.add(buildId);
    cancelBuild(buildId);
    ApiErrors.typed("releasing build " + buildId, () -> forgetIfDrained(buildId));
  }

  /** Cancels without grace: nobody would observe the clean-up steps or bound their time. */
  @Override
  public void close() {
    if (closed.get()) {
      return;
    }
    for (Tracked t : jobs.values()) {
      cancel(t, false);
    }
    detach();
  }

  /**
   * Stops observing but leaves every Job running, for a worker handing its builds to a successor
   * (which {@link #attach}es them by name).
   */
  public void detach() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ticker.shutdownNow();
    // Queued submissions still go out: the orchestrator believes those jobs started.
    submitters.shutdown();
    try {
      if (!submitters.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("Job submissions still running after 10 s; the successor restarts them");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    jobInformer.close();
    podInformer.close();
    workers.shutdown();
  }

  // ---- API writes: at most two per job (the build Secret's entries, the Job), fewer in batches
  // ---

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
          return JobManifests.ownerReference(pr.getMetadata().getName(), pr.getMetadata().getUid());
        });
  }

  /** One write of the build Secret: created with the entries, or the entries merged into it. */
  private void writeFiles(String buildId, OwnerReference owner, Map<String, String> data) {
    var secrets = client.secrets().inNamespace(config.namespace());
    if (!secretsCreated.contains(buildId)) {
      try {
        secrets.resource(manifests.secret(buildId, data, owner)).create();
        secretsCreated.add(buildId);
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
        secretsCreated.add(buildId);
      }
    }
    Secret patch = new Secret();
    patch.setData(data);
    secrets
        .withName(KubeNames.secretName(buildId))
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch));
  }

  private void createJob(JobPlan plan, OwnerReference owner) {
    try {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(config.namespace())
          .resource(manifests.job(plan, owner))
          .create();
    } catch (KubernetesClientException e) {
      // Created by an earlier call or an earlier worker: the deterministic name makes it the same.
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
  }

  // ---- cancel --------------------------------------------------------------------------------

  /**
   * Gracefully (see the class doc) or by deleting the Job at once. Repeated calls are harmless: a
   * job already kept for its clean-up steps stays so, a deleted one is deleted again (retrying a
   * delete that failed), a finished one is left alone.
   */
  private void cancel(Tracked t, boolean graceful) {
    Tracked.Cancel c = t.cancel(graceful);
    switch (c) {
      case NONE -> {
        return;
      }
      case DELETE -> deleteJob(t.plan.jobName());
      case ANNOTATE -> {
        Instant at = Instant.now();
        try {
          annotateCancel(t.cancelPod, at);
          expireAt(t, at.plus(config.cancelGrace()));
        } catch (KubernetesClientException e) {
          log.warn(
              "cannot annotate pod {} to cancel {}; deleting its Job: {}",
              t.cancelPod,
              t.plan.jobName(),
              e.toString());
          if (t.cancel(false) == Tracked.Cancel.DELETE) {
            deleteJob(t.plan.jobName());
          }
        }
      }
    }
    markDirty(t);
  }

  /** Tells the pod's step wrappers (through their downward API volume) the job is cancelled. */
  private void annotateCancel(String podName, Instant at) {
    Map<String, Object> patch =
        Map.of(
            "metadata", Map.of("annotations", Map.of(KubeNames.CANCEL_ANNOTATION, at.toString())));
    client
        .pods()
        .inNamespace(config.namespace())
        .withName(podName)
        .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch));
  }

  /** The hard bound of a graceful cancel: at {@code deadline} the Job is deleted as it stands. */
  private void expireAt(Tracked t, Instant deadline) {
    long delay = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
    try {
      ticker.schedule(() -> workers.execute(() -> expire(t)), delay, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // Detached: the successor that attaches the job reads the deadline from the pod.
    }
  }

  private void expire(Tracked t) {
    if (t.cancel(false) == Tracked.Cancel.DELETE) {
      log.info(
          "{} still runs {} after it was cancelled; deleting its Job",
          t.plan.jobName(),
          config.cancelGrace());
      deleteJob(t.plan.jobName());
      markDirty(t);
    }
  }

  /** Forgets a released build once none of its jobs is still running clean-up steps. */
  private void forgetIfDrained(String buildId) {
    if (!released.contains(buildId)) {
      return;
    }
    for (Tracked t : jobs.values()) {
      if (t.run.buildId().equals(buildId) && t.runsCleanUp()) {
        return;
      }
    }
    if (!released.remove(buildId)) {
      return;
    }
    jobs.values().removeIf(t -> t.run.buildId().equals(buildId));
    owners.remove(buildId);
    secretsCreated.remove(buildId);
    secretWriter.forget(buildId);
    deleteJobsOfBuild(buildId, Set.of());
    client
        .secrets()
        .inNamespace(config.namespace())
        .withName(KubeNames.secretName(buildId))
        .delete();
  }

  /** Deletes the build's Jobs (one call, by label) but those named in {@code except}. */
  private void deleteJobsOfBuild(String buildId, Set<String> except) {
    var ofBuild =
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(config.namespace())
            .withLabel(KubeNames.INSTALLATION_LABEL, config.installation())
            .withLabel(KubeNames.BUILD_LABEL, KubeNames.labelValue(buildId));
    for (String name : except) {
      ofBuild = ofBuild.withoutLabel(KubeNames.JOB_NAME_LABEL, name);
    }
    ofBuild.withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
  }

  private void deleteJob(String jobName) {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(config.namespace())
        .withName(jobName)
        .withPropagationPolicy(DeletionPropagation.BACKGROUND)
        .delete();
  }

  private Job findJob(String jobName) {
    Job cached = jobInformer.getIndexer().getByKey(config.namespace() + "/" + jobName);
    return cached != null
        ? cached
        : client.batch().v1().jobs().inNamespace(config.namespace()).withName(jobName).get();
  }

  // ---- observation ------------------------------------------------------------------------------

  private <T extends io.fabric8.kubernetes.api.model.HasMetadata> ResourceEventHandler<T> handler(
      java.util.function.Function<T, String> jobNameOf) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        dirty(jobNameOf.apply(obj));
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        dirty(jobNameOf.apply(newObj));
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        dirty(jobNameOf.apply(obj));
      }
    };
  }

  private void dirty(String jobName) {
    Tracked t = jobName == null ? null : jobs.get(jobName);
    if (t != null) {
      markDirty(t);
    }
  }

  private void markDirty(Tracked t) {
    if (t.dirty.compareAndSet(false, true) && !closed.get()) {
      workers.execute(
          () -> {
            t.dirty.set(false);
            refresh(t);
          });
    }
  }

  private void pollRunning() {
    for (Tracked t : jobs.values()) {
      if (t.snapshot().phase() == JobSnapshot.Phase.RUNNING || t.hasPendingLogs()) {
        markDirty(t);
      }
    }
  }

  private void refresh(Tracked t) {
    try {
      t.refresh();
      if (t.snapshot().finished()) {
        forgetIfDrained(t.run.buildId());
      }
    } catch (RuntimeException e) {
      log.warn("observing {} failed; the next event retries: {}", t.plan.jobName(), e.toString());
    }
  }

  private Pod podOf(String jobName) {
    Pod newest = null;
    for (Pod p : podInformer.getStore().list()) {
      if (jobName.equals(label(p, KubeNames.JOB_NAME_LABEL))
          && (newest == null
              || p.getMetadata().getCreationTimestamp() != null
                  && newest.getMetadata().getCreationTimestamp() != null
                  && p.getMetadata()
                          .getCreationTimestamp()
                          .compareTo(newest.getMetadata().getCreationTimestamp())
                      > 0)) {
        newest = p;
      }
    }
    return newest;
  }

  private static Instant instant(String iso) {
    try {
      return Instant.parse(iso);
    } catch (DateTimeParseException e) {
      return Instant.now();
    }
  }

  private static String label(io.fabric8.kubernetes.api.model.HasMetadata o, String key) {
    Map<String, String> labels = o.getMetadata().getLabels();
    return labels == null ? null : labels.get(key);
  }

  private void requireOpen() {
    if (closed.get()) {
      throw new CiException(ErrorCode.TRANSIENT, "the Kubernetes runner is closed");
    }
  }

  /** One job instance this worker observes; everything below runs under its lock. */
  private final class Tracked {
    final JobRun run;
    final JobPlan plan;
    final RunObserver observer;
    final SecretMasker masker;
    final AtomicBoolean dirty = new AtomicBoolean();
    final Map<Integer, StepLogStream> logs = new LinkedHashMap<>();
    final Set<Integer> announced = new HashSet<>();
    volatile boolean cancelled;

    /** Cancelled, but its Job kept so the pod runs the steps that run after a cancel. */
    volatile boolean keptForCleanUp;

    /** The pod annotated by the cancel. */
    volatile String cancelPod;

    volatile JobSnapshot snapshot;
    boolean jobAnnounced;
    int reported;
    boolean finishedReported;

    Tracked(JobRun run, JobPlan plan, RunObserver observer) {
      this.run = run;
      this.plan = plan;
      this.observer = observer == null ? RunObserver.NONE : observer;
      this.masker = new SecretMasker(run.secrets().values());
      this.snapshot = new JobSnapshot(run.ref(), JobSnapshot.Phase.QUEUED, List.of(), 0, null);
      for (PlannedStep s : plan.steps()) {
        logs.put(
            s.number(),
            new StepLogStream(logSink, run.ref(), s.number(), run.logCursor(s.number()), masker));
      }
    }

    JobSnapshot snapshot() {
      return snapshot;
    }

    /** What {@link #cancel(boolean)} leaves the runner to do. */
    enum Cancel {
      NONE,
      DELETE,
      ANNOTATE
    }

    /** Whether the job is cancelled, kept for its clean-up steps and not finished yet. */
    boolean runsCleanUp() {
      return keptForCleanUp && !snapshot.finished();
    }

    /**
     * Marks the job cancelled and decides how. Gracefully, a job is kept when its pod has started
     * and a step ahead of the running one may run after a cancel; a job not started yet ends like a
     * queued one on the local runner, with no step run.
     */
    synchronized Cancel cancel(boolean graceful) {
      if (finishedReported || snapshot.finished() || (graceful && keptForCleanUp)) {
        return Cancel.NONE;
      }
      boolean first = !cancelled;
      cancelled = true;
      if (graceful && first) {
        Pod pod = podOf(plan.jobName());
        if (pod != null && stepAheadMayRunAfterCancel(pod)) {
          keptForCleanUp = true;
          cancelPod = pod.getMetadata().getName();
          return Cancel.ANNOTATE;
        }
      }
      keptForCleanUp = false;
      return Cancel.DELETE;
    }

    private boolean stepAheadMayRunAfterCancel(Pod pod) {
      Job job = jobInformer.getIndexer().getByKey(config.namespace() + "/" + plan.jobName());
      PodObservation obs = PodObservation.observe(plan, pod, job, false);
      if (obs.phase() != JobSnapshot.Phase.RUNNING) {
        return false;
      }
      for (PlannedStep step : plan.steps()) {
        // The running step started before the cancel; between steps, every unfinished one starts
        // after it.
        boolean ahead =
            obs.running() > 0
                ? step.number() > obs.running()
                : obs.results().get(step.number() - 1) == null;
        if (ahead && step.mayRunAfterCancel()) {
          return true;
        }
      }
      return false;
    }

    synchronized boolean hasPendingLogs() {
      return logs.values().stream().anyMatch(StepLogStream::hasPending);
    }

    synchronized void refresh() {
      if (finishedReported) {
        logs.values().forEach(StepLogStream::drain);
        return;
      }
      Job job = jobInformer.getIndexer().getByKey(config.namespace() + "/" + plan.jobName());
      Pod pod = podOf(plan.jobName());
      String cancelledAt = PodObservation.cancelRequestedAt(pod);
      if (!cancelled && cancelledAt != null) {
        // Cancelled before this worker attached: the grace counts from the cancel.
        cancelled = true;
        keptForCleanUp = true;
        expireAt(this, instant(cancelledAt).plus(config.cancelGrace()));
      }
      PodObservation obs = PodObservation.observe(plan, pod, job, cancelled);
      boolean anyActivity = obs.running() > 0 || obs.results().stream().anyMatch(r -> r != null);
      if (!jobAnnounced && (anyActivity && !cancelled)) {
        jobAnnounced = true;
        safely(() -> observer.jobStarted(run.ref()));
      }
      for (PlannedStep step : plan.steps()) {
        int i = step.number() - 1;
        StepResult result = obs.results().get(i);
        boolean runningNow = obs.steps().get(i) == StepStatus.RUNNING;
        if (pod != null && (runningNow || result != null)) {
          readLog(pod, step, result != null);
        }
        if (runningNow && announced.add(step.number())) {
          safely(() -> observer.stepStarted(run.ref(), step.number(), step.name()));
        }
        if (result != null && i == reported) {
          if (ran(result) && announced.add(step.number())) {
            safely(() -> observer.stepStarted(run.ref(), step.number(), step.name()));
          }
          reported++;
          safely(() -> observer.stepFinished(run.ref(), step.number(), result));
        }
      }
      JobResult outcome = null;
      if (obs.phase() == JobSnapshot.Phase.FINISHED && reported == plan.steps().size()) {
        outcome = withOutputs(obs.outcome(), obs.results());
        finishedReported = true;
        JobResult done = outcome;
        safely(() -> observer.jobFinished(run.ref(), done));
      }
      snapshot = new JobSnapshot(run.ref(), obs.phase(), obs.steps(), obs.running(), outcome);
    }

    private void readLog(Pod pod, PlannedStep step, boolean ended) {
      StepLogStream stream = logs.get(step.number());
      String text =
          podLogs.read(config.namespace(), pod.getMetadata().getName(), step.containerName());
      stream.update(text == null ? "" : text, ended);
    }

    private JobResult withOutputs(JobResult outcome, List<StepResult> results) {
      if (plan.outputs().isEmpty()) {
        return outcome;
      }
      Map<String, Object> steps = new LinkedHashMap<>();
      for (PlannedStep s : plan.steps()) {
        StepResult r = results.get(s.number() - 1);
        if (s.id() != null && r != null) {
          steps.put(
              s.id(),
              Map.of("outputs", r.outputs(), "outcome", r.outcome(), "conclusion", r.conclusion()));
        }
      }
      Map<String, Object> contexts = StepPlanner.baseContexts(run);
      contexts.put("steps", steps);
      EvalContext ctx = EvalContext.builder().contexts(contexts).build();
      Map<String, String> outputs = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : plan.outputs().entrySet()) {
        try {
          outputs.put(e.getKey(), masker.mask(Template.parse(e.getValue()).render(ctx)));
        } catch (ExpressionException ex) {
          log.warn(
              "output {} of {} cannot be evaluated: {}", e.getKey(), run.ref(), ex.getMessage());
        }
      }
      return new JobResult(outcome.status(), outputs, outcome.errorCode(), outcome.errorMessage());
    }

    /** Whether the step's process ran: a cancelled step has an exit code when it was killed. */
    private static boolean ran(StepResult r) {
      return r.status() != StepStatus.SKIPPED
          && (r.status() != StepStatus.CANCELLED || r.exitCode() != null);
    }

    private void safely(Runnable callback) {
      try {
        callback.run();
      } catch (RuntimeException e) {
        log.warn("observer of {} threw; ignored: {}", run.ref(), e.toString());
      }
    }
  }
}
