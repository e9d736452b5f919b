package dev.pipewright.executor.engine;

import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.LogChunker;
import dev.pipewright.executor.RuntimeServices;
import dev.pipewright.executor.SecretMasker;
import dev.pipewright.executor.StepResult;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.program.WorkflowCommands;
import dev.pipewright.expressions.ExpressionException;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.StepStatus;
import dev.pipewright.parser.spec.RunDefaults;
import dev.pipewright.parser.spec.StepSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One step at a time: its env and {@code if:}, its script and environment, its command, and what it
 * left for the later steps ({@code GITHUB_ENV}, {@code GITHUB_PATH}, outputs). Keeps the state the
 * steps hand on. The job's thread only.
 */
final class StepDriver {
  private final JobScope scope;
  private final JobRun run;
  private final JobHost host;
  private final SecretMasker masker;
  private final JobContext ctx;
  private final Map<String, String> jobEnv;
  private final Cancellation cancellation;
  private final Duration jobTimeout;
  private final long jobDeadline;

  /** The timeouts of the action steps running now, which bound their inner commands. */
  final StepDeadlines deadlines = new StepDeadlines();

  private final StepRunner runner;
  private final RunDefaults defaults;
  private final boolean debug;
  private final Map<String, String> fileEnv = new LinkedHashMap<>();

  /** {@code GITHUB_PATH} entries, latest first (FileCommandManager's PrependPath, reversed). */
  private final List<String> pathAdditions = new ArrayList<>();

  private final Map<String, Integer> generatedIds = new LinkedHashMap<>();

  /** The command an earlier worker started, which the next step re-attaches to; or null. */
  private JobCheckpoint.Running resuming;

  /** The files of the last step's commands, deleted once the job's checkpoint holds them. */
  private final List<EnvFiles> lastFiles = new ArrayList<>();

  private final CompositeSteps composites;

  /** The Node.js of the job's JavaScript actions, asked once whichever runs first. */
  private final NodeRuntimes nodeRuntimes;

  /**
   * By step number, what the pre stage of the step's action saved, for its main and post stages
   * (GITHUB_STATE's STATE_*, one IntraActionState per action step in JobExtension.cs).
   */
  private final Map<Integer, Map<String, String>> stageStates = new LinkedHashMap<>();

  /**
   * Names this driver's inner commands of actions apart from an earlier worker's: a successor runs
   * a calling step again from its start, and must not find the commands (and files) of the earlier
   * run under the same ids on the host.
   */
  private final String session =
      Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36), 36);

  /**
   * @param jobEnv the workflow's and the job's env, evaluated
   * @param jobDeadline {@link System#nanoTime} at which the job's timeout cancels it
   * @param posts where the actions' post steps are registered
   */
  StepDriver(
      JobScope scope,
      JobContext ctx,
      Map<String, String> jobEnv,
      Duration jobTimeout,
      long jobDeadline,
      PostSteps posts) {
    this.scope = scope;
    this.run = scope.run();
    this.host = scope.host();
    this.masker = scope.masker();
    this.cancellation = scope.cancellation();
    this.ctx = ctx;
    this.jobEnv = jobEnv;
    this.jobTimeout = jobTimeout;
    this.jobDeadline = jobDeadline;
    this.runner = new StepRunner(host, scope.settings(), cancellation);
    RunDefaults wf =
        run.workflow().defaults() == null ? RunDefaults.NONE : run.workflow().defaults();
    RunDefaults job = run.job().defaults() == null ? RunDefaults.NONE : run.job().defaults();
    this.defaults = job.over(wf);
    this.debug = ContextBuilder.stepDebug(run);
    this.nodeRuntimes = new NodeRuntimes(host);
    this.composites = new CompositeSteps(scope, this, new ActionLoader(scope), posts);
  }

  /** The {@code env} context between steps: the job's env and what {@code GITHUB_ENV} added. */
  Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>(jobEnv);
    env.putAll(fileEnv);
    return env;
  }

  NodeRuntimes nodeRuntimes() {
    return nodeRuntimes;
  }

  /** Runs the actions of {@code uses:} steps. */
  CompositeSteps actions() {
    return composites;
  }

  /** The state of step {@code number}'s action stages, made for its pre stage. */
  Map<String, String> stageState(int number) {
    return stageStates.computeIfAbsent(number, n -> new LinkedHashMap<>());
  }

  /** The state the steps handed on, as a checkpoint recorded it; the running step to resume. */
  void restore(JobCheckpoint c) {
    fileEnv.putAll(c.env());
    pathAdditions.addAll(c.path());
    generatedIds.putAll(c.generatedIds());
    resuming = c.running();
  }

  /** What {@code GITHUB_ENV} added so far, in order: for the job's checkpoint, as the two below. */
  Map<String, String> fileEnv() {
    return new LinkedHashMap<>(fileEnv);
  }

  List<String> pathAdditions() {
    return List.copyOf(pathAdditions);
  }

  Map<String, Integer> generatedIds() {
    return new LinkedHashMap<>(generatedIds);
  }

  /** The job's checkpoint holds what the last step's files said: they go. */
  void checkpointed() throws IOException {
    for (EnvFiles files : lastFiles) {
      files.delete(host.files());
    }
    lastFiles.clear();
  }

  /** Evaluates and, when its {@code if:} holds, runs one step; records it for later steps. */
  StepOutcome step(StepSpec step, JobEngine.Progress progress) throws IOException {
    int number = step.index() + 1;
    boolean underCancel = cancellation.requested();
    if (underCancel) {
      ctx.markCancelled();
    }
    String id = "step-" + number + ".a" + run.attempt();
    EnvFiles files = new EnvFiles(host.paths(), id);
    Map<String, Object> fields = new LinkedHashMap<>(files.githubFields());
    fields.put("action", actionName(step));
    ctx.enterStep(fields);
    try {
      StepOutcome out = evaluateAndRun(step, number, id, files, underCancel, progress);
      StepResult r = out.result();
      ctx.recordStep(step.id(), r.outcome(), r.conclusion(), out.rawOutputs());
      return out;
    } finally {
      ctx.leaveStep();
    }
  }

  private StepOutcome evaluateAndRun(
      StepSpec step,
      int number,
      String id,
      EnvFiles files,
      boolean underCancel,
      JobEngine.Progress progress)
      throws IOException {
    Map<String, String> env;
    boolean runIt;
    boolean survives;
    JobCheckpoint.Running resumed = resuming != null && resuming.step() == number ? resuming : null;
    resuming = null;
    try {
      env = ctx.layerEnv(env(), step.env());
    } catch (ExpressionException e) {
      return failedBeforeRun(number, "step " + number + " env: " + e.getMessage());
    }
    try {
      // A step an earlier worker started runs on whatever its if: says now.
      runIt = resumed != null || ctx.test(step.ifCondition(), env);
      survives = runIt && (underCancel || ctx.survivesCancel(step.ifCondition(), env));
    } catch (ExpressionException e) {
      return failedBeforeRun(number, "step " + number + " if: " + e.getMessage());
    }
    if (!runIt) {
      // Skipped, cancelled job or not: StepsRunner.cs completes a step whose if: is false with
      // TaskResult.Skipped (its outcome and conclusion 'skipped'); only the step the cancel stopped
      // is cancelled.
      return new StepOutcome(StepResult.notRun(StepStatus.SKIPPED), Map.of());
    }
    progress.stepStarted(number, masker.mask(displayName(step, ctx, env)));
    LogChunker log = scope.log(number);
    if (resumed != null) {
      log.resume(run.logSource(number).orElseThrow());
    }
    scope.ticker().register(log);
    StepOutcome out;
    try {
      if (CompositeSteps.runsAction(step)) {
        // An action's inner steps and its own refusals log their errors themselves.
        out =
            composites.run(
                step,
                ctx,
                () -> ctx.layerEnv(env(), step.env()),
                log,
                "step-" + number + "." + session,
                List.of(),
                stageStates.computeIfAbsent(number, n -> new LinkedHashMap<>()));
      } else {
        out =
            command(
                step,
                ctx,
                runScript(step, defaults, ctx, env, id),
                id,
                env,
                files,
                survives,
                log,
                resumed,
                progress);
        logError(out.result(), log);
      }
      StepResult r = out.result();
      if (r.status() == StepStatus.FAILED && continueOnError(step, env, log)) {
        out = out.continuedOnError();
      }
    } finally {
      scope.ticker().unregister(log);
      log.close();
    }
    // Lines lost to a log store that kept refusing them fail the step, its exit code kept.
    return new StepOutcome(out.result().withLogFailure(log.failure()), out.rawOutputs());
  }

  /** A failed or cancelled step's reason, as StepsRunner.cs ends its log. */
  static void logError(StepResult r, LogChunker log) {
    if (r.status() == StepStatus.FAILED && r.errorMessage() != null) {
      log.runnerLine("##[error]" + r.errorMessage());
    } else if (r.status() == StepStatus.CANCELLED) {
      log.runnerLine("##[error]The operation was canceled.");
    }
  }

  /**
   * The command of a {@code run:} step or the built-in checkout, of the job or of a composite
   * action, for {@link #command}.
   *
   * @param ctx the contexts it renders with (the job's, or a composite action's)
   * @param defaults the {@code defaults.run} it takes (none inside an action)
   */
  ScriptSource runScript(
      StepSpec step, RunDefaults defaults, JobContext ctx, Map<String, String> env, String id) {
    return path -> StepScript.prepare(step, defaults, ctx, env, path, host, run.repository(), id);
  }

  /** Prepares a command once the {@code PATH} it runs with is known. */
  interface ScriptSource {
    /**
     * @throws CiException for what cannot run, with its code
     * @throws ExpressionException when a field does not evaluate
     */
    StepScript prepare(String path) throws IOException;
  }

  /**
   * Runs one command, which {@code source} prepares ({@link #runScript}, a stage of a JavaScript
   * action), and takes in what it left for the later steps; what it saved in {@code GITHUB_STATE}
   * is {@link EnvFiles#state} after it.
   *
   * @param resumed the command an earlier worker started, or null
   * @param progress told when the command starts (so a checkpoint names it), or null for an inner
   *     step of an action, whose caller a successor runs again from its start
   */
  StepOutcome command(
      StepSpec step,
      JobContext ctx,
      ScriptSource source,
      String id,
      Map<String, String> env,
      EnvFiles files,
      boolean survives,
      LogChunker log,
      JobCheckpoint.Running resumed,
      JobEngine.Progress progress)
      throws IOException {
    String path = effectivePath(env);
    WorkflowCommands commands = workflowCommands(env);
    StepRunner.Exit exit = null;
    StepDeadlines.Limit limit = null;
    if (resumed != null) {
      limit = limit(step, ctx, env, log);
      exit =
          runner
              .resume(
                  id,
                  commands,
                  log,
                  survives,
                  limit.timeout(),
                  resumed.startedAtEpochMillis(),
                  jobDeadline)
              .orElse(null);
    }
    if (exit == null) {
      StepScript script;
      try {
        script = source.prepare(path);
      } catch (ExpressionException | IllegalArgumentException e) {
        return StepOutcome.failed(ErrorCode.INVALID_SPEC, e.getMessage());
      } catch (CiException e) {
        return StepOutcome.failed(e.code(), e.getMessage());
      }
      limit = limit(step, ctx, env, log);
      files.create(host.files(), script.scriptPath(), script.script());
      Map<String, String> processEnv = new LinkedHashMap<>(host.baseEnvironment());
      processEnv.putAll(ContextBuilder.defaultEnv(ctx.github(), ctx.runner()));
      RuntimeServices services = host.runtimeServices(run.services());
      if (services != null) {
        processEnv.putAll(services.env());
      }
      processEnv.putAll(env);
      processEnv.put("PATH", path);
      // The runner's own: a step's env cannot point them elsewhere.
      processEnv.putAll(files.variables());
      // What the step logged so far is stored before a successor could take the command over.
      log.flush();
      if (progress != null) {
        progress.commandStarting(step.index() + 1, id);
      }
      exit =
          runner.run(id, script, processEnv, commands, log, survives, limit.timeout(), jobDeadline);
    }
    return ended(step, ctx, env, files, commands, exit, limit, log);
  }

  /** The workflow commands of one command's output, with the options its env sets. */
  WorkflowCommands workflowCommands(Map<String, String> env) {
    return new WorkflowCommands(
        masker,
        new WorkflowCommands.Options(
            debug,
            "true".equalsIgnoreCase(env.get("ACTIONS_ALLOW_UNSECURE_COMMANDS")),
            host.paths().workspace()));
  }

  StepRunner runner() {
    return runner;
  }

  long jobDeadline() {
    return jobDeadline;
  }

  /**
   * After a command ended: takes in what its files and workflow commands left for the later steps
   * and makes its result.
   */
  StepOutcome ended(
      StepSpec step,
      JobContext ctx,
      Map<String, String> env,
      EnvFiles files,
      WorkflowCommands commands,
      StepRunner.Exit exit,
      StepDeadlines.Limit limit,
      LogChunker log)
      throws IOException {
    EnvFiles.Written written = files.collect(host.files());
    lastFiles.add(files);
    fileEnv.putAll(commands.legacyEnv());
    fileEnv.putAll(written.env());
    commands.legacyPath().reversed().forEach(this::prependPath);
    written.path().forEach(this::prependPath);
    written.refusals().forEach(r -> log.runnerLine("##[error]" + r));
    Map<String, String> state = new LinkedHashMap<>(commands.legacyState());
    state.putAll(written.state());
    files.saved(state);
    Map<String, String> outputs = new LinkedHashMap<>(commands.legacyOutputs());
    outputs.putAll(written.outputs());
    String problem = commands.failure() != null ? commands.failure() : written.failure();
    ErrorCode code = null;
    String message = null;
    if (exit.cancelled()) {
      boolean jobTimeout = cancellation.reason() == ErrorCode.TIMEOUT;
      code = jobTimeout ? ErrorCode.TIMEOUT : ErrorCode.CANCELLED;
      message =
          jobTimeout ? JobEngine.jobTimeoutMessage(this.jobTimeout) : "The operation was canceled.";
    } else if (exit.timedOut()) {
      code = ErrorCode.TIMEOUT;
      message = limit.message();
    } else if (exit.exitCode() != 0) {
      code = ErrorCode.PERMANENT;
      message = "Process completed with exit code " + exit.exitCode() + ".";
    } else if (problem != null) {
      code = ErrorCode.PERMANENT;
      message = problem;
    }
    return StepOutcome.ended(
        code,
        message,
        exit.cancelled(),
        exit.exitCode(),
        outputs,
        commands.annotations(),
        written.summary());
  }

  /** What bounds a command: its own {@code timeout-minutes}, or an enclosing action step's. */
  StepDeadlines.Limit limit(
      StepSpec step, JobContext ctx, Map<String, String> env, LogChunker log) {
    Duration own = timeout(step, ctx, env, log);
    return deadlines.limit(
        own, own == null ? null : StepDeadlines.message(displayName(step, ctx, env), own));
  }

  /**
   * The step's {@code timeout-minutes}, or null. StepsRunner logs an error and runs the step
   * without a timeout when it cannot be determined.
   */
  static Duration timeout(StepSpec step, JobContext ctx, Map<String, String> env, LogChunker log) {
    try {
      return ctx.minutes(step.timeoutMinutes(), env);
    } catch (ExpressionException | IllegalArgumentException e) {
      log.runnerLine("##[error]An error occurred when attempting to determine the step timeout.");
      log.runnerLine("##[error]" + e.getMessage());
      return null;
    }
  }

  private boolean continueOnError(StepSpec step, Map<String, String> env, LogChunker log) {
    return continueOnError(step, ctx, env, log);
  }

  static boolean continueOnError(
      StepSpec step, JobContext ctx, Map<String, String> env, LogChunker log) {
    try {
      return ctx.flag(step.continueOnError(), env);
    } catch (ExpressionException e) {
      log.runnerLine("##[error]continue-on-error: " + e.getMessage());
      return false;
    }
  }

  /** A step whose env or {@code if:} did not evaluate: failed, with the error in its log. */
  private StepOutcome failedBeforeRun(int number, String message) {
    try (LogChunker c = scope.log(number)) {
      c.runnerLine("##[error]" + message);
    }
    return StepOutcome.failed(ErrorCode.INVALID_SPEC, message);
  }

  /** PATH as the step sees it: {@code GITHUB_PATH} entries (latest first) before its own. */
  private String effectivePath(Map<String, String> env) {
    String base = env.getOrDefault("PATH", host.baseEnvironment().get("PATH"));
    if (pathAdditions.isEmpty()) {
      return base == null ? "" : base;
    }
    String added = String.join(":", pathAdditions);
    return base == null || base.isEmpty() ? added : added + ":" + base;
  }

  private void prependPath(String dir) {
    pathAdditions.remove(dir);
    pathAdditions.addFirst(dir);
  }

  /**
   * {@code github.action}: the step's id, else the name GitHub generates ({@code __run}, {@code
   * __run_2}... for scripts, {@code __owner_repo} for actions).
   */
  private String actionName(StepSpec step) {
    if (step.id() != null && !step.id().isEmpty()) {
      return step.id();
    }
    String base =
        step.uses() == null
            ? "__run"
            : "__" + step.uses().replaceAll("@.*$", "").replaceAll("[^A-Za-z0-9]", "_");
    int n = generatedIds.merge(base, 1, Integer::sum);
    return n == 1 ? base : base + "_" + n;
  }

  /** The step's name as its log shows it: {@code name:} rendered, else GitHub's default. */
  static String displayName(StepSpec step, JobContext ctx, Map<String, String> env) {
    if (step.name() == null) {
      return step.displayName();
    }
    try {
      return ctx.render(step.name(), env);
    } catch (ExpressionException e) {
      return step.name();
    }
  }
}
