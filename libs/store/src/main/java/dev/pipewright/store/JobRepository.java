package dev.pipewright.store;

import static dev.pipewright.store.Rows.NOW;
import static dev.pipewright.store.Rows.names;
import static dev.pipewright.store.jooq.Tables.BUILDS;
import static dev.pipewright.store.jooq.Tables.BUILD_JOBS;
import static dev.pipewright.store.jooq.Tables.BUILD_JOB_STEPS;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.store.jooq.tables.records.BuildJobStepsRecord;
import dev.pipewright.store.jooq.tables.records.BuildJobsRecord;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.InsertSetMoreStep;
import org.jooq.Table;
import org.jooq.TableRecord;
import org.jooq.UpdateSetMoreStep;
import org.jooq.impl.DSL;

/**
 * The worker's view of a build's jobs and steps: the plan, and every job and step move as a guarded
 * update ({@code WHERE status IN sourcesOf(target)}).
 */
public final class JobRepository {
  private final DSLContext dsl;

  /** {@link #jobs}: read on every pass of a build's loop, so rendered once. */
  private final RenderedQuery jobsOfBuild;

  public JobRepository(DSLContext dsl) {
    this.dsl = Objects.requireNonNull(dsl);
    this.jobsOfBuild =
        new RenderedQuery(
            dsl, Rows.jobsQuery(dsl, BUILD_JOBS.BUILD_ID.eq(DSL.param("id", BUILD_JOBS.BUILD_ID))));
  }

  /**
   * Writes every job (in list order) and its steps as PENDING, in one transaction. Idempotent: if
   * the build already has a plan, nothing is written and false is returned, so a worker that
   * resumes a build may call it again.
   *
   * @throws CiException NOT_FOUND for an unknown build
   * @throws IllegalArgumentException when two jobs share a key
   */
  public boolean createPlan(UUID buildId, List<NewJob> jobs) {
    checkUniqueKeys(jobs);
    return StoreErrors.call(
        () -> dsl.transactionResult(cfg -> createPlan(cfg.dsl(), buildId, jobs)));
  }

  private static boolean createPlan(DSLContext tx, UUID buildId, List<NewJob> jobs) {
    lockBuild(tx, buildId);
    if (tx.fetchExists(BUILD_JOBS, BUILD_JOBS.BUILD_ID.eq(buildId))) {
      return false;
    }
    insertJobs(tx, buildId, jobs, 0, false);
    return true;
  }

  /**
   * Locking the build makes two writers of one build's plan take turns. What the lock protects is
   * read by a later statement: under READ COMMITTED a subquery of the locking one would still see
   * the snapshot from before the wait.
   */
  private static void lockBuild(DSLContext tx, UUID buildId) {
    tx.select(BUILDS.ID)
        .from(BUILDS)
        .where(BUILDS.ID.eq(buildId))
        .forNoKeyUpdate()
        .fetchOptional()
        .orElseThrow(() -> new CiException(ErrorCode.NOT_FOUND, "no build " + buildId));
  }

  /**
   * Inserts jobs and their PENDING steps. A plan's jobs get ordinals from {@code firstOrdinal} on;
   * the instances of an expanded matrix share one ordinal and are numbered among themselves.
   */
  private static void insertJobs(
      DSLContext tx, UUID buildId, List<NewJob> jobs, int firstOrdinal, boolean instances) {
    List<BuildJobsRecord> rows = new ArrayList<>();
    List<BuildJobStepsRecord> stepRows = new ArrayList<>();
    int position = 0;
    for (NewJob job : jobs) {
      UUID jobRowId = UUID.randomUUID();
      BuildJobsRecord row = tx.newRecord(BUILD_JOBS);
      row.setId(jobRowId);
      row.setBuildId(buildId);
      row.setJobKey(job.key());
      row.setOrdinal(instances ? firstOrdinal : firstOrdinal + position);
      row.setInstance(instances ? position + 1 : 0);
      row.setJobId(job.jobId());
      row.setName(job.name());
      row.setMatrix(job.matrix() == null ? null : Json.write(job.matrix()));
      row.setNeeds(job.needs().toArray(String[]::new));
      row.setStatus(JobStatus.PENDING.name());
      row.setOutputs(Json.write(Map.of()));
      rows.add(row);
      position++;
      int number = 1;
      for (NewStep step : job.steps()) {
        BuildJobStepsRecord stepRow = tx.newRecord(BUILD_JOB_STEPS);
        stepRow.setId(UUID.randomUUID());
        stepRow.setBuildJobId(jobRowId);
        stepRow.setNumber(number++);
        stepRow.setName(step.name());
        stepRow.setStatus(StepStatus.PENDING.name());
        stepRow.setOutputs(Json.write(Map.of()));
        stepRows.add(stepRow);
      }
    }
    // Jobs first: the steps' foreign keys point at them.
    insertAll(tx, BUILD_JOBS, rows);
    insertAll(tx, BUILD_JOB_STEPS, stepRows);
  }

  /**
   * Adds a step the job's own steps added as it ran (an action's {@code Pre <step>} or {@code Post
   * <step>}), PENDING, numbered after its planned steps; a row of that number already there stays
   * as it is.
   *
   * @return whether the row was added
   */
  public boolean addStep(UUID jobRowId, int number, String name, int attempt) {
    return dsl.insertInto(BUILD_JOB_STEPS)
            .set(BUILD_JOB_STEPS.ID, UUID.randomUUID())
            .set(BUILD_JOB_STEPS.BUILD_JOB_ID, jobRowId)
            .set(BUILD_JOB_STEPS.NUMBER, number)
            .set(BUILD_JOB_STEPS.NAME, name)
            .set(BUILD_JOB_STEPS.STATUS, StepStatus.PENDING.name())
            .set(BUILD_JOB_STEPS.OUTPUTS, Json.write(Map.of()))
            .set(BUILD_JOB_STEPS.ATTEMPT, attempt)
            .onConflictDoNothing()
            .execute()
        == 1;
  }

  /** One multi-row INSERT: one round trip, where a JDBC batch of records costs one per row. */
  private static <R extends TableRecord<R>> void insertAll(
      DSLContext tx, Table<R> table, List<R> rows) {
    if (rows.isEmpty()) {
      return;
    }
    InsertSetMoreStep<R> insert = tx.insertInto(table).set(rows.get(0));
    for (R row : rows.subList(1, rows.size())) {
      insert = insert.newRecord().set(row);
    }
    insert.execute();
  }

  /**
   * Replaces a dynamic-matrix placeholder (a PENDING job whose key is its workflow job id) by its
   * expanded instances, in its place in the plan, in one transaction.
   *
   * @return false when there is no such pending placeholder (already expanded, started, closed)
   * @throws CiException NOT_FOUND for an unknown build
   */
  public boolean expand(UUID buildId, String placeholderKey, List<NewJob> instances) {
    checkUniqueKeys(instances);
    return StoreErrors.call(
        () ->
            dsl.transactionResult(
                cfg -> {
                  DSLContext tx = cfg.dsl();
                  lockBuild(tx, buildId);
                  Integer ordinal =
                      tx.deleteFrom(BUILD_JOBS)
                          .where(BUILD_JOBS.BUILD_ID.eq(buildId))
                          .and(BUILD_JOBS.JOB_KEY.eq(placeholderKey))
                          .and(BUILD_JOBS.JOB_KEY.eq(BUILD_JOBS.JOB_ID))
                          .and(BUILD_JOBS.STATUS.eq(JobStatus.PENDING.name()))
                          .returning(BUILD_JOBS.ORDINAL)
                          .fetchOptional(BUILD_JOBS.ORDINAL)
                          .orElse(null);
                  if (ordinal == null) {
                    return false;
                  }
                  insertJobs(tx, buildId, instances, ordinal, true);
                  return true;
                }));
  }

  /**
   * Runs an active job again (a retry after a runner failure): QUEUED with {@code attempt}, its
   * error, finish time and outputs cleared and its steps PENDING again on that attempt. This is the
   * one job move outside the state machine, so it has its own guard: the job is still QUEUED or
   * RUNNING and on an older attempt.
   */
  public boolean restart(UUID jobRowId, int attempt) {
    return StoreErrors.call(
        () ->
            dsl.transactionResult(
                cfg -> {
                  DSLContext tx = cfg.dsl();
                  int moved =
                      tx.update(BUILD_JOBS)
                          .set(BUILD_JOBS.STATUS, JobStatus.QUEUED.name())
                          .set(BUILD_JOBS.ATTEMPT, attempt)
                          .setNull(BUILD_JOBS.ERROR_CODE)
                          .setNull(BUILD_JOBS.ERROR_MESSAGE)
                          .setNull(BUILD_JOBS.FINISHED_AT)
                          .set(BUILD_JOBS.OUTPUTS, Json.write(Map.of()))
                          .where(BUILD_JOBS.ID.eq(jobRowId))
                          .and(
                              BUILD_JOBS.STATUS.in(
                                  JobStatus.QUEUED.name(), JobStatus.RUNNING.name()))
                          .and(BUILD_JOBS.ATTEMPT.lt(attempt))
                          .execute();
                  if (moved == 1) {
                    resetSteps(tx, jobRowId, attempt);
                  }
                  return moved == 1;
                }));
  }

  /** A job's steps PENDING again, cleared of what an earlier run recorded, on {@code attempt}. */
  static void resetSteps(DSLContext tx, UUID jobRowId, int attempt) {
    tx.update(BUILD_JOB_STEPS)
        .set(BUILD_JOB_STEPS.STATUS, StepStatus.PENDING.name())
        .set(BUILD_JOB_STEPS.ATTEMPT, attempt)
        .setNull(BUILD_JOB_STEPS.STARTED_AT)
        .setNull(BUILD_JOB_STEPS.FINISHED_AT)
        .setNull(BUILD_JOB_STEPS.EXIT_CODE)
        .setNull(BUILD_JOB_STEPS.OUTCOME)
        .setNull(BUILD_JOB_STEPS.CONCLUSION)
        .setNull(BUILD_JOB_STEPS.ERROR_CODE)
        .setNull(BUILD_JOB_STEPS.ERROR_MESSAGE)
        .set(BUILD_JOB_STEPS.OUTPUTS, Json.write(Map.of()))
        .set(BUILD_JOB_STEPS.ANNOTATIONS, Json.write(List.of()))
        .setNull(BUILD_JOB_STEPS.ACTION)
        .setNull(BUILD_JOB_STEPS.ACTION_SHA)
        .set(BUILD_JOB_STEPS.SUB_STEPS, Json.write(List.of()))
        .where(BUILD_JOB_STEPS.BUILD_JOB_ID.eq(jobRowId))
        .execute();
  }

  private static void checkUniqueKeys(List<NewJob> jobs) {
    Set<String> keys = new HashSet<>();
    for (NewJob job : jobs) {
      if (!keys.add(job.key())) {
        throw new IllegalArgumentException("duplicate job key " + job.key());
      }
    }
  }

  /** The build's jobs in plan order, each with its steps in order. */
  public List<JobView> jobs(UUID buildId) {
    return StoreErrors.call(() -> Rows.jobs(jobsOfBuild.fetch(dsl, buildId)));
  }

  public Optional<JobView> job(UUID jobRowId) {
    return StoreErrors.call(() -> Rows.jobs(dsl, BUILD_JOBS.ID.eq(jobRowId)).stream().findFirst());
  }

  public Optional<RunTimes> transitionJob(UUID jobRowId, JobStatus to) {
    return transitionJob(jobRowId, to, null, null, null);
  }

  /**
   * Moves a job to {@code to} if legal from its current status, stamping start/finish times;
   * leaving PENDING counts an attempt. A job moved to CANCELLED or SKIPPED takes its unfinished
   * steps along. Null {@code code}, {@code message} and {@code outputs} leave those unchanged.
   *
   * @return the job's times after the move; empty when the job is unknown or the move is illegal
   *     from its current status
   */
  public Optional<RunTimes> transitionJob(
      UUID jobRowId, JobStatus to, ErrorCode code, String message, Map<String, String> outputs) {
    if (to == JobStatus.CANCELLED || to == JobStatus.SKIPPED) {
      return StoreErrors.call(
          () ->
              dsl.transactionResult(
                  cfg -> {
                    DSLContext tx = cfg.dsl();
                    if (JobCascade.close(tx, BUILD_JOBS.ID.eq(jobRowId), to, code, message) != 1) {
                      return Optional.<RunTimes>empty();
                    }
                    return tx.select(BUILD_JOBS.STARTED_AT, BUILD_JOBS.FINISHED_AT)
                        .from(BUILD_JOBS)
                        .where(BUILD_JOBS.ID.eq(jobRowId))
                        .fetchOptional(r -> RunTimes.of(r.value1(), r.value2()));
                  }));
    }
    UpdateSetMoreStep<BuildJobsRecord> update =
        dsl.update(BUILD_JOBS)
            .set(BUILD_JOBS.STATUS, to.name())
            .set(
                BUILD_JOBS.ATTEMPT,
                BUILD_JOBS.ATTEMPT.plus(
                    DSL.when(BUILD_JOBS.STATUS.eq(JobStatus.PENDING.name()), 1).otherwise(0)));
    if (to == JobStatus.RUNNING) {
      update.set(BUILD_JOBS.STARTED_AT, DSL.coalesce(BUILD_JOBS.STARTED_AT, NOW));
    }
    if (to.terminal()) {
      update.set(BUILD_JOBS.FINISHED_AT, NOW);
    }
    if (code != null || message != null) {
      update.set(BUILD_JOBS.ERROR_CODE, Rows.name(code)).set(BUILD_JOBS.ERROR_MESSAGE, message);
    }
    if (outputs != null) {
      update.set(BUILD_JOBS.OUTPUTS, Json.write(outputs));
    }
    return StoreErrors.call(
        () ->
            update
                .where(BUILD_JOBS.ID.eq(jobRowId))
                .and(BUILD_JOBS.STATUS.in(names(JobStatus.TRANSITIONS.sourcesOf(to))))
                .returningResult(BUILD_JOBS.STARTED_AT, BUILD_JOBS.FINISHED_AT)
                .fetchOptional(r -> RunTimes.of(r.value1(), r.value2())));
  }

  /**
   * Moves step {@code number} (1-based) of a job to {@code to} if legal from its current status,
   * stamping start/finish times and recording the non-null parts of {@code result}.
   *
   * @return the step's times after the move; empty when the step is unknown or the move is illegal
   *     from its current status
   */
  public Optional<RunTimes> transitionStep(
      UUID jobRowId, int number, StepStatus to, StepResult result) {
    return moveStep(
        jobRowId,
        number,
        to,
        result,
        StepStatus.TRANSITIONS.sourcesOf(to),
        to == StepStatus.RUNNING);
  }

  /**
   * Ends a step that ran (SUCCEEDED or FAILED) in one update: from RUNNING, or from PENDING as if
   * it had passed through RUNNING, for a step whose start was never recorded (a lost callback).
   *
   * @return the step's times after the move; empty when the step is unknown or already finished
   */
  public Optional<RunTimes> finishStep(
      UUID jobRowId, int number, StepStatus to, StepResult result) {
    if (!to.endsARun()) {
      throw new IllegalArgumentException(to + " is not the end of a step that ran");
    }
    Set<StepStatus> sources = EnumSet.copyOf(StepStatus.TRANSITIONS.sourcesOf(to));
    sources.addAll(StepStatus.TRANSITIONS.sourcesOf(StepStatus.RUNNING));
    return moveStep(jobRowId, number, to, result, sources, true);
  }

  private Optional<RunTimes> moveStep(
      UUID jobRowId,
      int number,
      StepStatus to,
      StepResult result,
      Set<StepStatus> sources,
      boolean stampStart) {
    StepResult r = result == null ? StepResult.NONE : result;
    UpdateSetMoreStep<BuildJobStepsRecord> update =
        dsl.update(BUILD_JOB_STEPS).set(BUILD_JOB_STEPS.STATUS, to.name());
    if (stampStart) {
      update.set(BUILD_JOB_STEPS.STARTED_AT, DSL.coalesce(BUILD_JOB_STEPS.STARTED_AT, NOW));
    }
    if (to.terminal()) {
      update.set(BUILD_JOB_STEPS.FINISHED_AT, NOW);
    }
    if (r.exitCode() != null) {
      update.set(BUILD_JOB_STEPS.EXIT_CODE, r.exitCode());
    }
    if (r.outcome() != null) {
      update.set(BUILD_JOB_STEPS.OUTCOME, r.outcome());
    }
    if (r.conclusion() != null) {
      update.set(BUILD_JOB_STEPS.CONCLUSION, r.conclusion());
    }
    if (r.errorCode() != null || r.errorMessage() != null) {
      update
          .set(BUILD_JOB_STEPS.ERROR_CODE, Rows.name(r.errorCode()))
          .set(BUILD_JOB_STEPS.ERROR_MESSAGE, r.errorMessage());
    }
    if (r.outputs() != null) {
      update.set(BUILD_JOB_STEPS.OUTPUTS, Json.write(r.outputs()));
    }
    if (r.annotations() != null) {
      update.set(BUILD_JOB_STEPS.ANNOTATIONS, Json.write(r.annotations()));
    }
    if (r.action() != null) {
      update.set(BUILD_JOB_STEPS.ACTION, r.action()).set(BUILD_JOB_STEPS.ACTION_SHA, r.actionSha());
    }
    if (r.subSteps() != null) {
      update.set(BUILD_JOB_STEPS.SUB_STEPS, Json.write(r.subSteps()));
    }
    return StoreErrors.call(
        () ->
            update
                .where(BUILD_JOB_STEPS.BUILD_JOB_ID.eq(jobRowId))
                .and(BUILD_JOB_STEPS.NUMBER.eq(number))
                .and(BUILD_JOB_STEPS.STATUS.in(names(sources)))
                .returningResult(BUILD_JOB_STEPS.STARTED_AT, BUILD_JOB_STEPS.FINISHED_AT)
                .fetchOptional(row -> RunTimes.of(row.value1(), row.value2())));
  }
}
