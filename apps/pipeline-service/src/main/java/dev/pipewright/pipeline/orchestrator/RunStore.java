package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.executor.StepResult;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.pipeline.reconcile.InstanceState;
import java.util.List;
import java.util.Map;

/**
 * The state the orchestrator reads and writes. Every move is guarded by the state machines of
 * {@code jobs-models}: an illegal or stale one returns false and writes nothing, which is what
 * makes repeated reconcile passes and late callbacks harmless. Implemented over PostgreSQL for the
 * services and in memory for {@code pipewright run}.
 */
public interface RunStore {

  /** The build, or null when there is none. */
  BuildRecord build(String buildId);

  /** Creates every job and step row in one transaction; does nothing if the build has jobs. */
  void createJobs(String buildId, List<NewJob> jobs);

  /** Replaces a PENDING dynamic-matrix placeholder by the expanded instances, atomically. */
  boolean expandJob(String buildId, String placeholderKey, List<NewJob> instances);

  /** Job instances in plan order. */
  List<InstanceState> jobs(String buildId);

  /**
   * A guarded job move; outputs are stored when not null. A job moved to CANCELLED or SKIPPED takes
   * its unfinished steps along.
   */
  boolean moveJob(
      String buildId,
      String key,
      JobStatus to,
      ErrorCode code,
      String message,
      Map<String, String> outputs);

  /**
   * Runs an active instance again: QUEUED with {@code attempt}, its steps PENDING again, guarded on
   * the row still being active with an older attempt.
   */
  boolean restartJob(String buildId, String key, int attempt);

  /** Moves an unfinished job to CANCELLED or SKIPPED together with its unfinished steps. */
  boolean closeJob(String buildId, String key, JobStatus target, ErrorCode code, String message);

  /**
   * A guarded step move; {@code result} (may be null) carries exit code, outcome and outputs. A
   * step that ran (SUCCEEDED or FAILED) may end straight from PENDING, as if through RUNNING: its
   * start callback may have been lost.
   */
  boolean moveStep(String buildId, String key, int number, StepStatus to, StepResult result);

  /**
   * Adds a PENDING row for a step an action added to the job as it ran ({@code Pre <step>}, {@code
   * Post <step>}), numbered after its planned steps; one of that number already there stays.
   */
  void addStep(String buildId, String key, int number, String name, int attempt);

  /** RUNNING → a terminal state, guarded. */
  boolean finishBuild(String buildId, BuildStatus status, ErrorCode code, String message);

  /**
   * Appends a line the orchestrator writes itself (why it failed a job or the build) to the job's
   * own log stream, or to the build's when {@code key} is null, after what that stream holds.
   */
  void appendLog(String buildId, String key, String line);

  /** Step number → last stored log seq of the instance's streams, for a restarted writer. */
  Map<Integer, Long> logCursors(String buildId, String key);

  /**
   * Step number → how far into the step's command output its stored log reaches ({@code
   * JobRun.logSources}), for a worker that re-attaches to a running step; a step whose last chunk
   * does not say is absent.
   */
  Map<Integer, Long> logSources(String buildId, String key);
}
