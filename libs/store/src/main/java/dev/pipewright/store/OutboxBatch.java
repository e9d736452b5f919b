package dev.pipewright.store;

import static dev.pipewright.store.Rows.NOW;
import static dev.pipewright.store.jooq.Tables.BUILDS;
import static dev.pipewright.store.jooq.Tables.OUTBOX;

import dev.pipewright.models.BuildStatus;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.types.DayToSecond;

/**
 * Outbox rows locked by one relay inside one transaction (no other relay sees them until it ends).
 * Publish the {@link #entries()}, then {@link #complete} those the broker confirmed and {@link
 * #fail} the others; rows left untouched are retried by a later batch.
 */
public final class OutboxBatch {
  private final DSLContext tx;
  private final List<OutboxEntry> entries;
  private final Set<Long> ids;

  OutboxBatch(DSLContext tx, List<OutboxEntry> entries) {
    this.tx = tx;
    this.entries = List.copyOf(entries);
    this.ids = entries.stream().map(OutboxEntry::id).collect(Collectors.toUnmodifiableSet());
  }

  public List<OutboxEntry> entries() {
    return entries;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /**
   * The broker confirmed these rows: deletes them and moves their builds PENDING → QUEUED (a
   * requeued build is QUEUED already, and a cancelled one stays cancelled).
   *
   * @return how many builds moved to QUEUED
   */
  public int complete(Collection<Long> outboxIds) {
    checkMine(outboxIds);
    if (outboxIds.isEmpty()) {
      return 0;
    }
    List<UUID> builds =
        tx.deleteFrom(OUTBOX)
            .where(OUTBOX.ID.in(outboxIds))
            .returning(OUTBOX.BUILD_ID)
            .fetch(OUTBOX.BUILD_ID);
    if (builds.isEmpty()) {
      return 0;
    }
    return tx.update(BUILDS)
        .set(BUILDS.STATUS, BuildStatus.QUEUED.name())
        .set(BUILDS.QUEUED_AT, NOW)
        .where(BUILDS.ID.in(builds))
        .and(BUILDS.STATUS.eq(BuildStatus.PENDING.name()))
        .execute();
  }

  public int completeAll() {
    return complete(ids);
  }

  /** Publishing these rows failed: counts the attempt, keeps the error, retries after a delay. */
  public void fail(Collection<Long> outboxIds, String error, Duration retryAfter) {
    checkMine(outboxIds);
    if (outboxIds.isEmpty()) {
      return;
    }
    OutboxRepository.recordFailure(tx, outboxIds, error, retryAfter);
  }

  public void failAll(String error, Duration retryAfter) {
    fail(ids, error, retryAfter);
  }

  private void checkMine(Collection<Long> outboxIds) {
    for (Long id : outboxIds) {
      if (!ids.contains(id)) {
        throw new IllegalArgumentException("outbox row " + id + " is not in this batch");
      }
    }
  }

  static DayToSecond interval(Duration duration) {
    return DayToSecond.valueOf(duration.isNegative() ? Duration.ZERO : duration);
  }
}
