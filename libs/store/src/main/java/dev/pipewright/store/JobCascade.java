package dev.pipewright.store;

import static dev.pipewright.store.Rows.NOW;
import static dev.pipewright.store.Rows.name;
import static dev.pipewright.store.Rows.names;
import static dev.pipewright.store.jooq.Tables.BUILD_JOBS;
import static dev.pipewright.store.jooq.Tables.BUILD_JOB_STEPS;

import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import java.time.OffsetDateTime;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/**
 * Closing jobs that can no longer run, together with their steps: a cancelled job's unfinished
 * steps are cancelled, a skipped job's steps are skipped. Used by build cancellation and by the
 * worker.
 */
final class JobCascade {
  private JobCascade() {}

  /**
   * Moves every job matching {@code jobs} that may legally move to {@code target} (CANCELLED or
   * SKIPPED) there, and its steps that may move to the matching step state. Returns the number of
   * jobs moved.
   */
  static int close(
      DSLContext tx, Condition jobs, JobStatus target, ErrorCode code, String message) {
    StepStatus stepTarget = stepTargetOf(target);
    Condition movableJobs =
        jobs.and(BUILD_JOBS.STATUS.in(names(JobStatus.TRANSITIONS.sourcesOf(target))));
    tx.update(BUILD_JOB_STEPS)
        .set(BUILD_JOB_STEPS.STATUS, stepTarget.name())
        .set(BUILD_JOB_STEPS.FINISHED_AT, finishedIfStarted(BUILD_JOB_STEPS.STARTED_AT))
        .set(BUILD_JOB_STEPS.ERROR_CODE, name(code))
        .set(BUILD_JOB_STEPS.ERROR_MESSAGE, message)
        .where(
            BUILD_JOB_STEPS.BUILD_JOB_ID.in(
                DSL.select(BUILD_JOBS.ID).from(BUILD_JOBS).where(movableJobs)))
        .and(BUILD_JOB_STEPS.STATUS.in(names(StepStatus.TRANSITIONS.sourcesOf(stepTarget))))
        .execute();
    return tx.update(BUILD_JOBS)
        .set(BUILD_JOBS.STATUS, target.name())
        .set(BUILD_JOBS.FINISHED_AT, finishedIfStarted(BUILD_JOBS.STARTED_AT))
        .set(BUILD_JOBS.ERROR_CODE, name(code))
        .set(BUILD_JOBS.ERROR_MESSAGE, message)
        .where(movableJobs)
        .execute();
  }

  static StepStatus stepTargetOf(JobStatus target) {
    return switch (target) {
      case CANCELLED -> StepStatus.CANCELLED;
      case SKIPPED -> StepStatus.SKIPPED;
      default -> throw new IllegalArgumentException("jobs are closed as CANCELLED or SKIPPED");
    };
  }

  /** Something that never started has no finish time either. */
  private static Field<OffsetDateTime> finishedIfStarted(Field<OffsetDateTime> startedAt) {
    return DSL.when(startedAt.isNotNull(), NOW).otherwise((OffsetDateTime) null);
  }
}
