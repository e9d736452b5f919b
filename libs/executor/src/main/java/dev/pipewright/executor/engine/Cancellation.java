package dev.pipewright.executor.engine;

import dev.pipewright.executor.host.HostProcess;
import dev.pipewright.executor.host.Signal;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's cancellation, from a user's cancel or its own timeout (which GitHub delivers as a cancel:
 * the job's always() steps still run). As in StepsRunner.cs, the running step is stopped unless its
 * {@code if:} holds under cancellation; steps that run after the cancel share {@code cancelTimeout}
 * (GitHub's {@code cancel-timeout-minutes}) and are stopped when it is over. Thread-safe: the job's
 * thread registers its steps, any thread may cancel.
 */
final class Cancellation {
  private static final Logger log = LoggerFactory.getLogger(Cancellation.class);
  private static final Executor KILLERS = task -> Thread.ofVirtual().name("step-kill").start(task);

  private final Duration killGrace;
  private final Duration cancelTimeout;
  private ErrorCode reason;
  private long requestedAt;
  private HostProcess current;
  private boolean currentSurvives;
  private boolean currentKilled;
  private boolean detached;

  Cancellation(Duration killGrace, Duration cancelTimeout) {
    this.killGrace = killGrace;
    this.cancelTimeout = cancelTimeout;
  }

  /**
   * Cancels the job; only the first call counts.
   *
   * @param why CANCELLED for a user's cancel, TIMEOUT for the job's {@code timeout-minutes}
   * @return whether this call cancelled it
   */
  synchronized boolean request(ErrorCode why) {
    if (reason != null) {
      return false;
    }
    reason = why;
    requestedAt = System.nanoTime();
    if (current != null) {
      stopLater(current, currentSurvives);
    }
    return true;
  }

  /**
   * The worker leaves the job to a successor that re-attaches to it (the pod host): whatever stops
   * the job's thread now must leave its command running.
   */
  synchronized void detach() {
    detached = true;
  }

  synchronized boolean detached() {
    return detached;
  }

  /** What stops a job's thread when its worker leaves it to a successor. */
  static CiException left() {
    return new CiException(ErrorCode.TRANSIENT, "the worker left the job to a successor");
  }

  synchronized boolean requested() {
    return reason != null;
  }

  /** CANCELLED or TIMEOUT once requested, else null. */
  synchronized ErrorCode reason() {
    return reason;
  }

  /**
   * A step's process started.
   *
   * @param survives whether its {@code if:} holds under cancellation
   */
  synchronized void running(HostProcess process, boolean survives) {
    current = process;
    currentSurvives = survives;
    currentKilled = false;
    if (reason != null) {
      stopLater(process, survives);
    }
  }

  /** The step's process ended; returns whether the cancellation stopped it. */
  synchronized boolean ended(HostProcess process) {
    boolean killed = current == process && currentKilled;
    current = null;
    return killed;
  }

  /** At once for a step the cancel stops, at the end of the cancel timeout for one it lets run. */
  private void stopLater(HostProcess process, boolean survives) {
    long delay = survives ? requestedAt + cancelTimeout.toNanos() - System.nanoTime() : 0;
    Executor when =
        delay <= 0
            ? KILLERS
            : CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS, KILLERS);
    when.execute(
        () -> {
          synchronized (this) {
            if (current != process) {
              return;
            }
            currentKilled = true;
          }
          terminate(process, killGrace);
        });
  }

  /** SIGTERM to the step's group, SIGKILL to what is left after {@code grace}. */
  static void terminate(HostProcess process, Duration grace) {
    try {
      process.signal(Signal.TERM);
      if (process.waitFor(grace).isEmpty()) {
        log.debug("{} survived SIGTERM for {}; killing", process.id(), grace);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      process.signal(Signal.KILL);
    }
  }
}
