package dev.pipewright.executor.engine;

import dev.pipewright.capabilities.Capabilities;
import dev.pipewright.executor.LogChunker;
import dev.pipewright.executor.StepResult;
import dev.pipewright.expressions.ExpressionException;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.StepStatus;
import dev.pipewright.models.SubStep;
import dev.pipewright.parser.spec.ActionRef;
import dev.pipewright.parser.spec.ActionSpec;
import dev.pipewright.parser.spec.RunDefaults;
import dev.pipewright.parser.spec.StepSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A {@code uses:} step that runs a composite action, as actions/runner's CompositeActionHandler.cs
 * runs one: the action's inputs from the caller's {@code with:} and the defaults, its steps in
 * order within the calling step (their output in the caller's log, each in a group), each with its
 * own {@code env}, {@code if:} (against the action's own status), {@code shell}, {@code
 * working-directory} and {@code continue-on-error}; nested {@code uses:} the same way, up to {@link
 * ActionSpec#MAX_COMPOSITE_DEPTH} levels and never an action inside itself; then the action's
 * {@code outputs} evaluated over its own {@code steps} context become the calling step's outputs.
 * The inner steps share the job's {@code GITHUB_ENV} and {@code GITHUB_PATH}, as on GitHub.
 *
 * <p>A worker that takes a job over while an action's inner step runs runs the calling step again
 * from its first inner step: the checkpoint names only the job's own steps.
 */
final class CompositeSteps {
  private final JobScope scope;
  private final StepCommands commands;
  private final ActionLoader loader;
  private final ActionStages stages;
  private final PostSteps posts;

  /**
   * @param posts where the action's post step goes, which runs those of its inner actions
   */
  CompositeSteps(
      JobScope scope,
      StepCommands commands,
      ActionLoader loader,
      ActionStages stages,
      PostSteps posts) {
    this.scope = scope;
    this.commands = commands;
    this.loader = loader;
    this.stages = stages;
    this.posts = posts;
  }

  /** Whether the step runs an action (every {@code uses:} but the built-in checkout). */
  static boolean runsAction(StepSpec step) {
    return step.uses() != null && !Capabilities.isCheckout(step.uses());
  }

  /**
   * Runs the action {@code caller} names.
   *
   * @param ctx the contexts the caller sees
   * @param callerEnv the caller's {@code env} context, asked again before each inner step (an inner
   *     step's {@code GITHUB_ENV} reaches the next ones)
   * @param prefix the caller's command id without the attempt, unique to this run of it ({@code
   *     step-3.k2j4x}, {@code step-3.k2j4x.c2} for an action inside one)
   * @param chain the identities of the actions this one runs inside
   * @param state what the action's pre step saved ({@code STATE_*} of a JavaScript action's later
   *     stages), added to as they run
   */
  StepOutcome run(
      StepSpec caller,
      JobContext ctx,
      Supplier<Map<String, String>> callerEnv,
      LogChunker log,
      String prefix,
      List<String> chain,
      Map<String, String> state)
      throws IOException {
    ActionLoader.Loaded action = null;
    Map<String, String> inputs;
    try {
      ActionRef ref = ActionRef.parse(ctx.render(caller.uses(), callerEnv.get()));
      action = loader.load(ref);
      refuseNesting(action, chain);
      ActionStages.warnOfPreNotRun(action, log, !chain.isEmpty());
      if (action.spec().runs().docker()) {
        return stages
            .docker()
            .main(caller, ctx, callerEnv, action, state, log, prefix)
            .withAction(action.ref().text(), action.sha());
      }
      inputs = ActionInputs.of(caller, action.spec(), ctx, callerEnv.get(), log, List.of());
    } catch (CiException e) {
      return refused(e.code(), e.getMessage(), caller, action, log);
    } catch (ExpressionException | IllegalArgumentException e) {
      return refused(ErrorCode.INVALID_SPEC, e.getMessage(), caller, action, log);
    }
    if (NodeActions.runsOnNode(action)) {
      return stages
          .nodeMain(caller, action, ctx, callerEnv, inputs, state, log, prefix)
          .withAction(action.ref().text(), action.sha());
    }
    JobContext inner = ctx.composite(inputs, action.githubFields());
    List<String> inside = new ArrayList<>(chain);
    inside.add(action.identity());
    CompositeResult result = new CompositeResult();
    List<SubStep> subSteps = new ArrayList<>();
    List<StepSpec> steps = action.spec().runs().steps();
    StepDeadlines.Deadline before = enterTimeout(caller, ctx, callerEnv.get(), log);
    posts.enter();
    try {
      for (StepSpec step : steps) {
        Supplier<Map<String, String>> env = () -> inner.layerEnv(callerEnv.get(), step.env());
        String name = subStepName(step, inner, env);
        StepDeadlines.Deadline passed = commands.deadlines.passed();
        if (passed != null) {
          // The calling step timed out between two of its steps: the rest does not run.
          if (!result.failed()) {
            log.runnerLine("##[error]" + passed.message());
          }
          result.fail(ErrorCode.TIMEOUT, passed.message(), null);
          inner.recordStep(step.id(), "skipped", "skipped", Map.of());
          subSteps.add(new SubStep(step.index() + 1, name, StepStatus.SKIPPED, null));
          continue;
        }
        String id = prefix + ".c" + (step.index() + 1);
        StepOutcome out = step(step, inner, env, log, id, inside);
        StepResult r = out.result();
        inner.recordStep(step.id(), r.outcome(), r.conclusion(), out.rawOutputs());
        result.add(r);
        subSteps.add(new SubStep(step.index() + 1, name, r.status(), r.subSteps()));
      }
    } finally {
      commands.deadlines.leave(before);
      registerPost(caller, ctx, callerEnv, posts.leave(), prefix);
    }
    Map<String, String> outputs = new LinkedHashMap<>();
    try {
      for (var o : action.spec().outputs().entrySet()) {
        outputs.put(o.getKey(), inner.render(o.getValue().value(), callerEnv.get()));
      }
    } catch (ExpressionException e) {
      String message = action.ref().text() + " outputs: " + e.getMessage();
      log.runnerLine("##[error]" + message);
      result.fail(ErrorCode.INVALID_SPEC, message, null);
    }
    return result
        .outcome(outputs)
        .withAction(action.ref().text(), action.sha())
        .withSubSteps(subSteps);
  }

  /**
   * The action's post step, when actions inside it registered theirs ({@code inner}, the last
   * registered first): {@code Post <caller>} under {@code always()}, running each inner one whose
   * own {@code post-if} holds, in its log (ActionManager.cs collects the embedded posts of a
   * composite action, which then has a post stage; CompositeActionHandler.cs runs them under their
   * conditions as embedded steps). It fails when one of them fails, and they all get their turn.
   */
  private void registerPost(
      StepSpec caller,
      JobContext ctx,
      Supplier<Map<String, String>> callerEnv,
      List<PostSteps.Post> inner,
      String prefix) {
    if (inner.isEmpty()) {
      return;
    }
    Object actionName = ctx.github().get("action");
    posts.register(
        new PostSteps.Post(
            PostSteps.saved(
                prefix,
                true,
                NodeActions.Stage.POST.stepName(
                    StepFields.displayName(caller, ctx, callerEnv.get())),
                "always()",
                actionName),
            (log, survives) -> {
              CompositeResult result = new CompositeResult();
              for (PostSteps.Post post : inner) {
                boolean runIt;
                try {
                  runIt = ctx.test(post.saved().condition(), callerEnv.get());
                } catch (ExpressionException e) {
                  String message = post.saved().displayName() + " if: " + e.getMessage();
                  log.runnerLine("##[error]" + message);
                  result.fail(ErrorCode.INVALID_SPEC, message, null);
                  continue;
                }
                if (runIt) {
                  result.add(post.body().run(log, survives).result());
                }
              }
              return result.outcome(Map.of());
            }));
  }

  /**
   * The calling step's {@code timeout-minutes} bounds every inner command (StepsRunner.cs sets a
   * step's timeout whatever it runs, and the action's steps run under its cancellation).
   */
  private StepDeadlines.Deadline enterTimeout(
      StepSpec caller, JobContext ctx, Map<String, String> env, LogChunker log) {
    StepDeadlines.Limit own = StepFields.ownLimit(caller, ctx, env, log);
    return commands.deadlines.enter(own.timeout(), own.message());
  }

  /** One inner step: its env and {@code if:}, then its command or its own action. */
  private StepOutcome step(
      StepSpec step,
      JobContext inner,
      Supplier<Map<String, String>> envOf,
      LogChunker log,
      String id,
      List<String> chain)
      throws IOException {
    boolean underCancel = scope.cancellation().requested();
    if (underCancel) {
      inner.markCancelled();
    }
    Map<String, String> env;
    boolean survives;
    try {
      env = envOf.get();
      if (!inner.test(step.ifCondition(), env)) {
        return new StepOutcome(StepResult.notRun(StepStatus.SKIPPED), Map.of());
      }
      survives = underCancel || inner.survivesCancel(step.ifCondition(), env);
    } catch (ExpressionException e) {
      String message = "step " + (step.index() + 1) + " of the action: " + e.getMessage();
      log.runnerLine("##[error]" + message);
      return StepOutcome.failed(ErrorCode.INVALID_SPEC, message);
    }
    log.runnerLine("##[group]" + groupName(step, inner, env));
    log.runnerLine("##[endgroup]");
    StepOutcome out;
    if (runsAction(step)) {
      out = run(step, inner, envOf, log, id, chain, new LinkedHashMap<>());
    } else {
      String commandId = id + ".a" + scope.run().attempt();
      EnvFiles files = new EnvFiles(scope.host().paths(), commandId);
      Map<String, Object> fields = new LinkedHashMap<>(files.githubFields());
      inner.enterStep(fields);
      try {
        out =
            commands.command(
                step,
                inner,
                commands.runScript(step, RunDefaults.NONE, inner, env, commandId),
                commandId,
                env,
                files,
                survives,
                log,
                null,
                null);
      } finally {
        inner.leaveStep();
      }
      StepCommands.logError(out.result(), log);
    }
    if (out.result().status() == StepStatus.FAILED
        && StepFields.continueOnError(step, inner, env, log)) {
      out = out.continuedOnError();
    }
    return out;
  }

  /**
   * An inner step's name as shown under its caller: its group line's, or its bare display name when
   * its env does not evaluate (the step itself then fails with the reason).
   */
  private static String subStepName(
      StepSpec step, JobContext ctx, Supplier<Map<String, String>> env) {
    try {
      return groupName(step, ctx, env.get());
    } catch (ExpressionException e) {
      return step.displayName();
    }
  }

  /** The group line of an inner step: its display name ({@link StepSpec#displayName}). */
  private static String groupName(StepSpec step, JobContext ctx, Map<String, String> env) {
    return StepFields.displayName(step, ctx, env);
  }

  /** A cycle of actions, or one nested deeper than GitHub allows, is refused. */
  private static void refuseNesting(ActionLoader.Loaded action, List<String> chain) {
    if (chain.contains(action.identity())) {
      List<String> cycle =
          new ArrayList<>(chain.subList(chain.indexOf(action.identity()), chain.size()));
      cycle.add(action.identity());
      throw new CiException(
          ErrorCode.INVALID_SPEC,
          "the action "
              + action.ref().text()
              + " runs inside itself: "
              + String.join(" → ", cycle));
    }
    if (chain.size() >= ActionSpec.MAX_COMPOSITE_DEPTH) {
      throw new CiException(
          ErrorCode.INVALID_SPEC,
          "Composite action depth exceeded max depth "
              + ActionSpec.MAX_COMPOSITE_DEPTH
              + ", please simplify your actions.");
    }
  }

  /**
   * A calling step failed before any inner step ran; the action it resolved (or null) is recorded
   * with it.
   */
  static StepOutcome refused(
      ErrorCode code, String message, StepSpec caller, ActionLoader.Loaded action, LogChunker log) {
    log.runnerLine("##[error]" + message);
    StepOutcome failed = StepOutcome.failed(code, message);
    return action == null
        ? failed.withAction(caller.uses(), null)
        : failed.withAction(action.ref().text(), action.sha());
  }
}
