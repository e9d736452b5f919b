package dev.pipewright.kubernetes.runner;

import dev.pipewright.executor.JobResult;
import dev.pipewright.executor.JobSnapshot;
import dev.pipewright.executor.StepResult;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * What a job's Job and Pod say about its steps: a pure function of the observed objects, so the
 * informer handlers stay thin and every mapping is unit-tested.
 *
 * @param phase QUEUED until a step container runs, FINISHED once the job's outcome is known
 * @param steps one status per planned step
 * @param results one result per finished step, null for the others
 * @param running the 1-based number of the running step, 0 when none
 * @param outcome set when FINISHED: the job status, error code and message (outputs come later)
 */
public record PodObservation(
    JobSnapshot.Phase phase,
    List<StepStatus> steps,
    List<StepResult> results,
    int running,
    JobResult outcome) {

  /** Waiting reasons after which the step's container will never start. */
  static final Set<String> FATAL_WAITING =
      Set.of(
          "ErrImagePull",
          "ImagePullBackOff",
          "InvalidImageName",
          "CreateContainerConfigError",
          "CreateContainerError");

  /**
   * @param pod the job's pod, null if none (yet, or any more)
   * @param job the Job, null if it does not exist (never created, or deleted by a cancel)
   * @param cancelRequested whether the runner was asked to cancel this job; a pod carrying {@link
   *     KubeNames#CANCEL_ANNOTATION} counts as cancelled too (a worker that attached after the
   *     cancel learns of it there)
   */
  public static PodObservation observe(JobPlan plan, Pod pod, Job job, boolean cancelRequested) {
    boolean cancelled = cancelRequested || cancelRequestedAt(pod) != null;
    int n = plan.steps().size();
    List<StepStatus> steps = new ArrayList<>(java.util.Collections.nCopies(n, StepStatus.PENDING));
    List<StepResult> results = new ArrayList<>(java.util.Collections.nCopies(n, null));
    Map<String, ContainerStatus> byName = new HashMap<>();
    if (pod != null && pod.getStatus() != null) {
      if (pod.getStatus().getInitContainerStatuses() != null) {
        pod.getStatus().getInitContainerStatuses().forEach(s -> byName.put(s.getName(), s));
      }
      if (pod.getStatus().getContainerStatuses() != null) {
        pod.getStatus().getContainerStatuses().forEach(s -> byName.put(s.getName(), s));
      }
    }
    boolean failedSoFar = false;
    boolean podSawCancel = false;
    int running = 0;
    String fatal = null;
    for (int i = 0; i < n; i++) {
      PlannedStep step = plan.steps().get(i);
      ContainerStatus cs = byName.get(step.containerName());
      ContainerState state = cs == null ? null : cs.getState();
      if (state != null && state.getTerminated() != null) {
        StepResult r = result(step, state.getTerminated());
        results.set(i, r);
        steps.set(i, r.status());
        failedSoFar |= "failure".equals(r.conclusion());
        podSawCancel |= r.status() == StepStatus.CANCELLED;
      } else if (state != null && state.getRunning() != null) {
        // The wrapper decides in milliseconds; predicting its choice avoids announcing a step
        // that will be skipped. A step may have started before or after a cancel reached the pod,
        // unless an earlier step already ended cancelled.
        IntFunction<String> outcomes = k -> outcomeOf(results, k);
        boolean runs =
            (!podSawCancel && step.runsWhen(failedSoFar ? "failure" : "success", outcomes))
                || (cancelled && step.runsWhen("cancelled", outcomes));
        if (runs) {
          steps.set(i, StepStatus.RUNNING);
          running = step.number();
        }
      } else if (state != null
          && state.getWaiting() != null
          && FATAL_WAITING.contains(state.getWaiting().getReason())) {
        fatal = state.getWaiting().getReason() + ": " + state.getWaiting().getMessage();
      }
    }

    String deadline = jobFailure(job);
    boolean podDone =
        pod != null
            && pod.getStatus() != null
            && ("Succeeded".equals(pod.getStatus().getPhase())
                || "Failed".equals(pod.getStatus().getPhase()));
    boolean allStepsDone = results.stream().allMatch(r -> r != null);
    boolean finishDone = terminated(byName.get(JobManifests.FINISH_CONTAINER));
    boolean jobGone = job == null && cancelled;
    boolean finished =
        jobGone
            || fatal != null
            || deadline != null
            || podDone
            || (allStepsDone && finishDone)
            || jobCompleted(job);
    if (!finished) {
      boolean started = running > 0 || results.stream().anyMatch(r -> r != null);
      return new PodObservation(
          started ? JobSnapshot.Phase.RUNNING : JobSnapshot.Phase.QUEUED,
          steps,
          results,
          running,
          null);
    }

    // Steps the pod never finished: cancelled, or (a dead pod) failed by the runner.
    for (int i = 0; i < n; i++) {
      if (results.get(i) == null) {
        StepResult r;
        if (cancelled) {
          r = StepResult.notRun(StepStatus.CANCELLED);
        } else if (i + 1 == running && deadline != null) {
          r = failed(ErrorCode.TIMEOUT, "The job ran longer than its timeout-minutes.");
        } else if (i + 1 == running || (fatal != null && firstUnfinished(results) == i)) {
          r =
              failed(
                  fatal != null ? ErrorCode.PERMANENT : ErrorCode.TRANSIENT,
                  fatal != null ? fatal : "The step's pod ended before the step did.");
        } else {
          r = StepResult.notRun(StepStatus.CANCELLED);
        }
        results.set(i, r);
        steps.set(i, r.status());
      }
    }
    return new PodObservation(
        JobSnapshot.Phase.FINISHED, steps, results, 0, outcome(results, cancelled, deadline));
  }

  private static JobResult outcome(List<StepResult> results, boolean cancelled, String deadline) {
    if (cancelled) {
      return new JobResult(
          JobStatus.CANCELLED, Map.of(), ErrorCode.CANCELLED, "The job was cancelled.");
    }
    if (deadline != null) {
      return new JobResult(JobStatus.FAILED, Map.of(), ErrorCode.TIMEOUT, deadline);
    }
    for (StepResult r : results) {
      if (r.status() == StepStatus.FAILED) {
        return new JobResult(JobStatus.FAILED, Map.of(), r.errorCode(), r.errorMessage());
      }
    }
    return new JobResult(JobStatus.SUCCEEDED, Map.of(), null, null);
  }

  /** A step's result from its container's termination message (see step-wrapper.sh). */
  static StepResult result(PlannedStep step, ContainerStateTerminated t) {
    Map<String, String> fields = new HashMap<>();
    if (t.getMessage() != null) {
      t.getMessage()
          .lines()
          .forEach(
              l -> {
                int eq = l.indexOf('=');
                if (eq > 0) {
                  fields.put(l.substring(0, eq), l.substring(eq + 1));
                }
              });
    }
    String result = fields.get("result");
    if ("skipped".equals(result)) {
      return StepResult.notRun(StepStatus.SKIPPED);
    }
    Integer exit = parseInt(fields.get("exit"));
    if ("cancelled".equals(result)) {
      // Without an exit code the cancel kept the step from starting; with one, it killed it.
      return exit == null
          ? StepResult.notRun(StepStatus.CANCELLED)
          : new StepResult(
              StepStatus.CANCELLED,
              exit,
              "cancelled",
              "cancelled",
              outputs(fields.get("outputs")),
              ErrorCode.CANCELLED,
              "The operation was canceled.",
              List.of(),
              null);
    }
    if (result == null) {
      // The wrapper itself did not finish: killed (OOM), or an image without /bin/sh.
      String why = t.getReason() == null ? "exit code " + t.getExitCode() : t.getReason();
      return failed(
          ErrorCode.PERMANENT, "The step's container ended without a result (" + why + ").");
    }
    Map<String, String> outputs = outputs(fields.get("outputs"));
    if ("success".equals(result)) {
      return new StepResult(
          StepStatus.SUCCEEDED, exit, "success", "success", outputs, null, null, List.of(), null);
    }
    boolean timeout = "1".equals(fields.get("timeout"));
    ErrorCode code;
    String message;
    if (step.invalid() != null) {
      code = ErrorCode.INVALID_SPEC;
      message = step.invalid();
    } else if (timeout) {
      code = ErrorCode.TIMEOUT;
      message = "The step ran longer than its timeout-minutes.";
    } else {
      code = ErrorCode.PERMANENT;
      message = "Process completed with exit code " + exit + ".";
    }
    if (step.continueOnError()) {
      return new StepResult(
          StepStatus.SUCCEEDED,
          exit,
          "failure",
          "success",
          outputs,
          code,
          message,
          List.of(),
          null);
    }
    return new StepResult(
        StepStatus.FAILED, exit, "failure", "failure", outputs, code, message, List.of(), null);
  }

  private static StepResult failed(ErrorCode code, String message) {
    return new StepResult(
        StepStatus.FAILED, null, "failure", "failure", Map.of(), code, message, List.of(), null);
  }

  private static Map<String, String> outputs(String encoded) {
    if (encoded == null || encoded.isEmpty() || encoded.equals("truncated")) {
      return Map.of();
    }
    try {
      String text = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
      return dev.pipewright.executor.program.CommandFiles.parseKeyValues(text, "GITHUB_OUTPUT");
    } catch (IllegalArgumentException e) {
      return Map.of();
    }
  }

  private static Integer parseInt(String s) {
    try {
      return s == null ? null : Integer.valueOf(s.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String outcomeOf(List<StepResult> results, int stepNumber) {
    StepResult r =
        stepNumber >= 1 && stepNumber <= results.size() ? results.get(stepNumber - 1) : null;
    return r == null ? "skipped" : r.outcome();
  }

  private static int firstUnfinished(List<StepResult> results) {
    for (int i = 0; i < results.size(); i++) {
      if (results.get(i) == null) {
        return i;
      }
    }
    return -1;
  }

  private static boolean terminated(ContainerStatus cs) {
    return cs != null && cs.getState() != null && cs.getState().getTerminated() != null;
  }

  /**
   * The value of the pod's {@link KubeNames#CANCEL_ANNOTATION} (when the cancel was asked for), or
   * null when it was not cancelled.
   */
  static String cancelRequestedAt(Pod pod) {
    if (pod == null || pod.getMetadata() == null || pod.getMetadata().getAnnotations() == null) {
      return null;
    }
    return pod.getMetadata().getAnnotations().get(KubeNames.CANCEL_ANNOTATION);
  }

  /** The Job controller's own verdict (the pod may already be gone after a failure). */
  private static boolean jobCompleted(Job job) {
    return job != null && (condition(job, "Complete") != null || condition(job, "Failed") != null);
  }

  /** The message of a Failed condition caused by the deadline, null otherwise. */
  private static String jobFailure(Job job) {
    JobCondition failed = condition(job, "Failed");
    if (failed != null && "DeadlineExceeded".equals(failed.getReason())) {
      return "The job ran longer than its timeout-minutes (" + failed.getMessage() + ").";
    }
    return null;
  }

  private static JobCondition condition(Job job, String type) {
    if (job == null || job.getStatus() == null || job.getStatus().getConditions() == null) {
      return null;
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst()
        .orElse(null);
  }
}
