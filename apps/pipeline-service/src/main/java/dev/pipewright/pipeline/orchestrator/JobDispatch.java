package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.dag.LoadedWorkflow;
import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobResult;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.JobRunner;
import dev.pipewright.executor.JobSnapshot;
import dev.pipewright.executor.NeedResult;
import dev.pipewright.executor.RunObserver;
import dev.pipewright.models.CiException;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.RetryPolicy;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.pipeline.orchestrator.JobRuns.Begin;
import dev.pipewright.pipeline.reconcile.Action;
import dev.pipewright.pipeline.reconcile.Attempts;
import dev.pipewright.pipeline.reconcile.InstanceState;
import dev.pipewright.pipeline.reconcile.Needs;
import dev.pipewright.pipeline.reconcile.Observation;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's side of the runner: what a pass reads of a build's job instances from the
 * runner (attaching to those it does not know, as a successor worker must), and how the instances a
 * pass starts or restarts are handed to it. A calling job ({@code jobs.<id>.uses}) never reaches
 * the runner: it ends from its called jobs. An instance the runner refuses for good is failed here,
 * since no runner will record it.
 *
 * <p>Runner callbacks go to the store through a {@link StoreObserver}, which then wakes the build's
 * loop through the listener given to {@link #onChange}.
 */
final class JobDispatch {
  private static final Logger LOG = LoggerFactory.getLogger(JobDispatch.class);

  private final RunStore store;
  private final JobRunner runner;
  private final Attempts attempts;
  private final Failures failures;
  private final PipewrightMetrics metrics;
  private final Predicate<String> drives;
  private volatile Consumer<String> changed = buildId -> {};
  private volatile JobServices services = JobServices.NONE;

  /**
   * @param drives whether this process still drives a build; callbacks for others are ignored
   * @param metrics counts the observers' failed writes; null for none
   */
  JobDispatch(
      RunStore store,
      JobRunner runner,
      Attempts attempts,
      PipewrightMetrics metrics,
      Predicate<String> drives) {
    this.store = store;
    this.runner = runner;
    this.attempts = attempts;
    this.failures = new Failures(store);
    this.metrics = metrics;
    this.drives = drives;
  }

  /** Called with the build id after a runner callback changed something. */
  void onChange(Consumer<String> listener) {
    this.changed = listener;
  }

  /** What gives the jobs it starts their runtime token and service URL. */
  void services(JobServices services) {
    this.services = services;
  }

  /**
   * A build as one pass sees it.
   *
   * @param rowsOf a job's rows as the pass read them, in stored order
   * @param needs the needs of the build's jobs as the pass sees them
   */
  record PassView(
      BuildRecord build,
      LoadedWorkflow workflow,
      Function<String, List<InstanceState>> rowsOf,
      Needs needs) {}

  /** The runner's view; null when the runner cannot see the instance (lost with a worker). */
  Observation observe(PassView pass, InstanceState row) {
    if (pass.workflow().placed(row.jobId()).caller()) {
      return callEnded(pass, row);
    }
    JobRef ref = new JobRef(pass.build().id(), row.key());
    JobSnapshot snapshot = runner.status(ref);
    if (snapshot.phase() == JobSnapshot.Phase.UNKNOWN) {
      JobRun run = runs(pass).of(row, row.attempt(), pass.needs().of(row.jobId()), Begin.ATTACH);
      try {
        snapshot = runner.attach(run, observer(pass, row.attempt()));
      } catch (CiException e) {
        if (RetryPolicy.retryable(e)) {
          throw e; // the pass fails; its loop retries it within the policy's budget
        }
        return new Observation(JobStatus.FAILED, e.code(), refused(pass, row, e), Map.of());
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

  /** Runs an instance the pass has just moved to QUEUED. */
  void start(PassView pass, InstanceState row, Action.Start start) {
    if (pass.workflow().placed(row.jobId()).caller()) {
      // A calling job runs nothing itself: its called jobs have ended, and so does it.
      Observation ended = callEnded(pass, row);
      store.moveJob(
          pass.build().id(),
          row.key(),
          ended.status(),
          ended.errorCode(),
          ended.errorMessage(),
          ended.outputs());
      changed.accept(pass.build().id());
    } else {
      // A job leaving PENDING on a later attempt was reset by a re-run of the build.
      startOnRunner(
          pass,
          row,
          start.attempt(),
          start.needs(),
          start.attempt() > 1 ? Begin.RERUN : Begin.FIRST);
    }
  }

  /** Runs an instance again as a new attempt, once its row was reset for it. */
  void restart(PassView pass, InstanceState row, Action.Restart restart) {
    LOG.info(
        "build {}: running job {} again (attempt {})",
        pass.build().id(),
        restart.key(),
        restart.attempt());
    if (store.restartJob(pass.build().id(), restart.key(), restart.attempt())) {
      startOnRunner(pass, row, restart.attempt(), restart.needs(), Begin.RESTART);
    }
  }

  private void startOnRunner(
      PassView pass, InstanceState row, int attempt, Map<String, NeedResult> needs, Begin begin) {
    try {
      runner.start(runs(pass).of(row, attempt, needs, begin), observer(pass, attempt));
    } catch (CiException e) {
      if (RetryPolicy.decide(e, attempt, attempts.lost()) instanceof RetryPolicy.Retry) {
        // The row stays QUEUED; the next pass sees the runner does not know it and restarts it.
        LOG.warn(
            "build {}: runner refused job {}: {}", pass.build().id(), row.key(), e.getMessage());
      } else {
        refused(pass, row, e);
        changed.accept(pass.build().id());
      }
    }
  }

  /** Fails an instance the runner refused for good; returns the message as stored. */
  private String refused(PassView pass, InstanceState row, CiException error) {
    LOG.warn(
        "build {}: job {} failed to start: {}", pass.build().id(), row.key(), error.getMessage());
    int steps = pass.workflow().job(row.jobId()).steps().size();
    return failures.failJob(pass.build(), row.key(), steps, error.code(), error.getMessage());
  }

  private JobRuns runs(PassView pass) {
    return new JobRuns(
        pass.build(), pass.workflow(), store, callContexts(pass), pass.rowsOf(), services);
  }

  private static CallContexts callContexts(PassView pass) {
    return new CallContexts(
        pass.build().contexts(), pass.build().secrets(), pass.needs()::resultOf);
  }

  /** How a calling job's instance ends, from its called jobs (all finished by now). */
  private static Observation callEnded(PassView pass, InstanceState row) {
    JobResult ended = callContexts(pass).result(pass.workflow().call(row.key()));
    return new Observation(
        ended.status(), ended.errorCode(), ended.errorMessage(), ended.outputs());
  }

  /** The observer of run {@code attempt} of an instance. */
  private RunObserver observer(PassView pass, int attempt) {
    return new StoreObserver(
        pass.build().id(),
        store,
        new StoreObserver.Run(attempt, attempts),
        drives,
        id -> changed.accept(id),
        metrics);
  }
}
