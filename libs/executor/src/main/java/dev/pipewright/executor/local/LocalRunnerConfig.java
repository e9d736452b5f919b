package dev.pipewright.executor.local;

import dev.pipewright.executor.LogChunker;
import dev.pipewright.executor.engine.EngineSettings;
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
 * @param killGrace between SIGTERM and SIGKILL of a cancelled or timed-out process group
 * @param outputDrainGrace how long to wait for output after a step's shell exited, when a
 *     background process it left still holds the output pipe
 * @param inheritedEnv variables of the worker passed to steps. Not the whole environment: the
 *     worker's own credentials must not leak into builds
 * @param logMaxChars a log chunk is cut at about this size
 * @param logMaxDelay and when its oldest line is this old
 * @param runnerName {@code runner.name}
 */
public record LocalRunnerConfig(
    Path workspaceRoot,
    int maxParallelJobs,
    Duration killGrace,
    Duration outputDrainGrace,
    List<String> inheritedEnv,
    int logMaxChars,
    Duration logMaxDelay,
    String runnerName) {

  public static final List<String> DEFAULT_INHERITED_ENV =
      List.of(
          "PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TERM", "SHELL");

  public LocalRunnerConfig {
    Objects.requireNonNull(workspaceRoot, "workspaceRoot");
    if (maxParallelJobs < 1) {
      throw new IllegalArgumentException("maxParallelJobs must be >= 1");
    }
    inheritedEnv = List.copyOf(inheritedEnv);
  }

  /** Defaults: 4 parallel jobs, 5 s kill grace, 1 s drain, 64 KiB / 200 ms chunks. */
  public static LocalRunnerConfig defaults(Path workspaceRoot) {
    return new LocalRunnerConfig(
        workspaceRoot,
        4,
        Duration.ofSeconds(5),
        Duration.ofSeconds(1),
        DEFAULT_INHERITED_ENV,
        LogChunker.DEFAULT_MAX_CHARS,
        LogChunker.DEFAULT_MAX_DELAY,
        "pipewright-local");
  }

  /** What the job engine takes from these settings. */
  public EngineSettings engineSettings() {
    return new EngineSettings(
        killGrace,
        outputDrainGrace,
        EngineSettings.DEFAULT_CANCEL_TIMEOUT,
        logMaxChars,
        logMaxDelay,
        runnerName);
  }

  public LocalRunnerConfig withMaxParallelJobs(int n) {
    return new LocalRunnerConfig(
        workspaceRoot,
        n,
        killGrace,
        outputDrainGrace,
        inheritedEnv,
        logMaxChars,
        logMaxDelay,
        runnerName);
  }

  public LocalRunnerConfig withKillGrace(Duration grace) {
    return new LocalRunnerConfig(
        workspaceRoot,
        maxParallelJobs,
        grace,
        outputDrainGrace,
        inheritedEnv,
        logMaxChars,
        logMaxDelay,
        runnerName);
  }

  public LocalRunnerConfig withOutputDrainGrace(Duration grace) {
    return new LocalRunnerConfig(
        workspaceRoot,
        maxParallelJobs,
        killGrace,
        grace,
        inheritedEnv,
        logMaxChars,
        logMaxDelay,
        runnerName);
  }
}
