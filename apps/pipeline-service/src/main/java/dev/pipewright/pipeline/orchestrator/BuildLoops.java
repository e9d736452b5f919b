package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.CiException;
import dev.pipewright.models.RetryPolicy;
import dev.pipewright.ops.logging.BuildMdc;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.store.StoreErrors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives {@link Orchestrator#reconcile} for every build this process runs: one virtual thread per
 * build, passing on each runner callback and at least every {@code tick}, until the build is no
 * longer RUNNING. While a build runs its lease is renewed; a build whose lease is lost (another
 * worker took it over) is dropped here and its local jobs are cancelled, so it runs only once.
 *
 * <p>A pass that fails is retried as {@link RetryPolicy} decides, with {@link #PASS_ATTEMPTS}
 * consecutive failed passes as the budget: after its back-off (the lease is renewed meanwhile), or,
 * for an error that retrying cannot mend or once the budget is spent, the build is failed with the
 * error's code and message ({@link Orchestrator#fail}). No build stays RUNNING because its passes
 * fail.
 */
public final class BuildLoops implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BuildLoops.class);

  /**
   * Consecutive failed passes after which a build is failed: with the policy's back-off (1 s
   * doubling to 5 min) about 18 minutes of an unreachable database or API server.
   */
  static final int PASS_ATTEMPTS = 12;

  private final Orchestrator orchestrator;
  private final Duration tick;
  private final Predicate<String> renewLease;
  private final Duration renewEvery;
  private final Map<String, Loop> loops = new ConcurrentHashMap<>();
  private final PipewrightMetrics metrics;
  private volatile boolean closed;

  /**
   * @param renewLease extends the lease of a build and says whether this process still holds it;
   *     {@code id -> true} where there are no leases ({@code pipewright run})
   */
  public BuildLoops(
      Orchestrator orchestrator, Duration tick, Predicate<String> renewLease, Duration renewEvery) {
    this(orchestrator, tick, renewLease, renewEvery, null);
  }

  /**
   * @param metrics where failed passes and lease renewals are counted; null for none
   */
  public BuildLoops(
      Orchestrator orchestrator,
      Duration tick,
      Predicate<String> renewLease,
      Duration renewEvery,
      PipewrightMetrics metrics) {
    this.orchestrator = orchestrator;
    this.tick = tick;
    this.renewLease = renewLease;
    this.renewEvery = renewEvery;
    this.metrics = metrics;
    orchestrator.onChange(this::wake);
  }

  /** Starts driving a build (once); the future completes with the status it ends in here. */
  public CompletableFuture<BuildStatus> run(String buildId) {
    if (closed) {
      throw new IllegalStateException("build loops closed");
    }
    Loop loop =
        loops.computeIfAbsent(
            buildId,
            id -> {
              Loop fresh = new Loop(id);
              Thread.ofVirtual().name("build-" + id).start(fresh);
              return fresh;
            });
    return loop.done;
  }

  /** Asks for a pass soon (a runner callback happened). */
  public void wake(String buildId) {
    Loop loop = loops.get(buildId);
    if (loop != null) {
      loop.signal.release();
    }
  }

  /**
   * Asks the build's loop for a pass and returns a future completed with the build's status after
   * it: how an outside trigger (the PipelineRun reconciler) gets a pass without running one itself,
   * so the loop stays the only driver. Null when the build is not driven here.
   */
  public CompletableFuture<BuildStatus> pass(String buildId) {
    Loop loop = loops.get(buildId);
    if (loop == null) {
      return null;
    }
    CompletableFuture<BuildStatus> after = new CompletableFuture<>();
    loop.waiters.add(after);
    loop.signal.release();
    if (!loops.containsKey(buildId)) {
      // The loop may have ended between the lookup and the add, without seeing the waiter.
      loop.completeWaiters();
    }
    return after;
  }

  /** Whether this process drives the build (holds its lease and loops over it). */
  public boolean drives(String buildId) {
    return loops.containsKey(buildId);
  }

  public Set<String> running() {
    return Set.copyOf(loops.keySet());
  }

  /** Waits until no build runs here any more, or the timeout passes; true when idle. */
  public boolean awaitIdle(Duration timeout) {
    CompletableFuture<?>[] pending =
        loops.values().stream().map(l -> l.done).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(pending).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stops every loop; their builds stay RUNNING and are handed over when their lease expires. */
  @Override
  public void close() {
    closed = true;
    loops.values().forEach(Loop::stop);
  }

  private final class Loop implements Runnable {
    private final String buildId;
    private final Semaphore signal = new Semaphore(0);
    private final CompletableFuture<BuildStatus> done = new CompletableFuture<>();
    private final Queue<CompletableFuture<BuildStatus>> waiters = new ConcurrentLinkedQueue<>();
    private volatile BuildStatus last = BuildStatus.RUNNING;
    private volatile boolean stopped;

    /** Consecutive failed passes; while positive, no pass runs before {@code retryAt}. */
    private int failedPasses;

    private long retryAt;

    Loop(String buildId) {
      this.buildId = buildId;
    }

    void stop() {
      stopped = true;
      signal.release();
    }

    /** Completes the waiters present now with the latest status. */
    void completeWaiters() {
      for (CompletableFuture<BuildStatus> w; (w = waiters.poll()) != null; ) {
        w.complete(last);
      }
    }

    @Override
    @SuppressWarnings("try") // the scope only sets the MDC
    public void run() {
      long nextRenewal = System.nanoTime() + renewEvery.toNanos();
      try (BuildMdc.Scope scope = BuildMdc.open(buildId)) {
        while (!stopped) {
          if (!backingOff()) {
            // Waiters that arrive during the pass wait for the next one: it may have read too
            // early.
            List<CompletableFuture<BuildStatus>> served = drain();
            try {
              last = orchestrator.reconcile(buildId);
              failedPasses = 0;
            } catch (RuntimeException e) {
              if (!retryLater(e)) {
                break;
              }
            } finally {
              served.forEach(w -> w.complete(last));
            }
            if (last != BuildStatus.RUNNING) {
              break;
            }
          }
          if (System.nanoTime() >= nextRenewal) {
            nextRenewal = System.nanoTime() + renewEvery.toNanos();
            if (!renewQuietly()) {
              LOG.warn("build {}: lease lost to another worker; dropping it here", buildId);
              dropHere();
              break;
            }
          }
          signal.tryAcquire(untilNextPass(), TimeUnit.MILLISECONDS);
          signal.drainPermits();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.error("build {}: loop failed", buildId, e);
      } finally {
        loops.remove(buildId, this);
        completeWaiters();
        done.complete(last);
      }
    }

    /**
     * After a failed pass: true to pass again once the policy's back-off has passed; false when the
     * build was failed (or could not be, and is dropped here for a successor to take over).
     */
    private boolean retryLater(RuntimeException e) {
      failedPasses++;
      CiException error = CiException.from(e);
      if (metrics != null && StoreErrors.fromDatabase(e)) {
        metrics.databaseError("reconcile");
      }
      String message = error.getMessage();
      switch (RetryPolicy.decide(error, failedPasses, PASS_ATTEMPTS)) {
        case RetryPolicy.Retry retry -> {
          LOG.warn(
              "build {}: pass failed ({} in a row), retrying in {}: {}",
              buildId,
              failedPasses,
              retry.after(),
              message);
          retryAt = System.nanoTime() + retry.after().toNanos();
          return true;
        }
        case RetryPolicy.Fail fail -> {
          if (e instanceof CiException) {
            LOG.warn("build {}: pass failed, failing the build: {}", buildId, message);
          } else {
            LOG.error("build {}: pass failed, failing the build", buildId, e);
          }
        }
        case RetryPolicy.DeadLetter dead -> {
          message = "gave up after " + dead.attempts() + " failed passes: " + message;
          LOG.error("build {}: {}", buildId, message);
        }
      }
      try {
        last = orchestrator.fail(buildId, error.code(), message);
      } catch (RuntimeException failing) {
        LOG.error("build {}: cannot record its failure; dropping it here", buildId, failing);
        dropHere();
      }
      return false;
    }

    private boolean backingOff() {
      return failedPasses > 0 && System.nanoTime() - retryAt < 0;
    }

    /**
     * The wait before the loop looks again: a tick, or what is left of a failed pass's back-off.
     */
    private long untilNextPass() {
      long tickMillis = tick.toMillis();
      if (failedPasses == 0) {
        return tickMillis;
      }
      long left = TimeUnit.NANOSECONDS.toMillis(retryAt - System.nanoTime());
      return Math.max(1, Math.min(tickMillis, left));
    }

    private void dropHere() {
      orchestrator.forget(buildId);
      orchestrator.runner().cancelBuild(buildId);
    }

    private List<CompletableFuture<BuildStatus>> drain() {
      List<CompletableFuture<BuildStatus>> out = new ArrayList<>();
      for (CompletableFuture<BuildStatus> w; (w = waiters.poll()) != null; ) {
        out.add(w);
      }
      return out;
    }

    private boolean renewQuietly() {
      try {
        return renewLease.test(buildId);
      } catch (CiException e) {
        // The database is away: keep working, the next renewal may succeed before expiry.
        if (metrics != null) {
          metrics.databaseError("renew_lease");
        }
        LOG.warn("build {}: lease renewal failed: {}", buildId, e.getMessage());
        return true;
      }
    }
  }
}
