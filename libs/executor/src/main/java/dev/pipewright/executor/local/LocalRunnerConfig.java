package dev.pipewright.executor.local;

import dev.pipewright.actions.ActionResolver;
import dev.pipewright.executor.engine.EngineSettings;
import dev.pipewright.executor.host.ExecutorNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of a {@link LocalJobRunner}.
 *
 * @param workspaceRoot each job instance gets {@code <root>/<workspace>/<job>/}; runner files
 *     (scripts, command files, RUNNER_TEMP, RUNNER_TOOL_CACHE) live in {@code
 *     <root>/.pipewright/<build>/<job>/}
 * @param maxParallelJobs jobs running at once, over all builds; more wait QUEUED
 * @param inheritedEnv variables of the worker passed to steps. Not the whole environment: the
 *     worker's own credentials must not leak into builds
 * @param engine how the job engine treats processes and logs
 * @param node the Node.js JavaScript actions run on (in a job container too, when its image has
 *     none)
 */
public record LocalRunnerConfig(
    Path workspaceRoot,
    int maxParallelJobs,
    List<String> inheritedEnv,
    EngineSettings engine,
    ExecutorNode node) {

  public static final List<String> DEFAULT_INHERITED_ENV =
      List.of(
          "PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TERM", "SHELL");

  public LocalRunnerConfig {
    Objects.requireNonNull(workspaceRoot, "workspaceRoot");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(node, "node");
    if (maxParallelJobs < 1) {
      throw new IllegalArgumentException("maxParallelJobs must be >= 1");
    }
    inheritedEnv = List.copyOf(inheritedEnv);
  }

  /** Defaults: 4 parallel jobs, the engine's defaults, runner name {@code pipewright-local}. */
  public static LocalRunnerConfig defaults(Path workspaceRoot) {
    return new LocalRunnerConfig(
        workspaceRoot,
        4,
        DEFAULT_INHERITED_ENV,
        EngineSettings.defaults("pipewright-local"),
        ExecutorNode.ON_PATH);
  }

  public LocalRunnerConfig withMaxParallelJobs(int n) {
    return new LocalRunnerConfig(workspaceRoot, n, inheritedEnv, engine, node);
  }

  /** JavaScript actions run on {@code n}. */
  public LocalRunnerConfig withNode(ExecutorNode n) {
    return new LocalRunnerConfig(workspaceRoot, maxParallelJobs, inheritedEnv, engine, n);
  }

  /** Remote actions resolved by {@code resolver}. */
  public LocalRunnerConfig withActions(ActionResolver resolver) {
    return withEngine(engine.withActions(resolver));
  }

  public LocalRunnerConfig withKillGrace(Duration grace) {
    return withEngine(
        new EngineSettings(
            grace,
            engine.outputDrainGrace(),
            engine.cancelTimeout(),
            engine.logMaxChars(),
            engine.logMaxDelay(),
            engine.runnerName(),
            engine.actions()));
  }

  public LocalRunnerConfig withOutputDrainGrace(Duration grace) {
    return withEngine(
        new EngineSettings(
            engine.killGrace(),
            grace,
            engine.cancelTimeout(),
            engine.logMaxChars(),
            engine.logMaxDelay(),
            engine.runnerName(),
            engine.actions()));
  }

  private LocalRunnerConfig withEngine(EngineSettings e) {
    return new LocalRunnerConfig(workspaceRoot, maxParallelJobs, inheritedEnv, e, node);
  }
}
