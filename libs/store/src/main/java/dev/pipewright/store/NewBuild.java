package dev.pipewright.store;

import java.util.Map;
import java.util.Objects;

/**
 * A build to create. {@code idempotencyKey} (nullable) makes creation idempotent per pipeline: a
 * second create with the same pipeline and key returns the first build.
 */
public record NewBuild(
    String pipelineId,
    String workflowYaml,
    String workflowPath,
    String repositoryUrl,
    String repositoryRef,
    String repositorySha,
    Map<String, Variable> variables,
    String idempotencyKey) {

  public NewBuild {
    Objects.requireNonNull(pipelineId, "pipelineId");
    if (pipelineId.isBlank()) {
      throw new IllegalArgumentException("pipelineId is blank");
    }
    Objects.requireNonNull(workflowYaml, "workflowYaml");
    variables = variables == null ? Map.of() : Map.copyOf(variables);
    idempotencyKey = idempotencyKey == null || idempotencyKey.isBlank() ? null : idempotencyKey;
  }

  /** A build with only the required parts, for callers without repository or variables. */
  public static NewBuild of(String pipelineId, String workflowYaml) {
    return new NewBuild(pipelineId, workflowYaml, null, null, null, null, Map.of(), null);
  }

  public NewBuild withIdempotencyKey(String key) {
    return new NewBuild(
        pipelineId,
        workflowYaml,
        workflowPath,
        repositoryUrl,
        repositoryRef,
        repositorySha,
        variables,
        key);
  }
}
