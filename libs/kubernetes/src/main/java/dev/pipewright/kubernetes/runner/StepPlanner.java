package dev.pipewright.kubernetes.runner;

import dev.pipewright.executor.JobRun;
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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a {@link JobRun} into a {@link JobPlan}: a pure function (no I/O), so every decision the
 * pod will act on is unit-tested here.
 *
 * <p>The pod cannot evaluate expressions, so everything is evaluated now with the contexts known
 * before the job starts. What only the pod knows is left to the step wrapper in two forms: a step's
 * {@code if:} becomes a table of the job statuses and outcomes of the earlier steps it reads under
 * which it is true, and {@code ${{ steps.<id>.outputs.<name> }}}, {@code .outcome} and {@code
 * .conclusion} in {@code run:} and {@code env:} become holes the wrapper fills (see {@link
 * PodTemplates}). Other uses of the {@code steps} context are refused with INVALID_SPEC instead of
 * being run with wrong values; the local runner runs such workflows.
 */
public final class StepPlanner {
  /** Where the build's workspace is mounted in every container. */
  public static final String WORKSPACE = "/workspace";

  /** The emptyDir the steps of one pod share their results through. */
  public static final String STATE_DIR = "/pipewright/state";

  /** The Secret volume holding this job's scripts and env files. */
  public static final String FILES_DIR = "/pipewright/files";

  /**
   * The downward API volume with the pod's annotations ({@code annotations}), which the kubelet
   * keeps current while the pod runs: how the wrapper learns of a cancel.
   */
  public static final String PODINFO_DIR = "/pipewright/podinfo";

  /** What the wrapper knows of the job when a step starts: a step failed, the job was cancelled. */
  static final List<String> JOB_STATUSES = List.of("success", "failure", "cancelled");

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern STRING_LITERAL = Pattern.compile("'(?:[^']|'')*'");
  private static final Pattern IF_STEP_REF =
      Pattern.compile(
          "(?<![\\w.-])steps\\.([A-Za-z_][A-Za-z0-9_-]*)\\.(?:outcome|conclusion)(?![\\w-])",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern STEPS_WORD =
      Pattern.compile("(?<![\\w.-])steps(?![\\w-])", Pattern.CASE_INSENSITIVE);
  private static final List<String> OUTCOMES = List.of("success", "failure", "skipped");
  private static final List<String> OUTCOMES_AFTER_CANCEL =
      List.of("success", "failure", "skipped", "cancelled");

  /** An {@code if:} reading more step outcomes than this would need too big a table. */
  static final int MAX_IF_STEPS = 3;

  private static final Pattern CHECKOUT = Pattern.compile("actions/checkout@.+");

  private final KubernetesRunnerConfig config;

  public StepPlanner(KubernetesRunnerConfig config) {
    this.config = config;
  }

  public JobPlan plan(JobRun run) {
    JobSpec job = run.job();
    String jobName = KubeNames.jobName(run.ref(), run.attempt());
    Map<String, Object> contexts = baseContexts(run);
    PodTemplates templates = new PodTemplates();
    Map<String, PodTemplates.PodText> jobEnv = new LinkedHashMap<>();
    renderEnv(templates, run.workflow().env(), contexts, jobEnv, "env");
    renderEnv(templates, job.env(), contexts, jobEnv, "jobs." + job.id() + ".env");
    defaultEnv(run).forEach((k, v) -> jobEnv.put(k, PodTemplates.PodText.literal(v)));
    contexts.put("env", plain(jobEnv));

    RunDefaults defaults = orNone(job.defaults()).over(orNone(run.workflow().defaults()));
    String image =
        config.imageFor(
            job.container() == null ? null : render(job.container().image(), contexts, "container"),
            job.runsOn() == null ? List.of() : job.runsOn().labels());

    Map<String, String> files = new LinkedHashMap<>();
    List<PlannedStep> steps = new ArrayList<>();
    Map<Integer, Boolean> continueOnErrorOf = new LinkedHashMap<>();
    for (StepSpec step : job.steps()) {
      Planned planned;
      try {
        planned =
            planStep(run, step, jobName, contexts, jobEnv, defaults, templates, continueOnErrorOf);
      } catch (CiException e) {
        if (e.code() != ErrorCode.INVALID_SPEC) {
          throw e;
        }
        planned = invalidStep(job, step, jobName, contexts, templates, continueOnErrorOf, e);
      }
      steps.add(planned.step());
      files.putAll(planned.files());
      templates.stepPlanned(step.id(), planned.step().number());
      continueOnErrorOf.put(planned.step().number(), planned.step().continueOnError());
    }
    List<String> values = templates.values();
    for (int i = 0; i < values.size(); i++) {
      files.put(JobPlan.valueKey(jobName, i), values.get(i));
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

  private static String where(JobSpec job, StepSpec step) {
    return "jobs." + job.id() + ".steps[" + step.index() + "]";
  }

  /** A planned step with the files (script, env files) its container reads. */
  private record Planned(PlannedStep step, Map<String, String> files) {}

  private static Planned planStep(
      JobRun run,
      StepSpec step,
      String jobName,
      Map<String, Object> contexts,
      Map<String, PodTemplates.PodText> jobEnv,
      RunDefaults defaults,
      PodTemplates templates,
      Map<Integer, Boolean> continueOnErrorOf) {
    int number = step.index() + 1;
    String where = where(run.job(), step);
    Map<String, PodTemplates.PodText> stepEnv = new LinkedHashMap<>();
    Map<String, Object> stepContexts = new LinkedHashMap<>(contexts);
    Map<String, PodTemplates.PodText> visibleEnv = new LinkedHashMap<>(jobEnv);
    renderEnv(templates, step.env(), stepContexts, stepEnv, where + ".env", jobEnv);
    visibleEnv.putAll(stepEnv);
    stepContexts.put("env", plain(visibleEnv));

    IfTable when = runWhen(step, stepContexts, where, templates, continueOnErrorOf);
    boolean continueOnError = truthy(step.continueOnError(), stepContexts, where);
    long timeout = minutes(step.timeoutMinutes(), stepContexts, where + ".timeout-minutes");
    PodTemplates.PodText script = script(step, run, stepContexts, visibleEnv, templates, where);
    List<PodTemplates.PodText> texts = new ArrayList<>(jobEnv.values());
    texts.addAll(stepEnv.values());
    texts.add(script);
    String mark = texts.stream().anyMatch(PodTemplates.PodText::hasHoles) ? mark(texts) : null;
    String shellText =
        step.shell() != null ? step.shell() : step.uses() != null ? "sh" : defaults.shell();
    String scriptPath = (mark == null ? FILES_DIR : STATE_DIR) + "/" + number + ".script";
    List<String> argv =
        shellText == null || shellText.isBlank()
            ? List.of()
            : ShellCommand.resolve(shellText, exe -> true).argvFor(scriptPath);
    String workdir = workingDirectory(step, defaults, stepContexts, where);

    Map<String, String> files = new LinkedHashMap<>();
    files.put(JobPlan.fileKey(jobName, number, "script"), script.withMarks(mark));
    files.put(JobPlan.fileKey(jobName, number, "env"), envFile(jobEnv, mark));
    files.put(JobPlan.fileKey(jobName, number, "stepenv"), envFile(stepEnv, mark));
    return new Planned(
        planned(
            step, when, continueOnError, timeout * 60, argv, workdir, mark, valueRefs(texts), null),
        files);
  }

  /**
   * A step whose expressions cannot be evaluated: as on GitHub's runner (and the local one), which
   * evaluate a step's inputs when they reach it, the step fails with the error once it is reached
   * and the steps before it run. Its container prints the error and exits 1; its {@code if:} still
   * decides whether it is reached, and an {@code if:} that is itself the problem fails the step
   * whenever the job was not cancelled.
   */
  private static Planned invalidStep(
      JobSpec job,
      StepSpec step,
      String jobName,
      Map<String, Object> contexts,
      PodTemplates templates,
      Map<Integer, Boolean> continueOnErrorOf,
      CiException error) {
    int number = step.index() + 1;
    String where = where(job, step);
    IfTable when;
    boolean continueOnError;
    try {
      when = runWhen(step, contexts, where, templates, continueOnErrorOf);
      continueOnError = truthy(step.continueOnError(), contexts, where);
    } catch (CiException e) {
      when = new IfTable(Set.of("success", "failure"), List.of());
      continueOnError = false;
    }
    Map<String, String> files = new LinkedHashMap<>();
    files.put(
        JobPlan.fileKey(jobName, number, "script"),
        "echo " + shellQuote("##[error]" + error.getMessage()) + " >&2\nexit 1\n");
    files.put(JobPlan.fileKey(jobName, number, "env"), "");
    files.put(JobPlan.fileKey(jobName, number, "stepenv"), "");
    return new Planned(
        planned(
            step,
            when,
            continueOnError,
            0,
            List.of(),
            WORKSPACE,
            null,
            List.of(),
            error.getMessage()),
        files);
  }

  private static PlannedStep planned(
      StepSpec step,
      IfTable when,
      boolean continueOnError,
      long timeoutSeconds,
      List<String> argv,
      String workdir,
      String mark,
      List<Integer> values,
      String invalid) {
    int number = step.index() + 1;
    return new PlannedStep(
        number,
        step.id(),
        step.displayName(),
        KubeNames.containerName(number, step.displayName()),
        when.keys(),
        continueOnError,
        timeoutSeconds,
        argv,
        workdir,
        when.steps(),
        mark,
        values,
        invalid);
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
    run.needs().forEach((id, need) -> needs.put(id, need.context()));
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

  /**
   * A step's {@code if:} as the pod reads it: the keys under which it is true, each the job status
   * ({@code success}/{@code failure}/{@code cancelled}) followed by {@code :<outcome>} of each step
   * in {@code steps}.
   */
  record IfTable(Set<String> keys, List<Integer> steps) {}

  private static IfTable runWhen(
      StepSpec step,
      Map<String, Object> contexts,
      String where,
      PodTemplates templates,
      Map<Integer, Boolean> continueOnErrorOf) {
    String text = step.ifCondition() == null ? "" : step.ifCondition();
    Condition condition;
    try {
      condition = Condition.parse(text);
    } catch (ExpressionException e) {
      throw invalid(where + ".if", e);
    }
    Map<String, Integer> referenced = new LinkedHashMap<>();
    if (condition.contexts().contains("steps")) {
      String code = STRING_LITERAL.matcher(text).replaceAll("''");
      Matcher m = IF_STEP_REF.matcher(code);
      while (m.find()) {
        Integer number = templates.earlierStep(m.group(1));
        if (number != null) {
          referenced.putIfAbsent(m.group(1).toLowerCase(Locale.ROOT), number);
        }
      }
      if (STEPS_WORD.matcher(IF_STEP_REF.matcher(code).replaceAll("")).find()
          || referenced.size() > MAX_IF_STEPS) {
        throw new CiException(
            ErrorCode.INVALID_SPEC,
            where
                + ".if: the Kubernetes runner evaluates if: before the pod starts, for every"
                + " outcome of the steps it reads; it supports steps.<id>.outcome and"
                + " steps.<id>.conclusion of at most "
                + MAX_IF_STEPS
                + " earlier steps, not steps.<id>.outputs or other uses of the steps context;"
                + " test the output in the script instead, or run this workflow with the local"
                + " runner");
      }
    }
    Set<String> when = new LinkedHashSet<>();
    for (String status : JOB_STATUSES) {
      JobState state =
          switch (status) {
            case "success" -> JobState.SUCCESS;
            case "failure" -> JobState.FAILURE;
            default -> JobState.CANCELLED;
          };
      // A step's outcome is cancelled only once the job is: killed by the cancel, or not run.
      List<String> outcomes = status.equals("cancelled") ? OUTCOMES_AFTER_CANCEL : OUTCOMES;
      List<String> keys = new ArrayList<>(List.of(""));
      List<Map<String, Object>> stepContexts = new ArrayList<>(List.of(Map.of()));
      for (Map.Entry<String, Integer> ref : referenced.entrySet()) {
        List<String> nextKeys = new ArrayList<>();
        List<Map<String, Object>> nextContexts = new ArrayList<>();
        boolean continueOnError = continueOnErrorOf.getOrDefault(ref.getValue(), false);
        for (int i = 0; i < keys.size(); i++) {
          for (String outcome : outcomes) {
            String conclusion = outcome.equals("failure") && continueOnError ? "success" : outcome;
            Map<String, Object> steps = new LinkedHashMap<>(stepContexts.get(i));
            steps.put(
                ref.getKey(),
                Map.of("outcome", outcome, "conclusion", conclusion, "outputs", Map.of()));
            nextKeys.add(keys.get(i) + ":" + outcome);
            nextContexts.add(steps);
          }
        }
        keys = nextKeys;
        stepContexts = nextContexts;
      }
      for (int i = 0; i < keys.size(); i++) {
        Map<String, Object> all = new LinkedHashMap<>(contexts);
        all.put("steps", stepContexts.get(i));
        try {
          if (condition.test(context(all, state))) {
            when.add(status + keys.get(i));
          }
        } catch (ExpressionException e) {
          throw invalid(where + ".if", e);
        }
      }
    }
    return new IfTable(when, List.copyOf(referenced.values()));
  }

  private static PodTemplates.PodText script(
      StepSpec step,
      JobRun run,
      Map<String, Object> contexts,
      Map<String, PodTemplates.PodText> env,
      PodTemplates templates,
      String where) {
    if (step.run() != null) {
      return templates.render(step.run(), contexts, env, where + ".run");
    }
    if (step.uses() != null && CHECKOUT.matcher(step.uses()).matches()) {
      // Only the inputs the checkout script uses: a token: input (usually a secret) is not needed.
      Map<String, String> with = new LinkedHashMap<>();
      if (step.with() != null) {
        for (String key : List.of("repository", "ref", "path")) {
          String value = step.with().get(key);
          if (value != null) {
            with.put(key, renderNoSecrets(value, contexts, where + ".with." + key));
          }
        }
      }
      return PodTemplates.PodText.literal(checkoutScript(run, with));
    }
    // A step we cannot run fails on its own, as an unsupported action does on GitHub.
    return PodTemplates.PodText.literal(
        "echo "
            + shellQuote(
                "::error::uses: " + step.uses() + " is not supported by the" + " Kubernetes runner")
            + " >&2\nexit 1\n");
  }

  /** A marker that occurs in none of the texts' literal parts (so the wrapper finds only holes). */
  static String mark(List<PodTemplates.PodText> texts) {
    for (int i = 0; ; i++) {
      String mark = "@pw" + (i == 0 ? "" : Integer.toString(i)) + "@";
      boolean clash =
          texts.stream()
              .flatMap(t -> t.parts().stream())
              .anyMatch(p -> p.literal() != null && p.literal().contains(mark));
      if (!clash) {
        return mark;
      }
    }
  }

  private static List<Integer> valueRefs(List<PodTemplates.PodText> texts) {
    Set<Integer> refs = new java.util.TreeSet<>();
    for (PodTemplates.PodText t : texts) {
      for (PodTemplates.Part p : t.parts()) {
        if (p.ref() != null && p.ref().startsWith("v.")) {
          refs.add(Integer.parseInt(p.ref().substring(2)));
        }
      }
    }
    return List.copyOf(refs);
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
      PodTemplates templates,
      Map<String, String> spec,
      Map<String, Object> contexts,
      Map<String, PodTemplates.PodText> out,
      String where) {
    renderEnv(templates, spec, contexts, out, where, Map.of());
  }

  /** Each value sees {@code outer} and the values before it in its {@code env} context. */
  private static void renderEnv(
      PodTemplates templates,
      Map<String, String> spec,
      Map<String, Object> contexts,
      Map<String, PodTemplates.PodText> out,
      String where,
      Map<String, PodTemplates.PodText> outer) {
    if (spec == null) {
      return;
    }
    for (Map.Entry<String, String> e : spec.entrySet()) {
      Map<String, PodTemplates.PodText> visible = new LinkedHashMap<>(outer);
      visible.putAll(out);
      String value = e.getValue() == null ? "" : e.getValue();
      out.put(e.getKey(), templates.render(value, contexts, visible, where + "." + e.getKey()));
    }
  }

  private static Map<String, String> plain(Map<String, PodTemplates.PodText> env) {
    Map<String, String> out = new LinkedHashMap<>();
    env.forEach((k, v) -> out.put(k, v.plain()));
    return out;
  }

  /** A value the planner itself acts on (image, working directory...): known now, no holes. */
  private static String render(String text, Map<String, Object> contexts, String where) {
    if (text == null) {
      return null;
    }
    try {
      Template template = Template.parse(text);
      template.expressions().forEach(x -> PodTemplates.requireKnownNow(x.contexts(), where));
      return template.render(context(contexts, JobState.SUCCESS));
    } catch (ExpressionException e) {
      throw invalid(where, e);
    }
  }

  /** A value that ends up in a script: refuses secrets, which must not be written there. */
  private static String renderNoSecrets(String text, Map<String, Object> contexts, String where) {
    try {
      if (Template.parse(text).expressions().stream()
          .anyMatch(x -> x.contexts().contains("secrets"))) {
        throw new CiException(
            ErrorCode.INVALID_SPEC,
            where + " reads secrets, which the Kubernetes runner does not write into scripts");
      }
    } catch (ExpressionException e) {
      throw invalid(where, e);
    }
    return render(text, contexts, where);
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

  private static EvalContext context(Map<String, Object> contexts, JobState state) {
    return EvalContext.builder().contexts(contexts).jobState(state).build();
  }

  static CiException invalid(String where, ExpressionException e) {
    return new CiException(ErrorCode.INVALID_SPEC, where + ": " + e.getMessage(), e);
  }

  /** {@code export NAME='value'} lines; names a POSIX shell cannot export are left out. */
  static String envFile(Map<String, String> env) {
    Map<String, PodTemplates.PodText> texts = new LinkedHashMap<>();
    env.forEach((k, v) -> texts.put(k, PodTemplates.PodText.literal(v)));
    return envFile(texts, null);
  }

  /**
   * The env file a step's wrapper sources. A value with holes is expanded by the wrapper's {@code
   * pw_expand} (the {@code x} keeps trailing newlines, which command substitution drops).
   */
  static String envFile(Map<String, PodTemplates.PodText> env, String mark) {
    StringBuilder out = new StringBuilder();
    env.forEach(
        (name, value) -> {
          if (!ENV_NAME.matcher(name).matches()) {
            return;
          }
          if (!value.hasHoles()) {
            out.append("export ").append(name).append('=').append(shellQuote(value.plain()));
          } else {
            out.append(name)
                .append("=$(pw_expand ")
                .append(shellQuote(value.withMarks(mark)))
                .append("; printf x); export ")
                .append(name)
                .append("=\"${")
                .append(name)
                .append("%x}\"");
          }
          out.append('\n');
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
