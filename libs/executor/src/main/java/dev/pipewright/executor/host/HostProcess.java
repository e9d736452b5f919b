package dev.pipewright.executor.host;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * A command started on a {@link JobHost}: its exit code, its output and its signals. Thread-safe:
 * the engine waits on one thread and signals from another (a cancel).
 */
public interface HostProcess {
  /** The {@link HostCommand#id} it was started with. */
  String id();

  /**
   * Waits up to {@code timeout} for the command to end.
   *
   * @return its exit code (128 + n when signal n ended it), or empty while it still runs
   */
  OptionalInt waitFor(Duration timeout) throws InterruptedException;

  /**
   * Sends {@code signal} to the command's whole process group; a group already gone is fine.
   * Returns once sent, not once the processes ended.
   */
  void signal(Signal signal);

  /**
   * After the command ended: waits up to {@code grace} for its output to end (a background process
   * it left may still hold the stream), then stops calling the {@link OutputReceiver}, so nothing a
   * leftover process writes lands in a finished step.
   *
   * @return whether the output ended within the grace
   */
  boolean drain(Duration grace) throws InterruptedException;
}
