package dev.pipewright.store;

import static dev.pipewright.store.jooq.Tables.BUILDS;
import static dev.pipewright.store.jooq.Tables.BUILD_JOBS;
import static dev.pipewright.store.jooq.Tables.OUTBOX;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.RerunSelection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.JSONB;

/**
 * Running a finished build again as its next attempt (GitHub's "Re-run all jobs" and "Re-run failed
 * jobs"): the chosen job instances ({@link RerunSelection}) go back to PENDING with their steps,
 * the others keep their result and outputs, and the build is QUEUED again with an outbox row, all
 * in one transaction. A worker then claims it like any queued build and its orchestrator picks up
 * where the stored plan stands. Each chosen instance runs as its next job attempt, so its log goes
 * on after the earlier one's, behind a marker.
 */
final class BuildReruns {
  private final DSLContext dsl;
  private final BuildSecrets secrets;

  BuildReruns(DSLContext dsl, BuildSecrets secrets) {
    this.dsl = Objects.requireNonNull(dsl);
    this.secrets = Objects.requireNonNull(secrets);
  }

  /**
   * @param secretValues a value for each of the build's secret variables, erased when it finished
   * @throws CiException NOT_FOUND for an unknown build; CONFLICT for one that has not finished, or
   *     with nothing failed to re-run; INVALID_SPEC for missing or unknown secret values
   */
  Rerun rerun(UUID id, boolean failedOnly, Map<String, String> secretValues) {
    return StoreErrors.call(
        () -> dsl.transactionResult(cfg -> rerun(cfg.dsl(), id, failedOnly, secretValues)));
  }

  private Rerun rerun(
      DSLContext tx, UUID id, boolean failedOnly, Map<String, String> secretValues) {
    // The lock order of a cancel and of the outbox relay: the build's outbox rows, then its row.
    tx.select(OUTBOX.ID).from(OUTBOX).where(OUTBOX.BUILD_ID.eq(id)).forUpdate().fetch();
    BuildView build =
        tx.selectFrom(BUILDS)
            .where(BUILDS.ID.eq(id))
            .forNoKeyUpdate()
            .fetchOptional(r -> Rows.build(r, List.of()))
            .orElseThrow(() -> new CiException(ErrorCode.NOT_FOUND, "no build " + id));
    if (!build.status().terminal()) {
      throw new CiException(
          ErrorCode.CONFLICT,
          "build " + id + " is " + build.status() + "; only a finished build can be re-run");
    }
    List<JobView> jobs = Rows.jobsOfBuild(tx, id);
    Set<String> keys =
        RerunSelection.select(
            jobs.stream()
                .map(j -> new RerunSelection.Instance(j.key(), j.jobId(), j.needs(), j.status()))
                .toList(),
            failedOnly);
    if (keys.isEmpty()) {
      throw new CiException(
          ErrorCode.CONFLICT,
          "build " + id + " has no failed or cancelled jobs to re-run; re-run all of its jobs");
    }
    JSONB sealed = secrets.sealForRerun(id, build.variables(), secretValues);
    for (JobView job : jobs) {
      if (keys.contains(job.key())) {
        reset(tx, job);
      }
    }
    int runAttempt = build.runAttempt() + 1;
    tx.update(BUILDS)
        .set(BUILDS.STATUS, BuildStatus.QUEUED.name())
        .set(BUILDS.RUN_ATTEMPT, runAttempt)
        .set(BUILDS.SECRETS, sealed)
        .set(BUILDS.QUEUED_AT, Rows.NOW)
        .setNull(BUILDS.STARTED_AT)
        .setNull(BUILDS.FINISHED_AT)
        .setNull(BUILDS.ERROR_CODE)
        .setNull(BUILDS.ERROR_MESSAGE)
        .setNull(BUILDS.CANCEL_REQUESTED_AT)
        .setNull(BUILDS.LEASE_OWNER)
        .setNull(BUILDS.LEASE_EXPIRES_AT)
        .where(BUILDS.ID.eq(id))
        .execute();
    OutboxRepository.enqueue(tx, id, OutboxKind.RERUN);
    return new Rerun(id, runAttempt, List.copyOf(keys));
  }

  /**
   * Back to PENDING on the attempt it ran last: leaving PENDING counts the next one, whose number
   * its steps record already.
   */
  private static void reset(DSLContext tx, JobView job) {
    tx.update(BUILD_JOBS)
        .set(BUILD_JOBS.STATUS, JobStatus.PENDING.name())
        .setNull(BUILD_JOBS.ERROR_CODE)
        .setNull(BUILD_JOBS.ERROR_MESSAGE)
        .setNull(BUILD_JOBS.STARTED_AT)
        .setNull(BUILD_JOBS.FINISHED_AT)
        .setNull(BUILD_JOBS.RUNNER_REF)
        .set(BUILD_JOBS.OUTPUTS, Json.write(Map.of()))
        .where(BUILD_JOBS.ID.eq(job.id()))
        .execute();
    JobRepository.resetSteps(tx, job.id(), job.attempt() + 1);
  }
}
