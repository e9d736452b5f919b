package dev.pipewright.kubernetes.operator;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.pipelinerun.v1alpha1.JobRunStatus;
import dev.pipewright.pipelinerun.v1alpha1.Phase;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRunStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Build progress → PipelineRun status, a pure function. A condition keeps its {@code
 * lastTransitionTime} while its status does not change, so an unchanged build yields an equal
 * status and the reconciler writes nothing.
 */
public final class PipelineRunStatuses {
  private PipelineRunStatuses() {}

  public static PipelineRunStatus of(
      BuildProgress progress, Long generation, PipelineRunStatus previous, Instant now) {
    PipelineRunStatus s = new PipelineRunStatus();
    Phase phase = phase(progress.status());
    s.setPhase(phase);
    List<JobRunStatus> jobs = new ArrayList<>();
    int done = 0;
    for (BuildProgress.JobProgress j : progress.jobs()) {
      jobs.add(new JobRunStatus(j.key(), j.status().name(), j.jobName()));
      if (j.status().terminal()) {
        done++;
      }
    }
    s.setJobs(jobs);
    s.setJobsTotal(jobs.size());
    s.setJobsDone(done);
    s.setProgress(done + "/" + jobs.size());
    s.setObservedGeneration(generation);
    s.setMessage(progress.message());
    s.setRunAttempt(progress.runAttempt());
    String finished = phase.terminal() ? "True" : "False";
    String succeeded = phase == Phase.Succeeded ? "True" : phase.terminal() ? "False" : "Unknown";
    List<Condition> previousConditions = previous == null ? List.of() : previous.getConditions();
    s.setConditions(
        List.of(
            condition(
                PipelineRunStatus.CONDITION_FINISHED,
                finished,
                phase,
                generation,
                previousConditions,
                now,
                progress.message()),
            condition(
                PipelineRunStatus.CONDITION_SUCCEEDED,
                succeeded,
                phase,
                generation,
                previousConditions,
                now,
                progress.message())));
    return s;
  }

  static Phase phase(BuildStatus status) {
    return switch (status) {
      case PENDING -> Phase.Pending;
      case QUEUED -> Phase.Queued;
      case RUNNING -> Phase.Running;
      case SUCCEEDED -> Phase.Succeeded;
      case FAILED -> Phase.Failed;
      case CANCELLED -> Phase.Cancelled;
    };
  }

  private static Condition condition(
      String type,
      String status,
      Phase phase,
      Long generation,
      List<Condition> previous,
      Instant now,
      String message) {
    String since = now.toString();
    for (Condition c : previous) {
      if (type.equals(c.getType()) && status.equals(c.getStatus())) {
        since = c.getLastTransitionTime();
      }
    }
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(phase.name())
        .withMessage(message == null ? "" : message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(since)
        .build();
  }
}
