package dev.pipewright.pipeline.worker;

import dev.pipewright.executor.JobRef;
import dev.pipewright.kubernetes.operator.BuildProgress;
import dev.pipewright.kubernetes.operator.BuildReconciler;
import dev.pipewright.kubernetes.runner.KubeNames;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.CiException;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.RetryPolicy;
import dev.pipewright.pipeline.orchestrator.BuildLoops;
import dev.pipewright.store.BuildRepository;
import dev.pipewright.store.BuildView;
import dev.pipewright.store.JobView;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PipelineRun reconciler's view of the worker. Every replica's operator sees every run of its
 * installation, but only the worker holding a build's lease drives it, and only through its build
 * loop: an event for a build driven here asks that loop for a pass and waits for it; any other
 * build is just read. The progress reported is always what the database holds, so replicas agree on
 * a run's status; a build the database does not hold has no progress to report.
 */
final class WorkerBuildReconciler implements BuildReconciler {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerBuildReconciler.class);

  /** How long an event waits for the loop's pass before reporting the stored state as it is. */
  static final Duration PASS_WAIT = Duration.ofSeconds(10);

  private final BuildRepository builds;
  private final BuildLoops loops;

  WorkerBuildReconciler(BuildRepository builds, BuildLoops loops) {
    this.builds = builds;
    this.loops = loops;
  }

  @Override
  public Optional<BuildProgress> reconcile(String buildId) {
    Optional<UUID> id = parse(buildId);
    if (id.isEmpty()) {
      return Optional.of(
          new BuildProgress(BuildStatus.FAILED, List.of(), "not a build id: " + buildId, 1));
    }
    CompletableFuture<BuildStatus> pass = loops.pass(buildId);
    if (pass != null) {
      awaitPass(buildId, pass);
    }
    return builds.find(id.get()).map(WorkerBuildReconciler::progress);
  }

  /**
   * Records the cancel in the database, as {@code CancelBuild} does: any replica may see the run's
   * deletion first, and the one driving the build acts on it within a tick (sooner here).
   */
  @Override
  public void cancel(String buildId) {
    Optional<UUID> id = parse(buildId);
    if (id.isEmpty()) {
      return;
    }
    try {
      LOG.info(
          "build {}: cancel requested through its PipelineRun ({})",
          buildId,
          builds.requestCancel(id.get()));
    } catch (CiException e) {
      if (RetryPolicy.retryable(e)) {
        throw e; // the operator retries the event
      }
      // Unknown or already finished (NOT_FOUND, CONFLICT): nothing left to cancel.
      LOG.info(
          "build {}: cancel through its PipelineRun not recorded: {} {}",
          buildId,
          e.code(),
          e.getMessage());
    }
    loops.wake(buildId);
  }

  private static void awaitPass(String buildId, CompletableFuture<BuildStatus> pass) {
    try {
      pass.get(PASS_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      LOG.debug("build {}: no pass within {}; reporting the stored state", buildId, PASS_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static BuildProgress progress(BuildView build) {
    List<BuildProgress.JobProgress> jobs =
        build.jobs().stream()
            .map(
                j ->
                    new BuildProgress.JobProgress(
                        j.key(), j.status(), startedJob(build.id().toString(), j)))
            .toList();
    String message = build.status().terminal() ? build.errorMessage() : null;
    return new BuildProgress(build.status(), jobs, message, build.runAttempt());
  }

  /** The name of the Kubernetes Job of the instance's latest attempt, null if none was created. */
  private static String startedJob(String buildId, JobView job) {
    boolean created =
        job.status() == JobStatus.QUEUED
            || job.status() == JobStatus.RUNNING
            || job.startedAt() != null;
    return created
        ? KubeNames.jobName(new JobRef(buildId, job.key()), Math.max(1, job.attempt()))
        : null;
  }

  private static Optional<UUID> parse(String buildId) {
    try {
      return Optional.of(UUID.fromString(buildId));
    } catch (IllegalArgumentException | NullPointerException e) {
      return Optional.empty();
    }
  }
}
