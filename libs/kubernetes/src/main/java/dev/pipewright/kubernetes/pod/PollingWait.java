package dev.pipewright.kubernetes.pod;

import java.time.Duration;
import java.util.OptionalInt;

/**
 * {@code HostProcess.waitFor} for a process in a pod, which the worker can only look at now and
 * then (the agent's exit file on the shared volume, a step pod's container status): asks {@code
 * exit} every {@code poll} until it has an exit code or {@code timeout} passed.
 */
final class PollingWait {
  /** The engine waits "forever" with Duration.ofMillis(Long.MAX_VALUE): no nanos for that. */
  private static final Duration FOREVER = Duration.ofDays(365);

  /** One look at the process: its exit code once it ended. */
  interface Exit {
    OptionalInt poll() throws InterruptedException;
  }

  private PollingWait() {}

  static OptionalInt waitFor(Duration timeout, Duration poll, Exit exit)
      throws InterruptedException {
    long wait = timeout.compareTo(FOREVER) >= 0 ? FOREVER.toNanos() : timeout.toNanos();
    long deadline = System.nanoTime() + wait;
    while (true) {
      OptionalInt ended = exit.poll();
      long left = deadline - System.nanoTime();
      if (ended.isPresent() || left <= 0) {
        return ended;
      }
      Thread.sleep(Math.max(1, Math.min(poll.toMillis(), left / 1_000_000)));
    }
  }
}
