package dev.pipewright.pipeline.worker;

import dev.pipewright.executor.JobRunner;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.pipeline.orchestrator.BuildLoops;
import dev.pipewright.pipeline.orchestrator.Orchestrator;
import dev.pipewright.secrets.SecretBox;
import dev.pipewright.store.BuildRepository;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What drives the builds a worker claimed: the orchestrator over the database's run store and the
 * runner, and one loop per build that renews the build's lease. On shutdown it waits for running
 * builds within the grace period, then hands the rest back (their lease expires and another
 * worker's reaper requeues them).
 */
final class RunningBuilds {
  private static final Logger LOG = LoggerFactory.getLogger(RunningBuilds.class);

  /** The most of the grace period kept for closing connections after the builds were waited for. */
  static final Duration CLOSE_RESERVE = Duration.ofSeconds(2);

  private final WorkerConfig config;
  private final Orchestrator orchestrator;
  private final BuildLoops loops;

  RunningBuilds(
      WorkerConfig config,
      BuildRepository builds,
      JdbcRunStore store,
      JobRunner runner,
      Optional<SecretBox> secretBox,
      PipewrightMetrics metrics) {
    this.config = config;
    orchestrator =
        new Orchestrator(
            store,
            runner,
            config.parallelism(),
            config.attempts(),
            metrics,
            WorkerRunners.calledWorkflows(config));
    orchestrator.jobServices(WorkerRunners.jobServices(config, secretBox));
    loops =
        new BuildLoops(
            orchestrator,
            config.tick(),
            id -> builds.renewLease(UUID.fromString(id), config.workerId(), config.lease()),
            config.lease().dividedBy(3),
            metrics);
    metrics.runningBuilds(() -> loops.running().size());
    metrics.runningJobs(orchestrator::activeJobs);
  }

  Orchestrator orchestrator() {
    return orchestrator;
  }

  BuildLoops loops() {
    return loops;
  }

  /** Waits for running builds within the grace period minus a reserve, then hands the rest back. */
  void finishOrHandBack() {
    Duration grace = config.shutdownGrace();
    Duration reserve =
        grace.dividedBy(4).compareTo(CLOSE_RESERVE) < 0 ? grace.dividedBy(4) : CLOSE_RESERVE;
    if (!loops.awaitIdle(grace.minus(reserve))) {
      LOG.info("worker {}: handing back builds {}", config.workerId(), loops.running());
    }
    loops.close();
    orchestrator.forgetAll();
  }
}
