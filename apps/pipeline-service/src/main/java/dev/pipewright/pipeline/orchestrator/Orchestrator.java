package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.dag.LoadedWorkflow;
import dev.pipewright.dag.Workflows;
import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobRunner;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.RetryPolicy;
import dev.pipewright.ops.logging.BuildMdc;
import dev.pipewright.ops.metrics.PipewrightMetrics;
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
 * callback left behind from {@link JobRunner#status}. Reading job instances from the runner and
 * handing it those a pass starts is {@link JobDispatch}'s part.
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
  private final JobDispatch dispatch;

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
    this.dispatch = new JobDispatch(store, runner, attempts, metrics, workflows::containsKey);
  }

  /** Called with the build id after a runner callback changed something. */
  public void onChange(Consumer<String> listener) {
    dispatch.onChange(listener);
  }

  /** What gives the jobs it starts their runtime token and service URL. */
  public void jobServices(JobServices services) {
    dispatch.services(java.util.Objects.requireNonNull(services, "services"));
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
    private JobDispatch.PassView view;

    Pass(BuildRecord build, LoadedWorkflow workflow) {
      this.build = build;
      this.workflow = workflow;
      this.conditions = new ExpressionConditions(build.contexts());
    }

    BuildStatus run() {
      store.jobs(build.id()).forEach(r -> rows.put(r.key(), r));
      List<JobNode> nodes = WorkflowJobs.nodes(workflow);
      Needs needs = new Needs(nodes, this::rowsOf, conditions, build.cancelRequested());
      view = new JobDispatch.PassView(build, workflow, this::rowsOf, needs);
      Map<String, Observation> observed = new HashMap<>();
      for (InstanceState row : rows.values()) {
        if (row.active()) {
          Observation seen = dispatch.observe(view, row);
          if (seen != null) {
            observed.put(row.key(), seen);
          }
        }
      }
      BuildSnapshot snapshot =
          new BuildSnapshot(
              build.id(),
              build.status(),
              nodes,
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

    /** Returns the build status when the action finished the build, else null. */
    private BuildStatus apply(Action action) {
      switch (action) {
        case Action.Start start -> {
          if (store.moveJob(build.id(), start.key(), JobStatus.QUEUED, null, null, null)) {
            dispatch.start(view, rows.get(start.key()), start);
          }
        }
        case Action.Restart restart -> dispatch.restart(view, rows.get(restart.key()), restart);
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
  }
}
