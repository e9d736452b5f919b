package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.executor.RepositoryRef;
import dev.pipewright.models.BuildStatus;
import java.util.LinkedHashMap;
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

  /** Build-level contexts for job {@code if:}, names and dynamic matrices. */
  public Map<String, Object> contexts() {
    Map<String, Object> github = new LinkedHashMap<>();
    github.put("run_id", id);
    github.put("run_number", number);
    github.put("event_name", "push");
    if (repository != null) {
      github.put("repository", repository.displayName());
      github.put("ref", repository.ref() == null ? "" : repository.ref());
      github.put("ref_name", repository.refName());
      github.put("sha", repository.sha() == null ? "" : repository.sha());
    }
    return Map.of("github", github, "vars", vars, "inputs", Map.of());
  }
}
