package dev.pipewright.executor.engine;

import dev.pipewright.executor.LogChunker;
import dev.pipewright.expressions.ExpressionException;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.parser.spec.ActionRef;
import dev.pipewright.parser.spec.StepSpec;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The stages of the JavaScript and docker actions a job's steps (or composite actions' inner steps)
 * run, as actions/runner's ActionRunner.cs runs them: a remote action's {@code pre}, loaded and run
 * at the job's start as JobExtension.cs prepares pre steps ({@link AddedSteps}); the main stage in
 * the calling step; the {@code post} its main registers ({@link PostSteps}). {@link NodeActions}
 * and {@link DockerSteps} run each stage's command; {@link CompositeSteps} decides which action a
 * step runs.
 */
final class ActionStages {
  private final JobScope scope;
  private final ActionLoader loader;

  /** Where a main stage registers its action's post stage, which runs at the job's end. */
  private final PostSteps posts;

  /** The commands of JavaScript actions' stages. */
  private final NodeActions nodes;

  /** The containers of docker actions' stages, which register their own post stage. */
  private final DockerSteps docker;

  ActionStages(JobScope scope, StepCommands commands, ActionLoader loader, PostSteps posts) {
    this.nodes = new NodeActions(scope, commands);
    this.docker = new DockerSteps(scope, commands, posts);
    this.scope = scope;
    this.loader = loader;
    this.posts = posts;
  }

  /** The stages of docker actions: the calling step runs {@link DockerSteps#main}. */
  DockerSteps docker() {
    return docker;
  }

  /**
   * A JavaScript action's main stage; its post stage, when it has one, is registered first
   * (ActionRunner.cs registers it before the handler runs, so it runs whatever main comes to). An
   * action inside a composite one registers its post with the job's, as
   * ExecutionContext.RegisterPostJobStep hands an embedded step's to the job's root.
   */
  StepOutcome nodeMain(
      StepSpec caller,
      ActionLoader.Loaded action,
      JobContext ctx,
      Supplier<Map<String, String>> callerEnv,
      Map<String, String> inputs,
      Map<String, String> state,
      LogChunker log,
      String prefix)
      throws IOException {
    Map<String, String> env = callerEnv.get();
    String name = StepFields.displayName(caller, ctx, env);
    Object actionName = ctx.github().get("action");
    if (action.spec().runs().post() != null) {
      String postIf = action.spec().runs().postIf();
      posts.register(
          new PostSteps.Post(
              PostSteps.saved(
                  prefix,
                  false,
                  NodeActions.Stage.POST.stepName(name),
                  postIf == null ? "always()" : postIf,
                  actionName),
              nodePost(caller, action, ctx, callerEnv, state, actionName, prefix)));
    }
    boolean survives =
        scope.cancellation().requested() || ctx.survivesCancel(caller.ifCondition(), env);
    return nodes.run(
        NodeActions.Stage.MAIN,
        caller,
        action,
        ctx,
        env,
        inputs,
        state,
        actionName,
        prefix + ".main.a" + scope.run().attempt(),
        survives,
        log);
  }

  /**
   * A post step that an earlier worker's run of {@code caller} registered, made again from the
   * job's checkpoint: the action is loaded again when the post step runs (its files are where the
   * earlier worker left them, on the job's volume), and a failure to load fails that step.
   *
   * @param callerEnv the caller's {@code env} context, asked when the post step runs
   * @param state what the action's earlier stages saved, as the checkpoint kept it
   * @param prefix the caller's command id without the attempt, unique to this worker's run
   */
  PostSteps.Post restored(
      PostSteps.Saved saved,
      StepSpec caller,
      JobContext ctx,
      Supplier<Map<String, String>> callerEnv,
      Map<String, String> state,
      String prefix) {
    return new PostSteps.Post(
        saved,
        (log, survives) -> {
          ActionLoader.Loaded action =
              loader.load(ActionRef.parse(ctx.render(caller.uses(), callerEnv.get())));
          PostSteps.Body body =
              action.spec().runs().docker()
                  ? docker.post(caller, ctx, callerEnv, action, state, saved.actionName(), prefix)
                  : nodePost(caller, action, ctx, callerEnv, state, saved.actionName(), prefix);
          return body.run(log, survives);
        });
  }

  /** What a JavaScript action's post stage runs: the caller's env and inputs as they are then. */
  private PostSteps.Body nodePost(
      StepSpec caller,
      ActionLoader.Loaded action,
      JobContext ctx,
      Supplier<Map<String, String>> callerEnv,
      Map<String, String> state,
      Object actionName,
      String prefix) {
    return (postLog, survives) -> {
      Map<String, String> postEnv = callerEnv.get();
      Map<String, String> postInputs =
          ActionInputs.of(caller, action.spec(), ctx, postEnv, postLog, List.of());
      return nodes.run(
          NodeActions.Stage.POST,
          caller,
          action,
          ctx,
          postEnv,
          postInputs,
          state,
          actionName,
          prefix + ".post.a" + scope.run().attempt(),
          survives,
          postLog);
    };
  }

  /**
   * The remote JavaScript action with a {@code pre} stage, or docker action with a {@code
   * pre-entrypoint}, that {@code step} runs, loaded at the job's start as JobExtension.cs prepares
   * pre steps; empty for any other step. Local actions are not in the workspace yet at that time
   * (GitHub runs no pre for them), a {@code docker://} step has no manifest, and an action that
   * does not load is left to its step, which fails with the reason.
   */
  Optional<ActionLoader.Loaded> withPre(StepSpec step, JobContext ctx, Map<String, String> env)
      throws IOException {
    if (!CompositeSteps.runsAction(step)) {
      return Optional.empty();
    }
    try {
      if (!(ActionRef.parse(ctx.render(step.uses(), env)) instanceof ActionRef.Remote remote)) {
        return Optional.empty();
      }
      ActionLoader.Loaded action = loader.load(remote);
      boolean staged = NodeActions.runsOnNode(action) || action.spec().runs().docker();
      return staged && action.spec().runs().pre() != null ? Optional.of(action) : Optional.empty();
    } catch (CiException | ExpressionException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The pre stage of {@code action} (see {@link #withPre}) for {@code step}, its saves kept in
   * {@code state} for the later stages.
   */
  StepOutcome pre(
      StepSpec step,
      ActionLoader.Loaded action,
      Map<String, String> state,
      JobContext ctx,
      Map<String, String> env,
      LogChunker log,
      boolean survives)
      throws IOException {
    if (action.spec().runs().docker()) {
      return docker
          .pre(step, action, state, ctx, env, log, survives)
          .withAction(action.ref().text(), action.sha());
    }
    String id = "step-" + (step.index() + 1) + ".pre.a" + scope.run().attempt();
    Map<String, String> inputs;
    try {
      inputs = ActionInputs.of(step, action.spec(), ctx, env, log, List.of());
    } catch (CiException e) {
      return CompositeSteps.refused(e.code(), e.getMessage(), step, action, log);
    } catch (ExpressionException | IllegalArgumentException e) {
      return CompositeSteps.refused(ErrorCode.INVALID_SPEC, e.getMessage(), step, action, log);
    }
    return nodes
        .run(
            NodeActions.Stage.PRE,
            step,
            action,
            ctx,
            env,
            inputs,
            state,
            step.id(),
            id,
            survives,
            log)
        .withAction(action.ref().text(), action.sha());
  }

  /**
   * Says in the step's log when the action's {@code pre} did not run: ActionRunner.cs runs no
   * {@code pre} of a local action (JobExtension.cs prepares pre steps before the workspace holds
   * it) and says so; the {@code pre} of an action inside a composite one, which GitHub runs in the
   * composite step's own pre step, is not run here.
   *
   * @param insideComposite the action is a step of a composite action
   */
  static void warnOfPreNotRun(ActionLoader.Loaded action, LogChunker log, boolean insideComposite) {
    if (action.spec().runs().pre() == null) {
      return;
    }
    if (action.ref() instanceof ActionRef.Local local) {
      log.runnerLine(
          "##[warning]`pre` execution is not supported for local action from '"
              + local.text()
              + "'");
    } else if (insideComposite) {
      log.runnerLine(
          "##[warning]`pre` of "
              + action.ref().text()
              + " did not run: the pre steps of actions inside a composite action are not"
              + " supported here (GitHub runs them in the composite step's Pre step)");
    }
  }
}
