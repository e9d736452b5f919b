package dev.pipewright.executor.engine;

import dev.pipewright.executor.JobRun;
import dev.pipewright.executor.LogChunker;
import dev.pipewright.executor.SecretMasker;
import dev.pipewright.executor.StepResult;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.expressions.ExpressionException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.StepStatus;
import dev.pipewright.parser.spec.RunDefaults;
import dev.pipewright.parser.spec.StepSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * One step of the job at a time: its env and {@code if:}, its log, its command ({@link
 * StepCommands}) or action ({@link CompositeSteps}), its {@code continue-on-error}, and its record
 * in the {@code steps} context; re-attaches to the command an earlier worker started. Keeps what
 * the steps hand on ({@link StepHandover}). The job's thread only.
 */
final class StepDriver {
  private final JobScope scope;
  private final JobRun run;
  private final JobHost host;
  private final SecretMasker masker;
  private final JobContext ctx;
  private final Cancellation cancellation;
  private final RunDefaults defaults;
  private final StepHandover handover;
  private final StepCommands commands;

  /** The command an earlier worker started, which the next step re-attaches to; or null. */
  private JobCheckpoint.Running resuming;

  private final CompositeSteps composites;
  private final ActionStages stages;
  private final PostSteps posts;

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
    this.handover = new StepHandover(host, jobEnv);
    this.commands = new StepCommands(scope, handover, jobTimeout, jobDeadline);
    RunDefaults wf =
        run.workflow().defaults() == null ? RunDefaults.NONE : run.workflow().defaults();
    RunDefaults job = run.job().defaults() == null ? RunDefaults.NONE : run.job().defaults();
    this.defaults = job.over(wf);
    ActionLoader loader = new ActionLoader(scope);
    this.stages = new ActionStages(scope, commands, loader, posts);
    this.posts = posts;
    this.composites = new CompositeSteps(scope, commands, loader, stages, posts);
  }

  /** The {@code env} context between steps: the job's env and what {@code GITHUB_ENV} added. */
  Map<String, String> env() {
    return handover.env();
  }

  /** What the steps handed on so far, for the job's checkpoint. */
  StepHandover handover() {
    return handover;
  }

  /** The stages of the job's actions, for their pre steps. */
  ActionStages stages() {
    return stages;
  }

  /** The state of step {@code number}'s action stages, made for its pre stage. */
  Map<String, String> stageState(int number) {
    return stageStates.computeIfAbsent(number, n -> new LinkedHashMap<>());
  }

  /** The {@code env} context of an action step's stages, asked as each one runs. */
  private Supplier<Map<String, String>> envOf(StepSpec step) {
    return () -> ctx.layerEnv(env(), step.env());
  }

  /** The command id of step {@code number}'s action stages without the attempt, this worker's. */
  private String prefix(int number) {
    return "step-" + number + "." + session;
  }

  /** The state of every step's action stages so far, for the job's checkpoint. */
  Map<Integer, Map<String, String>> stageStates() {
    return stageStates;
  }

  /**
   * The state the steps handed on, as a checkpoint recorded it; the running step to resume; the
   * post steps the job's own steps' actions registered (not a composite action's, which runs its
   * inner actions' posts).
   */
  void restore(JobCheckpoint c) {
    handover.restore(c);
    resuming = c.running();
    c.stageStates().forEach((number, state) -> stageStates.put(number, new LinkedHashMap<>(state)));
    for (PostSteps.Saved saved : c.posts()) {
      if (!saved.composite()) {
        StepSpec step = run.job().steps().get(saved.step() - 1);
        posts.register(
            stages.restored(
                saved, step, ctx, envOf(step), stageState(saved.step()), prefix(saved.step())));
      }
    }
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
    fields.put("action", handover.actionName(step));
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
    progress.stepStarted(number, masker.mask(StepFields.displayName(step, ctx, env)));
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
                envOf(step),
                log,
                prefix(number),
                List.of(),
                stageStates.computeIfAbsent(number, n -> new LinkedHashMap<>()));
      } else {
        out =
            commands.command(
                step,
                ctx,
                commands.runScript(step, defaults, ctx, env, id),
                id,
                env,
                files,
                survives,
                log,
                resumed,
                progress);
        StepCommands.logError(out.result(), log);
      }
      StepResult r = out.result();
      if (r.status() == StepStatus.FAILED && StepFields.continueOnError(step, ctx, env, log)) {
        out = out.continuedOnError();
      }
    } finally {
      scope.ticker().unregister(log);
      log.close();
    }
    // Lines lost to a log store that kept refusing them fail the step, its exit code kept.
    return new StepOutcome(out.result().withLogFailure(log.failure()), out.rawOutputs());
  }

  /** A step whose env or {@code if:} did not evaluate: failed, with the error in its log. */
  private StepOutcome failedBeforeRun(int number, String message) {
    try (LogChunker c = scope.log(number)) {
      c.runnerLine("##[error]" + message);
    }
    return StepOutcome.failed(ErrorCode.INVALID_SPEC, message);
  }
}
