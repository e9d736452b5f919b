package dev.pipewright.queue;

import dev.pipewright.models.CiException;
import dev.pipewright.ops.metrics.PipewrightMetrics;
import dev.pipewright.store.OutboxEntry;
import dev.pipewright.store.OutboxKind;
import dev.pipewright.store.OutboxRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves builds from the outbox to RabbitMQ: claim a batch of rows (locked, so several relays can
 * run), publish them with confirms in one round trip, then complete them, which marks their builds
 * QUEUED in the same transaction. A row is deleted only after the broker confirmed it, so a broker
 * or relay crash delays builds and may publish one twice, but never loses one.
 *
 * <p>Every entry API and every worker runs one: new builds are written by the entry API, builds
 * whose lease expired are requeued by a worker's reaper, and each kind must reach the queue while
 * only the other kind of process is up. The rows' {@code FOR UPDATE SKIP LOCKED} claim keeps relays
 * sharing a database from publishing one row twice.
 *
 * <p>While rows flow it loops without pausing; when the outbox is empty it waits for {@link #wake}
 * (called after rows were written) or the idle interval; when the broker or the database fails it
 * backs off exponentially up to {@link #MAX_BACKOFF}.
 */
public final class OutboxRelay implements AutoCloseable {
  static final Duration IDLE_POLL = Duration.ofMillis(500);
  static final Duration MIN_BACKOFF = Duration.ofMillis(100);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

  private final OutboxRepository outbox;
  private final BuildPublisher publisher;
  private final int batchSize;
  private final PipewrightMetrics metrics;
  private final Object signal = new Object();
  private final Thread thread;
  private boolean woken;
  private volatile boolean running = true;

  /**
   * @param batchSize rows published (and confirmed) per broker round trip
   */
  public OutboxRelay(
      OutboxRepository outbox, BuildPublisher publisher, int batchSize, PipewrightMetrics metrics) {
    this.outbox = outbox;
    this.publisher = publisher;
    this.batchSize = batchSize;
    this.metrics = metrics;
    this.thread = Thread.ofPlatform().name("outbox-relay").daemon().unstarted(this::run);
  }

  /** Starts relaying on its own thread until {@link #close}. */
  public void start() {
    thread.start();
  }

  /** New rows are waiting: relay them now rather than at the next poll. */
  public void wake() {
    synchronized (signal) {
      woken = true;
      signal.notifyAll();
    }
  }

  /**
   * Publishes one batch.
   *
   * @return rows published
   * @throws CiException when the broker or the database failed; the rows stay in the outbox
   */
  public int relayOnce() {
    Relayed relayed;
    try {
      relayed = claimAndPublish();
    } catch (RuntimeException e) {
      metrics.databaseError("outbox_relay");
      throw e;
    }
    if (relayed.failure() != null) {
      throw relayed.failure();
    }
    return relayed.published();
  }

  private Relayed claimAndPublish() {
    return outbox.claimBatch(
        batchSize,
        batch -> {
          if (batch.isEmpty()) {
            return new Relayed(0, null);
          }
          List<BuildMessage> messages = batch.entries().stream().map(OutboxRelay::message).toList();
          try {
            publisher.publish(messages);
          } catch (CiException e) {
            metrics.brokerError("publish");
            // Recorded on the rows and due again at once: the relay's own backoff paces
            // retries, so builds go out as soon as the broker is back.
            batch.failAll(e.getMessage(), Duration.ZERO);
            return new Relayed(0, e);
          }
          batch.completeAll();
          // A START row is written in its build's own transaction: its time is the build's.
          Instant now = Instant.now();
          batch.entries().stream()
              .filter(e -> e.kind() == OutboxKind.START)
              .forEach(e -> metrics.admissionLag(lag(e.createdAt(), now)));
          return new Relayed(messages.size(), null);
        });
  }

  static Duration lag(Instant createdAt, Instant now) {
    if (createdAt == null) {
      return Duration.ZERO;
    }
    Duration lag = Duration.between(createdAt, now);
    return lag.isNegative() ? Duration.ZERO : lag;
  }

  static Duration next(Duration backoff) {
    Duration doubled = backoff.multipliedBy(2);
    return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
  }

  private record Relayed(int published, CiException failure) {}

  static BuildMessage message(OutboxEntry entry) {
    return new BuildMessage("outbox-" + entry.id(), entry.buildId().toString());
  }

  private void run() {
    Duration backoff = MIN_BACKOFF;
    boolean failing = false;
    while (running) {
      try {
        int published = relayOnce();
        if (failing) {
          log.info("Outbox relay recovered");
          failing = false;
        }
        backoff = MIN_BACKOFF;
        if (published < batchSize) {
          pause(IDLE_POLL, true);
        }
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        if (!failing) {
          log.warn(
              "Outbox relay failing, builds wait in the outbox until it recovers: {}",
              e.getMessage());
          failing = true;
        }
        pause(backoff, false);
        backoff = next(backoff);
      }
    }
  }

  /** Waits until the timeout; a {@link #wake} ends the wait early only if {@code wakeable}. */
  private void pause(Duration timeout, boolean wakeable) {
    synchronized (signal) {
      long deadline = System.nanoTime() + timeout.toNanos();
      try {
        while (running && !(wakeable && woken)) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          signal.wait(Math.max(1, left / 1_000_000));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      }
      woken = false;
    }
  }

  @Override
  public void close() {
    running = false;
    synchronized (signal) {
      signal.notifyAll();
    }
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
