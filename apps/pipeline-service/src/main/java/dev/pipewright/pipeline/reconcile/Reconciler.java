package dev.pipewright.pipeline.reconcile;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.pipeline.reconcile.JobConditionContext.NeedResult;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The pure core of the orchestrator, in the manner of Tekton's {@code GetCandidateTasks}: from what
 * is stored and what the runner observes, it computes what should happen next. It keeps no state
 * between calls, so a pass after a crash, a duplicate callback or a periodic tick all converge.
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
    private final List<JobNode> order;
    private final Map<String, JobNode> jobs = new LinkedHashMap<>();
    private final Map<String, List<String>> keysByJob = new HashMap<>();
    private final Map<String, InstanceState> projected = new LinkedHashMap<>();
    private final List<Action> actions = new ArrayList<>();
    private int tick;

    Pass(BuildSnapshot snapshot) {
      this.snapshot = snapshot;
      snapshot.jobs().forEach(j -> jobs.put(j.id(), j));
      this.order = topological(snapshot.jobs());
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
          if (instance.attempt() < snapshot.maxAttempts()) {
            int attempt = instance.attempt() + 1;
            actions.add(new Action.Restart(instance.key(), attempt, needsOf(instance.jobId())));
            update(instance, JobStatus.QUEUED, attempt, null, null, Map.of());
          } else {
            String message =
                "lost by its runner " + instance.attempt() + " time(s); giving up on it";
            record(instance, JobStatus.FAILED, ErrorCode.TRANSIENT, message, Map.of());
          }
        } else if (seen.status() != instance.status()
            && JobStatus.TRANSITIONS.allowed(instance.status(), seen.status())) {
          record(instance, seen.status(), seen.errorCode(), seen.errorMessage(), seen.outputs());
        }
      }
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
          actions.add(new Action.Cancel(instance.key(), instance.active(), "build cancelled"));
          update(
              instance, JobStatus.CANCELLED, instance.attempt(), ErrorCode.CANCELLED, null, null);
        }
      }
    }

    /** A failed matrix cell cancels its unfinished siblings unless the strategy says otherwise. */
    private void failFast() {
      for (JobNode job : order) {
        if (!job.failFast()) {
          continue;
        }
        List<InstanceState> instances = instancesOf(job.id());
        InstanceState failed =
            instances.stream().filter(this::failsTheBuild).findFirst().orElse(null);
        if (failed == null) {
          continue;
        }
        for (InstanceState sibling : instances) {
          if (!sibling.status().terminal()) {
            String reason = "fail-fast: " + failed.key() + " failed";
            actions.add(new Action.Cancel(sibling.key(), sibling.active(), reason));
            update(
                sibling, JobStatus.CANCELLED, sibling.attempt(), ErrorCode.CANCELLED, reason, null);
          }
        }
      }
    }

    private void schedule() {
      int active = (int) projected.values().stream().filter(InstanceState::active).count();
      for (JobNode job : order) {
        List<InstanceState> pending =
            instancesOf(job.id()).stream().filter(i -> i.status() == JobStatus.PENDING).toList();
        if (pending.isEmpty() || !job.needs().stream().allMatch(this::finished)) {
          continue;
        }
        String skipReason = skipReason(job);
        if (skipReason != null) {
          for (InstanceState instance : pending) {
            actions.add(new Action.Skip(instance.key(), skipReason));
            update(instance, JobStatus.SKIPPED, instance.attempt(), null, skipReason, null);
          }
          continue;
        }
        if (job.dynamicMatrix()
            && pending.size() == 1
            && pending.getFirst().key().equals(job.id())) {
          actions.add(new Action.ExpandMatrix(job.id(), contextFor(job, Map.of()).needs()));
          continue;
        }
        int jobActive = (int) instancesOf(job.id()).stream().filter(InstanceState::active).count();
        int jobLimit = job.maxParallel() == null ? Integer.MAX_VALUE : job.maxParallel();
        for (InstanceState instance : pending) {
          if (active >= snapshot.parallelism() || jobActive >= jobLimit) {
            break;
          }
          actions.add(
              new Action.Start(
                  instance.key(), instance.attempt(), contextFor(job, Map.of()).needs()));
          update(instance, JobStatus.QUEUED, instance.attempt(), null, null, Map.of());
          active++;
          jobActive++;
        }
      }
    }

    /** Null when the job should run; otherwise why it is skipped. */
    private String skipReason(JobNode job) {
      JobConditionContext context = contextFor(job, Map.of());
      String condition = job.ifCondition();
      if (condition == null || condition.isBlank()) {
        return context.success() ? null : unsuccessfulNeeds(job);
      }
      if (!callsStatusFunction(condition) && !context.success()) {
        return unsuccessfulNeeds(job);
      }
      return evaluator.test(condition, context) ? null : "if: " + condition + " is false";
    }

    private Map<String, NeedResult> needsOf(String jobId) {
      JobNode job = jobs.get(jobId);
      return job == null ? Map.of() : contextFor(job, Map.of()).needs();
    }

    private String unsuccessfulNeeds(JobNode job) {
      List<String> unsuccessful =
          job.needs().stream().filter(n -> !"success".equals(result(n))).toList();
      return "needs not successful: " + String.join(", ", unsuccessful);
    }

    private JobConditionContext contextFor(JobNode job, Map<String, Object> matrix) {
      Map<String, NeedResult> needs = new LinkedHashMap<>();
      for (String need : job.needs()) {
        needs.put(need, new NeedResult(result(need), outputsOf(need)));
      }
      boolean success = needs.values().stream().allMatch(n -> "success".equals(n.result()));
      boolean failure = ancestorsOf(job).stream().anyMatch(a -> "failure".equals(result(a)));
      return new JobConditionContext(needs, matrix, success, failure, snapshot.cancelRequested());
    }

    private boolean finished(String jobId) {
      return instancesOf(jobId).stream().allMatch(i -> i.status().terminal());
    }

    /** {@code needs.<id>.result}: a continue-on-error failure counts as success, as on GitHub. */
    private String result(String jobId) {
      List<InstanceState> instances = instancesOf(jobId);
      if (instances.stream().anyMatch(this::failsTheBuild)) {
        return "failure";
      }
      if (instances.stream().anyMatch(i -> i.status() == JobStatus.CANCELLED)) {
        return "cancelled";
      }
      if (!instances.isEmpty()
          && instances.stream().allMatch(i -> i.status() == JobStatus.SKIPPED)) {
        return "skipped";
      }
      return "success";
    }

    /** Outputs of every instance, later cells overriding earlier ones, as GitHub merges them. */
    private Map<String, String> outputsOf(String jobId) {
      Map<String, String> outputs = new LinkedHashMap<>();
      instancesOf(jobId).forEach(i -> outputs.putAll(i.outputs()));
      return outputs;
    }

    private boolean failsTheBuild(InstanceState instance) {
      if (instance.status() != JobStatus.FAILED) {
        return false;
      }
      JobNode job = jobs.get(instance.jobId());
      String coe = job == null ? null : job.continueOnError();
      if (coe == null || coe.isBlank() || coe.strip().equals("false")) {
        return true;
      }
      if (coe.strip().equals("true")) {
        return false;
      }
      Map<String, Object> matrix = instance.matrix();
      JobConditionContext needs = contextFor(job, matrix);
      // Status functions mean nothing in continue-on-error: evaluate it as a plain value.
      JobConditionContext plain =
          new JobConditionContext(needs.needs(), matrix, true, false, needs.cancelled());
      return !evaluator.test(coe, plain);
    }

    private Action finish() {
      if (snapshot.cancelRequested()) {
        return new Action.FinishBuild(
            BuildStatus.CANCELLED, ErrorCode.CANCELLED, "build cancelled");
      }
      InstanceState firstFailure =
          projected.values().stream()
              .filter(this::failsTheBuild)
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

    private Set<String> ancestorsOf(JobNode job) {
      Set<String> seen = new HashSet<>();
      Deque<String> todo = new ArrayDeque<>(job.needs());
      while (!todo.isEmpty()) {
        String id = todo.pop();
        JobNode need = jobs.get(id);
        if (seen.add(id) && need != null) {
          todo.addAll(need.needs());
        }
      }
      return seen;
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

  /** Jobs sorted so that every job comes after its needs; source order breaks ties. */
  static List<JobNode> topological(List<JobNode> jobs) {
    Map<String, JobNode> byId = new LinkedHashMap<>();
    jobs.forEach(j -> byId.put(j.id(), j));
    List<JobNode> sorted = new ArrayList<>();
    Set<String> placed = new HashSet<>();
    while (sorted.size() < byId.size()) {
      boolean progressed = false;
      for (JobNode job : byId.values()) {
        if (!placed.contains(job.id())
            && job.needs().stream().allMatch(n -> placed.contains(n) || !byId.containsKey(n))) {
          sorted.add(job);
          placed.add(job.id());
          progressed = true;
        }
      }
      if (!progressed) {
        throw new IllegalArgumentException("the plan's needs form a cycle");
      }
    }
    return sorted;
  }
}
