package dev.pipewright.store;

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
import java.util.Set;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
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
        r.getIdempotencyKey(),
        instant(r.getCreatedAt()),
        instant(r.getQueuedAt()),
        instant(r.getStartedAt()),
        instant(r.getFinishedAt()),
        r.getLeaseOwner(),
        instant(r.getLeaseExpiresAt()),
        instant(r.getCancelRequestedAt()),
        r.getAttempt(),
        jobs);
  }

  /**
   * The jobs matching {@code where}, in build then plan order, each with its steps in order. One
   * statement, so jobs and steps come from one snapshot without a transaction.
   */
  static List<JobView> jobs(DSLContext ctx, Condition where) {
    Map<UUID, BuildJobsRecord> jobs = new LinkedHashMap<>();
    Map<UUID, List<StepView>> steps = new HashMap<>();
    for (Record row :
        ctx.select(BUILD_JOBS.fields())
            .select(BUILD_JOB_STEPS.fields())
            .from(BUILD_JOBS)
            .leftJoin(BUILD_JOB_STEPS)
            .on(BUILD_JOB_STEPS.BUILD_JOB_ID.eq(BUILD_JOBS.ID))
            .where(where)
            .orderBy(
                BUILD_JOBS.BUILD_ID,
                BUILD_JOBS.ORDINAL,
                BUILD_JOBS.INSTANCE,
                BUILD_JOBS.ID,
                BUILD_JOB_STEPS.NUMBER)
            .fetch()) {
      BuildJobsRecord job =
          jobs.computeIfAbsent(row.get(BUILD_JOBS.ID), id -> row.into(BUILD_JOBS));
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

  static List<JobView> jobsOfBuild(DSLContext ctx, UUID buildId) {
    return jobs(ctx, BUILD_JOBS.BUILD_ID.eq(buildId));
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
        instant(r.getFinishedAt()));
  }
}
