package dev.pipewright.kubernetes.runner;

import dev.pipewright.executor.JobRef;
import java.util.List;
import java.util.Map;

/**
 * A job instance resolved for Kubernetes: what the manifest builder turns into a Job and the build
 * Secret's entries, and what the runner needs to read the pod back into step results.
 *
 * @param files Secret keys → content: scripts and env files (never a secret value, see {@link
 *     PodTemplates}) and the job's secret-derived values ({@link #valueKey})
 * @param outputs the job's {@code outputs:} templates, evaluated once its steps are done
 * @param activeDeadlineSeconds from {@code timeout-minutes}, capped by policy
 */
public record JobPlan(
    JobRef ref,
    int attempt,
    String jobName,
    String image,
    String workspace,
    long activeDeadlineSeconds,
    List<PlannedStep> steps,
    Map<String, String> files,
    Map<String, String> outputs) {

  public JobPlan {
    steps = List.copyOf(steps);
    files = Map.copyOf(files);
    outputs = Map.copyOf(outputs);
  }

  /** The Secret key of a step file: {@code <job name>.<step>.<kind>}. */
  public static String fileKey(String jobName, int stepNumber, String kind) {
    return jobName + "." + stepNumber + "." + kind;
  }

  /** The Secret key of the job's {@code index}th secret-derived value. */
  public static String valueKey(String jobName, int index) {
    return jobName + ".v" + index;
  }
}
