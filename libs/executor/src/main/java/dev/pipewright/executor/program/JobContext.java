package dev.pipewright.executor.program;

import dev.pipewright.executor.JobRun;
import dev.pipewright.expressions.Condition;
import dev.pipewright.expressions.EvalContext;
import dev.pipewright.expressions.JobState;
import dev.pipewright.expressions.Template;
import dev.pipewright.expressions.Values;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The expression contexts of one job instance as its steps progress: {@code github}, {@code env},
 * {@code vars}, {@code secrets}, {@code inputs}, {@code matrix}, {@code strategy}, {@code needs},
 * {@code runner}, {@code job} and {@code steps}, plus the job state the status functions read.
 * Runner-independent: the local and Kubernetes runners build it the same way. Not thread-safe (one
 * job thread).
 */
public final class JobContext {
  private final Map<String, Object> fixed = new LinkedHashMap<>();
  private final Map<String, Object> steps = new LinkedHashMap<>();
  private final Function<List<String>, String> hashFiles;
  private boolean failed;
  private boolean cancelled;

  /**
   * @param workspacePath {@code github.workspace} as the steps see it
   * @param runner the {@code runner} context (os, arch, name, temp, tool_cache)
   * @param hashFiles {@code hashFiles()} over the workspace
   */
  public JobContext(
      JobRun run,
      String workspacePath,
      Map<String, Object> runner,
      Function<List<String>, String> hashFiles) {
    this.hashFiles = hashFiles;
    fixed.put("github", github(run, workspacePath));
    fixed.put("runner", Map.copyOf(runner));
    fixed.put("vars", run.vars());
    fixed.put("secrets", run.secrets());
    fixed.put("inputs", run.inputs());
    fixed.put("matrix", run.matrix());
    fixed.put("strategy", run.strategy().toContext());
    Map<String, Object> needs = new LinkedHashMap<>();
    run.needs().forEach((id, need) -> needs.put(id, need.context()));
    fixed.put("needs", needs);
  }

  /** GitHub's {@code github} context fields the runner knows, overlaid by {@link JobRun#github}. */
  public static Map<String, Object> github(JobRun run, String workspacePath) {
    Map<String, Object> g = new LinkedHashMap<>();
    var repo = run.repository();
    String fullName = repo.displayName();
    g.put("action", "");
    g.put("actor", "pipewright");
    g.put("event_name", "push");
    g.put("event", Map.of());
    g.put("job", run.job().id());
    g.put("ref", repo.ref() == null ? "" : repo.ref());
    g.put("ref_name", repo.refName());
    g.put("ref_type", repo.ref() != null && repo.ref().startsWith("refs/tags/") ? "tag" : "branch");
    g.put("repository", fullName);
    g.put("repository_owner", fullName.contains("/") ? fullName.split("/")[0] : "");
    g.put("repositoryUrl", repo.url() == null ? "" : repo.url());
    g.put("run_id", run.buildId());
    g.put("run_number", String.valueOf(run.runNumber()));
    g.put("run_attempt", String.valueOf(run.attempt()));
    g.put("sha", repo.sha() == null ? "" : repo.sha());
    g.put(
        "workflow", run.workflow().name() == null ? run.workflow().path() : run.workflow().name());
    g.put("workspace", workspacePath);
    g.putAll(run.github());
    return g;
  }

  /** The GitHub default environment variables derived from the {@code github} context. */
  @SuppressWarnings("unchecked")
  public Map<String, String> defaultEnv() {
    Map<String, Object> g = (Map<String, Object>) fixed.get("github");
    Map<String, Object> r = (Map<String, Object>) fixed.get("runner");
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CI", "true");
    env.put("GITHUB_ACTIONS", "true");
    env.put("PIPEWRIGHT", "true");
    env.put("GITHUB_WORKSPACE", str(g.get("workspace")));
    env.put("GITHUB_RUN_ID", str(g.get("run_id")));
    env.put("GITHUB_RUN_NUMBER", str(g.get("run_number")));
    env.put("GITHUB_RUN_ATTEMPT", str(g.get("run_attempt")));
    env.put("GITHUB_JOB", str(g.get("job")));
    env.put("GITHUB_REPOSITORY", str(g.get("repository")));
    env.put("GITHUB_REPOSITORY_OWNER", str(g.get("repository_owner")));
    env.put("GITHUB_REF", str(g.get("ref")));
    env.put("GITHUB_REF_NAME", str(g.get("ref_name")));
    env.put("GITHUB_REF_TYPE", str(g.get("ref_type")));
    env.put("GITHUB_SHA", str(g.get("sha")));
    env.put("GITHUB_WORKFLOW", str(g.get("workflow")));
    env.put("GITHUB_EVENT_NAME", str(g.get("event_name")));
    env.put("GITHUB_ACTOR", str(g.get("actor")));
    env.put("RUNNER_OS", str(r.get("os")));
    env.put("RUNNER_ARCH", str(r.get("arch")));
    env.put("RUNNER_NAME", str(r.get("name")));
    env.put("RUNNER_TEMP", str(r.get("temp")));
    env.put("RUNNER_TOOL_CACHE", str(r.get("tool_cache")));
    return env;
  }

  private static String str(Object o) {
    return Values.toDisplayString(o);
  }

  /** A step ran (or was skipped): visible to later steps as {@code steps.<id>}. */
  public void recordStep(
      String id, String outcome, String conclusion, Map<String, String> outputs) {
    if ("failure".equals(conclusion)) {
      failed = true;
    }
    if (id != null && !id.isEmpty()) {
      steps.put(
          id, Map.of("outcome", outcome, "conclusion", conclusion, "outputs", Map.copyOf(outputs)));
    }
  }

  /** From now on {@code cancelled()} is true and {@code success()}/{@code failure()} false. */
  public void markCancelled() {
    cancelled = true;
  }

  /** The job failed outside a step (job timeout): later {@code failure()} is true. */
  public void markFailed() {
    failed = true;
  }

  public JobState state() {
    return new JobState(failed, cancelled);
  }

  /** {@code job.status}: success, failure or cancelled. */
  public String jobStatus() {
    return cancelled ? "cancelled" : failed ? "failure" : "success";
  }

  /** The context for expressions evaluated with the given {@code env} context. */
  public EvalContext eval(Map<String, String> env) {
    EvalContext.Builder b = EvalContext.builder().contexts(fixed);
    b.context("env", env);
    b.context("steps", Map.copyOf(steps));
    b.context("job", Map.of("status", jobStatus(), "container", Map.of(), "services", Map.of()));
    b.jobState(state());
    if (hashFiles != null) {
      b.hashFiles(hashFiles);
    }
    return b.build();
  }

  /** Renders a template ({@code run:}, {@code with:} values...); null stays null. */
  public String render(String template, Map<String, String> env) {
    if (template == null) {
      return null;
    }
    Template t = Template.parse(template);
    return t.isLiteral() ? template : t.render(eval(env));
  }

  /** An {@code if:} (null: the implicit {@code success()}). */
  public boolean test(String ifText, Map<String, String> env) {
    return Condition.parse(ifText == null ? "" : ifText).test(eval(env));
  }

  /**
   * Renders an {@code env:} map on top of {@code outer}: each value sees the outer values in its
   * {@code env} context. Returns outer + rendered values.
   */
  public Map<String, String> layerEnv(Map<String, String> outer, Map<String, String> spec) {
    Map<String, String> result = new LinkedHashMap<>(outer);
    if (spec == null || spec.isEmpty()) {
      return result;
    }
    EvalContext ctx = null;
    for (Map.Entry<String, String> e : spec.entrySet()) {
      String value = e.getValue() == null ? "" : e.getValue();
      Template t = Template.parse(value);
      if (t.isLiteral()) {
        result.put(e.getKey(), value);
      } else {
        if (ctx == null) {
          ctx = eval(outer);
        }
        result.put(e.getKey(), t.render(ctx));
      }
    }
    return result;
  }

  /** A boolean field that may be an expression ({@code continue-on-error}); null is false. */
  public boolean flag(String value, Map<String, String> env) {
    if (value == null || value.isBlank()) {
      return false;
    }
    Template t = Template.parse(value);
    if (t.isLiteral()) {
      // The parser keeps YAML booleans as text: "false" must not be a truthy string.
      return value.strip().equalsIgnoreCase("true");
    }
    return Values.truthy(t.evaluate(eval(env)));
  }

  /**
   * {@code timeout-minutes} (a number, possibly fractional, or an expression); null when unset.
   *
   * @throws IllegalArgumentException when it is not a positive number
   */
  public Duration minutes(String value, Map<String, String> env) {
    if (value == null || value.isBlank()) {
      return null;
    }
    Object v = Template.parse(value).evaluate(eval(env));
    double minutes = Values.toNumber(v);
    if (!(minutes > 0) || Double.isInfinite(minutes)) {
      throw new IllegalArgumentException(
          "timeout-minutes must be a positive number, got '" + Values.toDisplayString(v) + "'");
    }
    return Duration.ofMillis(Math.round(minutes * 60_000));
  }

  /** The job's {@code outputs:}, each rendered with the final {@code steps} context. */
  public Map<String, String> outputs(Map<String, String> spec, Map<String, String> env) {
    Map<String, String> result = new LinkedHashMap<>();
    if (spec != null) {
      spec.forEach((name, template) -> result.put(name, render(template, env)));
    }
    return result;
  }
}
