package dev.pipewright.executor;

import java.util.List;

/**
 * Runs job instances: local processes or Kubernetes Jobs. The orchestrator decides what runs when
 * ({@code needs}, matrix fail-fast, max-parallel, job {@code if:}); a runner executes one job's
 * steps with GitHub semantics, streams their logs to a {@link LogSink} and reports through a {@link
 * RunObserver} and {@link #status}.
 *
 * <p>Every method is idempotent and safe to call from any thread, so a reconcile loop may repeat
 * itself freely:
 *
 * <ul>
 *   <li>{@link #start} of a job the runner already knows (same ref and attempt) changes nothing and
 *       returns its snapshot.
 *   <li>{@link #cancel} of a finished or unknown job is a no-op.
 *   <li>After a worker restart, {@link #attach} re-binds a job the orchestrator believes running. A
 *       runner whose jobs outlive the worker (Kubernetes) finds it by its deterministic name and
 *       resumes observing it; one whose jobs die with the worker (local) reports {@link
 *       JobSnapshot.Phase#LOST}.
 * </ul>
 */
public interface JobRunner extends AutoCloseable {

  /** {@code "local"} or {@code "kubernetes"}: recorded with the job for people and for attach. */
  String kind();

  /**
   * Accepts a job instance and returns at once (QUEUED or RUNNING); the observer hears of its
   * progress and its end.
   *
   * @throws dev.pipewright.models.CiException CONFLICT when the same ref is still running another
   *     attempt; TRANSIENT when the runner cannot accept work now (closed, API unavailable);
   *     INVALID_SPEC for a job it cannot run as written. The orchestrator asks the retry policy:
   *     what it does not retry fails the job with that code.
   */
  JobSnapshot start(JobRun run, RunObserver observer);

  /**
   * Re-binds a job started by an earlier worker: the same {@code run} as was given to {@link
   * #start} (same attempt), with fresh log cursors. Returns the job's current snapshot; {@link
   * JobSnapshot.Phase#LOST} when the runner cannot reach it any more, {@link
   * JobSnapshot.Phase#UNKNOWN} when it never existed (the orchestrator may then start it).
   *
   * @throws dev.pipewright.models.CiException as {@link #start}
   */
  JobSnapshot attach(JobRun run, RunObserver observer);

  /** The current view of a job; {@link JobSnapshot.Phase#UNKNOWN} for a job never started here. */
  JobSnapshot status(JobRef ref);

  /** Every job of the build this runner knows of. */
  List<JobSnapshot> status(String buildId);

  /**
   * Asks a queued or running job to stop; returns at once. Running processes are killed within
   * seconds; steps guarded by {@code always()} or {@code cancelled()} still run, others end
   * CANCELLED, and the job finishes CANCELLED.
   */
  void cancel(JobRef ref);

  /** {@link #cancel} for every job of the build. */
  void cancelBuild(String buildId);

  /**
   * The build is over: forget its jobs and release its workspace (directory, PVC). Jobs still
   * running are cancelled first.
   */
  void releaseBuild(String buildId);

  /** Cancels everything still running and frees the runner's threads. */
  @Override
  void close();
}
