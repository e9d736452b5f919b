package dev.pipewright.pipelinerun.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/** One workflow job instance of the build, as last reconciled. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class JobRunStatus {

  @Required
  @JsonPropertyDescription("The job key: the workflow job id, plus the matrix suffix if any.")
  private String key;

  @Required
  @Pattern("^(PENDING|QUEUED|RUNNING|SUCCEEDED|FAILED|CANCELLED|SKIPPED)$")
  @JsonPropertyDescription(
      "PENDING, QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED or SKIPPED, as in the build API.")
  private String state;

  @JsonPropertyDescription("The batch/v1 Job running this workflow job, once created.")
  private String jobName;

  public JobRunStatus() {}

  public JobRunStatus(String key, String state, String jobName) {
    this.key = key;
    this.state = state;
    this.jobName = jobName;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }

  public String getState() {
    return state;
  }

  public void setState(String state) {
    this.state = state;
  }

  public String getJobName() {
    return jobName;
  }

  public void setJobName(String jobName) {
    this.jobName = jobName;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JobRunStatus j
        && Objects.equals(key, j.key)
        && Objects.equals(state, j.state)
        && Objects.equals(jobName, j.jobName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, state, jobName);
  }

  @Override
  public String toString() {
    return key + "=" + state;
  }
}
