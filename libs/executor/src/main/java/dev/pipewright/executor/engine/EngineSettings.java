package dev.pipewright.executor.engine;

import dev.pipewright.actions.ActionResolver;
import dev.pipewright.executor.LogChunker;
import java.time.Duration;
import java.util.Objects;

/**
 * How the job engine treats processes and logs, whatever the host.
 *
 * @param killGrace between SIGTERM and SIGKILL of a cancelled or timed-out step
 * @param outputDrainGrace how long to wait for output after a step's process ended, when a
 *     background process it left still holds the output stream
 * @param cancelTimeout how long steps that run after a cancel ({@code always()}, {@code
 *     cancelled()}) may take in all before they are killed: GitHub's {@code
 *     cancel-timeout-minutes}, 5 minutes by default
 * @param logMaxChars a log chunk is cut at about this size
 * @param logMaxDelay and when its oldest line is this old
 * @param runnerName {@code runner.name}
 * @param actions where remote actions ({@code owner/repo@ref}) come from; null when none is
 *     configured, and a step using one fails saying so
 */
public record EngineSettings(
    Duration killGrace,
    Duration outputDrainGrace,
    Duration cancelTimeout,
    int logMaxChars,
    Duration logMaxDelay,
    String runnerName,
    ActionResolver actions) {

  /** GitHub's default {@code cancel-timeout-minutes}. */
  public static final Duration DEFAULT_CANCEL_TIMEOUT = Duration.ofMinutes(5);

  public EngineSettings {
    Objects.requireNonNull(killGrace, "killGrace");
    Objects.requireNonNull(outputDrainGrace, "outputDrainGrace");
    Objects.requireNonNull(cancelTimeout, "cancelTimeout");
    Objects.requireNonNull(logMaxDelay, "logMaxDelay");
    Objects.requireNonNull(runnerName, "runnerName");
  }

  /** Without a source of remote actions. */
  public EngineSettings(
      Duration killGrace,
      Duration outputDrainGrace,
      Duration cancelTimeout,
      int logMaxChars,
      Duration logMaxDelay,
      String runnerName) {
    this(killGrace, outputDrainGrace, cancelTimeout, logMaxChars, logMaxDelay, runnerName, null);
  }

  /** These settings, remote actions resolved by {@code resolver}. */
  public EngineSettings withActions(ActionResolver resolver) {
    return new EngineSettings(
        killGrace, outputDrainGrace, cancelTimeout, logMaxChars, logMaxDelay, runnerName, resolver);
  }

  /** 5 s kill grace, 1 s drain, 5 min cancel timeout, 64 KiB / 200 ms chunks. */
  public static EngineSettings defaults(String runnerName) {
    return new EngineSettings(
        Duration.ofSeconds(5),
        Duration.ofSeconds(1),
        DEFAULT_CANCEL_TIMEOUT,
        LogChunker.DEFAULT_MAX_CHARS,
        LogChunker.DEFAULT_MAX_DELAY,
        runnerName);
  }
}
