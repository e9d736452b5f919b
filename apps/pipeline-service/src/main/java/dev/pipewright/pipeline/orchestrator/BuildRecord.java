package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.executor.RepositoryRef;
import dev.pipewright.models.BuildStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the orchestrator reads of a build.
 *
 * @param vars the non-secret variables ({@code vars} context)
 * @param secrets the secret variables in clear ({@code secrets} context, masked by the runner)
 * @param secretsError why the secret values could not be opened (no key, a key not loaded, altered
 *     or missing values); null when they were. Such a build fails instead of running without them.
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
    boolean cancelRequested,
    String secretsError) {

  public BuildRecord {
    vars = vars == null ? Map.of() : Map.copyOf(vars);
    secrets = secrets == null ? Map.of() : Map.copyOf(secrets);
  }

  /** A build whose secrets were opened (or that has none). */
  public BuildRecord(
      String id,
      long number,
      BuildStatus status,
      String workflowYaml,
      String workflowPath,
      RepositoryRef repository,
      Map<String, String> vars,
      Map<String, String> secrets,
      boolean cancelRequested) {
    this(
        id,
        number,
        status,
        workflowYaml,
        workflowPath,
        repository,
        vars,
        secrets,
        cancelRequested,
        null);
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
