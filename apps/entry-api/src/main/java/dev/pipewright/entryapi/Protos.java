package dev.pipewright.entryapi;

import com.google.protobuf.Timestamp;
import dev.pipewright.api.ci.v1.Annotation;
import dev.pipewright.api.ci.v1.Artifact;
import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.BuildStatus;
import dev.pipewright.api.ci.v1.ErrorCode;
import dev.pipewright.api.ci.v1.Job;
import dev.pipewright.api.ci.v1.JobStatus;
import dev.pipewright.api.ci.v1.Repository;
import dev.pipewright.api.ci.v1.Step;
import dev.pipewright.api.ci.v1.StepStatus;
import dev.pipewright.api.ci.v1.SubStep;
import dev.pipewright.store.ArtifactRow;
import dev.pipewright.store.BuildView;
import dev.pipewright.store.JobView;
import dev.pipewright.store.StepAnnotation;
import dev.pipewright.store.StepView;
import java.time.Instant;
import java.util.Map;

/** Stored views to API messages. Enum numbers are shared with the domain enums by design. */
final class Protos {
  private Protos() {}

  static BuildStatus status(dev.pipewright.models.BuildStatus status) {
    return BuildStatus.forNumber(status.number());
  }

  static dev.pipewright.models.BuildStatus status(BuildStatus status) {
    return dev.pipewright.models.BuildStatus.forNumber(status.getNumber());
  }

  static JobStatus status(dev.pipewright.models.JobStatus status) {
    return JobStatus.forNumber(status.number());
  }

  static StepStatus status(dev.pipewright.models.StepStatus status) {
    return StepStatus.forNumber(status.number());
  }

  /** The API's ErrorCode lists the domain's in the same order, after UNSPECIFIED. */
  static ErrorCode errorCode(dev.pipewright.models.ErrorCode code) {
    return code == null
        ? ErrorCode.ERROR_CODE_UNSPECIFIED
        : ErrorCode.forNumber(code.ordinal() + 1);
  }

  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  static Build build(BuildView view) {
    Build.Builder b =
        Build.newBuilder()
            .setId(view.id().toString())
            .setPipelineId(view.pipelineId())
            .setNumber(view.number())
            .setStatus(status(view.status()))
            .setErrorCode(errorCode(view.errorCode()))
            .setErrorMessage(nullToEmpty(view.errorMessage()))
            .setWorkflowPath(nullToEmpty(view.workflowPath()))
            .setCancelRequested(view.cancelRequested())
            .setRunAttempt(view.runAttempt())
            .setCancelReason(nullToEmpty(view.cancelReason()));
    if (view.repositoryUrl() != null
        || view.repositoryRef() != null
        || view.repositorySha() != null) {
      b.setRepository(
          Repository.newBuilder()
              .setUrl(nullToEmpty(view.repositoryUrl()))
              .setRef(nullToEmpty(view.repositoryRef()))
              .setSha(nullToEmpty(view.repositorySha())));
    }
    if (view.createdAt() != null) {
      b.setCreateTime(timestamp(view.createdAt()));
    }
    if (view.queuedAt() != null) {
      b.setQueueTime(timestamp(view.queuedAt()));
    }
    if (view.startedAt() != null) {
      b.setStartTime(timestamp(view.startedAt()));
    }
    if (view.finishedAt() != null) {
      b.setFinishTime(timestamp(view.finishedAt()));
    }
    for (JobView job : view.jobs()) {
      b.addJobs(job(job));
    }
    return b.build();
  }

  static Job job(JobView view) {
    Job.Builder b =
        Job.newBuilder()
            .setId(view.id().toString())
            .setKey(view.key())
            .setName(nullToEmpty(view.name()))
            .addAllNeeds(view.needs())
            .setStatus(status(view.status()))
            .setErrorCode(errorCode(view.errorCode()))
            .setErrorMessage(nullToEmpty(view.errorMessage()))
            .setAttempt(view.attempt());
    if (view.matrix() != null) {
      for (Map.Entry<String, Object> e : view.matrix().entrySet()) {
        b.putMatrix(e.getKey(), String.valueOf(e.getValue()));
      }
    }
    if (view.createdAt() != null) {
      b.setCreateTime(timestamp(view.createdAt()));
    }
    if (view.startedAt() != null) {
      b.setStartTime(timestamp(view.startedAt()));
    }
    if (view.finishedAt() != null) {
      b.setFinishTime(timestamp(view.finishedAt()));
    }
    for (StepView step : view.steps()) {
      b.addSteps(step(step));
    }
    return b.build();
  }

  static Step step(StepView view) {
    Step.Builder b =
        Step.newBuilder()
            .setNumber(view.number())
            .setName(nullToEmpty(view.name()))
            .setStatus(status(view.status()))
            .setErrorCode(errorCode(view.errorCode()))
            .setErrorMessage(nullToEmpty(view.errorMessage()))
            .setAttempt(view.attempt())
            .setAction(nullToEmpty(view.action()))
            .setActionSha(nullToEmpty(view.actionSha()));
    if (view.exitCode() != null) {
      b.setExitCode(view.exitCode());
    }
    if (view.startedAt() != null) {
      b.setStartTime(timestamp(view.startedAt()));
    }
    if (view.finishedAt() != null) {
      b.setFinishTime(timestamp(view.finishedAt()));
    }
    view.annotations().forEach(a -> b.addAnnotations(annotation(a)));
    view.subSteps().forEach(s -> b.addSubSteps(subStep(s)));
    return b.build();
  }

  static SubStep subStep(dev.pipewright.models.SubStep s) {
    SubStep.Builder b =
        SubStep.newBuilder().setNumber(s.number()).setName(s.name()).setStatus(status(s.status()));
    s.steps().forEach(inner -> b.addSteps(subStep(inner)));
    return b.build();
  }

  static Annotation annotation(StepAnnotation a) {
    Annotation.Builder b =
        Annotation.newBuilder()
            .setLevel(
                switch (a.level()) {
                  case "error" -> Annotation.Level.LEVEL_ERROR;
                  case "warning" -> Annotation.Level.LEVEL_WARNING;
                  case "notice" -> Annotation.Level.LEVEL_NOTICE;
                  default -> Annotation.Level.LEVEL_UNSPECIFIED;
                })
            .setMessage(nullToEmpty(a.message()))
            .setFile(nullToEmpty(a.file()))
            .setTitle(nullToEmpty(a.title()));
    if (a.line() != null) {
      b.setLine(a.line());
    }
    if (a.column() != null) {
      b.setColumn(a.column());
    }
    if (a.endLine() != null) {
      b.setEndLine(a.endLine());
    }
    if (a.endColumn() != null) {
      b.setEndColumn(a.endColumn());
    }
    return b.build();
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  /** A finalized artifact (its content and size are known). */
  static Artifact artifact(ArtifactRow row) {
    return Artifact.newBuilder()
        .setName(row.name())
        .setSize(row.size().orElseThrow())
        .setSha256(row.blobSha256().orElseThrow())
        .setCreateTime(timestamp(row.createdAt()))
        .setExpireTime(timestamp(row.expiresAt()))
        .setJobKey(row.jobKey())
        .build();
  }
}
