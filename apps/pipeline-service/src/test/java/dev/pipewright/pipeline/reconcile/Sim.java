package dev.pipewright.pipeline.reconcile;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A fixture that plays store and runner for the reconciler: it applies actions the way the shell
 * does and lets a test report what the runner saw.
 */
final class Sim {
  /** Evaluates the handful of expressions the tests use, as the expression library would. */
  static final ConditionEvaluator EVALUATOR =
      (expression, ctx) ->
          switch (expression.strip()) {
            case "always()" -> true;
            case "success()" -> ctx.success();
            case "failure()" -> ctx.failure();
            case "cancelled()" -> ctx.cancelled();
            case "!cancelled()" -> !ctx.cancelled();
            case "true" -> true;
            case "false" -> false;
            case "matrix.experimental" -> Boolean.TRUE.equals(ctx.matrix().get("experimental"));
            case "needs.build.outputs.deploy == 'yes'" ->
                "yes".equals(ctx.needs().get("build").outputs().get("deploy"));
            default -> throw new IllegalArgumentException("unknown expression " + expression);
          };

  final Reconciler reconciler = new Reconciler(EVALUATOR);
  final List<JobNode> jobs;
  final Map<String, InstanceState> rows = new LinkedHashMap<>();
  final Map<String, Observation> runner = new HashMap<>();
  final List<Action> history = new ArrayList<>();
  Function<String, List<Map<String, Object>>> matrixOf = job -> List.of();
  BuildStatus status = BuildStatus.RUNNING;
  Action.FinishBuild finished;
  boolean cancelRequested;
  int parallelism = 10;
  Attempts attempts = new Attempts(3, 3);
  private long clock;

  Sim(JobNode... jobs) {
    this.jobs = List.of(jobs);
    for (JobNode job : jobs) {
      rows.put(job.id(), InstanceState.pending(job.id(), job.id(), Map.of()));
    }
  }

  /** Replaces a job's single row by one row per matrix cell, keyed {@code job.n} (1-based). */
  Sim matrix(String jobId, List<Map<String, Object>> cells) {
    rows.remove(jobId);
    for (int i = 0; i < cells.size(); i++) {
      String key = jobId + "." + (i + 1);
      rows.put(key, InstanceState.pending(key, jobId, cells.get(i)));
    }
    return this;
  }

  BuildSnapshot snapshot() {
    return new BuildSnapshot(
        "b1",
        status,
        jobs,
        List.copyOf(rows.values()),
        runner,
        cancelRequested,
        parallelism,
        attempts);
  }

  List<Action> decide() {
    return reconciler.decide(snapshot());
  }

  /** Decides once, applies the actions and returns them. */
  List<Action> step() {
    List<Action> actions = decide();
    actions.forEach(this::apply);
    history.addAll(actions);
    return actions;
  }

  /** The runner reports an instance finished (or moved); the next step records it. */
  void runner(String key, JobStatus status) {
    runner(key, status, null, Map.of());
  }

  void runner(String key, JobStatus status, ErrorCode code, Map<String, String> outputs) {
    runner.put(key, new Observation(status, code, code == null ? null : "exit 1", outputs));
  }

  JobStatus statusOf(String key) {
    return rows.get(key).status();
  }

  void apply(Action action) {
    switch (action) {
      case Action.Start s -> {
        put(s.key(), JobStatus.QUEUED, s.attempt(), null, null, null);
        runner.put(s.key(), Observation.of(JobStatus.QUEUED));
      }
      case Action.Restart r -> {
        // A restart is the one move outside the job state machine: the store resets the row.
        InstanceState old = rows.get(r.key());
        rows.put(r.key(), old.with(JobStatus.QUEUED, r.attempt(), null, null, Map.of(), null));
        runner.put(r.key(), Observation.of(JobStatus.QUEUED));
      }
      case Action.Record r -> put(r.key(), r.status(), -1, r.errorCode(), r.message(), r.outputs());
      case Action.Skip s -> put(s.key(), JobStatus.SKIPPED, -1, null, s.reason(), null);
      case Action.Cancel c -> {
        if (c.active()) {
          // The runner stops it; its row moves when the next step records what the runner saw.
          runner.put(c.key(), Observation.of(JobStatus.CANCELLED));
        } else {
          put(c.key(), JobStatus.CANCELLED, -1, ErrorCode.CANCELLED, c.reason(), null);
        }
      }
      case Action.ExpandMatrix e -> matrix(e.jobId(), matrixOf.apply(e.jobId()));
      case Action.FinishBuild f -> {
        status = f.status();
        finished = f;
      }
    }
  }

  private void put(
      String key,
      JobStatus status,
      int attempt,
      ErrorCode code,
      String message,
      Map<String, String> outputs) {
    InstanceState old = rows.get(key);
    JobStatus.TRANSITIONS.check(old.status(), status);
    Instant finishedAt = status.terminal() ? Instant.EPOCH.plusSeconds(++clock) : null;
    int next = attempt < 0 ? old.attempt() : attempt;
    rows.put(key, old.with(status, next, code, message, outputs, finishedAt));
  }
}
