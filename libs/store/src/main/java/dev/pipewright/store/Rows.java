package dev.pipewright.store;

import static dev.pipewright.store.jooq.Tables.BUILDS;
import static dev.pipewright.store.jooq.Tables.BUILD_JOBS;
import static dev.pipewright.store.jooq.Tables.BUILD_JOB_STEPS;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.store.jooq.tables.records.BuildJobStepsRecord;
import dev.pipewright.store.jooq.tables.records.BuildJobsRecord;
import dev.pipewright.store.jooq.tables.records.BuildsRecord;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.Select;
import org.jooq.SortField;
import org.jooq.impl.DSL;

/** Row ↔ view mapping and the small SQL vocabulary the repositories share. */
final class Rows {
  /** The database's clock (the transaction's start), so all writers agree on time. */
  static final Field<OffsetDateTime> NOW = DSL.currentOffsetDateTime();

  private Rows() {}

  static List<String> names(Set<? extends Enum<?>> states) {
    return states.stream().map(Enum::name).toList();
  }

  static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }

  static ErrorCode errorCode(String name) {
    return name == null ? null : ErrorCode.valueOf(name);
  }

  static String name(Enum<?> value) {
    return value == null ? null : value.name();
  }

  static BuildView build(BuildsRecord r, List<JobView> jobs) {
    return new BuildView(
        r.getId(),
        r.getPipelineId(),
        r.getNumber(),
        BuildStatus.valueOf(r.getStatus()),
        errorCode(r.getErrorCode()),
        r.getErrorMessage(),
        r.getWorkflowYaml(),
        r.getWorkflowPath(),
        r.getRepositoryUrl(),
        r.getRepositoryRef(),
        r.getRepositorySha(),
        Json.variables(r.getVariables()),
        Json.strings(r.getSecrets()),
        r.getIdempotencyKey(),
        instant(r.getCreatedAt()),
        instant(r.getQueuedAt()),
        instant(r.getStartedAt()),
        instant(r.getFinishedAt()),
        r.getLeaseOwner(),
        instant(r.getLeaseExpiresAt()),
        instant(r.getCancelRequestedAt()),
        r.getCancelReason(),
        r.getAttempt(),
        r.getRunAttempt(),
        jobs);
  }

  private static final Condition STEPS_OF_JOB = BUILD_JOB_STEPS.BUILD_JOB_ID.eq(BUILD_JOBS.ID);

  /**
   * Plan order, made total by the job id (a plan has no ties, but {@link #buildWithJobs} relies on
   * one first row).
   */
  private static final List<SortField<?>> PLAN_ORDER =
      List.of(
          BUILD_JOBS.ORDINAL.asc(),
          BUILD_JOBS.INSTANCE.asc(),
          BUILD_JOBS.ID.asc(),
          BUILD_JOB_STEPS.NUMBER.asc());

  private static final List<SortField<?>> BUILD_THEN_PLAN_ORDER =
      Stream.concat(Stream.of(BUILD_JOBS.BUILD_ID.asc()), PLAN_ORDER.stream()).toList();

  /**
   * The build columns that can be long (the workflow, the variables, the secrets) come with the
   * first row of {@link #buildWithJobs} only: repeated on each of 3 jobs × 3 steps, a 4 KB workflow
   * cost more CPU, in the JVM and in PostgreSQL, than the saved second statement. The row numbering
   * follows the query's own order, so that first row is the one read first.
   */
  private static final Field<Integer> POSITION_IN_PLAN =
      DSL.rowNumber().over(DSL.orderBy(PLAN_ORDER));

  private static final Field<String> WORKFLOW_YAML_ONCE =
      DSL.when(POSITION_IN_PLAN.eq(DSL.inline(1)), BUILDS.WORKFLOW_YAML).as("workflow_yaml_once");
  private static final Field<JSONB> VARIABLES_ONCE =
      DSL.when(POSITION_IN_PLAN.eq(DSL.inline(1)), BUILDS.VARIABLES).as("variables_once");
  private static final Field<JSONB> SECRETS_ONCE =
      DSL.when(POSITION_IN_PLAN.eq(DSL.inline(1)), BUILDS.SECRETS).as("secrets_once");

  private static final List<Field<?>> BUILD_FIELDS_ONCE =
      Stream.concat(
              Stream.of(BUILDS.fields())
                  .filter(
                      f ->
                          !f.equals(BUILDS.WORKFLOW_YAML)
                              && !f.equals(BUILDS.VARIABLES)
                              && !f.equals(BUILDS.SECRETS)),
              Stream.of(WORKFLOW_YAML_ONCE, VARIABLES_ONCE, SECRETS_ONCE))
          .toList();

  /**
   * The build with its jobs in plan order, each with its steps in order: one statement (the build
   * left-joined to the rows of {@link #jobs}), so one round trip, and build, jobs and steps come
   * from one snapshot. Of the build whose id {@code id} holds; {@link #buildWithJobs} reads its
   * rows.
   */
  static Select<Record> buildWithJobsQuery(DSLContext ctx, Field<UUID> id) {
    return ctx.select(BUILD_FIELDS_ONCE)
        .select(BUILD_JOBS.fields())
        .select(BUILD_JOB_STEPS.fields())
        .from(BUILDS)
        .leftJoin(BUILD_JOBS)
        .on(BUILD_JOBS.BUILD_ID.eq(BUILDS.ID))
        .leftJoin(BUILD_JOB_STEPS)
        .on(STEPS_OF_JOB)
        .where(BUILDS.ID.eq(id))
        .orderBy(PLAN_ORDER);
  }

  /** The build with its jobs and steps from the rows of {@link #buildWithJobsQuery}. */
  static Optional<BuildView> buildWithJobs(Result<Record> rows) {
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    Record first = rows.get(0);
    BuildsRecord build = first.into(BUILDS);
    build.setWorkflowYaml(first.get(WORKFLOW_YAML_ONCE));
    build.setVariables(first.get(VARIABLES_ONCE));
    build.setSecrets(first.get(SECRETS_ONCE));
    return Optional.of(build(build, jobs(rows)));
  }

  /**
   * The jobs matching {@code where}, in build then plan order, each with its steps in order. One
   * statement, so jobs and steps come from one snapshot without a transaction.
   */
  static List<JobView> jobs(DSLContext ctx, Condition where) {
    return jobs(jobsQuery(ctx, where).fetch());
  }

  /** The read of {@link #jobs(DSLContext, Condition)}; its rows go to {@link #jobs(Result)}. */
  static Select<Record> jobsQuery(DSLContext ctx, Condition where) {
    return ctx.select(BUILD_JOBS.fields())
        .select(BUILD_JOB_STEPS.fields())
        .from(BUILD_JOBS)
        .leftJoin(BUILD_JOB_STEPS)
        .on(STEPS_OF_JOB)
        .where(where)
        .orderBy(BUILD_THEN_PLAN_ORDER);
  }

  /**
   * Job views from rows of jobs left-joined to their steps, in order. A row without a job (a build
   * without jobs) adds none, a row without a step a job without steps.
   */
  static List<JobView> jobs(Result<? extends Record> rows) {
    Map<UUID, BuildJobsRecord> jobs = new LinkedHashMap<>();
    Map<UUID, List<StepView>> steps = new HashMap<>();
    for (Record row : rows) {
      UUID jobId = row.get(BUILD_JOBS.ID);
      if (jobId == null) {
        continue;
      }
      BuildJobsRecord job = jobs.computeIfAbsent(jobId, id -> row.into(BUILD_JOBS));
      if (row.get(BUILD_JOB_STEPS.ID) != null) {
        steps
            .computeIfAbsent(job.getId(), id -> new ArrayList<>())
            .add(step(row.into(BUILD_JOB_STEPS)));
      }
    }
    return jobs.values().stream()
        .map(j -> job(j, List.copyOf(steps.getOrDefault(j.getId(), List.of()))))
        .toList();
  }

  private static JobView job(BuildJobsRecord r, List<StepView> steps) {
    return new JobView(
        r.getId(),
        r.getBuildId(),
        r.getJobKey(),
        r.getJobId(),
        r.getName(),
        Json.objects(r.getMatrix()),
        r.getNeeds() == null ? List.of() : List.copyOf(Arrays.asList(r.getNeeds())),
        JobStatus.valueOf(r.getStatus()),
        errorCode(r.getErrorCode()),
        r.getErrorMessage(),
        Json.strings(r.getOutputs()),
        instant(r.getCreatedAt()),
        instant(r.getStartedAt()),
        instant(r.getFinishedAt()),
        r.getAttempt(),
        r.getRunnerRef(),
        steps);
  }

  private static StepView step(BuildJobStepsRecord r) {
    return new StepView(
        r.getId(),
        r.getNumber(),
        r.getName(),
        StepStatus.valueOf(r.getStatus()),
        r.getExitCode(),
        r.getOutcome(),
        r.getConclusion(),
        errorCode(r.getErrorCode()),
        r.getErrorMessage(),
        Json.strings(r.getOutputs()),
        instant(r.getStartedAt()),
        instant(r.getFinishedAt()),
        r.getAttempt(),
        Json.annotations(r.getAnnotations()),
        r.getAction(),
        r.getActionSha(),
        Json.subSteps(r.getSubSteps()));
  }
}
