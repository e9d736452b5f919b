package dev.pipewright.executor;

import dev.pipewright.models.StepStatus;
import java.util.List;

/**
 * A runner's current view of one job instance: what a level-triggered reconcile reads.
 *
 * @param steps one entry per step of the job, in order (PENDING until reached); empty for {@link
 *     Phase#UNKNOWN} and {@link Phase#LOST}
 * @param currentStep the 1-based number of the running step, 0 when none
 * @param result set when {@code phase == FINISHED}
 */
public record JobSnapshot(
    JobRef ref, Phase phase, List<StepStatus> steps, int currentStep, JobResult result) {

  /** Where the job is, from the runner's side. */
  public enum Phase {
    /** The runner never heard of it (or forgot it after {@link JobRunner#releaseBuild}). */
    UNKNOWN,
    /** Accepted, waiting for capacity (a free slot, an unscheduled pod). */
    QUEUED,
    RUNNING,
    FINISHED,
    /**
     * It was started by a runner instance that is gone and cannot be observed any more (local
     * processes of a dead worker). The orchestrator decides: fail it or run it again.
     */
    LOST
  }

  public JobSnapshot {
    steps = steps == null ? List.of() : List.copyOf(steps);
  }

  public static JobSnapshot unknown(JobRef ref) {
    return new JobSnapshot(ref, Phase.UNKNOWN, List.of(), 0, null);
  }

  public static JobSnapshot lost(JobRef ref) {
    return new JobSnapshot(ref, Phase.LOST, List.of(), 0, null);
  }

  public boolean finished() {
    return phase == Phase.FINISHED;
  }
}
