package dev.pipewright.executor.engine;

import dev.pipewright.executor.LogChunker;
import dev.pipewright.executor.RuntimeServices;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.host.StepContainer;
import dev.pipewright.executor.program.WorkflowCommands;
import dev.pipewright.expressions.ExpressionException;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.parser.spec.ActionRef;
import dev.pipewright.parser.spec.ActionSpec;
import dev.pipewright.parser.spec.StepSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A docker action ({@code runs.using: docker} with {@code image: docker://…}) or a {@code
 * docker://} step, run as actions/runner's ContainerActionHandler.cs runs one: the step's
 * environment with its inputs as {@code INPUT_<NAME>} and the action's {@code env} (evaluated with
 * {@code inputs}; the step's own values win), {@code args} evaluated with {@code inputs} ({@code
 * args} and {@code entrypoint} inputs where the manifest has none, as for a {@code docker://}
 * step), the workspace at {@code /github/workspace} (the working directory), {@code _github_home},
 * {@code _github_workflow} (the event file) and {@code _runner_file_commands} of the job's temp
 * directory at {@code /github/home}, {@code /github/workflow} and {@code /github/file_commands},
 * and every variable naming one of those directories rewritten to the container's path
 * (ContainerInfo.TranslateToContainerPath), so {@code GITHUB_ENV}, {@code GITHUB_OUTPUT}, {@code
 * GITHUB_PATH}, {@code GITHUB_STEP_SUMMARY} and {@code GITHUB_STATE} work as for a {@code run:}
 * step. The host runs the container ({@link JobHost#startContainer}).
 *
 * <p>Its stages are ActionRunner.cs's: the container of each runs the same image, {@code args} and
 * {@code env}, with the stage's entry point (ContainerActionHandler.cs: {@code pre-entrypoint},
 * {@code entrypoint}, {@code post-entrypoint}), and what an earlier stage saved ({@code
 * GITHUB_STATE}) as {@code STATE_<name>}. {@code pre-entrypoint} runs as a step of its own at the
 * start of the job ({@link ActionStages#withPre}, {@link AddedSteps}), under {@code pre-if}; the
 * main step registers {@code post-entrypoint} ({@link PostSteps}), which runs at the job's end
 * under {@code post-if}, both GitHub's default {@code always()}. An image built from a Dockerfile
 * is refused at load ({@link #refuseDockerfile}). The docker socket GitHub mounts ({@code
 * /var/run/docker.sock}) is not: the hosts have none to give.
 */
final class DockerSteps {
  static final String WORKSPACE = "/github/workspace";

  /** Inputs every docker action takes beside its own (ActionRunner.cs adds them as valid). */
  private static final List<String> CONTAINER_INPUTS = List.of("entrypoint", "args");

  private static final String PREFIX = "docker://";

  private final JobScope scope;
  private final StepCommands commands;
  private final PostSteps posts;

  DockerSteps(JobScope scope, StepCommands commands, PostSteps posts) {
    this.scope = scope;
    this.commands = commands;
    this.posts = posts;
  }

  /** A {@code docker://} step: a docker action of that image whose container comes from inputs. */
  static ActionLoader.Loaded imageStep(ActionRef.Docker ref) {
    ActionSpec.Runs runs =
        new ActionSpec.Runs("docker", List.of(), ref.text(), null, null, null, null, null, null);
    return new ActionLoader.Loaded(
        ref, null, "", new ActionSpec(ref.text(), null, Map.of(), Map.of(), runs, null));
  }

  /**
   * An image that is not {@code docker://…} is a Dockerfile of the action, which the runner would
   * build (DockerCommandManager.DockerBuild): Pipewright has no image builder yet.
   */
  static void refuseDockerfile(ActionRef ref, ActionSpec.Runs runs) {
    if (!runs.main().startsWith(PREFIX)) {
      throw new CiException(
          ErrorCode.PERMANENT,
          "uses: "
              + ref.text()
              + ": the action's image '"
              + runs.main()
              + "' is built from a Dockerfile, which Pipewright cannot do yet (no image builder);"
              + " only docker actions with 'image: docker://<image>' run");
    }
  }

  /**
   * The calling step's own stage. Its {@code post-entrypoint}, when it has one, is registered
   * first, as ActionRunner.cs registers a post step before the handler runs, so it runs whatever
   * the main container comes to.
   *
   * @param ctx the contexts the caller sees
   * @param callerEnv the caller's {@code env} context (asked again when the post step runs)
   * @param state what the action's pre stage saved; the main stage's saves are added to it
   * @param prefix the caller's command id without the attempt, unique to this run of it
   */
  StepOutcome main(
      StepSpec caller,
      JobContext ctx,
      Supplier<Map<String, String>> callerEnv,
      ActionLoader.Loaded action,
      Map<String, String> state,
      LogChunker log,
      String prefix)
      throws IOException {
    Map<String, String> env = callerEnv.get();
    Object actionName = ctx.github().get("action");
    ActionSpec.Runs runs = action.spec().runs();
    if (runs.post() != null) {
      posts.register(
          new PostSteps.Post(
              PostSteps.saved(
                  prefix,
                  false,
                  NodeActions.Stage.POST.stepName(StepFields.displayName(caller, ctx, env)),
                  runs.postIf() == null ? "always()" : runs.postIf(),
                  actionName),
              post(caller, ctx, callerEnv, action, state, actionName, prefix)));
    }
    boolean survives;
    try {
      survives = scope.cancellation().requested() || ctx.survivesCancel(caller.ifCondition(), env);
    } catch (ExpressionException e) {
      return failed(ErrorCode.INVALID_SPEC, e.getMessage(), log);
    }
    return stage(
        NodeActions.Stage.MAIN, caller, ctx, env, action, state, actionName, prefix, survives, log);
  }

  /** What the action's {@code post-entrypoint} runs: the caller's env as it is then. */
  PostSteps.Body post(
      StepSpec caller,
      JobContext ctx,
      Supplier<Map<String, String>> callerEnv,
      ActionLoader.Loaded action,
      Map<String, String> state,
      Object actionName,
      String prefix) {
    return (postLog, survives) ->
        stage(
            NodeActions.Stage.POST,
            caller,
            ctx,
            callerEnv.get(),
            action,
            state,
            actionName,
            prefix + ".post",
            survives,
            postLog);
  }

  /**
   * The action's {@code pre-entrypoint} as the pre step of {@code step}, at the job's start; its
   * saves are kept in {@code state} for the later stages.
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
    String prefix = "step-" + (step.index() + 1) + ".pre";
    return stage(
        NodeActions.Stage.PRE, step, ctx, env, action, state, step.id(), prefix, survives, log);
  }

  /**
   * One stage's container, with the inputs and {@code args} evaluated for it.
   *
   * @param actionName {@code github.action} of the step (null: none)
   * @param prefix the command's id without the attempt
   */
  private StepOutcome stage(
      NodeActions.Stage stage,
      StepSpec caller,
      JobContext ctx,
      Map<String, String> env,
      ActionLoader.Loaded action,
      Map<String, String> state,
      Object actionName,
      String prefix,
      boolean survives,
      LogChunker log)
      throws IOException {
    Launch launch;
    try {
      Map<String, String> inputs =
          action.ref() instanceof ActionRef.Docker
              ? given(caller, ctx, env)
              : ActionInputs.of(caller, action.spec(), ctx, env, log, CONTAINER_INPUTS);
      launch =
          launch(
              stage,
              action.spec().runs(),
              inputs,
              ctx.composite(inputs, action.githubFields()),
              env);
    } catch (CiException e) {
      return failed(e.code(), e.getMessage(), log);
    } catch (ExpressionException | IllegalArgumentException e) {
      return failed(ErrorCode.INVALID_SPEC, e.getMessage(), log);
    }
    StepDeadlines.Limit limit = commands.limit(caller, ctx, env, log);
    String id = prefix + ".a" + scope.run().attempt();
    StepOutcome out =
        container(caller, ctx, env, launch, state, actionName, id, survives, limit, log);
    StepCommands.logError(out.result(), log);
    return out;
  }

  /**
   * What one container runs: its image, entry point, arguments, the action's own env and the step's
   * inputs.
   */
  private record Launch(
      String image,
      String entrypoint,
      List<String> args,
      Map<String, String> env,
      Map<String, String> inputs) {}

  /**
   * ContainerActionHandler's choices: the stage's entry point, for the main stage the manifest's
   * {@code entrypoint}, else the {@code entrypoint} input (a {@code docker://} step's {@code
   * with:}); the manifest's {@code args} evaluated with {@code inputs}, else the {@code args} input
   * split as the docker command line splits it, whatever the stage.
   */
  private static Launch launch(
      NodeActions.Stage stage,
      ActionSpec.Runs runs,
      Map<String, String> inputs,
      JobContext withInputs,
      Map<String, String> env) {
    String image = runs.main().substring(PREFIX.length());
    ActionSpec.Container c = runs.container();
    String entrypoint =
        switch (stage) {
          case PRE -> runs.pre();
          case POST -> runs.post();
          case MAIN ->
              c != null && c.entrypoint() != null
                  ? c.entrypoint()
                  : blankToNull(inputs.get("entrypoint"));
        };
    List<String> args = new ArrayList<>();
    if (c != null && !c.args().isEmpty()) {
      for (String arg : c.args()) {
        args.add(withInputs.render(arg, env));
      }
    } else {
      args.addAll(CommandLineArgs.split(inputs.getOrDefault("args", "")));
    }
    Map<String, String> actionEnv = new LinkedHashMap<>();
    if (c != null) {
      c.env().forEach((k, v) -> actionEnv.put(k, withInputs.render(v, env)));
    }
    return new Launch(image, entrypoint, args, actionEnv, inputs);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** A {@code docker://} step's {@code with:}, rendered: it declares no inputs to check. */
  private static Map<String, String> given(
      StepSpec caller, JobContext ctx, Map<String, String> env) {
    Map<String, String> given = new LinkedHashMap<>();
    if (caller.with() != null) {
      caller.with().forEach((k, v) -> given.put(k.toLowerCase(Locale.ROOT), ctx.render(v, env)));
    }
    return given;
  }

  /** One container of the step, through to what its files and workflow commands left. */
  private StepOutcome container(
      StepSpec caller,
      JobContext ctx,
      Map<String, String> env,
      Launch launch,
      Map<String, String> state,
      Object actionName,
      String id,
      boolean survives,
      StepDeadlines.Limit limit,
      LogChunker log)
      throws IOException {
    JobHost host = scope.host();
    DockerMounts mounts = DockerMounts.of(host.paths());
    mounts.create(host.files(), host.paths());
    EnvFiles files = new EnvFiles(mounts.fileCommands(), id);
    files.create(host.files());
    Map<String, Object> before = ctx.github();
    Map<String, Object> fields = new LinkedHashMap<>(before);
    fields.putAll(files.githubFields());
    fields.put("event_path", mounts.eventPath());
    if (actionName != null) {
      fields.put("action", actionName);
    }
    ctx.enterStep(fields);
    try {
      StepContainer step =
          new StepContainer(
              id,
              launch.image(),
              launch.entrypoint(),
              launch.args(),
              mounts.translate(environment(ctx, env, state, launch, files, mounts)),
              mounts.byContainerPath(),
              WORKSPACE);
      WorkflowCommands workflowCommands = commands.workflowCommands(env);
      log.flush();
      StepRunner.Exit exit =
          commands
              .runner()
              .run(
                  output -> host.startContainer(step, output),
                  workflowCommands,
                  log,
                  survives,
                  limit.timeout(),
                  commands.jobDeadline());
      StepOutcome out = commands.ended(files, workflowCommands, exit, limit, log);
      state.putAll(files.state());
      return out;
    } finally {
      ctx.enterStep(before);
    }
  }

  /**
   * The container's environment in ActionRunner's and ContainerActionHandler's order: the step's
   * env, the action's state as {@code STATE_<name>}, its inputs, the action's env where the step
   * set nothing, {@code HOME}, then the runner's own variables.
   */
  private Map<String, String> environment(
      JobContext ctx,
      Map<String, String> env,
      Map<String, String> state,
      Launch launch,
      EnvFiles files,
      DockerMounts mounts) {
    Map<String, String> all = new LinkedHashMap<>(env);
    state.forEach((k, v) -> all.put("STATE_" + k, v));
    launch.inputs().forEach((k, v) -> all.put(inputVariable(k), v));
    launch.env().forEach(all::putIfAbsent);
    all.put("HOME", mounts.home());
    all.putAll(ContextBuilder.defaultEnv(ctx.github(), ctx.runner()));
    RuntimeServices services = scope.host().stepContainerServices(scope.run().services());
    if (services != null) {
      all.putAll(services.env());
    }
    all.putAll(files.variables());
    return all;
  }

  /** Handler.AddInputsToEnvironment: {@code INPUT_} and the name, blanks as {@code _}, upper. */
  static String inputVariable(String name) {
    return "INPUT_" + name.replace(' ', '_').toUpperCase(Locale.ROOT);
  }

  private static StepOutcome failed(ErrorCode code, String message, LogChunker log) {
    log.runnerLine("##[error]" + message);
    return StepOutcome.failed(code, message);
  }
}
