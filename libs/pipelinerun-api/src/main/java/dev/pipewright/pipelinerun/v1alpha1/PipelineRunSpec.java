package dev.pipewright.pipelinerun.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** What the build is; written once by the worker, the build itself lives in the database. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PipelineRunSpec {

  @Required
  @Size(min = 1, max = 64)
  @Pattern("^[A-Za-z0-9][A-Za-z0-9-]*$")
  @ValidationRule(value = "self == oldSelf", message = "buildId is immutable")
  @JsonPropertyDescription("The Pipewright build this run mirrors (immutable).")
  private String buildId;

  @Size(max = 253)
  @JsonPropertyDescription("The pipeline the build belongs to.")
  private String pipelineId;

  @Size(max = 2048)
  @JsonPropertyDescription("The repository the build checks out.")
  private String repository;

  @Size(max = 1024)
  @JsonPropertyDescription("The git ref that triggered the build, e.g. refs/heads/main.")
  private String ref;

  @Pattern("^[0-9a-f]{7,64}$")
  @JsonPropertyDescription("The commit the build checks out.")
  private String sha;

  @JsonPropertyDescription(
      "Set to true to cancel the build while keeping this record; deleting the run cancels too.")
  private Boolean cancelRequested;

  @Min(1)
  @JsonPropertyDescription(
      "The run attempt of the build this run mirrors: 1, then one more per re-run of the finished"
          + " build; raised by the worker that claims the re-run (absent: 1).")
  private Integer runAttempt;

  public PipelineRunSpec() {}

  public PipelineRunSpec(String buildId) {
    this.buildId = buildId;
  }

  public String getBuildId() {
    return buildId;
  }

  public void setBuildId(String buildId) {
    this.buildId = buildId;
  }

  public String getPipelineId() {
    return pipelineId;
  }

  public void setPipelineId(String pipelineId) {
    this.pipelineId = pipelineId;
  }

  public String getRepository() {
    return repository;
  }

  public void setRepository(String repository) {
    this.repository = repository;
  }

  public String getRef() {
    return ref;
  }

  public void setRef(String ref) {
    this.ref = ref;
  }

  public String getSha() {
    return sha;
  }

  public void setSha(String sha) {
    this.sha = sha;
  }

  public Boolean getCancelRequested() {
    return cancelRequested;
  }

  public void setCancelRequested(Boolean cancelRequested) {
    this.cancelRequested = cancelRequested;
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

  /** Null-safe read of {@link #getCancelRequested()}. */
  public boolean cancelRequested() {
    return Boolean.TRUE.equals(cancelRequested);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PipelineRunSpec s
        && Objects.equals(buildId, s.buildId)
        && Objects.equals(pipelineId, s.pipelineId)
        && Objects.equals(repository, s.repository)
        && Objects.equals(ref, s.ref)
        && Objects.equals(sha, s.sha)
        && Objects.equals(cancelRequested, s.cancelRequested)
        && Objects.equals(runAttempt, s.runAttempt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(buildId, pipelineId, repository, ref, sha, cancelRequested, runAttempt);
  }
}
