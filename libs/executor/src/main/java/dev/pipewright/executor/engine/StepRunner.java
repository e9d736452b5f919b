package dev.pipewright.executor.engine;

import dev.pipewright.executor.LogChunker;
import dev.pipewright.executor.host.HostCommand;
import dev.pipewright.executor.host.HostProcess;
import dev.pipewright.executor.host.JobHost;
import dev.pipewright.executor.host.OutputReceiver;
import dev.pipewright.executor.host.Signal;
import dev.pipewright.executor.program.WorkflowCommands;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Runs one step's command on the host until it ends: its output goes line by line through the
 * workflow commands into the step's log; its own {@code timeout-minutes} and the job's deadline are
 * enforced here (the first kills the step, the second cancels the job); a cancel stops it through
 * the {@link Cancellation}.
 */
final class StepRunner {
  /** How often a step's wait looks whether the worker is leaving. */
  private static final Duration DETACH_POLL = Duration.ofMillis(250);

  private final JobHost host;
  private final EngineSettings settings;
  private final Cancellation cancellation;

  StepRunner(JobHost host, EngineSettings settings, Cancellation cancellation) {
    this.host = host;
    this.settings = settings;
    this.cancellation = cancellation;
  }

  /**
   * How the command ended.
   *
   * @param exitCode null when it never started
   * @param timedOut its own {@code timeout-minutes} ran out
   * @param cancelled the job's cancellation (or timeout) stopped it
   */
  record Exit(Integer exitCode, boolean timedOut, boolean cancelled) {
    static final Exit NOT_STARTED = new Exit(null, false, true);
  }

  /**
   * @param survivesCancel whether the step's {@code if:} holds under cancellation
   * @param timeout the step's {@code timeout-minutes}, or null
   * @param jobDeadline {@link System#nanoTime} at which the job's own timeout cancels it
   */
  Exit run(
      String id,
      StepScript script,
      Map<String, String> env,
      WorkflowCommands commands,
      LogChunker log,
      boolean survivesCancel,
      Duration timeout,
      long jobDeadline)
      throws IOException {
    return run(
        output ->
            host.start(new HostCommand(id, script.argv(), env, script.workingDirectory()), output),
        commands,
        log,
        survivesCancel,
        timeout,
        jobDeadline);
  }

  /** How a command is started on the host, its output going to the receiver given. */
  @FunctionalInterface
  interface Starter {
    HostProcess start(OutputReceiver output) throws IOException;
  }

  /**
   * {@link #run(String, StepScript, Map, WorkflowCommands, LogChunker, boolean, Duration, long)}
   * for a command the caller starts: a step's container ({@link DockerSteps}).
   */
  Exit run(
      Starter starter,
      WorkflowCommands commands,
      LogChunker log,
      boolean survivesCancel,
      Duration timeout,
      long jobDeadline)
      throws IOException {
    if (cancellation.requested() && !survivesCancel) {
      return Exit.NOT_STARTED;
    }
    OutputLines lines = lines(commands, log);
    HostProcess process = starter.start(lines);
    long stepDeadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
    return follow(process, lines, log, survivesCancel, timeout != null, stepDeadline, jobDeadline);
  }

  /**
   * Re-attaches to the command an earlier worker started with this id and follows it as {@link
   * #run} does: its output is read from the start again, so its workflow commands take effect again
   * ({@code ::add-mask::} above all), while the step's resumed log drops what is stored already.
   *
   * @param startedAtEpochMillis when the command started, for its {@code timeout}
   * @return empty when the host has no such command (it never started)
   */
  Optional<Exit> resume(
      String id,
      WorkflowCommands commands,
      LogChunker log,
      boolean survivesCancel,
      Duration timeout,
      long startedAtEpochMillis,
      long jobDeadline)
      throws IOException {
    OutputLines lines = lines(commands, log);
    Optional<HostProcess> process = host.reattach(id, 0, lines);
    if (process.isEmpty()) {
      return Optional.empty();
    }
    long stepDeadline =
        timeout == null ? 0 : JobEngine.nanoTimeAt(startedAtEpochMillis) + timeout.toNanos();
    return Optional.of(
        follow(
            process.get(), lines, log, survivesCancel, timeout != null, stepDeadline, jobDeadline));
  }

  private static OutputLines lines(WorkflowCommands commands, LogChunker log) {
    return new OutputLines(
        (line, end) -> {
          String text = commands.process(line);
          if (text != null) {
            log.line(text, end);
          }
        });
  }

  private Exit follow(
      HostProcess process,
      OutputLines lines,
      LogChunker log,
      boolean survivesCancel,
      boolean stepLimited,
      long stepDeadline,
      long jobDeadline) {
    cancellation.running(process, survivesCancel);
    boolean timedOut = false;
    OptionalInt exit;
    try {
      while (true) {
        boolean jobRunning = !cancellation.requested();
        Duration wait = Duration.ofMillis(Long.MAX_VALUE);
        if (stepLimited) {
          wait = remaining(stepDeadline);
        }
        if (jobRunning && remaining(jobDeadline).compareTo(wait) < 0) {
          wait = remaining(jobDeadline);
        }
        // Awake now and then to see whether the worker leaves (a successor takes the job over).
        exit = process.waitFor(wait.compareTo(DETACH_POLL) > 0 ? DETACH_POLL : wait);
        if (exit.isPresent()) {
          break;
        }
        if (cancellation.detached()) {
          throw Cancellation.left();
        }
        long now = System.nanoTime();
        if (stepLimited && now - stepDeadline >= 0) {
          timedOut = true;
          stepLimited = false;
          Cancellation.terminate(process, settings.killGrace());
        } else if (jobRunning && now - jobDeadline >= 0) {
          cancellation.request(ErrorCode.TIMEOUT);
        }
      }
      process.drain(settings.outputDrainGrace());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (cancellation.detached()) {
        // The worker leaves: the command runs on for the worker that takes the job over.
        throw Cancellation.left();
      }
      process.signal(Signal.KILL);
      throw new CiException(ErrorCode.TRANSIENT, "the job engine was interrupted", e);
    }
    lines.finish();
    log.outputEnded();
    boolean cancelled = cancellation.ended(process);
    return new Exit(exit.getAsInt(), timedOut && !cancelled, cancelled);
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }
}
