package dev.pipewright.store;

import java.time.Instant;
import java.util.UUID;

/** One outbox row: a build to publish to the queue. */
public record OutboxEntry(
    long id, UUID buildId, OutboxKind kind, Instant createdAt, int attempts, String lastError) {}
