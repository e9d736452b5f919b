package dev.pipewright.pipeline.worker;

import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.store.BuildRepository;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands back builds whose worker stopped renewing its lease: RUNNING → QUEUED plus an outbox row,
 * which an outbox relay publishes; the next worker to claim it resumes where the old one stopped.
 * Every worker runs one next to its own relay, which a sweep wakes, so a requeued build goes out
 * even while no entry API runs; the guarded update makes concurrent reapers harmless.
 */
public final class Reaper implements Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Reaper.class);
  private static final int BATCH = 50;
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  private final BuildRepository builds;
  private final PipewrightMetrics metrics;
  private final Runnable onRequeued;
  private volatile boolean stopped;
  private ScheduledExecutorService scheduler;

  public Reaper(BuildRepository builds) {
    this(builds, null, () -> {});
  }

  /**
   * @param metrics counts failed sweeps; null for none
   * @param onRequeued told after a sweep that requeued builds (wakes the outbox relay)
   */
  public Reaper(BuildRepository builds, PipewrightMetrics metrics, Runnable onRequeued) {
    this.builds = builds;
    this.metrics = metrics;
    this.onRequeued = Objects.requireNonNull(onRequeued, "onRequeued");
  }

  /** Sweeps every {@code period}, the first time after one period, until {@link #close}. */
  public synchronized Reaper start(Duration period) {
    if (scheduler != null) {
      throw new IllegalStateException("the reaper is already started");
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("reaper").factory());
    scheduler.scheduleWithFixedDelay(
        this, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** One sweep; returns how many builds were requeued. Stops early once {@link #close} began. */
  public int sweep() {
    int requeued = 0;
    for (UUID id : builds.expiredLeases(BATCH)) {
      if (stopped) {
        break;
      }
      if (builds.requeueExpired(id)) {
        LOG.info("requeued build {}: its worker's lease expired", id);
        requeued++;
      }
    }
    if (requeued > 0) {
      onRequeued.run();
    }
    return requeued;
  }

  @Override
  public void run() {
    if (stopped) {
      return;
    }
    try {
      sweep();
    } catch (RuntimeException e) {
      if (stopped) {
        // Shutting down: the pool may be closing under the sweep; nothing is wrong.
        LOG.debug("reaper sweep ended by shutdown: {}", e.getMessage());
        return;
      }
      if (metrics != null) {
        metrics.databaseError("reap");
      }
      LOG.warn("reaper sweep failed: {}", e.getMessage());
    }
  }

  /**
   * Stops sweeping and waits for a sweep in flight to finish its current statement. Never
   * interrupts it while it can still finish: an interrupted JDBC query breaks its pooled connection
   * and logs a warning. Only a sweep stuck past {@link #CLOSE_WAIT} is interrupted.
   */
  @Override
  public void close() throws InterruptedException {
    stopped = true;
    ScheduledExecutorService running;
    synchronized (this) {
      running = scheduler;
    }
    if (running == null) {
      return;
    }
    running.shutdown();
    if (!running.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      LOG.warn("reaper sweep still running after {} ms, interrupting it", CLOSE_WAIT.toMillis());
      running.shutdownNow();
    }
  }
}
