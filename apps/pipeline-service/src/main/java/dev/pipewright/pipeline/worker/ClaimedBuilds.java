package dev.pipewright.pipeline.worker;

import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.pipeline.orchestrator.BuildLoops;
import dev.pipewright.queue.Outcome;
import dev.pipewright.store.BuildView;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * The worker's build slots ({@link WorkerConfig#concurrentBuilds()}) and the hand-over of each
 * build the intake claims to its loop. A delivery waits for a free slot before claiming; a claimed
 * build keeps its slot until its loop ends.
 */
final class ClaimedBuilds {
  private final Semaphore slots;
  private final ThreadLocal<Boolean> claimedHere = ThreadLocal.withInitial(() -> false);
  private final BuildLoops loops;
  private final PipewrightMetrics metrics;
  private final WorkerPipelineRuns pipelineRuns;

  /**
   * @param pipelineRuns creates each claimed build's PipelineRun; null outside Kubernetes mode
   */
  ClaimedBuilds(
      int concurrentBuilds,
      BuildLoops loops,
      PipewrightMetrics metrics,
      WorkerPipelineRuns pipelineRuns) {
    this.slots = new Semaphore(concurrentBuilds);
    this.loops = loops;
    this.metrics = metrics;
    this.pipelineRuns = pipelineRuns;
  }

  /**
   * Waits for a free build slot before claiming, so the delivery stays with the broker (and other
   * workers) while this one is full. The slot goes with a claimed build until its loop ends.
   */
  Outcome withSlot(Supplier<Outcome> claim) {
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.requeue();
    }
    claimedHere.set(false);
    try {
      return claim.get();
    } finally {
      if (!claimedHere.get()) {
        slots.release();
      }
      claimedHere.remove();
    }
  }

  /** Called by the intake on the delivery's thread once the claim is committed. */
  void runClaimed(BuildView build) {
    claimedHere.set(true);
    String buildId = build.id().toString();
    // The loop first: the queue-lag metric and the PipelineRun are not the build's business, and a
    // trivial build paid for them in latency. The runner ensures the PipelineRun again before the
    // build's first Job, and a second create of it is a conflict it reads back.
    loops.run(buildId).whenComplete((status, error) -> slots.release());
    claimed(build);
  }

  /**
   * Queue lag, and the build's PipelineRun in Kubernetes mode, from the row the claim returned;
   * neither may stop the build.
   */
  private void claimed(BuildView build) {
    if (build.queuedAt() != null) {
      Duration lag = Duration.between(build.queuedAt(), Instant.now());
      metrics.queueLag(lag.isNegative() ? Duration.ZERO : lag);
    }
    if (pipelineRuns != null) {
      pipelineRuns.ensurePipelineRun(build);
    }
  }
}
