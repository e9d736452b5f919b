package dev.pipewright.kubernetes.runner;

import java.util.List;
import java.util.Set;

/**
 * One step as its container runs it. Everything GitHub evaluates before a step starts was evaluated
 * when the job was planned; what is left for the pod is the job status (has a previous step
 * failed?), which the step wrapper reads from the pod's state directory.
 *
 * @param number 1-based
 * @param id the step's {@code id:}, or null
 * @param runWhen job statuses ({@code success}, {@code failure}) under which the step's {@code if:}
 *     is true
 * @param shellArgv the command with the script path in place of {@code {0}}; empty means GitHub's
 *     default (bash if the image has it, else sh)
 * @param timeoutSeconds 0 when the step has no {@code timeout-minutes}
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
    String workingDirectory) {

  public PlannedStep {
    runWhen = Set.copyOf(runWhen);
    shellArgv = List.copyOf(shellArgv);
  }

  /** Whether the step runs when the previous steps left the job in {@code jobStatus}. */
  public boolean runsWhen(String jobStatus) {
    return runWhen.contains(jobStatus);
  }
}
