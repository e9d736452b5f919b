package dev.pipewright.executor.engine;

import dev.pipewright.executor.LogChunker;
import dev.pipewright.executor.host.JobFiles;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.host.JobPaths;
import dev.pipewright.executor.host.StepContainer;
import dev.pipewright.executor.program.WorkflowCommands;
import dev.pipewright.expressions.ExpressionException;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.StepStatus;
import dev.pipewright.parser.spec.ActionRef;
import dev.pipewright.parser.spec.ActionSpec;
import dev.pipewright.parser.spec.StepSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
 * <p>{@code pre-entrypoint} runs, when its {@code pre-if} holds (default {@code always()}), in a
 * container of its own just before the main one, inside the calling step; GitHub runs it as a step
 * of its own at the start of the job, before the steps that precede the action. A failed pre fails
 * the step without the main one. {@code post-entrypoint} is refused: the engine has no post steps
 * yet. An image built from a Dockerfile is refused at load ({@link #refuseDockerfile}). The docker
 * socket GitHub mounts ({@code /var/run/docker.sock}) is not: the hosts have none to give.
 */
final class DockerSteps {
  static final String WORKSPACE = "/github/workspace";

  /** Inputs every docker action takes beside its own (ActionRunner.cs adds them as valid). */
  private static final List<String> CONTAINER_INPUTS = List.of("entrypoint", "args");

  private static final String PREFIX = "docker://";

  private final JobScope scope;
  private final StepDriver driver;

  DockerSteps(JobScope scope, StepDriver driver) {
    this.scope = scope;
    this.driver = driver;
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
   * Runs the action's container (after its {@code pre-entrypoint}'s) as the calling step.
   *
   * @param ctx the contexts the caller sees
   * @param env the caller's {@code env} context
   * @param prefix the caller's command id without the attempt, unique to this run of it
   */
  StepOutcome run(
      StepSpec caller,
      JobContext ctx,
      Map<String, String> env,
      ActionLoader.Loaded action,
      LogChunker log,
      String prefix)
      throws IOException {
    ActionSpec.Runs runs = action.spec().runs();
    Map<String, String> inputs;
    Launch main;
    boolean survives;
    boolean runPre;
    try {
      if (runs.post() != null) {
        throw new CiException(
            ErrorCode.PERMANENT,
            "uses: "
                + action.ref().text()
                + ": the action has a 'post-entrypoint', and Pipewright runs no post steps of"
                + " docker actions yet");
      }
      inputs =
          action.ref() instanceof ActionRef.Docker
              ? given(caller, ctx, env)
              : ActionInputs.of(caller, action.spec(), ctx, env, log, CONTAINER_INPUTS);
      main = launch(runs, inputs, ctx.composite(inputs, action.githubFields()), env);
      survives = scope.cancellation().requested() || ctx.survivesCancel(caller.ifCondition(), env);
      runPre =
          runs.pre() != null && ctx.test(runs.preIf() == null ? "always()" : runs.preIf(), env);
    } catch (CiException e) {
      return failed(e.code(), e.getMessage(), log);
    } catch (ExpressionException | IllegalArgumentException e) {
      return failed(ErrorCode.INVALID_SPEC, e.getMessage(), log);
    }
    StepDeadlines.Limit limit = driver.limit(caller, ctx, env, log);
    String attempt = ".a" + scope.run().attempt();
    if (runPre) {
      log.runnerLine("##[group]Pre Run " + runs.pre());
      log.runnerLine("##[endgroup]");
      Launch pre = new Launch(main.image(), runs.pre(), main.args(), main.env(), main.inputs());
      StepOutcome out =
          container(caller, ctx, env, pre, prefix + ".pre" + attempt, survives, limit, log);
      if (out.result().status() != StepStatus.SUCCEEDED) {
        StepDriver.logError(out.result(), log);
        return out;
      }
    }
    StepOutcome out = container(caller, ctx, env, main, prefix + attempt, survives, limit, log);
    StepDriver.logError(out.result(), log);
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
   * ContainerActionHandler's choices: the manifest's {@code entrypoint}, else the {@code
   * entrypoint} input (a {@code docker://} step's {@code with:}); the manifest's {@code args}
   * evaluated with {@code inputs}, else the {@code args} input split as the docker command line
   * splits it.
   */
  private static Launch launch(
      ActionSpec.Runs runs,
      Map<String, String> inputs,
      JobContext withInputs,
      Map<String, String> env) {
    String image = runs.main().substring(PREFIX.length());
    ActionSpec.Container c = runs.container();
    String entrypoint =
        c != null && c.entrypoint() != null
            ? c.entrypoint()
            : blankToNull(inputs.get("entrypoint"));
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
      String id,
      boolean survives,
      StepDeadlines.Limit limit,
      LogChunker log)
      throws IOException {
    JobHost host = scope.host();
    Mounts mounts = Mounts.of(host.paths());
    mounts.create(host.files(), host.paths());
    EnvFiles files = new EnvFiles(mounts.fileCommands(), id);
    files.create(host.files());
    Map<String, Object> before = ctx.github();
    Map<String, Object> fields = new LinkedHashMap<>(before);
    fields.putAll(files.githubFields());
    fields.put("event_path", mounts.eventPath());
    ctx.enterStep(fields);
    try {
      StepContainer step =
          new StepContainer(
              id,
              launch.image(),
              launch.entrypoint(),
              launch.args(),
              mounts.translate(environment(ctx, env, launch, files, mounts)),
              mounts.byContainerPath(),
              WORKSPACE);
      WorkflowCommands commands = driver.workflowCommands(env);
      log.flush();
      StepRunner.Exit exit =
          driver
              .runner()
              .run(
                  output -> host.startContainer(step, output),
                  commands,
                  log,
                  survives,
                  limit.timeout(),
                  driver.jobDeadline());
      return driver.ended(caller, ctx, env, files, commands, exit, limit, log);
    } finally {
      ctx.enterStep(before);
    }
  }

  /**
   * The container's environment in ContainerActionHandler's order: the step's env, its inputs, the
   * action's env where the step set nothing, {@code HOME}, then the runner's own variables.
   */
  private Map<String, String> environment(
      JobContext ctx, Map<String, String> env, Launch launch, EnvFiles files, Mounts mounts) {
    Map<String, String> all = new LinkedHashMap<>(env);
    launch.inputs().forEach((k, v) -> all.put(inputVariable(k), v));
    launch.env().forEach(all::putIfAbsent);
    all.put("HOME", mounts.home());
    all.putAll(ContextBuilder.defaultEnv(ctx.github(), ctx.runner()));
    if (scope.run().services() != null) {
      all.putAll(scope.run().services().env());
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

  /** Where GitHub mounts the job's directories in a step's container, and the way back. */
  record Mounts(String workspace, String home, String workflow, String fileCommands) {
    static Mounts of(JobPaths paths) {
      return new Mounts(
          paths.workspace(),
          JobPaths.join(paths.temp(), "_github_home"),
          JobPaths.join(paths.temp(), "_github_workflow"),
          JobPaths.join(paths.temp(), "_runner_file_commands"));
    }

    /** Makes the directories and copies the event file into {@code _github_workflow}. */
    void create(JobFiles files, JobPaths paths) throws IOException {
      for (String dir : List.of(home, workflow, fileCommands)) {
        files.createDirectories(dir);
      }
      byte[] event =
          files
              .read(JobPaths.join(paths.runnerFiles(), "event.json"))
              .orElse("{}".getBytes(StandardCharsets.UTF_8));
      files.write(JobPaths.join(workflow, "event.json"), event);
    }

    String eventPath() {
      return JobPaths.join(workflow, "event.json");
    }

    /** Container directory → the job's directory mounted there. */
    Map<String, String> byContainerPath() {
      Map<String, String> m = new LinkedHashMap<>();
      m.put(WORKSPACE, workspace);
      m.put("/github/home", home);
      m.put("/github/workflow", workflow);
      m.put("/github/file_commands", fileCommands);
      return m;
    }

    /**
     * Each value that is one of the job's mounted directories, or below one, as the container's.
     */
    Map<String, String> translate(Map<String, String> env) {
      Map<String, String> out = new LinkedHashMap<>();
      env.forEach((k, v) -> out.put(k, translate(v)));
      return out;
    }

    String translate(String value) {
      for (Map.Entry<String, String> m : byContainerPath().entrySet()) {
        String dir = m.getValue();
        if (value.equals(dir)) {
          return m.getKey();
        }
        if (value.startsWith(dir + "/")) {
          return m.getKey() + value.substring(dir.length());
        }
      }
      return value;
    }
  }
}
