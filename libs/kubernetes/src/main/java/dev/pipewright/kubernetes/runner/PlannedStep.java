package dev.pipewright.kubernetes.runner;

import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * One step as its container runs it. Everything GitHub evaluates before a step starts was evaluated
 * when the job was planned; what is left for the pod is the job status (has a previous step failed?
 * was the job cancelled?), which the step wrapper reads from the pod's state directory and its
 * annotations.
 *
 * @param number 1-based
 * @param id the step's {@code id:}, or null
 * @param runWhen the keys under which the step's {@code if:} is true: the job status ({@code
 *     success}, {@code failure}, {@code cancelled}) followed by {@code :<outcome>} of each step of
 *     {@code ifSteps}
 * @param ifSteps the earlier steps whose outcome the {@code if:} reads, in key order
 * @param mark the marker around the holes of this step's files (see {@link PodTemplates}), null
 *     when they have none
 * @param values indices of the job's secret-derived values this step's files read
 * @param shellArgv the command with the script path in place of {@code {0}}; empty means GitHub's
 *     default (bash if the image has it, else sh)
 * @param timeoutSeconds 0 when the step has no {@code timeout-minutes}
 * @param invalid why the step cannot run as written (an expression the planner could not evaluate):
 *     its container prints this and fails, and the step's error is INVALID_SPEC with this message;
 *     null for a step that runs
 */
public record PlannedStep(
    int number,
    String id,
    String name,
    String containerName,
    Set<String> runWhen,
    boolean continueOnError,
    long timeoutSeconds,
    List<String> shellArgv,
    String workingDirectory,
    List<Integer> ifSteps,
    String mark,
    List<Integer> values,
    String invalid) {

  public PlannedStep {
    runWhen = Set.copyOf(runWhen);
    shellArgv = List.copyOf(shellArgv);
    ifSteps = ifSteps == null ? List.of() : List.copyOf(ifSteps);
    values = values == null ? List.of() : List.copyOf(values);
  }

  /** A step whose {@code if:} reads no step outcome and whose files have no holes. */
  public PlannedStep(
      int number,
      String id,
      String name,
      String containerName,
      Set<String> runWhen,
      boolean continueOnError,
      long timeoutSeconds,
      List<String> shellArgv,
      String workingDirectory) {
    this(
        number,
        id,
        name,
        containerName,
        runWhen,
        continueOnError,
        timeoutSeconds,
        shellArgv,
        workingDirectory,
        List.of(),
        null,
        List.of(),
        null);
  }

  /** Whether the step can run once the job is cancelled ({@code always()}, {@code cancelled()}). */
  public boolean mayRunAfterCancel() {
    return runWhen.stream().anyMatch(k -> k.equals("cancelled") || k.startsWith("cancelled:"));
  }

  /** Whether the step runs when the previous steps left the job in {@code jobStatus}. */
  public boolean runsWhen(String jobStatus) {
    return runsWhen(jobStatus, n -> "skipped");
  }

  /**
   * Whether the step runs when the previous steps left the job in {@code jobStatus}, the earlier
   * steps it reads having the outcomes {@code outcomeOf} gives (by step number).
   */
  public boolean runsWhen(String jobStatus, IntFunction<String> outcomeOf) {
    StringBuilder key = new StringBuilder(jobStatus);
    for (int step : ifSteps) {
      key.append(':').append(outcomeOf.apply(step));
    }
    return runWhen.contains(key.toString());
  }
}
