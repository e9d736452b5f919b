package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.executor.RepositoryRef;
import dev.pipewright.models.BuildStatus;
import java.util.Map;

/**
 * What the orchestrator reads of a build.
 *
 * @param vars the non-secret variables ({@code vars} context)
 * @param secrets the secret variables ({@code secrets} context, masked by the runner)
 */
public record BuildRecord(
    String id,
    long number,
    BuildStatus status,
    String workflowYaml,
    String workflowPath,
    RepositoryRef repository,
    Map<String, String> vars,
    Map<String, String> secrets,
    boolean cancelRequested) {

  public BuildRecord {
    vars = vars == null ? Map.of() : Map.copyOf(vars);
    secrets = secrets == null ? Map.of() : Map.copyOf(secrets);
  }
}
