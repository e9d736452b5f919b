package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.executor.JobRef;
import dev.pipewright.executor.JobResult;
import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.JobRunner;
import dev.pipewright.executor.JobSnapshot;
import dev.pipewright.executor.RunObserver;
import dev.pipewright.executor.StepResult;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A hand-written runner for orchestrator tests: it accepts jobs and finishes them only when the
 * test says so, through the same observer callbacks and status snapshots as a real runner.
 */
final class ScriptedRunner implements JobRunner {
  final Map<String, JobRun> runs = new LinkedHashMap<>();
  final Map<String, JobRun> attached = new LinkedHashMap<>();
  final List<String> started = new ArrayList<>();
  final List<String> cancelled = new ArrayList<>();
  private final Map<String, RunObserver> observers = new LinkedHashMap<>();
  private final Map<String, JobSnapshot> snapshots = new LinkedHashMap<>();

  /** What {@link #start} and {@link #attach} of a job key throw instead of accepting it. */
  final Map<String, RuntimeException> refusals = new LinkedHashMap<>();

  /** Failures {@link #status} throws, one per call, before it answers again. */
  final Deque<RuntimeException> statusFailures = new ArrayDeque<>();

  @Override
  public String kind() {
    return "scripted";
  }

  @Override
  public synchronized JobSnapshot start(JobRun run, RunObserver observer) {
    refuse(run);
    runs.put(run.jobKey(), run);
    started.add(run.jobKey() + "#" + run.attempt());
    observers.put(run.jobKey(), observer);
    JobSnapshot snapshot = new JobSnapshot(run.ref(), JobSnapshot.Phase.QUEUED, List.of(), 0, null);
    snapshots.put(run.jobKey(), snapshot);
    return snapshot;
  }

  @Override
  public synchronized JobSnapshot attach(JobRun run, RunObserver observer) {
    refuse(run);
    attached.put(run.jobKey(), run);
    return JobSnapshot.lost(run.ref());
  }

  private void refuse(JobRun run) {
    RuntimeException refusal = refusals.get(run.jobKey());
    if (refusal != null) {
      throw refusal;
    }
  }

  @Override
  public synchronized JobSnapshot status(JobRef ref) {
    RuntimeException failure = statusFailures.poll();
    if (failure != null) {
      throw failure;
    }
    return snapshots.getOrDefault(ref.jobKey(), JobSnapshot.unknown(ref));
  }

  @Override
  public synchronized List<JobSnapshot> status(String buildId) {
    return List.copyOf(snapshots.values());
  }

  /** Runs a started job to its end: every step with the job's status, then the job. */
  void finish(String key, JobStatus status, Map<String, String> outputs) {
    RunObserver observer;
    JobRef ref;
    synchronized (this) {
      observer = observers.get(key);
      ref = runs.get(key).ref();
    }
    observer.jobStarted(ref);
    int steps = runs.get(key).job().steps().size();
    StepStatus stepStatus =
        status == JobStatus.SUCCEEDED ? StepStatus.SUCCEEDED : StepStatus.FAILED;
    ErrorCode code = status == JobStatus.SUCCEEDED ? null : ErrorCode.PERMANENT;
    for (int n = 1; n <= steps; n++) {
      observer.stepStarted(ref, n, "step " + n);
      observer.stepFinished(
          ref, n, new StepResult(stepStatus, 0, null, null, Map.of(), code, null, List.of(), null));
    }
    JobResult result = new JobResult(status, outputs, code, code == null ? null : "exit 1");
    synchronized (this) {
      snapshots.put(key, new JobSnapshot(ref, JobSnapshot.Phase.FINISHED, List.of(), 0, result));
    }
    observer.jobFinished(ref, result);
  }

  /** Ends a started job FAILED with {@code code} before any step ran: its host failed under it. */
  void failUnder(String key, ErrorCode code, String message) {
    RunObserver observer;
    JobRef ref;
    JobResult result = new JobResult(JobStatus.FAILED, Map.of(), code, message);
    synchronized (this) {
      observer = observers.get(key);
      ref = runs.get(key).ref();
      snapshots.put(key, new JobSnapshot(ref, JobSnapshot.Phase.FINISHED, List.of(), 0, result));
    }
    observer.jobStarted(ref);
    observer.jobFinished(ref, result);
  }

  /** The worker died: the runner forgets everything it ran. */
  synchronized void forgetAll() {
    snapshots.clear();
    observers.clear();
  }

  @Override
  public synchronized void cancel(JobRef ref) {
    cancelled.add(ref.jobKey());
    JobResult result = new JobResult(JobStatus.CANCELLED, Map.of(), ErrorCode.CANCELLED, null);
    snapshots.put(
        ref.jobKey(), new JobSnapshot(ref, JobSnapshot.Phase.FINISHED, List.of(), 0, result));
  }

  @Override
  public synchronized void cancelBuild(String buildId) {
    List.copyOf(snapshots.keySet()).forEach(k -> cancel(new JobRef(buildId, k)));
  }

  @Override
  public synchronized void releaseBuild(String buildId) {
    snapshots.clear();
  }

  @Override
  public void close() {}
}
