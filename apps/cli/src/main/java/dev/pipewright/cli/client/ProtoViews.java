package dev.pipewright.cli.client;

import com.google.protobuf.Timestamp;
import dev.pipewright.api.ci.v1.Artifact;
import dev.pipewright.api.ci.v1.Build;
import dev.pipewright.api.ci.v1.Job;
import dev.pipewright.api.ci.v1.LogChunk;
import dev.pipewright.api.ci.v1.Step;
import dev.pipewright.cli.view.Annotation;
import dev.pipewright.cli.view.ArtifactState;
import dev.pipewright.cli.view.BuildState;
import dev.pipewright.cli.view.JobState;
import dev.pipewright.cli.view.LogText;
import dev.pipewright.cli.view.StepState;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import dev.pipewright.models.SubStep;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** API messages to the CLI's views. The enum numbers are the domain enums' by design. */
public final class ProtoViews {
  private ProtoViews() {}

  public static ArtifactState artifact(Artifact a) {
    return new ArtifactState(
        a.getName(),
        a.getSize(),
        a.getSha256(),
        a.getJobKey(),
        a.hasCreateTime() ? instant(a.getCreateTime()) : null,
        a.hasExpireTime() ? instant(a.getExpireTime()) : null);
  }

  public static List<ArtifactState> artifacts(List<Artifact> artifacts) {
    return artifacts.stream().map(ProtoViews::artifact).toList();
  }

  public static BuildState build(Build b) {
    List<JobState> jobs = new ArrayList<>(b.getJobsCount());
    for (Job job : b.getJobsList()) {
      jobs.add(job(job));
    }
    return new BuildState(
        b.getId(),
        b.getPipelineId(),
        b.getNumber(),
        BuildStatus.forNumber(b.getStatusValue()),
        errorCode(b.getErrorCodeValue()),
        emptyToNull(b.getErrorMessage()),
        b.getCancelRequested(),
        emptyToNull(b.getCancelReason()),
        b.hasCreateTime() ? instant(b.getCreateTime()) : null,
        b.hasStartTime() ? instant(b.getStartTime()) : null,
        b.hasFinishTime() ? instant(b.getFinishTime()) : null,
        Math.max(1, b.getRunAttempt()),
        jobs);
  }

  static SubStep subStep(dev.pipewright.api.ci.v1.SubStep s) {
    return new SubStep(
        s.getNumber(),
        s.getName(),
        StepStatus.forNumber(s.getStatusValue()),
        s.getStepsList().stream().map(ProtoViews::subStep).toList());
  }

  static JobState job(Job j) {
    List<StepState> steps = new ArrayList<>(j.getStepsCount());
    for (Step s : j.getStepsList()) {
      steps.add(
          new StepState(
              s.getNumber(),
              s.getName(),
              StepStatus.forNumber(s.getStatusValue()),
              s.hasExitCode() ? s.getExitCode() : null,
              errorCode(s.getErrorCodeValue()),
              emptyToNull(s.getErrorMessage()),
              s.hasStartTime() ? instant(s.getStartTime()) : null,
              s.hasFinishTime() ? instant(s.getFinishTime()) : null,
              s.getAttempt(),
              s.getAnnotationsList().stream().map(ProtoViews::annotation).toList(),
              emptyToNull(s.getAction()),
              emptyToNull(s.getActionSha()),
              s.getSubStepsList().stream().map(ProtoViews::subStep).toList()));
    }
    return new JobState(
        j.getKey(),
        j.getName(),
        JobStatus.forNumber(j.getStatusValue()),
        errorCode(j.getErrorCodeValue()),
        emptyToNull(j.getErrorMessage()),
        j.hasStartTime() ? instant(j.getStartTime()) : null,
        j.hasFinishTime() ? instant(j.getFinishTime()) : null,
        steps);
  }

  static Annotation annotation(dev.pipewright.api.ci.v1.Annotation a) {
    return new Annotation(
        switch (a.getLevel()) {
          case LEVEL_ERROR -> "error";
          case LEVEL_WARNING -> "warning";
          case LEVEL_NOTICE -> "notice";
          default -> "annotation";
        },
        a.getMessage(),
        emptyToNull(a.getFile()),
        a.hasLine() ? a.getLine() : null,
        a.hasColumn() ? a.getColumn() : null,
        a.hasEndLine() ? a.getEndLine() : null,
        a.hasEndColumn() ? a.getEndColumn() : null,
        emptyToNull(a.getTitle()));
  }

  public static LogText log(LogChunk chunk) {
    return new LogText(chunk.getJobKey(), chunk.getStepNumber(), chunk.getContent());
  }

  /** The API lists the domain's codes in order after UNSPECIFIED (0, shown as null). */
  static ErrorCode errorCode(int number) {
    ErrorCode[] codes = ErrorCode.values();
    return number < 1 || number > codes.length ? null : codes[number - 1];
  }

  public static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
