package dev.pipewright.pipeline.reconcile;

import dev.pipewright.dag.Call;
import dev.pipewright.executor.NeedResult;
import dev.pipewright.models.Conclusion;
import dev.pipewright.models.JobStatus;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The one rule for {@code needs.<id>}: the result and outputs a job shows to the jobs that need it,
 * used by the {@link Reconciler} to decide and by the orchestrator to hand a job to its runner.
 *
 * <p>A job's result over its instances (one, or one per matrix cell), as on GitHub:
 *
 * <ol>
 *   <li>{@code failure} when an instance failed and the job's {@code continue-on-error} does not
 *       excuse it (evaluated per instance, with its matrix);
 *   <li>else {@code cancelled} when an instance was cancelled;
 *   <li>else {@code skipped} when every instance was skipped;
 *   <li>else {@code success}. That includes a failure excused by the job's {@code
 *       continue-on-error}: GitHub shows the job failed but its dependents read {@code success}
 *       (actions/runner#1161). A failing step with its own {@code continue-on-error} never reaches
 *       this rule: the runner that ran the step already ended the job {@code SUCCEEDED}.
 * </ol>
 *
 * <p>Pure: instances are read through a function, so a reconcile pass sees its own changes.
 */
public final class Needs {
  private final Map<String, JobNode> jobs = new HashMap<>();
  private final Function<String, List<InstanceState>> instancesOf;
  private final ConditionEvaluator evaluator;
  private final boolean cancelled;

  /**
   * @param instancesOf every instance of a job id, in stored order
   * @param cancelled whether the build is being cancelled (what {@code cancelled()} answers in
   *     {@code continue-on-error})
   */
  public Needs(
      Collection<JobNode> jobs,
      Function<String, List<InstanceState>> instancesOf,
      ConditionEvaluator evaluator,
      boolean cancelled) {
    jobs.forEach(j -> this.jobs.put(j.id(), j));
    this.instancesOf = instancesOf;
    this.evaluator = evaluator;
    this.cancelled = cancelled;
  }

  /** The {@code needs} context of a job: each job it directly needs, in the order written. */
  public Map<String, NeedResult> of(String jobId) {
    JobNode job = jobs.get(jobId);
    return job == null ? new LinkedHashMap<>() : of(job.needs());
  }

  /**
   * The {@code needs} context of the given jobs, each under its id as its own workflow file writes
   * it ({@link Call#written}: a called workflow's jobs read {@code needs.build}, not the build's id
   * with its callers' prefix).
   */
  public Map<String, NeedResult> of(List<String> jobIds) {
    Map<String, NeedResult> needs = new LinkedHashMap<>();
    jobIds.forEach(need -> needs.put(Call.written(need), resultOf(need)));
    return needs;
  }

  /** {@code needs.<id>} of one job: its result and outputs. */
  public NeedResult resultOf(String jobId) {
    return new NeedResult(result(jobId), outputsOf(jobId));
  }

  /** {@code needs.<id>.result}; meaningful once every instance of the job has finished. */
  public Conclusion result(String jobId) {
    List<InstanceState> instances = instancesOf.apply(jobId);
    if (instances.stream().anyMatch(this::failsTheBuild)) {
      return Conclusion.FAILURE;
    }
    if (instances.stream().anyMatch(i -> i.status() == JobStatus.CANCELLED)) {
      return Conclusion.CANCELLED;
    }
    if (!instances.isEmpty() && instances.stream().allMatch(i -> i.status() == JobStatus.SKIPPED)) {
      return Conclusion.SKIPPED;
    }
    return Conclusion.SUCCESS;
  }

  /**
   * Whether an instance failed without its job's {@code continue-on-error} excusing it: such a
   * failure makes the job's result {@code failure}, cancels its matrix siblings under fail-fast and
   * fails the build.
   */
  public boolean failsTheBuild(InstanceState instance) {
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
    // Status functions mean nothing in continue-on-error: evaluate it as a plain value.
    JobConditionContext plain =
        new JobConditionContext(of(job.id()), instance.matrix(), true, false, cancelled);
    return !evaluator.test(coe, plain);
  }

  /** Outputs of every instance, later cells overriding earlier ones, as GitHub merges them. */
  private Map<String, String> outputsOf(String jobId) {
    Map<String, String> outputs = new LinkedHashMap<>();
    instancesOf.apply(jobId).forEach(i -> outputs.putAll(i.outputs()));
    return outputs;
  }
}
