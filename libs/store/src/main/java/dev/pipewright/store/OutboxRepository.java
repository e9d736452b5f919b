package dev.pipewright.store;

import static dev.pipewright.store.Rows.NOW;
import static dev.pipewright.store.jooq.Tables.OUTBOX;

import dev.pipewright.models.ErrorCode;
import dev.pipewright.models.RetryPolicy;
import dev.pipewright.store.jooq.tables.records.OutboxRecord;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import org.jooq.DSLContext;

/**
 * The transactional outbox between build creation and the queue. A relay calls {@link #claimBatch}
 * in a loop: the rows it gets are locked ({@code FOR UPDATE SKIP LOCKED}) for the duration of its
 * handler, so concurrent relays never publish the same row twice at once, and completing rows and
 * queueing their builds commit together.
 */
public final class OutboxRepository {
  private final DSLContext dsl;

  public OutboxRepository(DSLContext dsl) {
    this.dsl = Objects.requireNonNull(dsl);
  }

  /**
   * Locks up to {@code limit} due rows (oldest first, skipping rows other relays hold) and runs
   * {@code handler} with them inside the transaction; everything the handler completes or fails
   * commits when it returns. If the handler throws, nothing it did is kept, the attempt is recorded
   * on every row of the batch (with a back-off) and the exception is rethrown.
   */
  public <T> T claimBatch(int limit, Function<OutboxBatch, T> handler) {
    Objects.requireNonNull(handler);
    OutboxBatch[] claimed = new OutboxBatch[1];
    try {
      return StoreErrors.call(
          () ->
              dsl.transactionResult(
                  cfg -> {
                    DSLContext tx = cfg.dsl();
                    List<OutboxEntry> entries =
                        tx.selectFrom(OUTBOX)
                            .where(OUTBOX.AVAILABLE_AT.le(NOW))
                            .orderBy(OUTBOX.ID)
                            .limit(limit)
                            .forUpdate()
                            .skipLocked()
                            .fetch(OutboxRepository::entry);
                    claimed[0] = new OutboxBatch(tx, entries);
                    return handler.apply(claimed[0]);
                  }));
    } catch (RuntimeException e) {
      if (claimed[0] != null && !claimed[0].isEmpty()) {
        try {
          recordHandlerFailure(claimed[0].entries(), e);
        } catch (RuntimeException recording) {
          e.addSuppressed(recording);
        }
      }
      throw e;
    }
  }

  static void enqueue(DSLContext tx, UUID buildId, OutboxKind kind) {
    tx.insertInto(OUTBOX)
        .set(OUTBOX.BUILD_ID, buildId)
        .set(OUTBOX.KIND, kind.name())
        .set(OUTBOX.CREATED_AT, NOW)
        .set(OUTBOX.AVAILABLE_AT, NOW)
        .execute();
  }

  static void recordFailure(
      DSLContext ctx, Collection<Long> ids, String error, Duration retryAfter) {
    ctx.update(OUTBOX)
        .set(OUTBOX.ATTEMPTS, OUTBOX.ATTEMPTS.plus(1))
        .set(OUTBOX.LAST_ERROR, error)
        .set(OUTBOX.AVAILABLE_AT, NOW.plus(OutboxBatch.interval(retryAfter)))
        .where(OUTBOX.ID.in(ids))
        .execute();
  }

  private void recordHandlerFailure(List<OutboxEntry> entries, RuntimeException cause) {
    int attempts = entries.stream().mapToInt(OutboxEntry::attempts).max().orElse(0) + 1;
    // A row must be published in the end, whatever failed: every failure counts as transient.
    Duration backoff = RetryPolicy.backoff(ErrorCode.TRANSIENT, attempts);
    String error = cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
    List<Long> ids = entries.stream().map(OutboxEntry::id).toList();
    StoreErrors.run(() -> recordFailure(dsl, ids, error, backoff));
  }

  private static OutboxEntry entry(OutboxRecord r) {
    return new OutboxEntry(
        r.getId(),
        r.getBuildId(),
        OutboxKind.valueOf(r.getKind()),
        Rows.instant(r.getCreatedAt()),
        r.getAttempts(),
        r.getLastError());
  }
}
