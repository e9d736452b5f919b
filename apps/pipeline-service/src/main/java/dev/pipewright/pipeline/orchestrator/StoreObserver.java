package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobResult;
import dev.pipewright.executor.RunObserver;
import dev.pipewright.executor.StepResult;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.ops.logging.BuildMdc;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.pipeline.reconcile.Attempts;
import dev.pipewright.store.StoreErrors;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's {@link RunObserver}: writes runner callbacks to the store, then wakes the
 * build's loop. Each callback runs with the build and job in the MDC: runners call back on their
 * own threads.
 */
final class StoreObserver implements RunObserver {
  private static final Logger LOG = LoggerFactory.getLogger(StoreObserver.class);

  /**
   * Which run of the instance this observes, and the budgets that decide whether its failure is its
   * result or the next pass runs it again.
   */
  record Run(int attempt, Attempts attempts) {}

  private final String buildId;
  private final RunStore store;
  private final Run run;
  private final Predicate<String> drives;
  private final Consumer<String> changed;
  private final PipewrightMetrics metrics;

  /**
   * @param run the attempt observed
   * @param drives whether this process still drives a build
   * @param changed wakes the build's loop
   * @param metrics counts failed writes; null for none
   */
  StoreObserver(
      String buildId,
      RunStore store,
      Run run,
      Predicate<String> drives,
      Consumer<String> changed,
      PipewrightMetrics metrics) {
    this.buildId = buildId;
    this.store = store;
    this.run = run;
    this.drives = drives;
    this.changed = changed;
    this.metrics = metrics;
  }

  /**
   * Callbacks of a build this process no longer drives (finished, lease lost, shutting down) are
   * dropped: a job killed on the way out must not be recorded as CANCELLED under its successor.
   */
  @SuppressWarnings("try") // the scope only sets the MDC
  private void handle(JobRef job, Runnable write) {
    if (!drives.test(buildId)) {
      return;
    }
    try (BuildMdc.Scope scope = BuildMdc.open(buildId, job.jobKey())) {
      write.run();
    } catch (RuntimeException e) {
      if (metrics != null && StoreErrors.fromDatabase(e)) {
        metrics.databaseError("record_callback");
      }
      throw e;
    }
  }

  @Override
  public void jobStarted(JobRef job) {
    // No pass: QUEUED and RUNNING count alike in every decision, so there is nothing new to do.
    handle(job, () -> store.moveJob(buildId, job.jobKey(), JobStatus.RUNNING, null, null, null));
  }

  @Override
  public void stepStarted(JobRef job, int stepNumber, String name) {
    handle(job, () -> store.moveStep(buildId, job.jobKey(), stepNumber, StepStatus.RUNNING, null));
  }

  @Override
  public void stepFinished(JobRef job, int stepNumber, StepResult result) {
    handle(job, () -> store.moveStep(buildId, job.jobKey(), stepNumber, result.status(), result));
  }

  /** A step an action added (Pre / Post): its row is made, then moved as any step's. */
  @Override
  public void addedStepStarted(JobRef job, int stepNumber, String name) {
    handle(
        job,
        () -> {
          store.addStep(buildId, job.jobKey(), stepNumber, name, run.attempt());
          store.moveStep(buildId, job.jobKey(), stepNumber, StepStatus.RUNNING, null);
        });
  }

  @Override
  public void addedStepFinished(JobRef job, int stepNumber, String name, StepResult result) {
    handle(
        job,
        () -> {
          store.addStep(buildId, job.jobKey(), stepNumber, name, run.attempt());
          store.moveStep(buildId, job.jobKey(), stepNumber, result.status(), result);
        });
  }

  /**
   * Records how the job ended, except a failure the next pass runs again: the job stays active, so
   * it is never seen FAILED, and neither its build nor its dependants move on it.
   */
  @Override
  public void jobFinished(JobRef job, JobResult result) {
    handle(
        job,
        () -> {
          if (result.status() == JobStatus.FAILED
              && run.attempts().runsAgainAfter(result.errorCode(), run.attempt())) {
            LOG.info(
                "job {} attempt {} failed under its host ({}); it runs again",
                job.jobKey(),
                run.attempt(),
                result.errorMessage());
            changed.accept(buildId);
            return;
          }
          store.moveJob(
              buildId,
              job.jobKey(),
              result.status(),
              result.errorCode(),
              result.errorMessage(),
              result.outputs());
          changed.accept(buildId);
        });
  }
}
