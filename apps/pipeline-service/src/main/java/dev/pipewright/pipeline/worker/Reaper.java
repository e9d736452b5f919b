package dev.pipewright.pipeline.worker;

import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.store.BuildRepository;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands back builds whose worker stopped renewing its lease: RUNNING → QUEUED plus an outbox row,
 * which the relay publishes; the next worker to claim it resumes where the old one stopped. Every
 * worker runs one; the guarded update makes concurrent reapers harmless.
 */
public final class Reaper implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(Reaper.class);
  private static final int BATCH = 50;

  private final BuildRepository builds;
  private final PipewrightMetrics metrics;

  public Reaper(BuildRepository builds) {
    this(builds, null);
  }

  /**
   * @param metrics counts failed sweeps; null for none
   */
  public Reaper(BuildRepository builds, PipewrightMetrics metrics) {
    this.builds = builds;
    this.metrics = metrics;
  }

  /** One sweep; returns how many builds were requeued. */
  public int sweep() {
    int requeued = 0;
    for (UUID id : builds.expiredLeases(BATCH)) {
      if (builds.requeueExpired(id)) {
        LOG.info("requeued build {}: its worker's lease expired", id);
        requeued++;
      }
    }
    return requeued;
  }

  @Override
  public void run() {
    try {
      sweep();
    } catch (RuntimeException e) {
      if (metrics != null) {
        metrics.databaseError("reap");
      }
      LOG.warn("reaper sweep failed: {}", e.getMessage());
    }
  }
}
