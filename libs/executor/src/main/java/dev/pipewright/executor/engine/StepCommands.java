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
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One command of a step (a {@code run:} step's script, the built-in checkout, a stage of a
 * JavaScript or docker action), of the job or inside an action: run or resumed under its timeout
 * (its own, or an enclosing action step's), with its process environment and {@code PATH}, its
 * workflow commands read from its output, and, once it ended, what it left taken in for the later
 * steps ({@link StepHandover}) and made its result. The job's thread only.
 */
final class StepCommands {
  private final JobRun run;
  private final JobHost host;
  private final SecretMasker masker;
  private final Cancellation cancellation;
  private final StepHandover handover;
  private final StepRunner runner;
  private final boolean debug;
  private final Duration jobTimeout;
  private final long jobDeadline;

  /** The timeouts of the action steps running now, which bound their inner commands. */
  final StepDeadlines deadlines = new StepDeadlines();

  /**
   * @param jobDeadline {@link System#nanoTime} at which the job's timeout cancels it
   */
  StepCommands(JobScope scope, StepHandover handover, Duration jobTimeout, long jobDeadline) {
    this.run = scope.run();
    this.host = scope.host();
    this.masker = scope.masker();
    this.cancellation = scope.cancellation();
    this.handover = handover;
    this.runner = new StepRunner(host, scope.settings(), cancellation);
    this.debug = ContextBuilder.stepDebug(run);
    this.jobTimeout = jobTimeout;
    this.jobDeadline = jobDeadline;
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
    String path = handover.path(env);
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
      Map<String, String> processEnv = processEnv(ctx, env, path, files);
      // What the step logged so far is stored before a successor could take the command over.
      log.flush();
      if (progress != null) {
        progress.commandStarting(step.index() + 1, id);
      }
      exit =
          runner.run(id, script, processEnv, commands, log, survives, limit.timeout(), jobDeadline);
    }
    return ended(files, commands, exit, limit, log);
  }

  /**
   * What the command's process runs with: the host's environment, the default variables, the
   * services' URLs, the step's env, then its {@code PATH} and the runner's file variables.
   */
  private Map<String, String> processEnv(
      JobContext ctx, Map<String, String> env, String path, EnvFiles files) {
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
    return processEnv;
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
      EnvFiles files,
      WorkflowCommands commands,
      StepRunner.Exit exit,
      StepDeadlines.Limit limit,
      LogChunker log)
      throws IOException {
    EnvFiles.Written written = handover.takeIn(files, commands, log);
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
    StepDeadlines.Limit own = StepFields.ownLimit(step, ctx, env, log);
    return deadlines.limit(own.timeout(), own.message());
  }
}
