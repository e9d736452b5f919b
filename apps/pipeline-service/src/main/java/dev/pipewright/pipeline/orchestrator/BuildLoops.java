package dev.pipewright.pipeline.orchestrator;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.CiException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 */
public final class BuildLoops implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BuildLoops.class);

  private final Orchestrator orchestrator;
  private final Duration tick;
  private final Predicate<String> renewLease;
  private final Duration renewEvery;
  private final Map<String, Loop> loops = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @param renewLease extends the lease of a build and says whether this process still holds it;
   *     {@code id -> true} where there are no leases ({@code pipewright run})
   */
  public BuildLoops(
      Orchestrator orchestrator, Duration tick, Predicate<String> renewLease, Duration renewEvery) {
    this.orchestrator = orchestrator;
    this.tick = tick;
    this.renewLease = renewLease;
    this.renewEvery = renewEvery;
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
    private volatile boolean stopped;

    Loop(String buildId) {
      this.buildId = buildId;
    }

    void stop() {
      stopped = true;
      signal.release();
    }

    @Override
    public void run() {
      BuildStatus status = BuildStatus.RUNNING;
      long nextRenewal = System.nanoTime() + renewEvery.toNanos();
      try {
        while (!stopped) {
          try {
            status = orchestrator.reconcile(buildId);
          } catch (CiException e) {
            if (!e.retryable()) {
              LOG.error("build {}: giving up on it: {}", buildId, e.getMessage(), e);
              break;
            }
            LOG.warn("build {}: reconcile failed, retrying: {}", buildId, e.getMessage());
          }
          if (status != BuildStatus.RUNNING) {
            break;
          }
          if (System.nanoTime() >= nextRenewal) {
            nextRenewal = System.nanoTime() + renewEvery.toNanos();
            if (!renewQuietly()) {
              LOG.warn("build {}: lease lost to another worker; dropping it here", buildId);
              orchestrator.forget(buildId);
              orchestrator.runner().cancelBuild(buildId);
              break;
            }
          }
          signal.tryAcquire(tick.toMillis(), TimeUnit.MILLISECONDS);
          signal.drainPermits();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.error("build {}: loop failed", buildId, e);
      } finally {
        loops.remove(buildId, this);
        done.complete(status);
      }
    }

    private boolean renewQuietly() {
      try {
        return renewLease.test(buildId);
      } catch (CiException e) {
        // The database is away: keep working, the next renewal may succeed before expiry.
        LOG.warn("build {}: lease renewal failed: {}", buildId, e.getMessage());
        return true;
      }
    }
  }
}
