package dev.pipewright.executor.engine;

import dev.pipewright.executor.LogChunker;
import dev.pipewright.executor.StepResult;
import dev.pipewright.executor.host.JobPaths;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.parser.spec.ActionRef;
import dev.pipewright.parser.spec.StepSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The stages of a JavaScript action ({@code runs.using: node20}, {@code node24}), as actions/runner
 * runs them: NodeScriptActionHandler.cs starts {@code node "<action dir>/<script>"} in the
 * workspace for the stage's script ({@code pre}, {@code main} or {@code post}); Handler.cs puts
 * each input in the environment as {@code INPUT_} + {@code name.Replace(' ', '_')
 * .ToUpperInvariant()} (what {@code @actions/core}'s {@code getInput} reads), and ActionRunner.cs
 * what the action's earlier stages saved ({@code GITHUB_STATE}, {@code ::save-state}) as {@code
 * STATE_<name>}; {@code GITHUB_ACTION_PATH} names the action's directory. Each stage is a command
 * like a {@code run:} step's: the same env files and workflow commands, the same timeout and
 * cancel. The Node.js that runs it is {@link NodeRuntimes}' and its log says which.
 */
final class NodeActions {
  /** A stage of an action: which of its scripts runs, and how its step is named. */
  enum Stage {
    PRE,
    MAIN,
    POST;

    /** The stage's step name: {@code Pre <step>}, {@code <step>}, {@code Post <step>}. */
    String stepName(String step) {
      return switch (this) {
        case PRE -> "Pre " + step;
        case MAIN -> step;
        case POST -> "Post " + step;
      };
    }
  }

  private final JobScope scope;
  private final StepCommands commands;

  /** The Node.js of the job's JavaScript actions, asked once whichever runs first. */
  private final NodeRuntimes nodeRuntimes;

  NodeActions(JobScope scope, StepCommands commands) {
    this.scope = scope;
    this.commands = commands;
    this.nodeRuntimes = new NodeRuntimes(scope.host());
  }

  /** Whether the action runs on Node.js. */
  static boolean runsOnNode(ActionLoader.Loaded action) {
    return action.spec().runs().using().matches("node\\d+");
  }

  /**
   * Runs one stage of {@code action} for the step {@code caller}.
   *
   * @param ctx the contexts the caller sees
   * @param env the caller's {@code env} context
   * @param inputs the action's inputs, evaluated for this stage
   * @param state what the action's earlier stages saved; this stage's saves are added to it
   * @param actionName {@code github.action} of the step (null: none)
   * @param id the command's id
   * @param survives whether the stage's condition holds under a cancellation
   */
  StepOutcome run(
      Stage stage,
      StepSpec caller,
      ActionLoader.Loaded action,
      JobContext ctx,
      Map<String, String> env,
      Map<String, String> inputs,
      Map<String, String> state,
      Object actionName,
      String id,
      boolean survives,
      LogChunker log)
      throws IOException {
    String script =
        switch (stage) {
          case PRE -> action.spec().runs().pre();
          case MAIN -> action.spec().runs().main();
          case POST -> action.spec().runs().post();
        };
    Map<String, String> stageEnv = new LinkedHashMap<>(env);
    inputs.forEach((k, v) -> stageEnv.put(inputVariable(k), v));
    state.forEach((k, v) -> stageEnv.put("STATE_" + k, v));
    stageEnv.put("GITHUB_ACTION_PATH", action.path());
    if (action.ref() instanceof ActionRef.Remote r) {
      stageEnv.put("GITHUB_ACTION_REPOSITORY", r.repository());
      stageEnv.put("GITHUB_ACTION_REF", r.ref());
    }
    String workspace = scope.host().paths().workspace();
    String target = JobPaths.join(action.path(), script);
    String using = action.spec().runs().using();
    String who =
        "job "
            + scope.run().jobKey()
            + ", step "
            + stage.stepName(StepFields.displayName(caller, ctx, env));
    StepCommands.ScriptSource source =
        path -> {
          NodeRuntimes.Node node = nodeRuntimes.find(who);
          log.runnerLine(node.logLine(using));
          if (action.spec().runs().retiredNode()) {
            log.runnerLine(
                "##[warning]'runs.using: "
                    + using
                    + "' runs on Node.js "
                    + node.major()
                    + ", as GitHub's runner runs it since Node 16's end of life; update the action"
                    + " to node20 or node24");
          }
          List<String> argv = new ArrayList<>(node.argv());
          argv.add(target);
          return new StepScript(argv, workspace, null, null);
        };
    EnvFiles files = new EnvFiles(scope.host().paths(), id);
    Map<String, Object> fields = new LinkedHashMap<>(files.githubFields());
    fields.put("action_path", action.path());
    if (actionName != null) {
      fields.put("action", actionName);
    }
    ctx.enterStep(fields);
    StepOutcome out;
    try {
      out = commands.command(caller, ctx, source, id, stageEnv, files, survives, log, null, null);
    } finally {
      ctx.leaveStep();
    }
    state.putAll(files.state());
    StepResult r = out.result();
    if (r.errorCode() == ErrorCode.PERMANENT && r.exitCode() != null && r.exitCode() != 0) {
      // NodeScriptActionHandler.cs fails the step on node's exit code and logs nothing more (the
      // action said why, core.setFailed's ::error::); the message is for the step's record.
      return StepOutcome.ended(
          ErrorCode.PERMANENT,
          "Node Action run completed with exit code " + r.exitCode() + ".",
          false,
          r.exitCode(),
          out.rawOutputs(),
          r.annotations(),
          r.summary());
    }
    StepCommands.logError(r, log);
    return out;
  }

  /** Handler.cs's name for an input's variable (hyphens stay: {@code INPUT_WHO-TO-GREET}). */
  static String inputVariable(String input) {
    return "INPUT_" + input.replace(' ', '_').toUpperCase(Locale.ROOT);
  }
}
