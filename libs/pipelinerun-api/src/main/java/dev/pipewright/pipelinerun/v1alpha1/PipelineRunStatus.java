package dev.pipewright.pipelinerun.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The build as the reconciler last saw it. Equality is by value so the reconciler can skip a status
 * patch that would change nothing.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PipelineRunStatus {

  /** The condition type that is True once the build reached a terminal phase. */
  public static final String CONDITION_FINISHED = "Finished";

  /** The condition type that is True while the build's outcome is (or may still be) success. */
  public static final String CONDITION_SUCCEEDED = "Succeeded";

  @JsonPropertyDescription("Where the build is in its life.")
  private Phase phase;

  @Min(0)
  @JsonPropertyDescription("Workflow jobs of the build.")
  private Integer jobsTotal;

  @Min(0)
  @JsonPropertyDescription("Workflow jobs in a terminal state.")
  private Integer jobsDone;

  @JsonPropertyDescription("jobsDone/jobsTotal, for kubectl's Jobs column.")
  private String progress;

  @JsonPropertyDescription("Every workflow job of the build and its state.")
  private List<JobRunStatus> jobs = new ArrayList<>();

  @JsonPropertyDescription("Finished and Succeeded conditions, Kubernetes style.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The metadata.generation this status was computed for.")
  private Long observedGeneration;

  @JsonPropertyDescription("Why the build failed or was cancelled, when it did.")
  private String message;

  @Min(1)
  @JsonPropertyDescription("The run attempt of the build this status describes (absent: 1).")
  private Integer runAttempt;

  public Phase getPhase() {
    return phase;
  }

  public void setPhase(Phase phase) {
    this.phase = phase;
  }

  public Integer getJobsTotal() {
    return jobsTotal;
  }

  public void setJobsTotal(Integer jobsTotal) {
    this.jobsTotal = jobsTotal;
  }

  public Integer getJobsDone() {
    return jobsDone;
  }

  public void setJobsDone(Integer jobsDone) {
    this.jobsDone = jobsDone;
  }

  public String getProgress() {
    return progress;
  }

  public void setProgress(String progress) {
    this.progress = progress;
  }

  public List<JobRunStatus> getJobs() {
    return jobs;
  }

  public void setJobs(List<JobRunStatus> jobs) {
    this.jobs = jobs == null ? new ArrayList<>() : jobs;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions == null ? new ArrayList<>() : conditions;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public Integer getRunAttempt() {
    return runAttempt;
  }

  public void setRunAttempt(Integer runAttempt) {
    this.runAttempt = runAttempt;
  }

  /** Null-safe read of {@link #getRunAttempt()}. */
  public int runAttempt() {
    return runAttempt == null ? 1 : runAttempt;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PipelineRunStatus s
        && phase == s.phase
        && Objects.equals(jobsTotal, s.jobsTotal)
        && Objects.equals(jobsDone, s.jobsDone)
        && Objects.equals(progress, s.progress)
        && Objects.equals(jobs, s.jobs)
        && Objects.equals(conditions, s.conditions)
        && Objects.equals(observedGeneration, s.observedGeneration)
        && Objects.equals(message, s.message)
        && Objects.equals(runAttempt, s.runAttempt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        phase,
        jobsTotal,
        jobsDone,
        progress,
        jobs,
        conditions,
        observedGeneration,
        message,
        runAttempt);
  }
}
