package dev.pipewright.pipeline.worker;

import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.RetryPolicy;
import dev.pipewright.ops.logging.BuildMdc;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.queue.BuildHandler;
import dev.pipewright.queue.Outcome;
import dev.pipewright.queue.QueueMessage;
import dev.pipewright.store.BuildRepository;
import dev.pipewright.store.BuildView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one delivery of {@code {build_id}}: claims the build (QUEUED → RUNNING with this worker's
 * lease) and acknowledges as soon as the claim is committed, never at the end of the build. The
 * build itself then runs in this worker's loops.
 *
 * <ul>
 *   <li>A build already claimed, finished or unknown: ack and drop (a duplicate delivery).
 *   <li>A build still PENDING (the relay publishes with confirms, then commits QUEUED, so the
 *       delivery usually arrives first): re-read it after 1, 2, 4 … ms, about 1 s in all, and claim
 *       it as soon as it is QUEUED; still PENDING after that (a relay stuck between publish and
 *       commit): retry through the queue after {@link #PENDING_RETRY}.
 *   <li>A store failure: as {@link RetryPolicy} decides with {@code maxAttempts} deliveries as the
 *       budget: retried with backoff, or the build is failed with the error's code and the message
 *       dead-lettered.
 * </ul>
 */
public final class BuildIntake implements BuildHandler {
  private static final Logger LOG = LoggerFactory.getLogger(BuildIntake.class);
  static final Duration PENDING_RETRY = Duration.ofMillis(500);

  /**
   * Waits between re-reads of a PENDING build, 1 s in all. The relay's commit usually lands within
   * a millisecond or two of the delivery (one database round trip after the broker's confirm), so
   * the first short waits catch it; a first wait of 5 ms cost a trivial build that much on most
   * deliveries, while a re-read is one primary-key select. The 500 ms queue retry is only for a
   * relay that is really late. Holding the delivery meanwhile is fine: the ack waits for the claim
   * anyway.
   */
  static final List<Duration> PENDING_RECHECKS =
      rechecks(Duration.ofMillis(1), Duration.ofSeconds(1));

  /** Sleeps between re-reads; a seam so tests can drive the race without a clock. */
  @FunctionalInterface
  interface Pause {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final BuildRepository builds;
  private final String owner;
  private final Duration lease;
  private final int maxAttempts;
  private final Consumer<BuildView> runClaimed;
  private final PipewrightMetrics metrics;
  private final Pause pause;

  /**
   * @param maxAttempts deliveries after which a failing message is dead-lettered and its build
   *     failed (the queue's own limit)
   * @param runClaimed starts running a build this worker claimed, given its row as claimed
   */
  public BuildIntake(
      BuildRepository builds,
      String owner,
      Duration lease,
      int maxAttempts,
      Consumer<BuildView> runClaimed) {
    this(builds, owner, lease, maxAttempts, runClaimed, null);
  }

  /**
   * @param metrics counts failed claims and the builds failed here; null for none
   */
  public BuildIntake(
      BuildRepository builds,
      String owner,
      Duration lease,
      int maxAttempts,
      Consumer<BuildView> runClaimed,
      PipewrightMetrics metrics) {
    this(builds, owner, lease, maxAttempts, runClaimed, metrics, d -> Thread.sleep(d));
  }

  BuildIntake(
      BuildRepository builds,
      String owner,
      Duration lease,
      int maxAttempts,
      Consumer<BuildView> runClaimed,
      PipewrightMetrics metrics,
      Pause pause) {
    this.pause = pause;
    this.builds = builds;
    this.owner = owner;
    this.lease = lease;
    this.maxAttempts = maxAttempts;
    this.runClaimed = runClaimed;
    this.metrics = metrics;
  }

  @Override
  public Outcome handle(QueueMessage message) {
    UUID id;
    try {
      id = UUID.fromString(message.buildId().strip());
    } catch (IllegalArgumentException e) {
      return Outcome.deadLetter(ErrorCode.INVALID_SPEC + ": not a build id: " + message.buildId());
    }
    return BuildMdc.with(id.toString(), () -> claimOrDrop(id, message));
  }

  private Outcome claimOrDrop(UUID id, QueueMessage message) {
    try {
      Optional<BuildView> build;
      for (int recheck = 0; ; recheck++) {
        if (claim(id, message)) {
          return Outcome.ack();
        }
        build = builds.findRow(id);
        BuildStatus status = build.map(BuildView::status).orElse(null);
        if (status != BuildStatus.PENDING && status != BuildStatus.QUEUED) {
          break;
        }
        if (recheck == PENDING_RECHECKS.size()) {
          return Outcome.retry(PENDING_RETRY);
        }
        // QUEUED now means the relay's commit landed after the claim's read: claim again at once.
        if (status == BuildStatus.PENDING && !paused(PENDING_RECHECKS.get(recheck))) {
          return Outcome.retry(PENDING_RETRY);
        }
      }
      LOG.info(
          "dropping delivery of build {}: {}",
          id,
          build.map(b -> b.status() + " by " + b.leaseOwner()).orElse("no such build"));
      return Outcome.ack();
    } catch (RuntimeException e) {
      if (metrics != null) {
        metrics.databaseError("claim");
      }
      return failed(id, message, CiException.from(e));
    }
  }

  /** False when interrupted (the consumer is closing): the queue retries the delivery. */
  private boolean paused(Duration duration) {
    try {
      pause.sleep(duration);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Doubling waits from {@code first} whose sum is {@code total} (the last one shortened). */
  static List<Duration> rechecks(Duration first, Duration total) {
    List<Duration> waits = new ArrayList<>();
    Duration left = total;
    for (Duration next = first; left.isPositive(); next = next.multipliedBy(2)) {
      Duration wait = next.compareTo(left) < 0 ? next : left;
      waits.add(wait);
      left = left.minus(wait);
    }
    return List.copyOf(waits);
  }

  private boolean claim(UUID id, QueueMessage message) {
    Optional<BuildView> claimed = builds.claimRow(id, owner, lease);
    if (claimed.isEmpty()) {
      return false;
    }
    LOG.info("claimed build {} (delivery {})", id, message.deliveryCount());
    runClaimed.accept(claimed.get());
    return true;
  }

  private Outcome failed(UUID id, QueueMessage message, CiException error) {
    RetryPolicy.Decision decision = RetryPolicy.decide(error, message.deliveryCount(), maxAttempts);
    if (decision instanceof RetryPolicy.Retry retry) {
      LOG.warn(
          "build {}: delivery {} failed, retrying in {}: {}",
          id,
          message.deliveryCount(),
          retry.after(),
          error.getMessage());
      return Outcome.retry(retry.after());
    }
    String reason =
        decision instanceof RetryPolicy.DeadLetter dead
            ? "gave up after " + dead.attempts() + " deliveries: " + error.getMessage()
            : error.getMessage();
    try {
      if (builds.transition(id, BuildStatus.FAILED, error.code(), reason) && metrics != null) {
        // It never ran: no run time.
        metrics.buildFinished(BuildStatus.FAILED, Duration.ZERO);
      }
    } catch (RuntimeException e) {
      LOG.error("build {}: could not record its failure: {}", id, e.getMessage());
    }
    return Outcome.deadLetter(error.code() + ": " + reason);
  }
}
