package dev.pipewright.executor.engine;

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
 * The expression contexts of one job instance as its steps progress: the fixed ones from {@link
 * ContextBuilder}, the {@code github} fields of the current step, {@code steps}, {@code job}, and
 * the job state the status functions read. Not thread-safe (the job's thread).
 */
final class JobContext {
  private final Map<String, Object> fixed;
  private final Map<String, Object> jobGithub;
  private final Map<String, Object> container;
  private final Map<String, Object> services;
  private final Map<String, Object> steps = new LinkedHashMap<>();
  private final Function<List<String>, String> hashFiles;
  private Map<String, Object> github;
  private boolean failed;
  private boolean cancelled;

  /**
   * @param fixed from {@link ContextBuilder#jobContexts}
   * @param container the {@code job.container} context (empty outside a container)
   * @param services the {@code job.services} context (empty without services)
   * @param hashFiles {@code hashFiles()} over the workspace
   */
  @SuppressWarnings("unchecked")
  JobContext(
      Map<String, Object> fixed,
      Map<String, Object> container,
      Map<String, Object> services,
      Function<List<String>, String> hashFiles) {
    this.fixed = new LinkedHashMap<>(fixed);
    this.jobGithub = (Map<String, Object>) fixed.get("github");
    this.github = jobGithub;
    this.container = Map.copyOf(container);
    this.services = Map.copyOf(services);
    this.hashFiles = hashFiles;
  }

  /** The {@code github} context of the current step (or the job's, between steps). */
  Map<String, Object> github() {
    return github;
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> runner() {
    return (Map<String, Object>) fixed.get("runner");
  }

  /** From now on {@code github} carries these step fields ({@code action}, file paths). */
  void enterStep(Map<String, Object> stepFields) {
    Map<String, Object> g = new LinkedHashMap<>(jobGithub);
    g.putAll(stepFields);
    github = g;
  }

  void leaveStep() {
    github = jobGithub;
  }

  /**
   * The contexts a composite action's inner steps see, as CompositeActionHandler.cs sets them up:
   * {@code inputs} are the action's, {@code steps} its own (empty at first), {@code github} carries
   * the action's fields ({@code action_path}...), and the status functions read the action's own
   * state ({@code success()} is false once one of its steps failed, FunctionSuccess.cs's {@code
   * action_status} of an embedded step), starting from success and this context's cancellation.
   */
  JobContext composite(Map<String, String> inputs, Map<String, Object> actionFields) {
    Map<String, Object> contexts = new LinkedHashMap<>(fixed);
    contexts.put("inputs", Map.copyOf(inputs));
    Map<String, Object> g = new LinkedHashMap<>(github);
    g.putAll(actionFields);
    contexts.put("github", g);
    JobContext action = new JobContext(contexts, container, services, hashFiles);
    action.cancelled = cancelled;
    return action;
  }

  /** A step ran (or was skipped): visible to later steps as {@code steps.<id>}. */
  void recordStep(String id, String outcome, String conclusion, Map<String, String> outputs) {
    if ("failure".equals(conclusion)) {
      failed = true;
    }
    if (id != null && !id.isEmpty() && !id.startsWith("__")) {
      steps.put(
          id, Map.of("outcome", outcome, "conclusion", conclusion, "outputs", Map.copyOf(outputs)));
    }
  }

  /** The {@code steps} context as a checkpoint keeps it. */
  @SuppressWarnings("unchecked")
  Map<String, JobCheckpoint.StepRecord> stepRecords() {
    Map<String, JobCheckpoint.StepRecord> records = new LinkedHashMap<>();
    steps.forEach(
        (id, v) -> {
          Map<String, Object> step = (Map<String, Object>) v;
          records.put(
              id,
              new JobCheckpoint.StepRecord(
                  (String) step.get("outcome"),
                  (String) step.get("conclusion"),
                  (Map<String, String>) step.get("outputs")));
        });
    return records;
  }

  /** The {@code steps} context and the job's state as a checkpoint recorded them. */
  void restore(JobCheckpoint c) {
    c.steps().forEach((id, r) -> recordStep(id, r.outcome(), r.conclusion(), r.outputs()));
    failed = c.failed();
    cancelled = c.cancelled();
  }

  /** From now on {@code cancelled()} is true and {@code success()}/{@code failure()} false. */
  void markCancelled() {
    cancelled = true;
  }

  /** The job failed outside a step (its outputs): later {@code failure()} is true. */
  void markFailed() {
    failed = true;
  }

  boolean cancelled() {
    return cancelled;
  }

  JobState state() {
    return new JobState(failed, cancelled);
  }

  /** {@code job.status}: success, failure or cancelled. */
  String jobStatus() {
    return cancelled ? "cancelled" : failed ? "failure" : "success";
  }

  /** The context for expressions evaluated with the given {@code env} context. */
  EvalContext eval(Map<String, String> env) {
    return eval(env, state());
  }

  private EvalContext eval(Map<String, String> env, JobState state) {
    EvalContext.Builder b = EvalContext.builder().contexts(fixed);
    b.context("github", github);
    b.context("env", env);
    b.context("steps", Map.copyOf(steps));
    String status = state.isCancelled() ? "cancelled" : state.failed() ? "failure" : "success";
    b.context("job", Map.of("status", status, "container", container, "services", services));
    b.jobState(state);
    if (hashFiles != null) {
      b.hashFiles(hashFiles);
    }
    return b.build();
  }

  /** Renders a template ({@code run:}, {@code with:} values...); null stays null. */
  String render(String template, Map<String, String> env) {
    if (template == null) {
      return null;
    }
    Template t = Template.parse(template);
    return t.isLiteral() ? template : t.render(eval(env));
  }

  /** An {@code if:} (null: the implicit {@code success()}). */
  boolean test(String ifText, Map<String, String> env) {
    return Condition.parse(ifText == null ? "" : ifText).test(eval(env));
  }

  /**
   * Whether an {@code if:} would still hold were the job cancelled now: a running step whose
   * condition does not is cancelled with its job (StepsRunner re-evaluates it on cancellation).
   */
  boolean survivesCancel(String ifText, Map<String, String> env) {
    Condition c = Condition.parse(ifText == null ? "" : ifText);
    return c.usesStatusFunction() && c.test(eval(env, new JobState(failed, true)));
  }

  /**
   * Renders an {@code env:} map on top of {@code outer}: each value sees the outer values in its
   * {@code env} context. Returns outer + rendered values.
   */
  Map<String, String> layerEnv(Map<String, String> outer, Map<String, String> spec) {
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
  boolean flag(String value, Map<String, String> env) {
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
   * {@code timeout-minutes} (a number or an expression giving one); null when unset or not
   * positive: the runner sets no step timeout then ({@code if (timeoutMinutes > 0)} in
   * StepsRunner.cs). Unlike GitHub, which casts the number to whole minutes, a fraction is kept:
   * whole numbers behave the same, and sub-minute limits keep tests short.
   *
   * @throws IllegalArgumentException when it is not a number
   */
  Duration minutes(String value, Map<String, String> env) {
    if (value == null || value.isBlank()) {
      return null;
    }
    Object v = Template.parse(value).evaluate(eval(env));
    Double minutes = Values.toNumber(v);
    if (minutes == null || minutes.isNaN()) {
      throw new IllegalArgumentException(
          "timeout-minutes must be a number, got '" + Values.toDisplayString(v) + "'");
    }
    if (!(minutes > 0)) {
      return null;
    }
    return Double.isInfinite(minutes) ? null : Duration.ofMillis(Math.round(minutes * 60_000));
  }

  /** The job's {@code outputs:}, each rendered with the final {@code steps} context. */
  Map<String, String> outputs(Map<String, String> spec, Map<String, String> env) {
    Map<String, String> result = new LinkedHashMap<>();
    if (spec != null) {
      spec.forEach((name, template) -> result.put(name, render(template, env)));
    }
    return result;
  }
}
