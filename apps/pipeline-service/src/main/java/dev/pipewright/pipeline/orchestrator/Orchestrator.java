package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.dag.LoadedWorkflow;
import dev.pipewright.dag.Workflows;
import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobResult;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.JobRunner;
import dev.pipewright.executor.JobSnapshot;
import dev.pipewright.executor.NeedResult;
import dev.pipewright.executor.RunObserver;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.RetryPolicy;
import dev.pipewright.ops.logging.BuildMdc;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.pipeline.orchestrator.JobRuns.Begin;
import dev.pipewright.pipeline.reconcile.Action;
import dev.pipewright.pipeline.reconcile.Attempts;
import dev.pipewright.pipeline.reconcile.BuildSnapshot;
import dev.pipewright.pipeline.reconcile.InstanceState;
import dev.pipewright.pipeline.reconcile.JobConditionContext;
import dev.pipewright.pipeline.reconcile.JobNode;
import dev.pipewright.pipeline.reconcile.Needs;
import dev.pipewright.pipeline.reconcile.Observation;
import dev.pipewright.pipeline.reconcile.Reconciler;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin I/O shell around {@link Reconciler}: one {@link #reconcile} pass reads the build's rows
 * and the runner's view, decides, and applies the actions through guarded writes. Passes of one
 * build are serialised; anything may call {@link #reconcile} at any time, as often as it likes
 * (runner callbacks, a periodic tick, a successor worker after a crash).
 *
 * <p>Runner callbacks are written straight to the store (step and job moves) and then wake the
 * build's loop through the listener given to {@link #onChange}; the pass reconciles whatever a lost
 * callback left behind from {@link JobRunner#status}.
 */
public final class Orchestrator {
  private static final Logger LOG = LoggerFactory.getLogger(Orchestrator.class);

  private final RunStore store;
  private final JobRunner runner;
  private final int parallelism;
  private final Attempts attempts;
  private final Map<String, LoadedWorkflow> workflows = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  private final Map<String, Integer> activeJobs = new ConcurrentHashMap<>();
  private final PipewrightMetrics metrics;
  private final Failures failures;
  private final WorkflowSources sources;
  private volatile Consumer<String> changed = buildId -> {};
  private volatile JobServices services = JobServices.NONE;

  /**
   * @param parallelism the most job instances of one build active at once
   * @param attempts how many times an instance lost with its worker, or whose host failed under it,
   *     is run before it fails
   */
  public Orchestrator(RunStore store, JobRunner runner, int parallelism, Attempts attempts) {
    this(store, runner, parallelism, attempts, null);
  }

  /**
   * @param metrics where the latency of each pass goes; null for none
   */
  public Orchestrator(
      RunStore store,
      JobRunner runner,
      int parallelism,
      Attempts attempts,
      PipewrightMetrics metrics) {
    this(store, runner, parallelism, attempts, metrics, WorkflowSources.NONE);
  }

  /**
   * @param sources where the workflows a build calls ({@code jobs.<id>.uses}) are read from
   */
  public Orchestrator(
      RunStore store,
      JobRunner runner,
      int parallelism,
      Attempts attempts,
      PipewrightMetrics metrics,
      WorkflowSources sources) {
    this.sources = sources;
    this.store = store;
    this.runner = runner;
    this.parallelism = parallelism;
    this.attempts = attempts;
    this.metrics = metrics;
    this.failures = new Failures(store);
  }

  /** Called with the build id after a runner callback changed something. */
  public void onChange(Consumer<String> listener) {
    this.changed = listener;
  }

  /** What gives the jobs it starts their runtime token and service URL. */
  public void jobServices(JobServices services) {
    this.services = java.util.Objects.requireNonNull(services, "services");
  }

  public JobRunner runner() {
    return runner;
  }

  /**
   * One level-triggered pass over a build.
   *
   * @return the build's status after the pass; anything but RUNNING means there is nothing left to
   *     do for this worker
   * @throws CiException NOT_FOUND for an unknown build; INVALID_SPEC for a workflow that cannot be
   *     loaded; TRANSIENT when the store or runner is unavailable. The build's loop asks {@link
   *     RetryPolicy} whether to pass again or {@link #fail} it.
   */
  public BuildStatus reconcile(String buildId) {
    long start = System.nanoTime();
    try {
      return BuildMdc.with(buildId, () -> reconcileLocked(buildId));
    } finally {
      if (metrics != null) {
        metrics.reconcileLatency(Duration.ofNanos(System.nanoTime() - start));
      }
    }
  }

  /**
   * Job instances this process has queued or running over all the builds it drives, as counted by
   * each build's latest pass.
   */
  public int activeJobs() {
    return activeJobs.values().stream().mapToInt(Integer::intValue).sum();
  }

  private BuildStatus reconcileLocked(String buildId) {
    synchronized (locks.computeIfAbsent(buildId, id -> new Object())) {
      BuildRecord build = store.build(buildId);
      if (build == null) {
        throw new CiException(ErrorCode.NOT_FOUND, "no build " + buildId);
      }
      if (build.status() != BuildStatus.RUNNING) {
        forget(buildId);
        return build.status();
      }
      if (build.secretsError() != null) {
        throw new CiException(ErrorCode.PERMANENT, build.secretsError());
      }
      LoadedWorkflow workflow = workflows.computeIfAbsent(buildId, id -> prepare(build));
      Pass pass = new Pass(build, workflow);
      return pass.run();
    }
  }

  /**
   * Fails a build whose passes cannot succeed, as its loop decided with {@link RetryPolicy}: the
   * build FAILED with {@code code}, its unfinished jobs cancelled, the reason in its log, and the
   * runner's jobs of it released. Afterwards this worker no longer drives it.
   *
   * @return the build's status afterwards (RUNNING when it is another worker's now)
   * @throws CiException when the store fails; nothing was released, the caller drops the build
   */
  public BuildStatus fail(String buildId, ErrorCode code, String message) {
    synchronized (locks.computeIfAbsent(buildId, id -> new Object())) {
      BuildRecord build = store.build(buildId);
      BuildStatus after;
      if (build == null) {
        after = BuildStatus.FAILED;
      } else if (build.status() == BuildStatus.RUNNING
          && failures.failBuild(build, code, message)) {
        LOG.info("build {} failed: {}", buildId, message);
        after = BuildStatus.FAILED;
      } else {
        after = store.build(buildId).status();
      }
      forget(buildId);
      try {
        runner.releaseBuild(buildId);
      } catch (RuntimeException e) {
        LOG.warn("build {}: releasing its jobs on the runner failed: {}", buildId, e.getMessage());
      }
      return after;
    }
  }

  /**
   * Stops tracking a build this worker no longer drives; later runner callbacks for it are ignored.
   * Its runner jobs are left alone.
   */
  public void forget(String buildId) {
    workflows.remove(buildId);
    locks.remove(buildId);
    activeJobs.remove(buildId);
  }

  /** Forgets every build: used on shutdown before the runner kills what still runs. */
  public void forgetAll() {
    workflows.clear();
    locks.clear();
    activeJobs.clear();
  }

  /**
   * Parses, plans with reusable workflow calls expanded, and writes every job and step row
   * (idempotent).
   */
  private LoadedWorkflow prepare(BuildRecord build) {
    LoadedWorkflow workflow =
        Workflows.load(
            build.workflowYaml(),
            build.workflowPath() == null ? "workflow.yml" : build.workflowPath(),
            sources.of(build.repository()));
    store.createJobs(build.id(), WorkflowJobs.rows(workflow, build.contexts()));
    return workflow;
  }

  private final class Pass {
    private final BuildRecord build;
    private final LoadedWorkflow workflow;
    private final Map<String, InstanceState> rows = new LinkedHashMap<>();
    private final ExpressionConditions conditions;
    private Needs needs;

    Pass(BuildRecord build, LoadedWorkflow workflow) {
      this.build = build;
      this.workflow = workflow;
      this.conditions = new ExpressionConditions(build.contexts());
    }

    BuildStatus run() {
      store.jobs(build.id()).forEach(r -> rows.put(r.key(), r));
      List<JobNode> jobs = WorkflowJobs.nodes(workflow);
      needs = new Needs(jobs, this::rowsOf, conditions, build.cancelRequested());
      Map<String, Observation> observed = new HashMap<>();
      for (InstanceState row : rows.values()) {
        if (row.active()) {
          Observation seen = observe(row);
          if (seen != null) {
            observed.put(row.key(), seen);
          }
        }
      }
      BuildSnapshot snapshot =
          new BuildSnapshot(
              build.id(),
              build.status(),
              jobs,
              List.copyOf(rows.values()),
              observed,
              build.cancelRequested(),
              parallelism,
              attempts);
      BuildStatus status = BuildStatus.RUNNING;
      for (Action action : new Reconciler(conditions).decide(snapshot)) {
        LOG.debug("build {}: {}", build.id(), action);
        BuildStatus after = apply(action);
        if (after != null) {
          status = after;
        }
      }
      if (status == BuildStatus.RUNNING && workflows.containsKey(build.id())) {
        // Rows as read at the start of the pass: jobs started by it count from the next one.
        activeJobs.put(
            build.id(), (int) rows.values().stream().filter(InstanceState::active).count());
      }
      return status;
    }

    /** The runner's view; null when the runner cannot see the instance (lost with a worker). */
    private Observation observe(InstanceState row) {
      if (workflow.placed(row.jobId()).caller()) {
        return callEnded(row);
      }
      JobRef ref = new JobRef(build.id(), row.key());
      JobSnapshot snapshot = runner.status(ref);
      if (snapshot.phase() == JobSnapshot.Phase.UNKNOWN) {
        JobRun run = jobRun(row, row.attempt(), needs.of(row.jobId()), Begin.ATTACH);
        try {
          snapshot = runner.attach(run, observer(row.attempt()));
        } catch (CiException e) {
          if (RetryPolicy.retryable(e)) {
            throw e; // the pass fails; its loop retries it within the policy's budget
          }
          return new Observation(JobStatus.FAILED, e.code(), refused(row, e), Map.of());
        }
      }
      return switch (snapshot.phase()) {
        case QUEUED -> Observation.of(JobStatus.QUEUED);
        case RUNNING -> Observation.of(JobStatus.RUNNING);
        case FINISHED -> {
          JobResult result = snapshot.result();
          yield new Observation(
              result.status(), result.errorCode(), result.errorMessage(), result.outputs());
        }
        case UNKNOWN, LOST -> null;
      };
    }

    /** Returns the build status when the action finished the build, else null. */
    private BuildStatus apply(Action action) {
      switch (action) {
        case Action.Start start -> {
          if (!store.moveJob(build.id(), start.key(), JobStatus.QUEUED, null, null, null)) {
            break;
          }
          InstanceState row = rows.get(start.key());
          if (workflow.placed(row.jobId()).caller()) {
            // A calling job runs nothing itself: its called jobs have ended, and so does it.
            Observation ended = callEnded(row);
            store.moveJob(
                build.id(),
                row.key(),
                ended.status(),
                ended.errorCode(),
                ended.errorMessage(),
                ended.outputs());
            changed.accept(build.id());
          } else {
            // A job leaving PENDING on a later attempt was reset by a re-run of the build.
            startOnRunner(
                row,
                start.attempt(),
                start.needs(),
                start.attempt() > 1 ? Begin.RERUN : Begin.FIRST);
          }
        }
        case Action.Restart restart -> {
          LOG.info(
              "build {}: running job {} again (attempt {})",
              build.id(),
              restart.key(),
              restart.attempt());
          if (store.restartJob(build.id(), restart.key(), restart.attempt())) {
            startOnRunner(
                rows.get(restart.key()), restart.attempt(), restart.needs(), Begin.RESTART);
          }
        }
        case Action.Record record -> {
          ErrorCode code =
              record.status() == JobStatus.FAILED && record.errorCode() == null
                  ? ErrorCode.PERMANENT
                  : record.errorCode();
          store.moveJob(
              build.id(), record.key(), record.status(), code, record.message(), record.outputs());
        }
        case Action.Skip skip ->
            store.closeJob(build.id(), skip.key(), JobStatus.SKIPPED, null, skip.reason());
        case Action.Cancel cancel -> {
          if (cancel.active()) {
            // Its row stays open: the runner reports how the job ended, cleanup steps included.
            runner.cancel(new JobRef(build.id(), cancel.key()));
          } else {
            store.closeJob(
                build.id(),
                cancel.key(),
                JobStatus.CANCELLED,
                ErrorCode.CANCELLED,
                cancel.reason());
          }
        }
        case Action.ExpandMatrix expand -> expand(expand);
        case Action.FinishBuild finish -> {
          if (store.finishBuild(
              build.id(), finish.status(), finish.errorCode(), finish.message())) {
            LOG.info("build {} finished {}", build.id(), finish.status());
          }
          runner.releaseBuild(build.id());
          forget(build.id());
          return finish.status();
        }
      }
      return null;
    }

    private void startOnRunner(
        InstanceState row, int attempt, Map<String, NeedResult> needs, Begin begin) {
      try {
        runner.start(jobRun(row, attempt, needs, begin), observer(attempt));
      } catch (CiException e) {
        if (RetryPolicy.decide(e, attempt, attempts.lost()) instanceof RetryPolicy.Retry) {
          // The row stays QUEUED; the next pass sees the runner does not know it and restarts it.
          LOG.warn("build {}: runner refused job {}: {}", build.id(), row.key(), e.getMessage());
        } else {
          refused(row, e);
          changed.accept(build.id());
        }
      }
    }

    /** Fails an instance the runner refused for good; returns the message as stored. */
    private String refused(InstanceState row, CiException error) {
      LOG.warn("build {}: job {} failed to start: {}", build.id(), row.key(), error.getMessage());
      int steps = workflow.job(row.jobId()).steps().size();
      return failures.failJob(build, row.key(), steps, error.code(), error.getMessage());
    }

    private void expand(Action.ExpandMatrix expand) {
      List<String> jobNeeds = workflow.plan().job(expand.jobId()).needs();
      JobConditionContext context =
          new JobConditionContext(expand.needs(), Map.of(), true, false, false);
      try {
        List<NewJob> instances =
            DynamicMatrix.expand(
                workflow.placed(expand.jobId()),
                jobNeeds,
                ExpressionConditions.contexts(build.contexts(), context));
        store.expandJob(build.id(), expand.jobId(), instances);
      } catch (CiException e) {
        store.moveJob(build.id(), expand.jobId(), JobStatus.FAILED, e.code(), e.getMessage(), null);
      }
    }

    /** Every row of a job, in stored order. */
    private List<InstanceState> rowsOf(String jobId) {
      return rows.values().stream().filter(r -> r.jobId().equals(jobId)).toList();
    }

    private JobRun jobRun(
        InstanceState row, int attempt, Map<String, NeedResult> jobNeeds, Begin begin) {
      return new JobRuns(build, workflow, store, callContexts(), this::rowsOf, services)
          .of(row, attempt, jobNeeds, begin);
    }

    private CallContexts callContexts() {
      return new CallContexts(build.contexts(), build.secrets(), needs::resultOf);
    }

    /** How a calling job's instance ends, from its called jobs (all finished by now). */
    private Observation callEnded(InstanceState row) {
      JobResult ended = callContexts().result(workflow.call(row.key()));
      return new Observation(
          ended.status(), ended.errorCode(), ended.errorMessage(), ended.outputs());
    }

    /** The observer of run {@code attempt} of an instance. */
    private RunObserver observer(int attempt) {
      return new StoreObserver(
          build.id(),
          store,
          new StoreObserver.Run(attempt, attempts),
          workflows::containsKey,
          id -> changed.accept(id),
          metrics);
    }
  }
}
