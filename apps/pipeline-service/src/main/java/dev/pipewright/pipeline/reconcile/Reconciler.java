package dev.pipewright.pipeline.reconcile;

import dev.pipewright.dag.Gate;
import dev.pipewright.dag.JobGraph;
import dev.pipewright.executor.NeedResult;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.Conclusion;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.RetryPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The pure core of the orchestrator, in the manner of Tekton's PipelineRun reconciler: from what is
 * stored and what the runner observes, it computes what should happen next. It keeps no state
 * between calls, so a pass after a crash, a duplicate callback or a periodic tick all converge. The
 * order of jobs is libs/dag's ({@link JobGraph#candidates}, {@link JobGraph#upstreamOf}); what a
 * needed job's result is, {@link Needs}'.
 *
 * <p>One pass reaches a fixpoint: skips cascade down the DAG and the build is finished in the same
 * pass as its last instance, so applying the actions and deciding again yields nothing new.
 */
public final class Reconciler {
  private static final Pattern STATUS_FUNCTION =
      Pattern.compile("\\b(always|success|failure|cancelled)\\s*\\(", Pattern.CASE_INSENSITIVE);
  private static final Pattern STRING_LITERAL = Pattern.compile("'(?:[^']|'')*'");

  private final ConditionEvaluator evaluator;

  public Reconciler(ConditionEvaluator evaluator) {
    this.evaluator = evaluator;
  }

  public List<Action> decide(BuildSnapshot snapshot) {
    if (snapshot.status() != BuildStatus.RUNNING) {
      return List.of();
    }
    return new Pass(snapshot).run();
  }

  /** GitHub adds {@code success() &&} to a job {@code if:} that calls no status function. */
  static boolean callsStatusFunction(String expression) {
    String withoutStrings = STRING_LITERAL.matcher(expression).replaceAll("''");
    return STATUS_FUNCTION.matcher(withoutStrings).find();
  }

  /** One decision over a projection of the snapshot that each chosen action updates. */
  private final class Pass {
    private final BuildSnapshot snapshot;
    private final JobGraph graph;
    private final Needs needs;
    private final Map<String, JobNode> jobs = new LinkedHashMap<>();
    private final Map<String, List<String>> keysByJob = new HashMap<>();
    private final Map<String, InstanceState> projected = new LinkedHashMap<>();
    private final List<Action> actions = new ArrayList<>();
    private int tick;

    Pass(BuildSnapshot snapshot) {
      this.snapshot = snapshot;
      LinkedHashMap<String, List<String>> needsById = new LinkedHashMap<>();
      for (JobNode job : snapshot.jobs()) {
        jobs.put(job.id(), job);
        needsById.put(job.id(), job.waitsFor());
      }
      this.graph = JobGraph.of(needsById);
      this.needs =
          new Needs(snapshot.jobs(), this::instancesOf, evaluator, snapshot.cancelRequested());
      for (InstanceState instance : snapshot.instances()) {
        projected.put(instance.key(), instance);
        keysByJob.computeIfAbsent(instance.jobId(), k -> new ArrayList<>()).add(instance.key());
      }
    }

    List<Action> run() {
      catchUpWithRunner();
      if (snapshot.cancelRequested()) {
        cancelEverythingUnfinished();
      } else {
        failFast();
        schedule();
      }
      if (projected.values().stream().allMatch(i -> i.status().terminal())) {
        actions.add(finish());
      }
      return List.copyOf(actions);
    }

    private void catchUpWithRunner() {
      for (InstanceState instance : List.copyOf(projected.values())) {
        if (!instance.active()) {
          continue;
        }
        Observation seen = snapshot.observed().get(instance.key());
        if (seen == null) {
          if (snapshot.cancelRequested()) {
            continue;
          }
          retryLost(instance);
        } else if (seen.status() == JobStatus.FAILED
            && !snapshot.cancelRequested()
            && snapshot.attempts().runsAgainAfter(seen.errorCode(), instance.attempt())) {
          // Its pod or node failed under it: never recorded FAILED, so nothing downstream moves.
          restart(instance);
        } else if (seen.status() != instance.status()
            && JobStatus.TRANSITIONS.allowed(instance.status(), seen.status())) {
          record(instance, seen.status(), seen.errorCode(), seen.errorMessage(), seen.outputs());
        }
      }
    }

    /**
     * An instance its runner does not know (lost with a worker, or never started): a transient
     * failure of its current attempt, run again or failed as {@link RetryPolicy} decides with the
     * snapshot's attempts as the budget.
     */
    private void retryLost(InstanceState instance) {
      switch (snapshot.attempts().afterLoss(instance.attempt())) {
        case RetryPolicy.Retry retry -> restart(instance);
        case RetryPolicy.DeadLetter dead ->
            record(
                instance,
                JobStatus.FAILED,
                dead.code(),
                "lost by its runner " + dead.attempts() + " time(s); giving up on it",
                Map.of());
        case RetryPolicy.Fail fail ->
            record(instance, JobStatus.FAILED, fail.code(), "lost by its runner", Map.of());
      }
    }

    /**
     * Runs the instance again from its first step as its next attempt. The restart happens now, not
     * after the policy's back-off: the pass's own period paces it.
     */
    private void restart(InstanceState instance) {
      int attempt = instance.attempt() + 1;
      actions.add(new Action.Restart(instance.key(), attempt, needs.of(instance.jobId())));
      update(instance, JobStatus.QUEUED, attempt, null, null, Map.of());
    }

    private void record(
        InstanceState instance,
        JobStatus status,
        ErrorCode code,
        String message,
        Map<String, String> outputs) {
      actions.add(new Action.Record(instance.key(), status, code, message, outputs));
      update(instance, status, instance.attempt(), code, message, outputs);
    }

    private void cancelEverythingUnfinished() {
      for (InstanceState instance : List.copyOf(projected.values())) {
        if (!instance.status().terminal()) {
          cancel(instance, "build cancelled");
        }
      }
    }

    /**
     * Cancels an unfinished instance. One its runner runs is told to stop and stays active until
     * the runner reports how it ended: its {@code always()} and {@code cancelled()} steps still run
     * and are recorded as they ran. Any other (pending, or lost with its worker) is CANCELLED now.
     */
    private void cancel(InstanceState instance, String reason) {
      boolean running = instance.active() && snapshot.observed().containsKey(instance.key());
      actions.add(new Action.Cancel(instance.key(), running, reason));
      if (!running) {
        update(
            instance, JobStatus.CANCELLED, instance.attempt(), ErrorCode.CANCELLED, reason, null);
      }
    }

    /** A failed matrix cell cancels its unfinished siblings unless the strategy says otherwise. */
    private void failFast() {
      for (JobNode job : snapshot.jobs()) {
        if (!job.failFast()) {
          continue;
        }
        List<InstanceState> instances = instancesOf(job.id());
        InstanceState failed =
            instances.stream().filter(needs::failsTheBuild).findFirst().orElse(null);
        if (failed == null) {
          continue;
        }
        for (InstanceState sibling : instances) {
          if (!sibling.status().terminal()) {
            cancel(sibling, "fail-fast: " + failed.key() + " failed");
          }
        }
      }
    }

    /**
     * Decides every job that {@link JobGraph#candidates} offers for the jobs finished so far, then
     * the new candidates a round of skips exposed, until a round exposes none: a skip cascades down
     * the DAG within the pass. Within a round, earlier jobs in source order take free slots first.
     */
    private void schedule() {
      int active = (int) projected.values().stream().filter(InstanceState::active).count();
      Set<String> decided = new HashSet<>();
      for (List<String> round = candidates(decided);
          !round.isEmpty();
          round = candidates(decided)) {
        for (String jobId : round) {
          active = decide(jobs.get(jobId), active);
          decided.add(jobId);
        }
      }
    }

    private List<String> candidates(Set<String> decided) {
      Set<String> finished = new HashSet<>();
      for (String jobId : jobs.keySet()) {
        if (instancesOf(jobId).stream().allMatch(i -> i.status().terminal())) {
          finished.add(jobId);
        }
      }
      return graph.candidates(finished).stream().filter(id -> !decided.contains(id)).toList();
    }

    /**
     * Skips, expands or starts (within the limits) the pending instances of a job whose needs all
     * finished.
     *
     * @param active instances of the build active now
     * @return instances of the build active after this decision
     */
    private int decide(JobNode job, int active) {
      List<InstanceState> pending =
          instancesOf(job.id()).stream().filter(i -> i.status() == JobStatus.PENDING).toList();
      if (pending.isEmpty()) {
        return active;
      }
      String skipReason = skipReason(job);
      if (skipReason != null) {
        for (InstanceState instance : pending) {
          actions.add(new Action.Skip(instance.key(), skipReason));
          update(instance, JobStatus.SKIPPED, instance.attempt(), null, skipReason, null);
        }
        return active;
      }
      if (job.dynamicMatrix() && pending.size() == 1 && pending.getFirst().key().equals(job.id())) {
        actions.add(new Action.ExpandMatrix(job.id(), needs.of(job.id())));
        return active;
      }
      int jobActive = (int) instancesOf(job.id()).stream().filter(InstanceState::active).count();
      int jobLimit = job.maxParallel() == null ? Integer.MAX_VALUE : job.maxParallel();
      for (InstanceState instance : pending) {
        if (active >= snapshot.parallelism() || jobActive >= jobLimit) {
          break;
        }
        actions.add(new Action.Start(instance.key(), instance.attempt(), needs.of(job.id())));
        update(instance, JobStatus.QUEUED, instance.attempt(), null, null, Map.of());
        active++;
        jobActive++;
      }
      return active;
    }

    /**
     * Null when the job should run; otherwise why it is skipped. The {@code if:} of every call it
     * is inside comes first, each evaluated like a job {@code if:} against its caller's needs.
     */
    private String skipReason(JobNode job) {
      for (Gate gate : job.gates()) {
        String reason = skipReason(gate.ifCondition(), gate.needs(), upstream(gate.needs()));
        if (reason != null) {
          return "its caller's " + reason;
        }
      }
      return skipReason(job.ifCondition(), job.needs(), graph.upstreamOf(job.id()));
    }

    /**
     * Null when {@code condition} holds for a job with these needs; otherwise why it does not.
     *
     * @param upstream every job the needs come after, for {@code failure()}
     */
    private String skipReason(String condition, List<String> direct, Set<String> upstream) {
      Map<String, NeedResult> results = needs.of(direct);
      boolean success = results.values().stream().allMatch(n -> n.result() == Conclusion.SUCCESS);
      if (condition == null || condition.isBlank()) {
        return success ? null : unsuccessfulNeeds(direct);
      }
      if (!callsStatusFunction(condition) && !success) {
        return unsuccessfulNeeds(direct);
      }
      boolean failure = upstream.stream().anyMatch(id -> needs.result(id) == Conclusion.FAILURE);
      JobConditionContext context =
          new JobConditionContext(results, Map.of(), success, failure, snapshot.cancelRequested());
      return evaluator.test(condition, context) ? null : "if: " + condition + " is false";
    }

    private String unsuccessfulNeeds(List<String> direct) {
      List<String> unsuccessful =
          direct.stream().filter(n -> needs.result(n) != Conclusion.SUCCESS).toList();
      return "needs not successful: " + String.join(", ", unsuccessful);
    }

    /** The given jobs and every job upstream of them. */
    private Set<String> upstream(List<String> ids) {
      Set<String> all = new HashSet<>(ids);
      ids.forEach(id -> all.addAll(graph.upstreamOf(id)));
      return all;
    }

    private Action finish() {
      if (snapshot.cancelRequested()) {
        return new Action.FinishBuild(
            BuildStatus.CANCELLED, ErrorCode.CANCELLED, "build cancelled");
      }
      InstanceState firstFailure =
          projected.values().stream()
              .filter(needs::failsTheBuild)
              .min(Comparator.comparing(i -> i.finishedAt() == null ? Instant.MAX : i.finishedAt()))
              .orElse(null);
      if (firstFailure != null) {
        ErrorCode code =
            firstFailure.errorCode() == null ? ErrorCode.PERMANENT : firstFailure.errorCode();
        String message =
            "job "
                + firstFailure.key()
                + " failed"
                + (firstFailure.errorMessage() == null ? "" : ": " + firstFailure.errorMessage());
        return new Action.FinishBuild(BuildStatus.FAILED, code, message);
      }
      if (projected.values().stream().anyMatch(i -> i.status() == JobStatus.CANCELLED)) {
        return new Action.FinishBuild(
            BuildStatus.CANCELLED, ErrorCode.CANCELLED, "a job was cancelled");
      }
      return new Action.FinishBuild(BuildStatus.SUCCEEDED, null, null);
    }

    private List<InstanceState> instancesOf(String jobId) {
      return keysByJob.getOrDefault(jobId, List.of()).stream().map(projected::get).toList();
    }

    /**
     * Projected instances keep a logical finish order (after every stored one) so that a failure
     * seen in this pass ranks after the failures already stored.
     */
    private void update(
        InstanceState instance,
        JobStatus status,
        int attempt,
        ErrorCode code,
        String message,
        Map<String, String> outputs) {
      Instant finishedAt = status.terminal() ? Instant.MAX.minusSeconds(1_000_000L - tick++) : null;
      projected.put(
          instance.key(), instance.with(status, attempt, code, message, outputs, finishedAt));
    }
  }
}
