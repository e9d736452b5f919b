package dev.pipewright.executor.engine;

import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.RepositoryRef;
import dev.pipewright.executor.host.JobPaths;
import dev.pipewright.expressions.Values;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one builder of a job's expression contexts and default environment variables, for every host:
 * {@code github}, {@code runner}, {@code vars}, {@code secrets}, {@code inputs}, {@code matrix},
 * {@code strategy} and {@code needs} once per job; {@code env}, {@code job} and {@code steps} as
 * the steps go ({@link JobContext}). Pure: everything comes from the {@link JobRun} and the host's
 * {@link JobPaths}.
 *
 * <p>The variables follow the runner: {@code GITHUB_<KEY>} for each string field of the {@code
 * github} context on GitHub's allow-list ({@code src/Runner.Worker/GitHubContext.cs}), {@code
 * RUNNER_<KEY>} for each field of {@code runner} ({@code RunnerContext.cs}), plus {@code CI} and
 * {@code GITHUB_ACTIONS} ("Default environment variables" in GitHub's docs).
 */
public final class ContextBuilder {

  /** The {@code github} fields that become {@code GITHUB_<KEY>} variables (GitHubContext.cs). */
  private static final List<String> GITHUB_ENV_FIELDS =
      List.of(
          "action",
          "action_path",
          "action_ref",
          "action_repository",
          "actor",
          "actor_id",
          "api_url",
          "base_ref",
          "env",
          "event_name",
          "event_path",
          "graphql_url",
          "head_ref",
          "job",
          "output",
          "path",
          "ref_name",
          "ref_protected",
          "ref_type",
          "ref",
          "repository",
          "repository_id",
          "repository_owner",
          "repository_owner_id",
          "retention_days",
          "run_attempt",
          "run_id",
          "run_number",
          "server_url",
          "sha",
          "state",
          "step_summary",
          "triggering_actor",
          "workflow",
          "workflow_ref",
          "workflow_sha",
          "workspace");

  private ContextBuilder() {}

  /**
   * The contexts fixed for the whole job.
   *
   * @param eventPath where the engine writes the event payload ({@code GITHUB_EVENT_PATH})
   */
  public static Map<String, Object> jobContexts(
      JobRun run, JobPaths paths, String eventPath, String runnerName) {
    Map<String, Object> contexts = new LinkedHashMap<>();
    contexts.put("github", github(run, paths.workspace(), eventPath));
    contexts.put("runner", runner(run, paths, runnerName));
    contexts.put("vars", run.vars());
    contexts.put("secrets", run.secrets());
    contexts.put("inputs", run.inputs());
    contexts.put("matrix", run.matrix());
    contexts.put("strategy", run.strategy().toContext());
    Map<String, Object> needs = new LinkedHashMap<>();
    run.needs().forEach((id, need) -> needs.put(id, need.context()));
    contexts.put("needs", needs);
    return contexts;
  }

  /**
   * GitHub's {@code github} context for a job, overlaid by {@link JobRun#github} (event_name,
   * actor, event...). Fields GitHub fills from its own services ({@code api_url}, {@code token})
   * are absent unless the run brings them.
   */
  static Map<String, Object> github(JobRun run, String workspace, String eventPath) {
    Map<String, Object> g = new LinkedHashMap<>();
    RepositoryRef repo = run.repository();
    String fullName = repo.displayName();
    String sha = repo.sha() == null ? "" : repo.sha();
    String workflowName =
        run.workflow().name() == null ? run.workflow().path() : run.workflow().name();
    g.put("action", "");
    g.put("actor", "pipewright");
    g.put("base_ref", "");
    g.put("event", Map.of());
    g.put("event_name", "push");
    g.put("event_path", eventPath);
    g.put("head_ref", "");
    g.put("job", run.job().id());
    g.put("ref", repo.ref() == null ? "" : repo.ref());
    g.put("ref_name", repo.refName());
    g.put("ref_protected", false);
    g.put("ref_type", repo.ref() != null && repo.ref().startsWith("refs/tags/") ? "tag" : "branch");
    g.put("repository", fullName);
    g.put("repository_owner", fullName.contains("/") ? fullName.split("/")[0] : "");
    g.put("repositoryUrl", repo.url() == null ? "" : repo.url());
    g.put("retention_days", "90");
    g.put("run_id", run.buildId());
    g.put("run_number", String.valueOf(run.runNumber()));
    g.put("run_attempt", String.valueOf(run.attempt()));
    g.put("sha", sha);
    g.put("triggering_actor", "pipewright");
    g.put("workflow", workflowName == null ? "" : workflowName);
    g.put("workflow_ref", run.workflow().path() == null ? "" : run.workflow().path());
    g.put("workflow_sha", sha);
    g.put("workspace", workspace);
    g.putAll(run.github());
    return g;
  }

  /** The {@code runner} context: this machine's OS and architecture, the job's directories. */
  static Map<String, Object> runner(JobRun run, JobPaths paths, String runnerName) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("os", "Linux");
    r.put("arch", arch(System.getProperty("os.arch", "")));
    r.put("name", runnerName);
    r.put("environment", "self-hosted");
    r.put("temp", paths.temp());
    r.put("tool_cache", paths.toolCache());
    if (flag(run, "ACTIONS_RUNNER_DEBUG")) {
      r.put("debug", "1");
    }
    return r;
  }

  /**
   * The variables every step gets, from the {@code github} context as the step sees it (with its
   * {@code action} and file paths) and the {@code runner} context.
   */
  static Map<String, String> defaultEnv(Map<String, Object> github, Map<String, Object> runner) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CI", "true");
    env.put("GITHUB_ACTIONS", "true");
    env.put("PIPEWRIGHT", "true");
    for (String field : GITHUB_ENV_FIELDS) {
      Object v = github.get(field);
      if (v instanceof String || v instanceof Boolean) {
        env.put("GITHUB_" + field.toUpperCase(Locale.ROOT), Values.toDisplayString(v));
      }
    }
    runner.forEach(
        (k, v) -> env.put("RUNNER_" + k.toUpperCase(Locale.ROOT), Values.toDisplayString(v)));
    return env;
  }

  /**
   * Whether GitHub's step debug logging is on: {@code ACTIONS_STEP_DEBUG} set to true as a secret
   * or variable ("Enabling debug logging" in GitHub's docs).
   */
  static boolean stepDebug(JobRun run) {
    return flag(run, "ACTIONS_STEP_DEBUG");
  }

  private static boolean flag(JobRun run, String name) {
    return "true".equalsIgnoreCase(run.secrets().get(name))
        || "true".equalsIgnoreCase(run.vars().get(name));
  }

  static String arch(String osArch) {
    return switch (osArch) {
      case "amd64", "x86_64" -> "X64";
      case "aarch64", "arm64" -> "ARM64";
      case "x86", "i386", "i686" -> "X86";
      case "arm" -> "ARM";
      default -> osArch.toUpperCase(Locale.ROOT);
    };
  }
}
