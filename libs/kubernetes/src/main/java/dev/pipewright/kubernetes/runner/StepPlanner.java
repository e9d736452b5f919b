package dev.pipewright.kubernetes.runner;

import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.NeedResult;
import dev.pipewright.executor.program.ShellCommand;
import dev.pipewright.expressions.Condition;
import dev.pipewright.expressions.EvalContext;
import dev.pipewright.expressions.ExpressionException;
import dev.pipewright.expressions.JobState;
import dev.pipewright.expressions.Template;
import dev.pipewright.expressions.Values;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.parser.spec.JobSpec;
import dev.pipewright.parser.spec.RunDefaults;
import dev.pipewright.parser.spec.StepSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a {@link JobRun} into a {@link JobPlan}: a pure function (no I/O), so every decision the
 * pod will act on is unit-tested here.
 *
 * <p>The pod cannot evaluate expressions, so everything is evaluated now with the contexts known
 * before the job starts; a step's {@code if:} is evaluated once per possible job status and the pod
 * only picks the answer. The {@code steps} context only exists at run time in the pod, so a
 * workflow reading it (in {@code if:}, {@code run:}, {@code env:} or {@code with:}) is refused with
 * INVALID_SPEC instead of being run with wrong values; the local runner runs such workflows.
 */
public final class StepPlanner {
  /** Where the build's workspace is mounted in every container. */
  public static final String WORKSPACE = "/workspace";

  /** The emptyDir the steps of one pod share their results through. */
  public static final String STATE_DIR = "/pipewright/state";

  /** The Secret volume holding this job's scripts and env files. */
  public static final String FILES_DIR = "/pipewright/files";

  static final List<String> JOB_STATUSES = List.of("success", "failure");

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern CHECKOUT = Pattern.compile("actions/checkout@.+");

  private final KubernetesRunnerConfig config;

  public StepPlanner(KubernetesRunnerConfig config) {
    this.config = config;
  }

  public JobPlan plan(JobRun run) {
    JobSpec job = run.job();
    String jobName = KubeNames.jobName(run.ref(), run.attempt());
    Map<String, Object> contexts = baseContexts(run);
    Map<String, String> jobEnv = new LinkedHashMap<>();
    renderEnv(run.workflow().env(), contexts, jobEnv, "env");
    renderEnv(job.env(), contexts, jobEnv, "jobs." + job.id() + ".env");
    jobEnv.putAll(defaultEnv(run));
    contexts.put("env", Map.copyOf(jobEnv));

    RunDefaults defaults = orNone(job.defaults()).over(orNone(run.workflow().defaults()));
    String image =
        config.imageFor(
            job.container() == null ? null : render(job.container().image(), contexts, "container"),
            job.runsOn() == null ? List.of() : job.runsOn().labels());

    Map<String, String> files = new LinkedHashMap<>();
    List<PlannedStep> steps = new ArrayList<>();
    for (StepSpec step : job.steps()) {
      int number = step.index() + 1;
      String where = "jobs." + job.id() + ".steps[" + step.index() + "]";
      Map<String, String> stepEnv = new LinkedHashMap<>();
      Map<String, Object> stepContexts = new LinkedHashMap<>(contexts);
      renderEnv(step.env(), stepContexts, stepEnv, where + ".env");
      Map<String, String> visibleEnv = new LinkedHashMap<>(jobEnv);
      visibleEnv.putAll(stepEnv);
      stepContexts.put("env", visibleEnv);

      Set<String> runWhen = runWhen(step, stepContexts, where);
      boolean continueOnError = truthy(step.continueOnError(), stepContexts, where);
      long timeout = minutes(step.timeoutMinutes(), stepContexts, where + ".timeout-minutes");
      String script = script(step, run, stepContexts, where);
      String shellText =
          step.shell() != null ? step.shell() : step.uses() != null ? "sh" : defaults.shell();
      List<String> argv =
          shellText == null || shellText.isBlank()
              ? List.of()
              : ShellCommand.resolve(shellText, exe -> true)
                  .argvFor(FILES_DIR + "/" + number + ".script");
      String workdir = workingDirectory(step, defaults, stepContexts, where);

      files.put(JobPlan.fileKey(jobName, number, "script"), script);
      files.put(JobPlan.fileKey(jobName, number, "env"), envFile(jobEnv));
      files.put(JobPlan.fileKey(jobName, number, "stepenv"), envFile(stepEnv));
      steps.add(
          new PlannedStep(
              number,
              step.id(),
              step.displayName(),
              KubeNames.containerName(number, step.displayName()),
              runWhen,
              continueOnError,
              timeout * 60,
              argv,
              workdir));
    }
    long jobMinutes =
        minutes(job.timeoutMinutes(), contexts, "jobs." + job.id() + ".timeout-minutes");
    Duration jobTimeout =
        jobMinutes > 0 ? Duration.ofMinutes(jobMinutes) : JobRun.DEFAULT_JOB_TIMEOUT;
    if (run.maxTimeout() != null && run.maxTimeout().compareTo(jobTimeout) < 0) {
      jobTimeout = run.maxTimeout();
    }
    return new JobPlan(
        run.ref(),
        run.attempt(),
        jobName,
        image,
        run.workspace(),
        jobTimeout.toSeconds(),
        steps,
        files,
        job.outputs() == null ? Map.of() : job.outputs());
  }

  /** The contexts a job sees before its first step, {@code steps} excluded (see class doc). */
  static Map<String, Object> baseContexts(JobRun run) {
    Map<String, Object> github = new LinkedHashMap<>();
    github.put("repository", run.repository().displayName());
    github.put("repositoryUrl", nullToEmpty(run.repository().url()));
    github.put("ref", nullToEmpty(run.repository().ref()));
    github.put("ref_name", run.repository().refName());
    github.put("sha", nullToEmpty(run.repository().sha()));
    github.put("run_id", run.buildId());
    github.put("run_number", Long.toString(run.runNumber()));
    github.put("run_attempt", Integer.toString(run.attempt()));
    github.put("job", run.job().id());
    github.put("workspace", WORKSPACE);
    github.put("workflow", nullToEmpty(run.workflow().name()));
    github.putAll(run.github());

    Map<String, Object> needs = new LinkedHashMap<>();
    for (Map.Entry<String, NeedResult> e : run.needs().entrySet()) {
      needs.put(
          e.getKey(), Map.of("result", e.getValue().result(), "outputs", e.getValue().outputs()));
    }
    Map<String, Object> contexts = new LinkedHashMap<>();
    contexts.put("github", github);
    contexts.put("matrix", run.matrix());
    contexts.put("strategy", run.strategy().toContext());
    contexts.put("needs", needs);
    contexts.put("vars", run.vars());
    contexts.put("secrets", run.secrets());
    contexts.put("inputs", run.inputs());
    contexts.put("job", Map.of("status", "success"));
    contexts.put(
        "runner", Map.of("os", "Linux", "arch", "X64", "name", "pipewright", "temp", "/tmp"));
    return contexts;
  }

  private static Map<String, String> defaultEnv(JobRun run) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CI", "true");
    env.put("HOME", STATE_DIR + "/home");
    env.put("GITHUB_WORKSPACE", WORKSPACE);
    env.put("GITHUB_REPOSITORY", run.repository().displayName());
    env.put("GITHUB_REF", nullToEmpty(run.repository().ref()));
    env.put("GITHUB_REF_NAME", run.repository().refName());
    env.put("GITHUB_SHA", nullToEmpty(run.repository().sha()));
    env.put("GITHUB_RUN_ID", run.buildId());
    env.put("GITHUB_RUN_NUMBER", Long.toString(run.runNumber()));
    env.put("GITHUB_RUN_ATTEMPT", Integer.toString(run.attempt()));
    env.put("GITHUB_JOB", run.job().id());
    env.put("RUNNER_OS", "Linux");
    env.put("RUNNER_TEMP", "/tmp");
    return env;
  }

  private static Set<String> runWhen(StepSpec step, Map<String, Object> contexts, String where) {
    String text = step.ifCondition() == null ? "" : step.ifCondition();
    Condition condition;
    try {
      condition = Condition.parse(text);
    } catch (ExpressionException e) {
      throw invalid(where + ".if", e);
    }
    requireNoSteps(condition.contexts(), where + ".if");
    Set<String> when = new LinkedHashSet<>();
    for (String status : JOB_STATUSES) {
      JobState state = status.equals("success") ? JobState.SUCCESS : JobState.FAILURE;
      try {
        if (condition.test(context(contexts, state))) {
          when.add(status);
        }
      } catch (ExpressionException e) {
        throw invalid(where + ".if", e);
      }
    }
    return when;
  }

  private static String script(
      StepSpec step, JobRun run, Map<String, Object> contexts, String where) {
    if (step.run() != null) {
      return render(step.run(), contexts, where + ".run");
    }
    Map<String, String> with = new LinkedHashMap<>();
    if (step.with() != null) {
      step.with().forEach((k, v) -> with.put(k, render(v, contexts, where + ".with." + k)));
    }
    if (step.uses() != null && CHECKOUT.matcher(step.uses()).matches()) {
      return checkoutScript(run, with);
    }
    // A step we cannot run fails on its own, as an unsupported action does on GitHub.
    return "echo "
        + shellQuote(
            "::error::uses: " + step.uses() + " is not supported by the" + " Kubernetes runner")
        + " >&2\nexit 1\n";
  }

  /** {@code actions/checkout}: fetch the build's commit into the (shared) workspace. */
  static String checkoutScript(JobRun run, Map<String, String> with) {
    String url = nullToEmpty(with.getOrDefault("repository", run.repository().url()));
    String target = with.get("ref");
    if (target == null || target.isBlank()) {
      target = run.repository().sha() != null ? run.repository().sha() : run.repository().ref();
    }
    String path = with.getOrDefault("path", "");
    return String.join(
        "\n",
        "set -e",
        "dir=" + shellQuote(WORKSPACE + (path.isBlank() ? "" : "/" + path)),
        "mkdir -p \"$dir\" && cd \"$dir\"",
        "[ -d .git ] || git init -q .",
        "git remote add origin "
            + shellQuote(url)
            + " 2>/dev/null || git remote set-url origin "
            + shellQuote(url),
        "git fetch -q --depth=1 origin " + shellQuote(target == null ? "HEAD" : target),
        "git checkout -q --force FETCH_HEAD",
        "git log -1 --format='Checked out %H'",
        "");
  }

  private static String workingDirectory(
      StepSpec step, RunDefaults defaults, Map<String, Object> contexts, String where) {
    String dir =
        step.workingDirectory() != null ? step.workingDirectory() : defaults.workingDirectory();
    if (dir == null || dir.isBlank()) {
      return WORKSPACE;
    }
    String rendered = render(dir, contexts, where + ".working-directory");
    return rendered.startsWith("/") ? rendered : WORKSPACE + "/" + rendered;
  }

  private static void renderEnv(
      Map<String, String> env,
      Map<String, Object> contexts,
      Map<String, String> out,
      String where) {
    if (env == null) {
      return;
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      Map<String, Object> visible = new LinkedHashMap<>(contexts);
      Map<String, Object> soFar = new LinkedHashMap<>();
      if (contexts.get("env") instanceof Map<?, ?> m) {
        m.forEach((k, v) -> soFar.put(String.valueOf(k), v));
      }
      soFar.putAll(out);
      visible.put("env", soFar);
      out.put(e.getKey(), render(e.getValue(), visible, where + "." + e.getKey()));
    }
  }

  private static String render(String text, Map<String, Object> contexts, String where) {
    if (text == null) {
      return null;
    }
    try {
      Template template = Template.parse(text);
      template.expressions().forEach(x -> requireNoSteps(x.contexts(), where));
      return template.render(context(contexts, JobState.SUCCESS));
    } catch (ExpressionException e) {
      throw invalid(where, e);
    }
  }

  private static boolean truthy(String text, Map<String, Object> contexts, String where) {
    if (text == null || text.isBlank()) {
      return false;
    }
    String value = render(text, contexts, where + ".continue-on-error");
    return Values.truthy(value) && !value.equals("false") && !value.equals("0");
  }

  private static long minutes(String text, Map<String, Object> contexts, String where) {
    if (text == null || text.isBlank()) {
      return 0;
    }
    String value = render(text, contexts, where).strip();
    try {
      double minutes = Double.parseDouble(value);
      if (minutes <= 0) {
        throw new CiException(ErrorCode.INVALID_SPEC, where + " must be positive, got " + value);
      }
      return (long) Math.ceil(minutes);
    } catch (NumberFormatException e) {
      throw new CiException(ErrorCode.INVALID_SPEC, where + " is not a number: " + value, e);
    }
  }

  private static void requireNoSteps(Set<String> usedContexts, String where) {
    if (usedContexts.contains("steps")) {
      throw new CiException(
          ErrorCode.INVALID_SPEC,
          where
              + " reads the steps context, which the Kubernetes runner cannot evaluate inside"
              + " the pod; run this workflow with the local runner");
    }
  }

  private static EvalContext context(Map<String, Object> contexts, JobState state) {
    return EvalContext.builder().contexts(contexts).jobState(state).build();
  }

  private static CiException invalid(String where, ExpressionException e) {
    return new CiException(ErrorCode.INVALID_SPEC, where + ": " + e.getMessage(), e);
  }

  /** {@code export NAME='value'} lines; names a POSIX shell cannot export are left out. */
  static String envFile(Map<String, String> env) {
    StringBuilder out = new StringBuilder();
    env.forEach(
        (name, value) -> {
          if (ENV_NAME.matcher(name).matches()) {
            out.append("export ").append(name).append('=').append(shellQuote(value)).append('\n');
          }
        });
    return out.toString();
  }

  static String shellQuote(String value) {
    return "'" + nullToEmpty(value).replace("'", "'\\''") + "'";
  }

  private static RunDefaults orNone(RunDefaults d) {
    return d == null ? RunDefaults.NONE : d;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
